import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allFindings, latestReport, runSello, tempDir } from './sello-process.ts';

// A suite that cannot fail certifies nothing: a defect planted in each pe-ris reference role must turn the verdict to
// NOT CERTIFIABLE, exit 3, and be blamed on the rule it breaks.

async function planted(tags: string, fault: string) {
  const out = await tempDir('sello-pe-defect-');
  const result = await runSello(['run', '--program', 'pe-ris', '--quiet', '--out', out, '--tags', tags, '--plant-fault', fault]);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const report = await latestReport(out);
  assert.equal(report.verdict, 'FAILED', 'a tag-limited run is a partial run');
  return report;
}

test('SIHCE notifying each status change twice fails RIS-NOT-02, judged on its own leg, not blamed on Qhali', async () => {
  const report = await planted('@RIS-FLOW-01 and @sihce', 'sihce:notify-twice');
  assert.equal(report.rules.find((r) => r.id === 'RIS-NOT-02')?.verdict, 'failed');
  const twice = allFindings(report).filter((f) => f.ruleId === 'RIS-NOT-02');
  assert.ok(
    twice.some((f) => f.location.startsWith('Bundle.entry[0].resource')),
    JSON.stringify(twice),
  );
  // Qhali told the citizen each event it got: the duplicate is SIHCE's (the root cause), not a finding against Qhali.
  assert.ok(
    twice.every((f) => (f as { role?: string }).role === 'sihce'),
    JSON.stringify(twice),
  );
  assert.ok(!allFindings(report).some((f) => f.ruleId.startsWith('RP-')), 'no triage rule is blamed');
});

test('the engine dropping the DNI check character from PID-3 fails RP-02 at PID-3.2', async () => {
  const report = await planted('@RIS-V2-04', 'engine:drop-dni-check');
  assert.equal(report.rules.find((r) => r.id === 'RP-02')?.verdict, 'failed');
  const findings = allFindings(report).filter((f) => f.ruleId === 'RP-02');
  assert.ok(findings.length > 0 && findings.every((f) => f.location === 'PID-3.2'), JSON.stringify(findings));
});

test('Qhali accepting out-of-order and repeated notifications fails RIS-NOT-02', async () => {
  const report = await planted('@qhali and @RIS-NOT-02', 'qhali:accept-out-of-order');
  assert.equal(report.rules.find((r) => r.id === 'RIS-NOT-02')?.verdict, 'failed');
  assert.ok(allFindings(report).some((f) => f.ruleId === 'RIS-NOT-02' && f.location === '/avisos'));
});

test('SIHCE accepting a triage without consent fails RP-07 at Bundle.entry, and the other rules still pass', async () => {
  const report = await planted('@sihce and (@RP-07 or @RP-08)', 'sihce:skip-RP-07');
  assert.equal(report.rules.find((r) => r.id === 'RP-07')?.verdict, 'failed');
  assert.equal(report.rules.find((r) => r.id === 'RP-08')?.verdict, 'passed');
  assert.ok(allFindings(report).some((f) => f.ruleId === 'RP-07' && f.location === 'Bundle.entry'));
});

test('the engine retrying nothing while Qhali is down fails RIS-NOT-01', async () => {
  const report = await planted('@engine and @RIS-NOT-01', 'engine:no-retry');
  assert.equal(report.rules.find((r) => r.id === 'RIS-NOT-01')?.verdict, 'failed');
});
