import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/findings/finding.ts';
import { dniCheckCharacters, generateDni, parseDni, validateDni } from '../../../src/identifiers/pe/dni.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);

test('spec vector: 12345678 → 1 or E', () => {
  assert.deepEqual(dniCheckCharacters('12345678'), { digit: '1', letter: 'E' });
  assert.deepEqual(validateDni('12345678-1'), []);
  assert.deepEqual(validateDni('12345678-E'), []);
});

test('the check character is optional', () => {
  assert.deepEqual(validateDni('12345678'), []);
  assert.deepEqual(parseDni('12345678'), { number: '12345678' });
  assert.deepEqual(parseDni('12345678-E'), { number: '12345678', check: 'E' });
});

test('r = 0 gives i = 11, which maps to 0: digit 6, letter K', () => {
  // 00000000 sums to 0, so r = 0 and i = 11 → 0.
  assert.deepEqual(dniCheckCharacters('00000000'), { digit: '6', letter: 'K' });
  // 10000000: sum 3, r 3, i 8 → digit 3, letter H.
  assert.deepEqual(dniCheckCharacters('10000000'), { digit: '3', letter: 'H' });
  // 00000001: sum 2, r 2, i 9 → digit 4, letter I. 40000000: sum 12, r 1, i 10 → digit 5, letter J.
  assert.deepEqual(dniCheckCharacters('00000001'), { digit: '4', letter: 'I' });
  assert.deepEqual(dniCheckCharacters('40000000'), { digit: '5', letter: 'J' });
});

test('a wrong check character is ID-DNI-CHECK, naming both right ones', () => {
  const fs = validateDni('12345678-2', { location: 'Patient.identifier[0].value' });
  assert.deepEqual(ruleIds(fs), ['ID-DNI-CHECK']);
  assert.equal(fs[0]?.severity, 'error');
  assert.equal(fs[0]?.code, 'value');
  assert.equal(fs[0]?.location, 'Patient.identifier[0].value');
  assert.match(fs[0]?.message.en ?? '', /should be 1 or E/);
  assert.ok((fs[0]?.message.es ?? '').length > 0);
  assert.deepEqual(ruleIds(validateDni('12345678-K')), ['ID-DNI-CHECK']);
  assert.deepEqual(ruleIds(validateDni('12345678-Z')), ['ID-DNI-CHECK']);
});

test('every check character but the two right ones is rejected', () => {
  for (const c of '0123456789ABCDEFGHIJK') {
    const ok = c === '1' || c === 'E';
    assert.deepEqual(ruleIds(validateDni(`12345678-${c}`)), ok ? [] : ['ID-DNI-CHECK'], c);
  }
});

test('format errors', () => {
  for (const bad of ['1234567', '123456789', '1234567A', '12345678E', '12345678-', '12345678-e', '12345678-EE', ' 12345678', '']) {
    const fs = validateDni(bad);
    assert.deepEqual(ruleIds(fs), ['ID-DNI-FORMAT'], bad);
    assert.equal(fs[0]?.code, 'invalid');
  }
  for (const v of [12345678, null, undefined, {}]) assert.deepEqual(ruleIds(validateDni(v)), ['ID-DNI-FORMAT']);
  assert.throws(() => dniCheckCharacters('1234567'), RangeError);
});

test('generateDni is deterministic per seed and honours the check option', () => {
  const run = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return [generateDni(rng), generateDni(rng, { check: 'digit' }), generateDni(rng, { check: 'letter' })];
  };
  assert.deepEqual(run('a'), run('a'));
  assert.notDeepEqual(run('a'), run('b'));
  const [bare, digit, letter] = run('a');
  assert.match(bare ?? '', /^\d{8}$/);
  assert.match(digit ?? '', /^\d{8}-\d$/);
  assert.match(letter ?? '', /^\d{8}-[A-K]$/);
});

test('property: 500 generated DNIs of each form validate', () => {
  const rng = new SeededRandom('property-dni');
  for (const check of ['none', 'digit', 'letter'] as const) {
    for (let i = 0; i < 500; i++) {
      const dni = generateDni(rng, { check });
      assert.deepEqual(validateDni(dni), [], dni);
    }
  }
});
