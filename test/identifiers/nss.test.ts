import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../src/findings/finding.ts';
import { generateNss, nssCheckDigit, validateNss } from '../../src/identifiers/mx/nss.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);

test('check digit: spec vector', () => {
  assert.equal(nssCheckDigit('8496631121'), '3');
  assert.throws(() => nssCheckDigit('849663112'), RangeError);
  assert.throws(() => nssCheckDigit('84966311A1'), RangeError);
});

test('check digit doubles the even positions (Luhn from the left)', () => {
  // Only position 2 set: 5 × 2 = 10 → 1 + 0 = 1 → check 9. Only position 1 set: 5 → check 5.
  assert.equal(nssCheckDigit('0500000000'), '9');
  assert.equal(nssCheckDigit('5000000000'), '5');
  assert.equal(nssCheckDigit('0000000000'), '0');
});

test('spec vector 84966311213 is valid', () => {
  assert.deepEqual(validateNss('84966311213'), []);
});

test('spec vector 84966311215 fails the check digit', () => {
  const fs = validateNss('84966311215', { location: '/afiliacion/numeroAfiliacion' });
  assert.deepEqual(ruleIds(fs), ['ID-NSS-CHECKDIGIT']);
  assert.equal(fs[0]?.severity, 'error');
  assert.equal(fs[0]?.code, 'value');
  assert.equal(fs[0]?.location, '/afiliacion/numeroAfiliacion');
  assert.match(fs[0]?.message.en ?? '', /should be 3/);
  assert.ok((fs[0]?.message.es ?? '').length > 0);
});

test('every wrong check digit is caught', () => {
  for (let d = 0; d <= 9; d++) {
    const fs = validateNss(`8496631121${d}`);
    assert.deepEqual(ruleIds(fs), d === 3 ? [] : ['ID-NSS-CHECKDIGIT'], String(d));
  }
});

test('format errors', () => {
  for (const bad of ['8496631121', '849663112130', '8496631121A', ' 84966311213', '8496-631-1213', '']) {
    const fs = validateNss(bad);
    assert.deepEqual(ruleIds(fs), ['ID-NSS-FORMAT'], bad);
    assert.equal(fs[0]?.code, 'invalid');
    assert.equal(fs[0]?.location, '');
  }
});

test('non-string input is ID-NSS-FORMAT, including a number that looks right', () => {
  for (const v of [84966311213, null, undefined, {}, []]) {
    assert.deepEqual(ruleIds(validateNss(v)), ['ID-NSS-FORMAT']);
  }
});

test('year fields are not validated (spec: only the check digit may reject)', () => {
  // Registration year 99 and birth year 00 in any order: still valid when the check digit is right.
  const first10 = '0199000001';
  assert.deepEqual(validateNss(first10 + nssCheckDigit(first10)), []);
});

test('generateNss is deterministic per seed', () => {
  const run = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 5 }, () => generateNss(rng));
  };
  assert.deepEqual(run('a'), run('a'));
  assert.notDeepEqual(run('a'), run('b'));
});

test('property: 500 generated NSS are valid and distinct enough', () => {
  const rng = new SeededRandom('property-nss');
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const nss = generateNss(rng);
    assert.match(nss, /^\d{11}$/);
    assert.deepEqual(validateNss(nss), [], nss);
    seen.add(nss);
  }
  assert.ok(seen.size > 490, `only ${seen.size} distinct`);
});
