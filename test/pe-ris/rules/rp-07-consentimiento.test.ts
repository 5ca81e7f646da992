import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp07Consentimiento } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

test('RP-07: an active permitting Consent of the patient passes', () => {
  assert.deepEqual(rp07Consentimiento.check({ bundle: triage().bundle }), []);
});

test('RP-07: no triage without Consent', () => {
  const { bundle } = triage('sin', 'female', { consent: false });
  const findings = rp07Consentimiento.check({ bundle });
  assert.deepEqual(ids(findings), ['RP-07 Bundle.entry']);
  assert.equal(findings[0]!.code, 'required');
});

test("RP-07: a Consent that is not active, denies, or is someone else's is RP-07 at that element", () => {
  const inactive = clone(triage().bundle);
  entry(inactive, 7).status = 'inactive';
  assert.deepEqual(ids(rp07Consentimiento.check({ bundle: inactive })), ['RP-07 Bundle.entry[7].resource.status']);
  const deny = clone(triage().bundle);
  entry(deny, 7).provision = { type: 'deny' };
  assert.deepEqual(ids(rp07Consentimiento.check({ bundle: deny })), ['RP-07 Bundle.entry[7].resource.provision.type']);
  const other = clone(triage().bundle);
  entry(other, 7).patient = { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' };
  assert.deepEqual(ids(rp07Consentimiento.check({ bundle: other })), ['RP-07 Bundle.entry[7].resource.patient']);
});
