import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp08Referencias } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

test('RP-08: the urn:uuid references of a triage all resolve; the Task owner is a logical reference', () => {
  assert.deepEqual(rp08Referencias.check({ bundle: triage().bundle }), []);
});

test('RP-08: a reference to nothing in the Bundle is RP-08 at that reference', () => {
  const b = clone(triage().bundle);
  (entry(b, 1).subject as { reference: string }).reference = 'urn:uuid:00000000-0000-4000-8000-000000000000';
  const findings = rp08Referencias.check({ bundle: b });
  assert.deepEqual(ids(findings), ['RP-08 Bundle.entry[1].resource.subject.reference']);
  assert.equal(findings[0]!.code, 'not-found');
});

test('RP-08: references inside arrays get their index; Type/id resolves against entries with that id', () => {
  const b = clone(triage().bundle);
  (entry(b, 6).target as { reference: string }[])[1]!.reference = 'Observation/xyz';
  assert.deepEqual(ids(rp08Referencias.check({ bundle: b })), ['RP-08 Bundle.entry[6].resource.target[1].reference']);
  entry(b, 3).id = 'xyz';
  assert.deepEqual(rp08Referencias.check({ bundle: b }), []);
});

test('RP-08: contained references (#…) are not Bundle references', () => {
  const b = clone(triage().bundle);
  (entry(b, 1).subject as { reference: string }).reference = '#p1';
  assert.deepEqual(rp08Referencias.check({ bundle: b }), []);
});
