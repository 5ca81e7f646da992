/**
 * ElementDefinition.minValue[x] / maxValue[x] on instances: each limit shown failing on a value outside it and
 * passing on one inside, with the comparisons the check rests on (UCUM conversion, date precisions, Durations).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFhirValidator } from '../../../src/fhir/index.ts';
import { convertUcum, ucumIncompatible } from '../../../src/fhir/validator/ucum.ts';
import { compareDates, compareQuantities, shiftedNow } from '../../../src/fhir/validator/value-range.ts';

const PATIENT = 'http://sello.test/fhir/StructureDefinition/range-patient';
const OBSERVATION = 'http://sello.test/fhir/StructureDefinition/range-observation';

const v = createFhirValidator();
v.registry.add({
  resourceType: 'StructureDefinition',
  url: PATIENT,
  name: 'RangePatient',
  status: 'active',
  kind: 'resource',
  abstract: false,
  type: 'Patient',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
  derivation: 'constraint',
  differential: {
    element: [
      { id: 'Patient.birthDate', path: 'Patient.birthDate', minValueDate: '2000-01-01', maxValueQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: 'a' } },
      { id: 'Patient.multipleBirth[x]', path: 'Patient.multipleBirth[x]', type: [{ code: 'integer' }], minValueInteger: 1, maxValueInteger: 5 },
    ],
  },
});
v.registry.add({
  resourceType: 'StructureDefinition',
  url: OBSERVATION,
  name: 'RangeObservation',
  status: 'active',
  kind: 'resource',
  abstract: false,
  type: 'Observation',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
  derivation: 'constraint',
  differential: {
    element: [
      { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Quantity' }] },
      {
        path: 'Observation.valueQuantity',
        minValueQuantity: { value: 0, system: 'http://unitsofmeasure.org', code: 'kg' },
        maxValueQuantity: { value: 10, system: 'http://unitsofmeasure.org', code: 'kg' },
      },
    ],
  },
});

const rules = (resource: Record<string, unknown>, profile: string): string[] =>
  v
    .validate(resource, { profile })
    .filter((f) => f.ruleId === 'FHIR-MIN-VALUE' || f.ruleId === 'FHIR-MAX-VALUE')
    .map((f) => `${f.severity} ${f.ruleId} ${f.location}`);

const obs = (valueQuantity: Record<string, unknown>) => ({ resourceType: 'Observation', status: 'final', code: { text: 'weight' }, valueQuantity });

test('a date below minValueDate is an error; on or after it is not', () => {
  assert.deepEqual(rules({ resourceType: 'Patient', birthDate: '1999-12-31' }, PATIENT), ['error FHIR-MIN-VALUE Patient.birthDate']);
  assert.deepEqual(rules({ resourceType: 'Patient', birthDate: '2000-01-01' }, PATIENT), []);
  // a year alone neither precedes nor follows the limit's day in it
  assert.deepEqual(rules({ resourceType: 'Patient', birthDate: '2000' }, PATIENT), []);
});

test('a Duration maxValue on a date bounds it relative to now', () => {
  assert.deepEqual(rules({ resourceType: 'Patient', birthDate: '2200-01-01' }, PATIENT), ['error FHIR-MAX-VALUE Patient.birthDate']);
  const d = shiftedNow({ value: 1, system: 'http://unitsofmeasure.org', code: 'a' }, 1, new Date('2026-03-01T00:00:00Z'));
  assert.equal(d?.toISOString().slice(0, 10), '2027-03-01');
  assert.equal(shiftedNow({ value: 1, code: 'a', comparator: '<' }, 1), undefined);
});

test('integers outside minValueInteger / maxValueInteger', () => {
  assert.deepEqual(rules({ resourceType: 'Patient', multipleBirthInteger: 0 }, PATIENT), ['error FHIR-MIN-VALUE Patient.multipleBirth.ofType(integer)']);
  assert.deepEqual(rules({ resourceType: 'Patient', multipleBirthInteger: 6 }, PATIENT), ['error FHIR-MAX-VALUE Patient.multipleBirth.ofType(integer)']);
  assert.deepEqual(rules({ resourceType: 'Patient', multipleBirthInteger: 5 }, PATIENT), []);
});

test('quantities are compared after UCUM conversion; units that cannot be compared are only warned', () => {
  assert.deepEqual(rules(obs({ value: -1, system: 'http://unitsofmeasure.org', code: 'g' }), OBSERVATION), ['error FHIR-MIN-VALUE Observation.value.ofType(Quantity)']);
  assert.deepEqual(rules(obs({ value: 11000, system: 'http://unitsofmeasure.org', code: 'g' }), OBSERVATION), ['error FHIR-MAX-VALUE Observation.value.ofType(Quantity)']);
  assert.deepEqual(rules(obs({ value: 9000, system: 'http://unitsofmeasure.org', code: 'g' }), OBSERVATION), []);
  assert.deepEqual(rules(obs({ value: 3, system: 'http://unitsofmeasure.org', code: 'm' }), OBSERVATION), [
    'warning FHIR-MIN-VALUE Observation.value.ofType(Quantity)',
    'warning FHIR-MAX-VALUE Observation.value.ofType(Quantity)',
  ]);
});

test('UCUM subset: prefixes, customary units, quotients and dimensions', () => {
  assert.equal(convertUcum(1, 'kg', 'g'), 1000);
  assert.ok(Math.abs(convertUcum(1, '[lb_av]', 'kg')! - 0.45359237) < 1e-12);
  assert.ok(Math.abs(convertUcum(1, 'mg/dL', 'g/L')! - 0.01) < 1e-12);
  assert.equal(convertUcum(1, 'kg', 'm'), undefined);
  assert.ok(ucumIncompatible('kg', '[mi_i]'));
  assert.equal(convertUcum(1, 'Cel', 'K'), undefined);
  assert.deepEqual(compareQuantities({ value: 5, unit: 'Kg' }, { value: 10, unit: 'Kg' }), { order: -1 });
  assert.deepEqual(compareQuantities({ value: 5, unit: 'Kg' }, { value: 10, unit: 'lb' }), { reason: 'no-units' });
});

test('date comparison follows precision', () => {
  assert.equal(compareDates('2022-06-30', '2022-06'), undefined);
  assert.equal(compareDates('2022-07', '2022-06'), 1);
  assert.equal(compareDates('2022-06-30T10:00:00Z', '2022-06-30T09:00:00-02:00'), -1);
});
