import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateRpRules, RP_RULES } from '../../../programs/pe-ris/judges/rules/index.ts';
import { checkTriageBundle } from '../../../programs/pe-ris/judges/triage-check.ts';
import { DEFECT_EXPECTATION, plantTriageDefect, type TriageDefect } from '../../../programs/pe-ris/lib/test-data.ts';
import { programById } from '../../../src/programs/registry.ts';
import { triage, validator } from '../fixtures.ts';

test('rules.json lists RP-01…RP-08, each implemented by a named function, plus the RIS contract rules, all in es and en', () => {
  const catalogue = programById('pe-ris')!.loadCatalogue();
  const ids = catalogue.rules.map((r) => r.id);
  assert.deepEqual(
    RP_RULES.map((r) => r.id),
    ['RP-01', 'RP-02', 'RP-03', 'RP-04', 'RP-05', 'RP-06', 'RP-07', 'RP-08'],
  );
  for (const r of RP_RULES) assert.ok(ids.includes(r.id), r.id);
  for (const r of catalogue.rules) {
    assert.ok(r.title.es && r.title.en && r.description.es && r.description.en, r.id);
    assert.ok(
      r.roles?.every((role) => ['sihce', 'qhali', 'engine'].includes(role)),
      r.id,
    );
  }
  assert.ok(catalogue.requirements.some((r) => r.kind === 'profile' && r.id === 'RIS-PRF-TRIAGEBUNDLE'));
});

test('a valid triage passes every rule and the TriageBundle profile', () => {
  const { bundle } = triage();
  assert.deepEqual(evaluateRpRules({ bundle, validator: validator() }), []);
  assert.deepEqual(checkTriageBundle(bundle), []);
});

test("each planted defect of the suite is refused under its rule at its FHIRPath, by the receiver's full check", () => {
  const t = triage('defects', 'female');
  for (const [defect, expected] of Object.entries(DEFECT_EXPECTATION)) {
    const findings = checkTriageBundle(plantTriageDefect(t.bundle, defect as TriageDefect, t.person));
    assert.ok(
      findings.some((f) => f.ruleId === expected.ruleId && f.location.startsWith(expected.at)),
      `${defect}: ${findings.map((f) => `${f.ruleId} ${f.location}`).join('; ')}`,
    );
  }
});

test('evaluateRpRules can switch a rule off (planted defects of the reference receivers)', () => {
  const t = triage('skip', 'female', { consent: false });
  assert.ok(evaluateRpRules({ bundle: t.bundle }).some((f) => f.ruleId === 'RP-07'));
  assert.ok(!evaluateRpRules({ bundle: t.bundle }, { skip: ['RP-07'] }).some((f) => f.ruleId === 'RP-07'));
});
