/**
 * Agreement with the HL7 Java validator on samples of its R4 conformance cases: the visible sample
 * (../shared/corpus/fhir-test-cases-r4, outside the repository) and the fresh samples drawn by the same rule
 * (test/fixtures/fhir-corpus-fresh/seed-N, scripts/fhir-corpus-sample.ts). A case agrees when Sello reports no
 * error where the reference reports none, and at least one where it reports some; plain cases (no `options`) are
 * held to 95 % on every sample, option cases are printed apart. scripts/fhir-agreement.ts does the measuring.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FRESH_SAMPLES, formatAgreement, measureAgreement, percent, VISIBLE_CORPUS } from '../../../scripts/fhir-agreement.ts';

const samples: [string, string][] = [
  ['visible sample', VISIBLE_CORPUS],
  ['fresh sample seed 1', join(FRESH_SAMPLES, 'seed-1')],
  ['fresh sample seed 2', join(FRESH_SAMPLES, 'seed-2')],
  ['fresh sample seed 3', join(FRESH_SAMPLES, 'seed-3')],
];

for (const [name, dir] of samples) {
  const skip = existsSync(join(dir, 'expected.json')) ? false : `${dir} not found (the visible corpus lives outside the repository, in ../shared/corpus)`;
  test(`plain-case agreement with the HL7 validator on the ${name} is at least 95 %`, { skip }, () => {
    const agreement = measureAgreement(dir);
    console.log(formatAgreement(agreement));
    assert.ok(agreement.plain.total >= 40, `only ${agreement.plain.total} plain cases in ${dir}`);
    const rate = percent(agreement.plain);
    assert.ok(rate >= 95, `plain-case agreement ${rate.toFixed(1)} % is below 95 % on ${dir}`);
  });
}

test('a fresh sample is disjoint from the visible one, so it measures cases nobody tuned to', { skip: existsSync(join(VISIBLE_CORPUS, 'expected.json')) ? false : 'visible corpus absent' }, () => {
  const visible = Object.keys(JSON.parse(readFileSync(join(VISIBLE_CORPUS, 'expected.json'), 'utf8')));
  for (const seed of ['seed-1', 'seed-2', 'seed-3']) {
    const fresh = Object.keys(JSON.parse(readFileSync(join(FRESH_SAMPLES, seed, 'expected.json'), 'utf8')));
    assert.deepEqual(
      fresh.filter((f) => visible.includes(f)),
      [],
      `${seed} repeats visible cases`,
    );
  }
});
