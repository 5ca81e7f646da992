import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

// A program whose evidence the redactor cannot read (the example program's echoes are free text with no field that
// says whose it is) would leave a half-redacted directory that looks safe to share: the run is refused before anything
// runs, and says what to do instead. Every program of the registry is redactable (test/e2e/redact-grep.test.ts).
test('--redact is refused (exit 4) for a program whose evidence the redactor cannot read', async () => {
  const out = await tempDir('sello-redact-');
  try {
    const refused = await runSello(['run', '--program', 'test/fixtures/programs/xx-echo', '--quiet', '--redact', '--out', out]);
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /--redact cannot pseudonymize the evidence of xx-echo yet \(README\); run without --redact and keep the directory private/);
    assert.deepEqual(await readdir(out), [], 'nothing ran');
  } finally {
    await removeTempDir(out);
  }
});
