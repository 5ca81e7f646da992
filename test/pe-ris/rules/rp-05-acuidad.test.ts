import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp05Acuidad } from '../../../programs/pe-ris/judges/rules/index.ts';
import { SYSTEM } from '../../../programs/pe-ris/lib/constants.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

const acuityValue = (b: ReturnType<typeof clone>) => entry(b, 2).valueCodeableConcept as { coding: { system: string; code: string }[] };

test('RP-05: an NTS 042 priority passes; so do Manchester and ESI with their own systems', () => {
  assert.deepEqual(rp05Acuidad.check({ bundle: triage().bundle }), []);
  const m = clone(triage().bundle);
  acuityValue(m).coding[0] = { system: SYSTEM.manchester, code: 'orange' };
  assert.deepEqual(rp05Acuidad.check({ bundle: m }), []);
  const e = clone(triage().bundle);
  acuityValue(e).coding[0] = { system: SYSTEM.esi, code: '2' };
  assert.deepEqual(rp05Acuidad.check({ bundle: e }), []);
});

test('RP-05: no acuity Observation is RP-05 at Bundle.entry', () => {
  const b = clone(triage().bundle);
  b.entry!.splice(2, 1);
  assert.deepEqual(ids(rp05Acuidad.check({ bundle: b })), ['RP-05 Bundle.entry']);
});

test('RP-05: two acuity Observations is RP-05 at the second', () => {
  const b = clone(triage().bundle);
  b.entry!.splice(3, 0, structuredClone(b.entry![2]!));
  assert.deepEqual(ids(rp05Acuidad.check({ bundle: b })), ['RP-05 Bundle.entry[3].resource']);
});

test('RP-05: an acuity in free text only, in another system, or with a code outside its scale is RP-05', () => {
  const text = clone(triage().bundle);
  delete entry(text, 2).valueCodeableConcept;
  entry(text, 2).valueString = 'urgente';
  assert.deepEqual(ids(rp05Acuidad.check({ bundle: text })), ['RP-05 Bundle.entry[2].resource.value']);
  const other = clone(triage().bundle);
  acuityValue(other).coding[0] = { system: 'http://example.org/prioridad', code: 'II' };
  assert.deepEqual(ids(rp05Acuidad.check({ bundle: other })), ['RP-05 Bundle.entry[2].resource.value.coding']);
  const v = clone(triage().bundle);
  acuityValue(v).coding[0]!.code = 'V';
  assert.deepEqual(ids(rp05Acuidad.check({ bundle: v })), ['RP-05 Bundle.entry[2].resource.value.coding[0].code']);
});
