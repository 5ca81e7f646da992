import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../src/findings/finding.ts';
import { generateRfc, rfcCheckDigit, validateRfc } from '../../src/identifiers/mx/rfc.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);
const withCheck = (s: string): string => s + rfcCheckDigit(s);

test('check digit: spec vector and python-stdnum vectors', () => {
  assert.equal(rfcCheckDigit('IMS421231I4'), '5'); // company: padded with a leading space
  assert.equal(rfcCheckDigit('GODE561231GR'), '8');
  assert.equal(rfcCheckDigit('MAB9307148T'), '4');
  assert.throws(() => rfcCheckDigit('IMS421231'), RangeError);
  assert.throws(() => rfcCheckDigit('IMS421231I?'), RangeError);
});

test('check digit 10 is written A', () => {
  // Find a body whose check is 10 by scanning serials; there must be one among 36.
  const found = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => `GODE561231G${c}`).find((b) => rfcCheckDigit(b) === 'A');
  assert.ok(found, 'no body with check A found');
  assert.deepEqual(validateRfc(`${found}A`), []);
});

test('spec vector IMS421231I45 is valid', () => {
  assert.deepEqual(validateRfc('IMS421231I45'), []);
});

test('valid person and company RFCs, including & and Ñ', () => {
  assert.deepEqual(validateRfc('GODE561231GR8'), []);
  assert.deepEqual(validateRfc('MAB9307148T4'), []);
  assert.deepEqual(validateRfc(withCheck('M&A010203AB')), []);
  assert.deepEqual(validateRfc(withCheck('PEÑA800101AB')), []);
});

test('a wrong check character is a warning, not an error', () => {
  const fs = validateRfc('IMS421231I46', { location: '/rfc' });
  assert.deepEqual(ruleIds(fs), ['ID-RFC-CHECKDIGIT']);
  assert.equal(fs[0]?.severity, 'warning');
  assert.equal(fs[0]?.code, 'value');
  assert.equal(fs[0]?.location, '/rfc');
  assert.match(fs[0]?.message.en ?? '', /gives 5/);
  assert.ok((fs[0]?.message.es ?? '').includes('SAT'));
  // python-stdnum's example of a real-looking RFC that fails the check.
  assert.deepEqual(ruleIds(validateRfc('VACE460910SX6')), ['ID-RFC-CHECKDIGIT']);
});

test("SAT's generic RFCs are accepted", () => {
  assert.deepEqual(validateRfc('XAXX010101000'), []);
  assert.deepEqual(validateRfc('XEXX010101000'), []);
});

test('format errors', () => {
  for (const bad of [
    'ims421231i45', // lower case
    'IMS-421231-I45',
    'GODE561231', // no homoclave
    'GODE561231GR', // 12 characters but 4 letters
    'IM421231I45', // 2 letters
    'GODEX561231GR8',
    'IMS421331I45', // month 13
    'GODE560230GR8', // 30 Feb
    'BUEY561231GR8', // inconvenient word SAT would have replaced
    '',
  ]) {
    const fs = validateRfc(bad);
    assert.deepEqual(ruleIds(fs), ['ID-RFC-FORMAT'], bad);
    assert.equal(fs[0]?.severity, 'error', bad);
    assert.equal(fs[0]?.code, 'invalid', bad);
  }
});

test('29 February is accepted for a year divisible by 4', () => {
  assert.deepEqual(validateRfc(withCheck('GODE000229GR')), []);
  assert.deepEqual(ruleIds(validateRfc(withCheck('GODE010229GR'))), ['ID-RFC-FORMAT']);
});

test('non-string input is ID-RFC-FORMAT', () => {
  for (const v of [undefined, null, 12, {}, ['IMS421231I45']]) {
    const fs = validateRfc(v, { location: '/p' });
    assert.deepEqual(ruleIds(fs), ['ID-RFC-FORMAT']);
    assert.equal(fs[0]?.location, '/p');
  }
});

test('generateRfc is deterministic per seed', () => {
  const run = (seed: number): string[] => {
    const rng = new SeededRandom(seed);
    return [generateRfc(rng, 'persona'), generateRfc(rng, 'moral'), generateRfc(rng, 'persona')];
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});

test('property: 500 generated RFCs of each kind are valid with zero findings', () => {
  const rng = new SeededRandom('property-rfc');
  let ampersands = 0;
  for (let i = 0; i < 500; i++) {
    const persona = generateRfc(rng, 'persona');
    assert.equal(persona.length, 13, persona);
    assert.deepEqual(validateRfc(persona), [], persona);
    const moral = generateRfc(rng, 'moral');
    assert.equal(moral.length, 12, moral);
    assert.deepEqual(validateRfc(moral), [], moral);
    if (moral.includes('&')) ampersands++;
  }
  assert.ok(ampersands > 0, 'the & path of the check alphabet was never exercised');
});

test('generateRfc refuses an unknown kind', () => {
  assert.throws(() => generateRfc(new SeededRandom(1), 'fisica' as never), RangeError);
});
