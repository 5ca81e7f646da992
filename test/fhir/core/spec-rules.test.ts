/**
 * The R4 prose rules of src/fhir/validator/spec-rules (docs/fhir-rules.md): each test shows the rule firing on the
 * statement it checks and staying quiet on the valid form, so none can pass by never reporting.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, errors, show, validate } from './helpers.ts';

const patient = (id?: string): Record<string, unknown> => ({ resourceType: 'Patient', ...(id ? { id } : {}), active: true });
const searchset = (link: unknown[], entry: unknown[]): Record<string, unknown> => ({
  resourceType: 'Bundle',
  type: 'searchset',
  ...(link.length ? { link } : {}),
  ...(entry.length ? { entry } : {}),
});
const self = (url: string): Record<string, unknown> => ({ relation: 'self', url });

test('search results with search modes: match and include resources have ids, match resources the searched type, outcomes are OperationOutcomes', () => {
  const fs = validate(
    searchset(
      [self('http://x.test/fhir/Patient?name=a')],
      [
        { fullUrl: 'urn:uuid:2b4a6d1e-0b5e-4d8e-9f3e-000000000001', resource: patient(), search: { mode: 'match' } },
        { fullUrl: 'http://x.test/fhir/Observation/2', resource: { resourceType: 'Observation', id: '2', status: 'final', code: { text: 'x' } }, search: { mode: 'match' } },
        { fullUrl: 'http://x.test/fhir/Patient/3', resource: patient('3'), search: { mode: 'outcome' } },
        { fullUrl: 'http://x.test/fhir/Patient/4', resource: patient('4'), search: { mode: 'include' } },
      ],
    ),
  );
  assert.deepEqual(at(errors(fs), 'FHIR-BUNDLE-SEARCH-ID'), ['Bundle.entry[0].resource'], show(fs));
  assert.deepEqual(at(errors(fs), 'FHIR-BUNDLE-SEARCH-TYPE'), ['Bundle.entry[1].resource'], show(fs));
  assert.deepEqual(at(errors(fs), 'FHIR-BUNDLE-SEARCH-ENTRY'), ['Bundle.entry[2].resource'], show(fs));
});

test('search results without search modes only get warnings, and a searchset without a self link is warned about', () => {
  const fs = validate(searchset([], [{ fullUrl: 'urn:uuid:2b4a6d1e-0b5e-4d8e-9f3e-000000000001', resource: patient() }]));
  assert.deepEqual(errors(fs), [], show(fs));
  assert.deepEqual(at(fs, 'FHIR-BUNDLE-SEARCH-ID'), ['Bundle.entry[0].resource'], show(fs));
  assert.deepEqual(at(fs, 'FHIR-BUNDLE-SEARCH-SELF'), ['Bundle'], show(fs));
});

test('the searched types come from the self link path or its _type parameter', () => {
  const entry = { fullUrl: 'http://x.test/fhir/Patient/1', resource: patient('1'), search: { mode: 'match' } };
  assert.deepEqual(at(validate(searchset([self('http://x.test/fhir/?_type=Observation,Patient')], [entry])), 'FHIR-BUNDLE-SEARCH-TYPE'), []);
  assert.deepEqual(at(validate(searchset([self('http://x.test/fhir/?_type=Observation')], [entry])), 'FHIR-BUNDLE-SEARCH-TYPE'), ['Bundle.entry[0].resource']);
  // a malformed escape in the server's self link is no reason to fail
  assert.deepEqual(at(validate(searchset([self('http://x.test/fhir/?_type=Patient%E0%A4%A')], [entry])), 'FHIR-BUNDLE-SEARCH-TYPE'), ['Bundle.entry[0].resource']);
});

test('a paging or self link relation appears once; paging relations outside searchset and history are warned about', () => {
  const fs = validate(searchset([self('http://x.test/fhir/Patient'), { relation: 'next', url: 'http://x.test/n' }, self('http://x.test/fhir/Patient')], []));
  assert.deepEqual(at(errors(fs), 'FHIR-BUNDLE-LINK-DUPLICATE'), ['Bundle.link[2]'], show(fs));
  const collection = validate({ resourceType: 'Bundle', type: 'collection', link: [{ relation: 'next', url: 'http://x.test/n' }] });
  assert.deepEqual(errors(collection), [], show(collection));
  assert.deepEqual(at(collection, 'FHIR-BUNDLE-LINK-CONTEXT'), ['Bundle.link[0].relation'], show(collection));
});

test('a RESTful fullUrl needs a resource with that type and id', () => {
  const fs = validate({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'http://x.test/fhir/Patient/1', resource: patient() },
      { fullUrl: 'http://x.test/fhir/Observation/2', resource: patient('2') },
      { fullUrl: 'http://x.test/fhir/Patient/3', resource: patient('3') },
    ],
  });
  assert.deepEqual(at(errors(fs), 'FHIR-BUNDLE-FULLURL'), ['Bundle.entry[0]', 'Bundle.entry[1]'], show(fs));
});

test('Coding.system is an absolute URI and not a value set URL; Identifier.system is absolute', () => {
  const obs = (system: string): Record<string, unknown> => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system, code: 'x' }] },
    identifier: [
      { system: 'ids', value: '1' },
      { system: 'urn:ietf:rfc:3986', value: 'not-a-uri' },
      { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:2b4a6d1e-0b5e-4d8e-9f3e-000000000001' },
    ],
  });
  const relative = validate(obs('codes/local'));
  assert.deepEqual(at(relative, 'FHIR-CODING-SYSTEM-RELATIVE'), ['Observation.code.coding[0].system'], show(relative));
  assert.deepEqual(at(relative, 'FHIR-IDENTIFIER-SYSTEM-RELATIVE'), ['Observation.identifier[0]'], show(relative));
  assert.deepEqual(at(relative, 'FHIR-IDENTIFIER-URI-VALUE'), ['Observation.identifier[1]'], show(relative));
  const valueSet = validate(obs('http://hl7.org/fhir/ValueSet/observation-codes'));
  assert.deepEqual(at(valueSet, 'FHIR-CODING-SYSTEM-VALUESET'), ['Observation.code.coding[0].system'], show(valueSet));
  const good = validate(obs('http://loinc.org'));
  assert.deepEqual(at(good, 'FHIR-CODING-SYSTEM-VALUESET').concat(at(good, 'FHIR-CODING-SYSTEM-RELATIVE')), [], show(good));
});

test('OIDs and UUIDs as URIs are urn:oid: and urn:uuid:, not oid: or uuid:', () => {
  const fs = validate({
    resourceType: 'Patient',
    identifier: [
      { system: 'oid:1.2.3', value: 'a' },
      { system: 'uuid:2b4a6d1e-0b5e-4d8e-9f3e-000000000001', value: 'b' },
      { system: 'urn:oid:1.2.3', value: 'c' },
    ],
  });
  assert.deepEqual(at(errors(fs), 'FHIR-PRIMITIVE-FORMAT'), ['Patient.identifier[0].system', 'Patient.identifier[1].system'], show(fs));
});

test('fhir_comments is not R4 JSON', () => {
  const fs = validate({ resourceType: 'Patient', fhir_comments: ['a comment'] });
  assert.deepEqual(at(errors(fs), 'FHIR-JSON-COMMENTS'), ['Patient.fhir_comments'], show(fs));
});

test('markdown with an embedded HTML tag is warned about, never refused', () => {
  const fs = validate({ resourceType: 'Communication', status: 'completed', note: [{ text: 'see <b>this</b>' }] });
  assert.deepEqual(at(fs, 'FHIR-MARKDOWN-HTML'), ['Communication.note[0].text'], show(fs));
  assert.deepEqual(errors(fs), [], show(fs));
  assert.deepEqual(at(validate({ resourceType: 'Communication', status: 'completed', note: [{ text: 'a < b and *b*' }] }), 'FHIR-MARKDOWN-HTML'), []);
});

test('the ids of a StructureDefinition snapshot are unique among themselves, not against the differential', () => {
  const element = (path: string): Record<string, unknown> => ({ id: path, path });
  const sd = {
    resourceType: 'StructureDefinition',
    url: 'http://x.test/StructureDefinition/p',
    name: 'P',
    status: 'draft',
    kind: 'resource',
    abstract: false,
    type: 'Patient',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
    derivation: 'constraint',
    snapshot: { element: [element('Patient'), element('Patient.active'), element('Patient.active')] },
    differential: { element: [element('Patient'), element('Patient.active')] },
  };
  assert.deepEqual(at(validate(sd), 'FHIR-DUPLICATE-ID'), ['StructureDefinition.snapshot.element[2]'], show(validate(sd)));
});

test('a JWS Bundle signature whose payload is another Bundle does not sign this one', () => {
  const content = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://x.test/fhir/Patient/1', resource: patient('1') }] };
  const jws = (payload: unknown): string =>
    Buffer.from(
      [Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url'), Buffer.from(JSON.stringify(payload)).toString('base64url'), Buffer.from('sig').toString('base64url')].join('.'),
    ).toString('base64');
  const signed = (payload: unknown): Record<string, unknown> => ({
    ...content,
    id: 'b1',
    signature: {
      type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5' }],
      when: '2020-10-23T04:54:56Z',
      who: { display: 'x' },
      sigFormat: 'application/jose',
      data: jws(payload),
    },
  });
  assert.deepEqual(at(validate(signed(content)), 'FHIR-BUNDLE-SIGNATURE-PAYLOAD'), []);
  const other = { ...content, entry: [{ fullUrl: 'http://x.test/fhir/Patient/1', resource: { ...patient('1'), active: false } }] };
  assert.deepEqual(at(validate(signed(other)), 'FHIR-BUNDLE-SIGNATURE-PAYLOAD'), ['Bundle.signature']);
});
