import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

/*
 * The example program of the README ("Adding a program") is a folder outside programs.json: `--program <folder>`
 * runs it with no shared file edited. It must certify its reference server, fail ECHO-01 on the planted fault, and
 * certify a server started separately and named in a target file.
 */
const EXAMPLE = 'test/fixtures/programs/xx-echo';

test('the example program certifies its reference server and fails ECHO-01 on a planted fault', async () => {
  const out = await tempDir('sello-example-');
  try {
    const clean = await runSello(['run', '--program', EXAMPLE, '--quiet', '--out', out]);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    const ok = await latestReport(out);
    assert.equal(ok.verdict, 'CERTIFIABLE');
    assert.equal(ok.totals.passed, 1);

    const planted = await runSello(['run', '--program', EXAMPLE, '--quiet', '--out', out, '--plant-fault', 'xx-echo/server:shout']);
    assert.equal(planted.code, 3, planted.stdout + planted.stderr);
    const ko = await latestReport(out);
    assert.equal(ko.verdict, 'NOT CERTIFIABLE', 'a whole-program run keeps the certification verdict');
    assert.deepEqual(
      ko.rules.filter((r) => r.verdict === 'failed').map((r) => r.id),
      ['ECHO-01'],
    );
  } finally {
    await removeTempDir(out);
  }
});

test('the example program certifies a server of its own named in a target file', async () => {
  const out = await tempDir('sello-example-target-');
  const port = await freePort();
  const server = await startSelloMocks(['--program', EXAMPLE, '--port', String(port)]);
  try {
    const target = join(out, 'target.yaml');
    await writeFile(target, `program: xx-echo\nsut:\n  role: server\n  baseUrl: http://127.0.0.1:${port}\n`);
    const run = await runSello(['run', '--program', EXAMPLE, '--target', target, '--quiet', '--out', out]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = await latestReport(out);
    assert.equal(report.sut.kind, 'external');
    assert.equal(report.verdict, 'CERTIFIABLE');
    // The exchange on the record went to the target's server, not to a reference started by the steps.
    const exchanges = (await readFile(join(out, 'latest', 'evidence', 'exchanges.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { url?: string; request?: { url?: string } });
    assert.equal(exchanges.length, 1);
    assert.match(JSON.stringify(exchanges[0]), new RegExp(`127\\.0\\.0\\.1:${port}/echo`));
  } finally {
    await server.stop();
    await removeTempDir(out);
  }
});
