import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { luhnCheckDigit, luhnValid } from '../../../src/identifiers/luhn.ts';
import { nssCheckDigit } from '../../../src/identifiers/mx/nss.ts';
import { formatSnils, generateEnp, generateOgrn, generateSnils, snilsCheckDigits, validateEnp, validateOgrn, validateSnils } from '../../../src/identifiers/ru/index.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

const rules = (findings: { ruleId: string }[]) => findings.map((f) => f.ruleId);

test('SNILS: the vectors of identifiers.md, in both spellings', () => {
  for (const valid of ['11223344595', '96155474337', '112-233-445 95', '961-554-743 37']) assert.deepEqual(validateSnils(valid), [], valid);
  assert.deepEqual(rules(validateSnils('11223344596')), ['ID-SNILS-CHECKDIGIT']);
  assert.match(validateSnils('11223344596')[0]!.message.ru!, /должно быть 95/);
  for (const bad of ['1122334459', '112233445950', '112_233_445 95', 'abcdefghijk']) assert.deepEqual(rules(validateSnils(bad)), ['ID-SNILS-FORMAT'], bad);
  const notString = validateSnils(11223344595);
  assert.deepEqual(rules(notString), ['ID-SNILS-FORMAT']);
  assert.match(notString[0]!.message.ru!, /получено: number/);
});

test('SNILS: the check number at its edges (sum under 100, 100 and 101 → 00, mod 101) and no check up to 001-001-998', () => {
  // first 9 digits → their weighted sum → check number, worked out by hand from identifiers.md.
  const vectors: [string, number, string][] = [
    ['141008407', 99, '99'],
    ['026002389', 100, '00'],
    ['211331580', 101, '00'],
    ['227002035', 102, '01'],
    ['543546368', 201, '00'],
    ['532971373', 202, '00'],
  ];
  for (const [first9, sum, check] of vectors) {
    assert.equal(
      [...first9].reduce((s, d, i) => s + Number(d) * (9 - i), 0),
      sum,
    );
    assert.equal(snilsCheckDigits(first9), check, `${first9} (sum ${sum})`);
    assert.deepEqual(validateSnils(first9 + check), []);
  }
  assert.deepEqual(validateSnils('00100199812'), [], 'issued before the check existed');
  assert.deepEqual(rules(validateSnils('00100199912')), ['ID-SNILS-CHECKDIGIT']);
  assert.equal(formatSnils('11223344595'), '112-233-445 95');
});

test('ENP: Luhn over 16 digits; OGRN: the first 12 mod 11, mod 10', () => {
  const enp = `123456789012345${luhnCheckDigit('123456789012345')}`;
  assert.deepEqual(validateEnp(enp), []);
  assert.deepEqual(rules(validateEnp(`${enp.slice(0, 15)}${(Number(enp.charAt(15)) + 1) % 10}`)), ['ID-ENP-CHECKDIGIT']);
  assert.deepEqual(rules(validateEnp('12345')), ['ID-ENP-FORMAT']);
  // 123456789012 mod 11 = 7 (computed apart from the code under test).
  assert.deepEqual(validateOgrn('1234567890127'), []);
  assert.deepEqual(rules(validateOgrn('1234567890128')), ['ID-OGRN-CHECKDIGIT']);
  assert.deepEqual(rules(validateOgrn('123')), ['ID-OGRN-FORMAT']);
});

test("Luhn is one piece for Mexico's NSS and Russia's ENP: the NSS vectors still hold", () => {
  assert.equal(nssCheckDigit('8496631121'), '3');
  assert.ok(luhnValid('84966311213'));
  assert.ok(!luhnValid('84966311215'));
  assert.ok(luhnValid('79927398713'), 'the textbook Luhn example');
});

test('generators: valid SNILS, ENP and OGRN for 1,000 seeds, the same for the same seed', () => {
  fc.assert(
    fc.property(fc.string(), (seed) => {
      const rng = new SeededRandom(seed);
      const [snils, enp, ogrn] = [generateSnils(rng), generateEnp(rng), generateOgrn(rng)];
      assert.deepEqual([...validateSnils(snils), ...validateEnp(enp), ...validateOgrn(ogrn)], [], `${snils} ${enp} ${ogrn}`);
      const again = new SeededRandom(seed);
      assert.deepEqual([generateSnils(again), generateEnp(again), generateOgrn(again)], [snils, enp, ogrn]);
    }),
    { numRuns: 1000, seed: 20251205 },
  );
});
