/** Nested resources, Bundles and references: resolution by fullUrl, contained references, linear time. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, errors, show, validate } from './helpers.ts';

const entry = (fullUrl: string, resource: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ fullUrl, resource, ...extra });
const patient = (id: string): Record<string, unknown> => ({ resourceType: 'Patient', id, name: [{ family: 'F' + id }] });
const encounter = (subject: string): Record<string, unknown> => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' },
  subject: { reference: subject },
});
/** An Encounter at a RESTful fullUrl ending in Encounter/e: the fullUrl names its id (Bundle.entry.fullUrl). */
const encounterE = (subject: string): Record<string, unknown> => ({ ...encounter(subject), id: 'e' });

test('entries are validated as resources, at Bundle.entry[i].resource', () => {
  const fs = validate({ resourceType: 'Bundle', type: 'collection', entry: [entry('urn:uuid:2b4a6d1e-0b5e-4d8e-9f3e-000000000001', { resourceType: 'Patient', gender: 'x', bogus: 1 })] });
  assert.ok(at(fs, 'FHIR-UNKNOWN-ELEMENT').includes('Bundle.entry[0].resource.bogus'), show(fs));
  assert.ok(at(fs, 'FHIR-BINDING-REQUIRED').includes('Bundle.entry[0].resource.gender'), show(fs));
});

test('fullUrl must be absolute and agree with the resource id', () => {
  const fs = validate({ resourceType: 'Bundle', type: 'collection', entry: [entry('Patient/1', patient('1')), entry('http://x.test/fhir/Patient/2', patient('3'))] });
  assert.deepEqual(at(fs, 'FHIR-BUNDLE-FULLURL'), ['Bundle.entry[0]', 'Bundle.entry[1]'], show(fs));
  assert.match(fs.find((f) => f.location === 'Bundle.entry[0]')!.message.en, /absolute URL \(not 'Patient\/1'\)/);
});

test('references resolve by fullUrl: urn:uuid, absolute, and relative to a RESTful base', () => {
  const u1 = 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000001';
  const fs = validate({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      entry(u1, patient('a'), { request: { method: 'POST', url: 'Patient' } }),
      entry('urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000002', encounter(u1), { request: { method: 'POST', url: 'Encounter' } }),
      entry('http://x.test/fhir/Patient/b', patient('b'), { request: { method: 'PUT', url: 'Patient/b' } }),
      entry('http://x.test/fhir/Encounter/e', encounterE('Patient/b'), { request: { method: 'PUT', url: 'Encounter/e' } }),
    ],
  });
  assert.deepEqual(errors(fs), [], show(fs));
});

test('an unresolved urn: reference is an error in self-contained Bundles, a warning in a collection', () => {
  const missing = 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-00000000dead';
  const transaction = validate({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [entry('urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000002', encounter(missing), { request: { method: 'POST', url: 'Encounter' } })],
  });
  const unresolved = transaction.find((f) => f.ruleId === 'FHIR-REFERENCE-UNRESOLVED');
  assert.equal(unresolved?.severity, 'error', show(transaction));
  assert.equal(unresolved?.location, 'Bundle.entry[0].resource.subject');
  const collection = validate({ resourceType: 'Bundle', type: 'collection', entry: [entry('urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000002', encounter(missing))] });
  assert.equal(collection.find((f) => f.ruleId === 'FHIR-REFERENCE-UNRESOLVED')?.severity, 'warning', show(collection));
});

test('two entries with the same fullUrl: bdl-7, and references to it are ambiguous; versions tell them apart', () => {
  const url = 'http://x.test/fhir/Patient/p';
  const versioned = (v: string): Record<string, unknown> => ({ ...patient('p'), meta: { versionId: v } });
  const dup = validate({ resourceType: 'Bundle', type: 'collection', entry: [entry(url, patient('p')), entry(url, patient('p')), entry('http://x.test/fhir/Encounter/e', encounterE('Patient/p'))] });
  assert.deepEqual(at(dup, 'bdl-7'), ['Bundle.entry[1]'], show(dup));
  assert.deepEqual(at(dup, 'FHIR-REFERENCE-AMBIGUOUS'), ['Bundle.entry[2].resource.subject'], show(dup));
  const ok = validate({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [entry(url, versioned('1')), entry(url, versioned('2')), entry('http://x.test/fhir/Encounter/e', encounterE('Patient/p/_history/2'))],
  });
  assert.deepEqual(errors(ok), [], show(ok));
});

test('documents: the Composition references must be in the Bundle', () => {
  const doc = (subject: string): Record<string, unknown> => ({
    resourceType: 'Bundle',
    type: 'document',
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-0000000000d0' },
    timestamp: '2024-01-01T00:00:00Z',
    entry: [
      entry('http://x.test/fhir/Composition/c', {
        resourceType: 'Composition',
        id: 'c',
        status: 'final',
        type: { text: 't' },
        date: '2024-01-01',
        title: 'T',
        author: [{ reference: 'Patient/a' }],
        subject: { reference: subject },
        section: [{ title: 's', entry: [{ reference: 'Patient/a' }] }],
      }),
      entry('http://x.test/fhir/Patient/a', patient('a')),
    ],
  });
  assert.deepEqual(errors(validate(doc('Patient/a'))), []);
  const fs = validate(doc('Patient/zz'));
  assert.deepEqual(at(fs, 'FHIR-REFERENCE-UNRESOLVED'), ['Bundle.entry[0].resource.subject'], show(fs));
  assert.match(fs.find((f) => f.ruleId === 'FHIR-REFERENCE-UNRESOLVED')!.message.en, /Can't find 'Patient\/zz' in the bundle \(Composition\.subject\)/);
});

test('contained resources: local references must resolve (ref-1) and every contained resource be referenced (dom-3)', () => {
  const base = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
  const ok = validate({ ...base, contained: [patient('p')], subject: { reference: '#p' } });
  assert.deepEqual(errors(ok), [], show(ok));
  const dangling = validate({ ...base, subject: { reference: '#nope' } });
  assert.deepEqual(at(dangling, 'ref-1'), ['Observation.subject'], show(dangling));
  const orphan = validate({ ...base, contained: [patient('p')] });
  assert.deepEqual(at(orphan, 'dom-3'), ['Observation'], show(orphan));
  // a contained resource pointing back at its container with '#' counts as referenced
  const back = validate({ ...base, contained: [{ resourceType: 'Provenance', id: 'pv', target: [{ reference: '#' }], recorded: '2024-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] }] });
  assert.deepEqual(at(back, 'dom-3'), [], show(back));
  // canonical references to contained resources count too
  const q = validate({
    resourceType: 'Questionnaire',
    status: 'draft',
    item: [{ linkId: '1', type: 'choice', answerValueSet: '#vs' }],
    contained: [{ resourceType: 'ValueSet', id: 'vs', status: 'draft' }],
  });
  assert.deepEqual(errors(q), [], show(q));
});

test('resources inside Parameters, and Bundles inside Parameters, are validated', () => {
  const fs = validate({
    resourceType: 'Parameters',
    parameter: [
      { name: 'p', resource: { resourceType: 'Patient', gender: 'x' } },
      { name: 'b', resource: { resourceType: 'Bundle', type: 'collection', entry: [entry('Patient/1', patient('1'))] } },
    ],
  });
  assert.ok(at(fs, 'FHIR-BINDING-REQUIRED').includes('Parameters.parameter[0].resource.gender'), show(fs));
  assert.deepEqual(at(fs, 'FHIR-BUNDLE-FULLURL'), ['Parameters.parameter[1].resource.entry[0]'], show(fs));
});

function bigBundle(n: number): Record<string, unknown> {
  const entries: unknown[] = [];
  for (let i = 0; i < n; i += 2) {
    const pid = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    entries.push(
      entry(pid, { ...patient(`p${i}`), gender: 'female', birthDate: '1980-01-01', identifier: [{ system: 'urn:oid:1.2.3', value: String(i) }] }, { request: { method: 'POST', url: 'Patient' } }),
    );
    entries.push(entry(`urn:uuid:00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, encounter(pid), { request: { method: 'POST', url: 'Encounter' } }));
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

// How validation time grows with a Bundle's size is measured in bench/run.ts (a 1,000-entry transaction Bundle), not
// timed here: a unit test on a shared machine would fail on load, not on code. What is checked here is the result.
test('a Bundle of 1,000 entries with references between them validates without errors, every reference resolved', () => {
  const large = bigBundle(1000);
  assert.deepEqual(errors(validate(large)), []);
  const broken = bigBundle(1000) as { entry: { resource: { subject?: { reference: string } } }[] };
  broken.entry[999]!.resource.subject = { reference: 'urn:uuid:00000000-0000-4000-8000-999999999999' };
  assert.ok(errors(validate(broken)).length > 0, 'an unresolvable reference in the last entry is reported');
});
