import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

// ru-egisz's evidence is SOAP XML with the CDA in base64, which the redactor does not read: a half-redacted directory
// would look safe to share. The run is refused before anything runs, and says what to do instead.
test('--redact is refused (exit 4) for a program whose evidence the redactor cannot read, alone and in a certification', async () => {
  const out = await tempDir('sello-redact-');
  try {
    const one = await runSello(['run', '--program', 'ru-egisz', '--quiet', '--redact', '--out', out, '--tags', '@RR-10.1']);
    assert.equal(one.code, 4, one.stdout + one.stderr);
    assert.match(one.stderr, /--redact cannot pseudonymize the evidence of ru-egisz/);
    const ece = await runSello(['run', '--program', 'mx-ece', '--quiet', '--redact', '--out', out, '--tags', '@RE-14.3']);
    assert.equal(ece.code, 4, ece.stdout + ece.stderr);
    assert.match(ece.stderr, /--redact cannot pseudonymize the evidence of mx-ece/);
    const all = await runSello(['run', '--quiet', '--redact', '--out', out, '--tags', '@RR-10.1 or @PGS-API-02']);
    assert.equal(all.code, 4, all.stdout + all.stderr);
    assert.match(all.stderr, /run the other programs with --program, or without --redact/);
    assert.deepEqual(await readdir(out), [], 'nothing ran');
  } finally {
    await removeTempDir(out);
  }
});
