/**
 * Reference and canonical forms (R4 references.html) and local resolution as the HL7 validator checks them:
 * each rule is shown failing on a resource built to break it and passing on the same resource made right.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFhirValidator, type FhirValidatorOptions } from '../../src/fhir/index.ts';
import type { Finding } from '../../src/findings/finding.ts';

const IG = fileURLToPath(new URL('../fixtures/fhir-options/ig', import.meta.url));
const PATIENT_PROFILE = 'http://sello.test/fhir/StructureDefinition/sello-test-patient';
const OBSERVATION_PROFILE = 'http://sello.test/fhir/StructureDefinition/obs-of-profiled-patient';
const LINKED_PROFILE = 'http://sello.test/fhir/StructureDefinition/linked-patient';
const narrative = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };

const validators = new Map<string, ReturnType<typeof createFhirValidator>>();
function validator(options: FhirValidatorOptions = {}) {
  const key = JSON.stringify(options);
  let v = validators.get(key);
  if (!v) {
    v = createFhirValidator({ igs: [IG], ...options });
    // an Observation whose subject must be a Patient of the test profile, and a Patient whose links must be too
    v.registry.add({
      resourceType: 'StructureDefinition',
      url: OBSERVATION_PROFILE,
      name: 'ObsOfProfiledPatient',
      status: 'active',
      kind: 'resource',
      abstract: false,
      type: 'Observation',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
      derivation: 'constraint',
      differential: { element: [{ id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: [PATIENT_PROFILE] }] }] },
    });
    v.registry.add({
      resourceType: 'StructureDefinition',
      url: LINKED_PROFILE,
      name: 'LinkedPatient',
      status: 'active',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: PATIENT_PROFILE,
      derivation: 'constraint',
      differential: { element: [{ id: 'Patient.link.other', path: 'Patient.link.other', type: [{ code: 'Reference', targetProfile: [LINKED_PROFILE] }] }] },
    });
    validators.set(key, v);
  }
  return v;
}

const errors = (resource: unknown, options?: FhirValidatorOptions, profile?: string): Finding[] =>
  validator(options)
    .validate(resource, profile ? { profile } : {})
    .filter((f) => f.severity === 'error' || f.severity === 'fatal');
const rules = (findings: Finding[]): string[] => findings.map((f) => f.ruleId);

const observation = (subject: unknown, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  text: narrative,
  status: 'final',
  code: { text: 'x' },
  subject,
  ...extra,
});
const collection = (entries: [string, unknown][], type = 'collection') => ({
  resourceType: 'Bundle',
  type,
  entry: entries.map(([fullUrl, resource]) => ({ fullUrl, resource })),
});

test('Reference.reference with whitespace is not a reference (REFERENCE_REF_INVALID_REF)', () => {
  assert.ok(rules(errors(observation({ reference: 'Patient/ 1' }))).includes('FHIR-REFERENCE-FORM'));
  assert.deepEqual(errors(observation({ reference: 'Patient/1' })), []);
});

test('a relative reference inside a Bundle is Type/id[/_history/v], or a search URL in a transaction (Reference_REF_Format1/2)', () => {
  const pat = { resourceType: 'Patient', id: '1', text: narrative };
  const bundle = (ref: string, type: string) =>
    collection(
      [
        ['http://x.org/fhir/Observation/o', observation({ reference: ref }, { id: 'o' })],
        ['http://x.org/fhir/Patient/1', pat],
      ],
      type,
    );
  assert.ok(rules(errors(bundle('Patient', 'collection'))).includes('FHIR-REFERENCE-FORM'));
  assert.ok(rules(errors(bundle('Patient?identifier=a|b', 'collection'))).includes('FHIR-REFERENCE-FORM'));
  assert.deepEqual(rules(errors(bundle('Patient/1', 'collection'))), []);
  assert.deepEqual(rules(errors(bundle('Patient/1/_history/2', 'collection'))), []);
});

test('a contained target is checked against the element’s target types, # alone names the container', () => {
  const med = { resourceType: 'Medication', id: 'm' };
  const wrong = observation({ reference: '#m' }, { contained: [med] });
  assert.ok(errors(wrong).some((f) => f.ruleId === 'FHIR-REFERENCE-TYPE' && f.message.en.includes("'Medication'")));
  const right = observation({ reference: '#p' }, { contained: [{ resourceType: 'Patient', id: 'p' }] });
  assert.deepEqual(errors(right), []);
});

test('Reference.type must be an allowed target and agree with the literal (Reference_REF_WrongTarget, BadTargetType)', () => {
  const found = errors(observation({ reference: 'Patient/1', type: 'Medication' }));
  assert.ok(found.some((f) => f.message.en.includes("The type 'Medication' is not a valid Target")));
  assert.ok(found.some((f) => f.message.en.includes('points to a Patient but Reference.type says Medication')));
  assert.deepEqual(errors(observation({ reference: 'Patient/1', type: 'Patient' })), []);
});

test('a target resolved in the Bundle must conform to one of the target profiles (Reference_REF_CantMatchChoice)', () => {
  const bundle = (birthDate?: string) =>
    collection([
      ['urn:uuid:0b5b1f52-3a2c-4c4e-9d27-2b7b8f7a0c01', { ...observation({ reference: 'urn:uuid:0b5b1f52-3a2c-4c4e-9d27-2b7b8f7a0c02' }), meta: { profile: [OBSERVATION_PROFILE] } }],
      ['urn:uuid:0b5b1f52-3a2c-4c4e-9d27-2b7b8f7a0c02', { resourceType: 'Patient', text: narrative, ...(birthDate ? { birthDate } : {}) }],
    ]);
  assert.ok(rules(errors(bundle())).includes('FHIR-REFERENCE-PROFILE'));
  assert.deepEqual(errors(bundle('1970-01-01')), []);
});

test('targets that reference each other under profiles are judged without looping', () => {
  const patient = (self: string, other: string, birthDate?: string) => ({
    resourceType: 'Patient',
    text: narrative,
    meta: { profile: [LINKED_PROFILE] },
    ...(birthDate ? { birthDate } : {}),
    link: [{ other: { reference: other }, type: 'seealso' }],
    id: self,
  });
  const bundle = (birthDate?: string) =>
    collection([
      ['http://x.org/fhir/Patient/a', patient('a', 'Patient/b', '1970-01-01')],
      ['http://x.org/fhir/Patient/b', patient('b', 'Patient/a', birthDate)],
    ]);
  assert.ok(rules(errors(bundle())).includes('FHIR-REFERENCE-PROFILE'));
  assert.deepEqual(errors(bundle('1980-01-01')), []);
});

test('with validateReferences a reference resolved in neither the resource, its Bundle nor its Parameters is an error', () => {
  const params = (ref: string) => ({
    resourceType: 'Parameters',
    parameter: [
      { name: 'patient', resource: { resourceType: 'Patient', id: '1' } },
      { name: 'obs', resource: observation({ reference: ref }) },
    ],
  });
  const strict = { validateReferences: true };
  assert.deepEqual(errors(params('Patient/1'), strict), []);
  assert.ok(errors(params('Patient/2'), strict).some((f) => f.ruleId === 'FHIR-REFERENCE-UNRESOLVED' && f.message.en.includes("'Patient/2'")));
  assert.deepEqual(errors(params('Patient/2')), [], 'off by default, as in the HL7 validator');
  // example URLs are let through unresolved unless the example policy rejects them
  assert.deepEqual(errors(observation({ reference: 'http://example.org/fhir/Patient/1' }), strict), []);
  assert.ok(rules(errors(observation({ reference: 'http://example.org/fhir/Patient/1' }), { ...strict, exampleUrls: 'reject' })).includes('FHIR-REFERENCE-UNRESOLVED'));
});

test('canonicals are absolute or name a contained resource; with validateReferences they resolve to an allowed type', () => {
  const qr = (questionnaire: string, contained?: unknown[]) => ({
    resourceType: 'QuestionnaireResponse',
    text: narrative,
    status: 'completed',
    questionnaire,
    ...(contained ? { contained } : {}),
  });
  assert.ok(rules(errors(qr('Questionnaire/q1'))).includes('FHIR-CANONICAL-FORM'));
  assert.ok(rules(errors(qr('#q1'))).includes('FHIR-CANONICAL-FORM'));
  assert.deepEqual(errors(qr('#q1', [{ resourceType: 'Questionnaire', id: 'q1', status: 'active' }])), []);
  assert.deepEqual(errors(qr('http://sello.test/fhir/Questionnaire/q1|1.0')), []);
  const wrongType = errors(qr('http://hl7.org/fhir/ValueSet/example-extensional'), { validateReferences: true });
  assert.ok(wrongType.some((f) => f.ruleId === 'FHIR-CANONICAL-FORM' && f.message.en.includes('Found ValueSet expecting one of [Questionnaire]')));
  assert.deepEqual(errors(qr('http://hl7.org/fhir/ValueSet/example-extensional')), []);
});

test("the example-URL policy: 'allow' by default, 'reject' makes example URLs and extensions errors", () => {
  const doc = {
    resourceType: 'DocumentReference',
    text: narrative,
    status: 'current',
    content: [{ attachment: { contentType: 'text/plain', url: 'http://repository.example.org/fhir/DocumentReference/example' } }],
  };
  assert.deepEqual(errors(doc), []);
  assert.ok(rules(errors(doc, { exampleUrls: 'reject' })).includes('FHIR-EXAMPLE-URL'));
  const patient = { resourceType: 'Patient', text: narrative, extension: [{ url: 'http://example.org/fhir/StructureDefinition/x', valueString: 'y' }] };
  assert.deepEqual(errors(patient), []);
  assert.ok(rules(errors(patient, { exampleUrls: 'reject' })).includes('FHIR-EXTENSION-UNKNOWN'));
});

test('contained resources have distinct ids, and a canonical resource’s own url is absolute, contained or not', () => {
  const obs = (ids: string[]) => observation({ reference: '#p' }, { contained: ids.map((id) => ({ resourceType: 'Patient', id })) });
  assert.ok(errors(obs(['p', 'p'])).some((f) => f.ruleId === 'FHIR-CONTAINED-ID' && f.message.en.includes(': p')));
  assert.deepEqual(errors(obs(['p'])), []);
  const vs = (url: string) => ({ resourceType: 'ValueSet', text: narrative, status: 'active', url });
  assert.ok(rules(errors(vs('ValueSet/x'))).includes('FHIR-CANONICAL-FORM'));
  assert.deepEqual(errors(vs('http://sello.test/fhir/ValueSet/x')), []);
  const holder = (url: string) => ({ ...vs('http://sello.test/fhir/ValueSet/outer'), compose: { include: [{ valueSet: ['#v'] }] }, contained: [{ ...vs(url), id: 'v' }] });
  assert.ok(errors(holder('vs1')).some((f) => f.message.en.includes('in contained resources must be absolute')));
  assert.deepEqual(errors(holder('http://sello.test/fhir/ValueSet/inner')), []);
});

test('a chain of 3,000 profiled targets is judged without exhausting the stack', () => {
  const n = 3000;
  const entries: [string, unknown][] = [];
  for (let i = 0; i < n; i++) {
    entries.push([
      `http://x.org/fhir/Patient/p${i}`,
      {
        resourceType: 'Patient',
        id: `p${i}`,
        text: narrative,
        meta: { profile: [LINKED_PROFILE] },
        birthDate: '1970-01-01',
        link: [{ other: { reference: `Patient/p${(i + 1) % n}` }, type: 'seealso' }],
      },
    ]);
  }
  assert.deepEqual(errors(collection(entries)), []);
});
