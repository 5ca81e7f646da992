/**
 * `--ig`: implementation guides as a JSON file, a folder, a FHIR package folder or a package .tgz put their
 * profiles into the validator (a differential-only profile gets its snapshot), and an unusable IG is a clear
 * error naming the file (exit 4 through the CLI), never a crash or a silent skip.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readTar } from '../../src/fhir/ig/tar.ts';
import { createFhirValidator, IgLoadError } from '../../src/fhir/index.ts';
import { isBlocking } from '../../src/findings/finding.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/fhir-options/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROFILE = 'http://sello.test/fhir/StructureDefinition/sello-test-patient';
const patient = (birthDate?: string) => ({ resourceType: 'Patient', meta: { profile: [PROFILE] }, ...(birthDate ? { birthDate } : {}) });

for (const [label, ig] of [
  ['a package folder', 'ig'],
  ['the package/ folder itself', 'ig/package'],
  ['one JSON file', 'ig/package/StructureDefinition-sello-test-patient.json'],
  ['a package .tgz (GNU long file name)', 'ig.tgz'],
] as const) {
  test(`--ig as ${label}: the profile it carries is applied`, () => {
    const validator = createFhirValidator({ igs: [FIXTURES + ig] });
    const without = validator.validate(patient()).filter(isBlocking);
    assert.ok(
      without.some((f) => f.ruleId === 'FHIR-CARDINALITY-MIN' && f.message.en.includes('Patient.birthDate')),
      JSON.stringify(without),
    );
    assert.deepEqual(validator.validate(patient('1970-01-01')).filter(isBlocking), []);
    if (!ig.endsWith('.json')) assert.ok(validator.registry.valueSet('http://sello.test/fhir/ValueSet/colours'), 'the ValueSet of the package is loaded too');
  });
}

test('without --ig the profile is unknown (a warning, not a verdict)', () => {
  const findings = createFhirValidator().validate(patient());
  assert.ok(findings.some((f) => f.ruleId === 'FHIR-PROFILE-UNKNOWN'));
  assert.equal(findings.filter(isBlocking).length, 0);
});

test('an unusable --ig throws IgLoadError naming the file', () => {
  const cases: [string, RegExp][] = [
    [FIXTURES + 'ig-broken', /StructureDefinition-truncated\.json is not JSON/],
    [FIXTURES + 'does-not-exist', /cannot read .*does-not-exist: ENOENT/],
    [FIXTURES + 'patient-no-birthdate.json.xml', /cannot read/],
    [FIXTURES + 'README.md', /an --ig is a JSON file/],
  ];
  for (const [path, message] of cases) {
    assert.throws(
      () => createFhirValidator({ igs: [path] }),
      (e: unknown) => e instanceof IgLoadError && message.test(e.message),
      path,
    );
  }
  // an instance given as an IG is not an error: it is simply not a conformance resource
  assert.doesNotThrow(() => createFhirValidator({ igs: [FIXTURES + 'patient-no-birthdate.json'] }));
});

test('readTar refuses a truncated or non-tar archive instead of returning garbage', () => {
  assert.throws(() => readTar(Buffer.from('not a tar at all')), /no tar header|truncated/);
  const header = Buffer.alloc(512);
  header.write('package/x.json', 0);
  header.write('00000001000 ', 124); // 512 bytes announced, none present
  header[156] = 0x30;
  assert.throws(() => readTar(header), /truncated/);
});

test('sello validate --ig: exit 3 with the profile broken, 0 when it holds, 4 for an unusable IG; --examples and --validate-references', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/sello.mjs', 'validate', ...args], { cwd: ROOT, encoding: 'utf8' });
  const broken = run('--ig', FIXTURES + 'ig.tgz', FIXTURES + 'patient-no-birthdate.json');
  assert.equal(broken.status, 3, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /Patient\.birthDate: minimum required = 1/);
  const ok = run('--ig', FIXTURES + 'ig', '--ig', FIXTURES + 'ig.tgz', FIXTURES + 'patient-with-birthdate.json');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = run('--ig', FIXTURES + 'ig-broken', FIXTURES + 'patient-with-birthdate.json');
  assert.equal(bad.status, 4, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /--ig: .*StructureDefinition-truncated\.json is not JSON/);
  // the other FHIR options reach the validator (their default, off, is shown by test/fhir/options.test.ts)
  const rejected = run('--examples', 'reject', FIXTURES + 'corpus/dr-example-org.json');
  assert.equal(rejected.status, 3, rejected.stdout + rejected.stderr);
  assert.match(rejected.stdout, /FHIR-EXAMPLE-URL/);
  const unresolved = run('--validate-references', FIXTURES + 'corpus/parameters-reference-bad.json');
  assert.equal(unresolved.status, 3, unresolved.stdout + unresolved.stderr);
  assert.match(unresolved.stdout, /Unable to resolve resource with reference 'Patient\/2'/);
});
