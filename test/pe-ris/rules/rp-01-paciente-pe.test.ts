import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp01PacientePe } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage, validator } from '../fixtures.ts';

test('RP-01: a triage with one PacientePe passes', () => {
  assert.deepEqual(rp01PacientePe.check({ bundle: triage().bundle, validator: validator() }), []);
});

test('RP-01: a patient without birthDate is reported under RP-01 at its place in the Bundle, the validator id in the text', () => {
  const b = clone(triage().bundle);
  delete entry(b, 0).birthDate;
  const findings = rp01PacientePe.check({ bundle: b, validator: validator() });
  assert.ok(findings.length >= 1, JSON.stringify(findings));
  assert.ok(
    findings.every((f) => f.ruleId === 'RP-01' && f.location.startsWith('Bundle.entry[0].resource') && f.locationKind === 'fhirpath'),
    ids(findings).join('\n'),
  );
  assert.match(findings[0]!.message.en, /FHIR-CARDINALITY-MIN/);
  assert.ok(findings[0]!.message.es);
});

test('RP-01: a DNI of seven digits breaks PacientePe (pe-dni-1)', () => {
  const b = clone(triage().bundle);
  (entry(b, 0).identifier as { value: string }[])[0]!.value = '1234567';
  const findings = rp01PacientePe.check({ bundle: b, validator: validator() });
  assert.ok(
    findings.some((f) => f.ruleId === 'RP-01' && /pe-dni-1/.test(f.message.en)),
    ids(findings).join('\n'),
  );
});

test('RP-01: no Patient, or two, is RP-01 at Bundle.entry', () => {
  const b = clone(triage().bundle);
  b.entry = b.entry!.filter((e) => e.resource?.resourceType !== 'Patient');
  assert.deepEqual(ids(rp01PacientePe.check({ bundle: b })), ['RP-01 Bundle.entry']);
  const two = clone(triage().bundle);
  two.entry = [two.entry![0]!, ...two.entry!];
  assert.deepEqual(ids(rp01PacientePe.check({ bundle: two })), ['RP-01 Bundle.entry']);
});

test('RP-01: never throws on something that is not a Bundle', () => {
  for (const x of [null, 42, 'x', {}, { resourceType: 'Bundle', entry: 'no' }, { entry: [null, { resource: 3 }] }]) {
    assert.deepEqual(ids(rp01PacientePe.check({ bundle: x })), ['RP-01 Bundle.entry']);
  }
});
