import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { allureResultsDirs } from '../../scripts/allure-report.ts';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

interface AllureResult {
  uuid: string;
  fullName: string;
  labels: { name: string; value: string }[];
}

// `npm run report:allure` builds one report from every program's allure-results of a certification: each program's
// results must be there, in its own directory, labelled with the program, none overwriting another's. No Java needed.
// Run without --quiet, as `npm start` runs: the console's progress formatter must not displace the Allure reporter.
test('a run over every program leaves allure-results for each, labelled per program, that one Allure report can combine', async () => {
  const dir = await tempDir('sello-allure-');
  try {
    const out = join(dir, 'out');
    const run = await runSello(['run', '--out', out, '--tags', '@RIS-FLOW-01.2 or @PGS-API-02 or @RR-10.1 or @RE-14.3']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const cert = join(out, (await readdir(out)).find((n) => n !== 'latest') ?? '');
    const certification = JSON.parse(await readFile(join(cert, 'certification.json'), 'utf8')) as { programs: { program: string; directory: string; totals: { scenarios: number } }[] };
    assert.deepEqual(
      certification.programs.map((p) => p.program),
      ['mx-pgs', 'pe-ris', 'ru-egisz', 'mx-ece'],
    );
    // The programs ran side by side (one per core), yet each one's console block is whole and in the registry's order.
    const blocks = certification.programs.map((p) => [run.stdout.indexOf(`== ${p.program}:`), run.stdout.indexOf(`Report: ${join(cert, p.directory, 'report.html')}`)]);
    const bounds = blocks.flat();
    assert.ok(
      bounds.every((at, i) => at >= 0 && (i === 0 || at > bounds[i - 1]!)),
      `each program's block whole and in order: ${JSON.stringify(blocks)}\n${run.stdout}`,
    );

    assert.deepEqual([...allureResultsDirs(cert)].sort(), certification.programs.map((p) => join(cert, p.directory, 'allure-results')).sort());
    const uuids = new Set<string>();
    for (const p of certification.programs) {
      const resultsDir = join(cert, p.directory, 'allure-results');
      const files = (await readdir(resultsDir)).filter((f) => f.endsWith('-result.json'));
      assert.equal(files.length, p.totals.scenarios, `${p.program}: one allure result per scenario`);
      for (const f of files) {
        const r = JSON.parse(await readFile(join(resultsDir, f), 'utf8')) as AllureResult;
        uuids.add(r.uuid);
        const label = (name: string) => r.labels.filter((l) => l.name === name).map((l) => l.value);
        assert.deepEqual([label('parentSuite'), label('epic')], [[p.program], [p.program]], `${p.program}: ${r.fullName}`);
        assert.match(r.fullName, new RegExp(`programs/${p.program}/features/`));
      }
    }
    const total = certification.programs.reduce((n, p) => n + p.totals.scenarios, 0);
    assert.ok(total >= 2);
    assert.equal(uuids.size, total, 'no result of one program shares its uuid with another');

    // The combined report sits at the certification root, built after signing: verify ignores it there too.
    for (const report of [join(cert, 'allure-report', 'data'), join(cert, 'mx-pgs', 'allure-report')]) {
      await mkdir(report, { recursive: true });
      await writeFile(join(report, 'index.html'), '<html></html>');
    }
    const verify = await runSello(['verify', cert]);
    assert.equal(verify.code, 6, verify.stdout);
    assert.match(verify.stdout, /root files: 1 listed \(index\.html\), 0 altered, 0 missing, 0 not in the signed list/);
    assert.match(verify.stdout, /Result: INTACT-UNATTRIBUTED/);
  } finally {
    await removeTempDir(dir);
  }
});
