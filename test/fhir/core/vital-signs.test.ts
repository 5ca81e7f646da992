/**
 * Vital signs implied by the code (R4/observation-vitalsigns.html): an Observation of a vital sign is held to that
 * sign's profile without claiming it, by LOINC or SNOMED CT code, as the HL7 validator does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFhirValidator } from '../../../src/fhir/index.ts';
import { impliedVitalSignsProfile } from '../../../src/fhir/validator/spec-rules/vital-signs.ts';

const v = createFhirValidator();
const VITAL = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] };
const temperature = (code: Record<string, unknown>, category?: unknown) => ({
  resourceType: 'Observation',
  status: 'final',
  ...(category ? { category: [category] } : {}),
  code,
  subject: { reference: 'Patient/p' },
  effectiveDateTime: '2026-01-01T10:00:00Z',
  valueQuantity: { value: 38.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
});
const errors = (r: unknown) => v.validate(r).filter((f) => f.severity === 'error' || f.severity === 'fatal');

test('the code implies the profile: LOINC first, then SNOMED CT, nothing for other codes', () => {
  assert.equal(impliedVitalSignsProfile({ code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } }), 'http://hl7.org/fhir/StructureDefinition/bodytemp');
  assert.equal(impliedVitalSignsProfile({ code: { coding: [{ system: 'http://snomed.info/sct', code: '276885007' }] } }), 'http://hl7.org/fhir/StructureDefinition/bodytemp');
  assert.equal(impliedVitalSignsProfile({ code: { coding: [{ system: 'http://loinc.org', code: '56839-4' }] } }), undefined);
});

test('a body temperature without the vital-signs category fails its implied profile; with it, it holds', () => {
  const loinc = { coding: [{ system: 'http://loinc.org', code: '8310-5' }] };
  assert.ok(errors(temperature(loinc)).some((f) => f.message.en.includes('bodytemp')));
  assert.deepEqual(errors(temperature(loinc, VITAL)), []);
  assert.ok(v.validate(temperature(loinc, VITAL)).some((f) => f.ruleId === 'FHIR-VITAL-SIGNS' && f.severity === 'information'));
});

test('a SNOMED CT body temperature without the LOINC code fails bodytemp, as the reference has it', () => {
  const sct = { coding: [{ system: 'http://snomed.info/sct', code: '276885007' }] };
  assert.ok(errors(temperature(sct, VITAL)).length > 0);
});

test('a vital sign component in a unit outside Vital Signs Units is not an error (the published binding is extensible)', () => {
  const fio2 = {
    ...temperature({ coding: [{ system: 'http://loinc.org', code: '2708-6' }] }, VITAL),
    valueQuantity: { value: 95, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    component: [{ code: { coding: [{ system: 'http://loinc.org', code: '3151-8' }] }, valueQuantity: { value: 6, unit: 'L/min', system: 'http://unitsofmeasure.org', code: 'L/min' } }],
  };
  assert.deepEqual(
    errors(fio2).map((f) => f.ruleId),
    [],
  );
});
