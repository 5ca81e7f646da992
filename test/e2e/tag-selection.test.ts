import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latestReport, removeTempDir, runSello, tempDir } from './sello-process.ts';

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
    assert.match(all.stderr, /in mx-pgs, pe-ris, ru-egisz/);
  } finally {
    await removeTempDir(out);
  }
});

test('a run limited by tags is a partial run: PASSED and exit 0 when every selected scenario passed, FAILED and exit 3 on a defect', async () => {
  const out = await tempDir('sello-tags-');
  try {
    const ok = await runSello(['run', '--program', 'pe-ris', '--quiet', '--out', out, '--tags', '@RP-01']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const passed = (await latestReport(out)) as Awaited<ReturnType<typeof latestReport>> & { selection?: { tags: string } };
    assert.equal(passed.verdict, 'PASSED');
    assert.deepEqual(passed.selection, { tags: '@RP-01' });
    assert.match(ok.stdout, /partial run limited by --tags @RP-01: not a certification verdict/);
    const ko = await runSello(['run', '--program', 'test/fixtures/programs/xx-echo', '--quiet', '--out', out, '--tags', '@ECHO-01', '--plant-fault', 'server:shout']);
    assert.equal(ko.code, 3, ko.stdout + ko.stderr);
    assert.equal((await latestReport(out)).verdict, 'FAILED');
  } finally {
    await removeTempDir(out);
  }
});
