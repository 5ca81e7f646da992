/**
 * The option cases of the HL7 validator corpus a user meets (test/fixtures/fhir-options/corpus, copied with the
 * supporting files the reference run loaded): given the same material through `igs` and the same settings,
 * Sello's verdict (errors or none) is the reference's. Without the material or setting, the cases whose
 * verdict depends on it come out the other way: the options are what decides them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFhirValidator, type FhirValidatorOptions } from '../../src/fhir/index.ts';
import { isBlocking } from '../../src/findings/finding.ts';

const CORPUS = fileURLToPath(new URL('../fixtures/fhir-options/corpus/', import.meta.url));

interface Case {
  name: string;
  file: string;
  ig: string[];
  expectedErrors: number;
  validateReference?: string;
  examples?: boolean;
  profile?: string;
}

const { cases } = JSON.parse(readFileSync(CORPUS + 'cases.json', 'utf8')) as { cases: Case[] };
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(CORPUS + file, 'utf8')) as Record<string, unknown>;

/** The reference test runner's settings in Sello's terms (its default for examples is to allow them). */
function options(c: Case): FhirValidatorOptions {
  return {
    igs: c.ig.map((f) => CORPUS + f),
    validateReferences: c.validateReference !== undefined && c.validateReference !== 'IGNORE',
    exampleUrls: c.examples === false ? 'reject' : 'allow',
  };
}

// cases with the same material and settings share a validator (and its compiled definitions)
const validators = new Map<string, ReturnType<typeof createFhirValidator>>();
const validatorFor = (opts: FhirValidatorOptions) => {
  const key = JSON.stringify(opts);
  let v = validators.get(key);
  if (!v) validators.set(key, (v = createFhirValidator(opts)));
  return v;
};

function errors(c: Case, opts: FhirValidatorOptions): string[] {
  const profile = c.profile ? (read(c.profile).url as string) : undefined;
  return validatorFor(opts)
    .validate(read(c.file), profile ? { profile } : {})
    .filter(isBlocking)
    .map((f) => `${f.ruleId} @ ${f.location}: ${f.message.en}`);
}

test('the corpus option cases: Sello with the same material and settings agrees with the reference on each', () => {
  assert.ok(cases.length >= 10);
  const disagreements: string[] = [];
  for (const c of cases) {
    const found = errors(c, options(c));
    if (found.length > 0 !== c.expectedErrors > 0) disagreements.push(`${c.name}: reference ${c.expectedErrors} error(s), Sello ${found.length} ${JSON.stringify(found)}`);
  }
  assert.deepEqual(disagreements, []);
});

test('without the material or setting, the cases it decides get the other verdict', () => {
  const decided = ['dr-example-org', 'pat-example-extensions', 'parameters-reference-bad', 'qr-bad-ref2', 'patient-ig-bad', 'ai6', 'bundle-conformsto'];
  for (const name of decided) {
    const c = cases.find((x) => x.name === name);
    assert.ok(c, name);
    assert.ok(c.expectedErrors > 0, name);
    assert.deepEqual(errors(c, {}), [], `${name} has errors even without its options`);
  }
});
