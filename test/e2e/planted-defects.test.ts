import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allFindings, latestReport, runSello, tempDir } from './sello-process.ts';

// A suite that cannot fail certifies nothing: each defect planted in a reference node must turn the
// verdict to NOT CERTIFIABLE, exit 3, and be blamed on the rule it breaks.

test('IMSS accepting a CURP with a wrong check digit fails RN-01', async () => {
  const out = await tempDir('sello-defect-');
  const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@RN-01 and @imss', '--plant-fault', 'IMSS:skip-RN-01']);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const report = await latestReport(out);
  assert.equal(report.verdict, 'FAILED', 'a tag-limited run is a partial run');
  assert.equal(report.rules.find((r) => r.id === 'RN-01')?.verdict, 'failed');
  const findings = allFindings(report).filter((f) => f.ruleId === 'RN-01');
  assert.ok(findings.length >= 2, `expected RN-01 findings, got ${JSON.stringify(allFindings(report))}`);
  assert.ok(
    findings.every((f) => f.location.startsWith('/curp') || f.location.startsWith('/acuse')),
    JSON.stringify(findings),
  );
});

test('ISSSTE echoing the wrong message id fails PGS-API-02 in every ISSSTE scenario', async () => {
  const out = await tempDir('sello-defect-');
  const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@issste and @RN-05', '--plant-fault', 'ISSSTE:echo-wrong-message-id']);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const report = await latestReport(out);
  assert.ok(report.totals.failed > 0);
  const echo = allFindings(report).filter((f) => f.ruleId === 'PGS-API-02');
  assert.ok(echo.length > 0);
  assert.equal(echo[0]?.location, '/acuse/messageId');
});

test('IMSS never reporting to the central index fails RN-09 after the bounded wait', async () => {
  const out = await tempDir('sello-defect-');
  const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@RN-09 and @imss and not @ssa', '--plant-fault', 'IMSS:skip-index-notification']);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const report = await latestReport(out);
  assert.equal(report.rules.find((r) => r.id === 'RN-09')?.verdict, 'failed');
  assert.ok(allFindings(report).some((f) => f.ruleId === 'RN-09' && f.location === '/afiliaciones'));
});

test('a node that accepts duplicates fails RN-05 and the unaffected rules still pass', async () => {
  const out = await tempDir('sello-defect-');
  const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@ssa and (@RN-05 or @RN-10)', '--plant-fault', 'SSA:skip-RN-05']);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const report = await latestReport(out);
  assert.equal(report.rules.find((r) => r.id === 'RN-05')?.verdict, 'failed');
  assert.equal(report.rules.find((r) => r.id === 'RN-10')?.verdict, 'passed');
});
