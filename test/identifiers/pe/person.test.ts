import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePersonPe, SeededRandom, validateDni, validateUbigeo } from '../../../src/identifiers/pe/index.ts';

test('synthetic Peruvian people are deterministic and carry valid identifiers', () => {
  const draw = (seed: string) => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 50 }, () => generatePersonPe(rng, { dniCheck: 'letter' }));
  };
  assert.deepEqual(draw('p'), draw('p'));
  for (const p of draw('p')) {
    assert.deepEqual(validateDni(p.dni), [], p.dni);
    assert.deepEqual(validateUbigeo(p.ubigeo), [], p.ubigeo);
    assert.match(p.fechaNacimiento, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(p.nombres.length >= 1 && p.nombres.length <= 2);
  }
});
