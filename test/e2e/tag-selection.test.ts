import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

test('a tag expression that does not parse is a usage error (exit 4) with the reason, before anything runs', async () => {
  const out = await tempDir('sello-tags-');
  try {
    const run = await runSello(['run', '--program', 'pe-ris', '--quiet', '--out', out, '--tags', '@RP-01 and (']);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stderr, /--tags "@RP-01 and \(" is not a tag expression: /);
  } finally {
    await removeTempDir(out);
  }
});

test('a tag expression that matches no scenario is a usage error (exit 4), for one program and across programs', async () => {
  const out = await tempDir('sello-tags-');
  try {
    const one = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@no-such-tag']);
    assert.equal(one.code, 4, one.stdout + one.stderr);
    assert.match(one.stderr, /no scenario matches --tags "@no-such-tag" in mx-pgs/);
    const all = await runSello(['run', '--quiet', '--out', out, '--tags', '@no-such-tag']);
    assert.equal(all.code, 4, all.stdout + all.stderr);
    assert.match(all.stderr, /in mx-pgs, pe-ris/);
  } finally {
    await removeTempDir(out);
  }
});
