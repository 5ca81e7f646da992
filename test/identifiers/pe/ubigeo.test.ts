import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/findings/finding.ts';
import { generateUbigeo, loadUbigeoCatalogue, UBIGEO_DEPARTMENTS, validateUbigeo } from '../../../src/identifiers/pe/ubigeo.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);

test('Cajamarca districts of the shipped INEI subset are valid', () => {
  for (const code of ['060101', '060108', '060201', '060801', '061301']) assert.deepEqual(validateUbigeo(code), [], code);
  assert.deepEqual(validateUbigeo('060101', { list: 'INEI' }), []);
});

test('spec: the lists differ for Lima, Callao and Cusco; Cajamarca is 06 in both', () => {
  assert.equal(UBIGEO_DEPARTMENTS.INEI['15'], 'Lima');
  assert.equal(UBIGEO_DEPARTMENTS.RENIEC['14'], 'Lima');
  assert.equal(UBIGEO_DEPARTMENTS.INEI['07'], 'Callao');
  assert.equal(UBIGEO_DEPARTMENTS.RENIEC['24'], 'Callao');
  assert.equal(UBIGEO_DEPARTMENTS.INEI['08'], 'Cusco');
  assert.equal(UBIGEO_DEPARTMENTS.RENIEC['07'], 'Cusco');
  assert.equal(UBIGEO_DEPARTMENTS.INEI['06'], 'Cajamarca');
  assert.equal(UBIGEO_DEPARTMENTS.RENIEC['06'], 'Cajamarca');
});

test('a district outside the catalogued departments is checked for its department only', () => {
  // Miraflores, Lima (INEI 150122) is not in the subset, yet real: no finding.
  assert.deepEqual(validateUbigeo('150122'), []);
  assert.deepEqual(validateUbigeo('140122', { list: 'RENIEC' }), []);
});

test('unknown department is ID-UBIGEO-UNKNOWN, per list', () => {
  const fs = validateUbigeo('260101', { location: 'Patient.address[0].extension[0].valueString' });
  assert.deepEqual(ruleIds(fs), ['ID-UBIGEO-UNKNOWN']);
  assert.equal(fs[0]?.severity, 'error');
  assert.equal(fs[0]?.code, 'code-invalid');
  assert.equal(fs[0]?.location, 'Patient.address[0].extension[0].valueString');
  assert.deepEqual(ruleIds(validateUbigeo('990101', { list: 'RENIEC' })), ['ID-UBIGEO-UNKNOWN']);
  assert.deepEqual(ruleIds(validateUbigeo('000101')), ['ID-UBIGEO-UNKNOWN']);
});

test('a Cajamarca code missing from the catalogue is unknown: bad province or bad district', () => {
  const badProvince = validateUbigeo('061401');
  assert.deepEqual(ruleIds(badProvince), ['ID-UBIGEO-UNKNOWN']);
  assert.match(badProvince[0]?.message.en ?? '', /no province 14/);
  const badDistrict = validateUbigeo('060199');
  assert.deepEqual(ruleIds(badDistrict), ['ID-UBIGEO-UNKNOWN']);
  assert.match(badDistrict[0]?.message.en ?? '', /no district 99/);
});

test('a province or department aggregate (00) names no district', () => {
  assert.deepEqual(ruleIds(validateUbigeo('060100')), ['ID-UBIGEO-UNKNOWN']);
  assert.deepEqual(ruleIds(validateUbigeo('150000')), ['ID-UBIGEO-UNKNOWN']);
});

test('RENIEC has no district catalogue in Sello: Cajamarca districts are not looked up', () => {
  assert.deepEqual(validateUbigeo('060199', { list: 'RENIEC' }), []);
});

test('format errors', () => {
  for (const bad of ['06010', '0601011', '06O101', '06-01-01', ' 060101', '']) {
    const fs = validateUbigeo(bad);
    assert.deepEqual(ruleIds(fs), ['ID-UBIGEO-FORMAT'], bad);
    assert.equal(fs[0]?.code, 'invalid');
  }
  for (const v of [60101, null, undefined, []]) assert.deepEqual(ruleIds(validateUbigeo(v)), ['ID-UBIGEO-FORMAT']);
});

test('the catalogue says it is a subset and is consistent', () => {
  const cat = loadUbigeoCatalogue();
  assert.equal(cat.list, 'INEI');
  assert.deepEqual([...cat.coveredDepartments], ['06']);
  assert.equal(cat.provinces.size, 13);
  for (const code of cat.districts.keys()) {
    assert.match(code, /^06\d{4}$/);
    assert.ok(cat.provinces.has(code.slice(0, 4)), `${code} has no province`);
  }
  for (const code of cat.provinces.keys()) assert.ok(cat.districts.has(`${code}01`), `${code} has no capital district`);
});

test('generateUbigeo draws catalogued districts, deterministically', () => {
  const draw = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 20 }, () => generateUbigeo(rng));
  };
  assert.deepEqual(draw('u'), draw('u'));
  for (const code of draw('u')) assert.deepEqual(validateUbigeo(code), [], code);
});
