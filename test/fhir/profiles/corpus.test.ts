/**
 * Runs Sello's FHIR validator over the pe-ris / mx-ece corpus: every planted defect must be reported
 * (location prefix and severity, rule id when expected.json names one) and valid files must have no error.
 * While the engine does not exist the engine tests skip with the reason; the corpus checks still run.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../../src/findings/finding.ts';
import { buildCorpus } from '../../fixtures/fhir/generate.ts';
import { CORPUS_ROOT, corpusPaths, isError, issueFound, locationMatches, readCorpus, readExpected } from './corpus-files.ts';
import { loadSelloEngine, PROFILE_DIRS, REPO_ROOT, type SelloFhirValidator } from './engine.ts';

const corpus = readCorpus();

test('corpus: at least 8 valid and 20 invalid files, each listed in expected.json', () => {
  const expected = readExpected();
  assert.deepEqual(Object.keys(expected).sort(), corpusPaths().sort());
  assert.ok(corpus.filter((c) => c.kind === 'valid').length >= 8);
  assert.ok(corpus.filter((c) => c.kind === 'invalid').length >= 20);
  for (const c of corpus) {
    if (c.kind === 'valid') assert.deepEqual(c.expected, [], `${c.path}: a valid file expects nothing`);
    else assert.ok(c.expected.length >= 1, `${c.path}: an invalid file must say what its defect raises`);
  }
});

test('corpus: the committed files are what generate.ts produces', () => {
  // A hand edit to a fixture would silently drift from its expectation; regenerate instead.
  for (const f of buildCorpus()) {
    const onDisk = JSON.parse(readFileSync(join(CORPUS_ROOT, f.path), 'utf8')) as unknown;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(f.resource)), `${f.path} differs: run node --import tsx test/fixtures/fhir/generate.ts`);
  }
});

test('corpus: every expected profile is defined in the profile directories', () => {
  const urls = new Set<string>();
  for (const dir of PROFILE_DIRS) {
    assert.ok(existsSync(join(REPO_ROOT, dir)), dir);
    for (const name of readdirSync(join(REPO_ROOT, dir)).filter((n) => n.endsWith('.json'))) {
      const r = JSON.parse(readFileSync(join(REPO_ROOT, dir, name), 'utf8')) as { url?: string };
      if (r.url) urls.add(r.url);
    }
  }
  for (const c of corpus) assert.ok(urls.has(c.profile), `${c.path}: ${c.profile} is not defined`);
});

test('location matching: prefixes, optional indices, choice types, Bundle entry spellings', () => {
  assert.ok(locationMatches('Patient', 'Patient.identifier[0].value'));
  assert.ok(locationMatches('Patient.identifier[0].type', 'Patient.identifier[0].type.coding[0].code'));
  assert.ok(locationMatches('Patient.identifier[0].type', 'Patient.identifier.type'));
  assert.ok(!locationMatches('Patient.identifier[1]', 'Patient.identifier[0].value'));
  assert.ok(!locationMatches('Patient.name', 'Patient.identifier[0]'));
  assert.ok(locationMatches('Observation.value', 'Observation.valueCodeableConcept.coding[0]'));
  assert.ok(locationMatches('Bundle.entry[1].resource', 'Bundle.entry[1].resource.ofType(Encounter).subject'));
  assert.ok(locationMatches('Bundle.entry[1].resource', 'Bundle.entry[1].resource/*Encounter/null*/.subject'));
  assert.ok(!locationMatches('Bundle.entry[1].resource', 'Bundle.entry[2].resource.subject'));
});

const engine = await loadSelloEngine();
const skip = engine.ok ? false : `${engine.reason}; the corpus tests run once it exports createFhirValidator`;
let validator: SelloFhirValidator | undefined;
const getValidator = (): SelloFhirValidator => {
  if (!engine.ok) throw new Error('unreachable: skipped');
  validator ??= engine.createFhirValidator({ profileDirs: PROFILE_DIRS.map((d) => join(REPO_ROOT, d)) });
  return validator;
};

const show = (fs: readonly Finding[]): string => fs.map((f) => `  ${f.severity} ${f.ruleId} @ ${f.location}: ${f.message.en}`).join('\n') || '  (no findings)';

for (const c of corpus) {
  test(`${c.kind === 'valid' ? 'no error' : 'defect reported'}: ${c.path}`, { skip }, () => {
    const findings = getValidator().validate(c.resource, { profile: c.profile });
    if (c.kind === 'valid') {
      const errors = findings.filter(isError);
      assert.equal(errors.length, 0, `${c.path} (${c.description}) should be valid against ${c.profile}:\n${show(errors)}`);
      return;
    }
    for (const e of c.expected) {
      assert.ok(issueFound(e, findings), `${c.path} (${c.description}): expected ${e.severity} ${e.ruleId ?? '(any rule)'} at ${e.location}; got:\n${show(findings)}`);
    }
  });
}
