import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cie10Catalogue, normaliseCie10, rp04Cie10 } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

const LOC = 'Bundle.entry[4].resource.code.coding[0].code';
const withCode = (code: string, sexo: 'female' | 'male' = 'female', birthDate?: string) => {
  const b = clone(triage(`cie:${sexo}`, sexo).bundle);
  (entry(b, 4).code as { coding: { code: string }[] }).coding[0]!.code = code;
  if (birthDate) entry(b, 0).birthDate = birthDate;
  return b;
};

test('RP-04: J06.9 and its undotted form J069 exist and fit anyone', () => {
  assert.equal(normaliseCie10('J069'), 'J06.9');
  assert.equal(normaliseCie10('I10'), 'I10');
  assert.equal(normaliseCie10('j06.9'), undefined);
  for (const code of ['J06.9', 'J069', 'A90', 'R51']) assert.deepEqual(rp04Cie10.check({ bundle: withCode(code) }), [], code);
});

test('RP-04: a code of a listed category that does not exist is RP-04 (code-invalid), listing the real ones', () => {
  const findings = rp04Cie10.check({ bundle: withCode('J06.7') });
  assert.deepEqual(ids(findings), [`RP-04 ${LOC}`]);
  assert.equal(findings[0]!.code, 'code-invalid');
  assert.match(findings[0]!.message.en, /J06\.0, J06\.8, J06\.9/);
});

test('RP-04: a category Sello does not list is checked for shape only', () => {
  assert.deepEqual(rp04Cie10.check({ bundle: withCode('E11.9') }), []);
  assert.deepEqual(ids(rp04Cie10.check({ bundle: withCode('XYZ') })), [`RP-04 ${LOC}`]);
});

test('RP-04: a code for the other sex is RP-04 (N40 for a woman, N94.6 for a man)', () => {
  assert.deepEqual(ids(rp04Cie10.check({ bundle: withCode('N40', 'female') })), [`RP-04 ${LOC}`]);
  assert.deepEqual(rp04Cie10.check({ bundle: withCode('N40', 'male') }), []);
  assert.deepEqual(ids(rp04Cie10.check({ bundle: withCode('N94.6', 'male') })), [`RP-04 ${LOC}`]);
});

test("RP-04: ages are taken on the condition's recorded date: perinatal P07.3 is not an adult's, O20.0 not a child's", () => {
  const adult = rp04Cie10.check({ bundle: withCode('P07.3') });
  assert.deepEqual(ids(adult), [`RP-04 ${LOC}`]);
  assert.match(adult[0]!.message.en, /ages 0–0/);
  assert.deepEqual(rp04Cie10.check({ bundle: withCode('P07.3', 'female', '2025-02-01') }), [], 'six weeks old on 2025-03-14');
  assert.deepEqual(ids(rp04Cie10.check({ bundle: withCode('O20.0', 'female', '2019-01-01') })), [`RP-04 ${LOC}`]);
  assert.deepEqual(rp04Cie10.check({ bundle: withCode('O20.0', 'female', '1995-01-01') }), []);
});

test('RP-04: a Condition without a CIE-10 coding is RP-04 at its code', () => {
  const b = clone(triage().bundle);
  (entry(b, 4).code as { coding: { system: string }[] }).coding[0]!.system = 'http://snomed.info/sct';
  assert.deepEqual(ids(rp04Cie10.check({ bundle: b })), ['RP-04 Bundle.entry[4].resource.code']);
});

test('RP-04: every listed category is complete and well formed', () => {
  for (const [category, c] of Object.entries(cie10Catalogue())) {
    assert.match(category, /^[A-Z]\d{2}$/);
    for (const code of Object.keys(c.codes)) assert.ok(code === category || code.startsWith(`${category}.`), code);
  }
});
