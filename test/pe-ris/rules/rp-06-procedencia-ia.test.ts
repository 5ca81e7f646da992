import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp06ProcedenciaIa } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

test('RP-06: every Observation and Condition is a target of the AI Provenance', () => {
  assert.deepEqual(rp06ProcedenciaIa.check({ bundle: triage().bundle }), []);
});

test('RP-06: without the Provenance, each AI-generated resource is RP-06 at its entry', () => {
  const b = clone(triage().bundle);
  b.entry = b.entry!.filter((e) => e.resource?.resourceType !== 'Provenance');
  assert.deepEqual(ids(rp06ProcedenciaIa.check({ bundle: b })), ['RP-06 Bundle.entry[2].resource', 'RP-06 Bundle.entry[3].resource', 'RP-06 Bundle.entry[4].resource']);
});

test('RP-06: a symptom left out of the targets is RP-06 at that symptom', () => {
  const b = clone(triage().bundle);
  (entry(b, 6).target as unknown[]).splice(1, 1);
  assert.deepEqual(ids(rp06ProcedenciaIa.check({ bundle: b })), ['RP-06 Bundle.entry[3].resource']);
});

test('RP-06: a Provenance whose agent is the patient, not a Device, does not count', () => {
  const b = clone(triage().bundle);
  const agent = (entry(b, 6).agent as { who: Record<string, unknown> }[])[0]!;
  agent.who = { reference: b.entry![0]!.fullUrl, type: 'Patient' };
  const findings = ids(rp06ProcedenciaIa.check({ bundle: b }));
  assert.ok(findings.includes('RP-06 Bundle.entry[6].resource.agent'), findings.join('\n'));
  assert.ok(findings.includes('RP-06 Bundle.entry[2].resource'));
});
