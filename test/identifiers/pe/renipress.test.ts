import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../src/findings/finding.ts';
import { generateRenipress, validateRenipress } from '../../../src/identifiers/pe/renipress.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);

test('spec example 00006208 is valid', () => {
  assert.deepEqual(validateRenipress('00006208'), []);
});

test('an unpadded code is a format error that shows the padded form', () => {
  const fs = validateRenipress('6208', { location: 'Organization.identifier[0].value' });
  assert.deepEqual(ruleIds(fs), ['ID-RENIPRESS-FORMAT']);
  assert.equal(fs[0]?.location, 'Organization.identifier[0].value');
  assert.match(fs[0]?.message.en ?? '', /00006208/);
});

test('format errors', () => {
  for (const bad of ['000062080', '0000620A', '00 06208', '', '00000000']) {
    assert.deepEqual(ruleIds(validateRenipress(bad)), ['ID-RENIPRESS-FORMAT'], bad);
  }
  for (const v of [6208, null, undefined]) assert.deepEqual(ruleIds(validateRenipress(v)), ['ID-RENIPRESS-FORMAT']);
});

test('generated codes are valid and deterministic', () => {
  const draw = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 200 }, () => generateRenipress(rng));
  };
  assert.deepEqual(draw('r'), draw('r'));
  for (const code of draw('r')) assert.deepEqual(validateRenipress(code), [], code);
});
