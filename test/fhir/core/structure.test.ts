/** Structure against the base definitions: properties, JSON shape, primitive formats, cardinality, types. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at, errors, show, validate } from './helpers.ts';

const patient = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Patient',
  id: 'p1',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ana</div>' },
  ...extra,
});

test('a valid resource has no error', () => {
  const fs = validate(
    patient({
      identifier: [{ system: 'urn:oid:1.2.3', value: '1' }],
      name: [{ family: 'Pérez', given: ['Ana', 'María'] }],
      gender: 'female',
      birthDate: '1990-02-28',
      telecom: [{ system: 'phone', value: '+51 1 234' }],
    }),
  );
  assert.deepEqual(errors(fs), [], show(fs));
});

test('unknown properties are errors, at their FHIRPath location', () => {
  const fs = validate(patient({ unknownElement: 'x', name: [{ family: 'X', nickname: 'y' }] }));
  assert.deepEqual(at(fs, 'FHIR-UNKNOWN-ELEMENT').sort(), ['Patient.name[0].nickname', 'Patient.unknownElement']);
  assert.equal(fs.find((f) => f.ruleId === 'FHIR-UNKNOWN-ELEMENT')?.locationKind, 'fhirpath');
});

test('resourceType: missing or unknown', () => {
  assert.equal(errors(validate({ id: 'x' }))[0]?.ruleId, 'FHIR-RESOURCE-TYPE');
  assert.match(errors(validate({ resourceType: 'Patientt' }))[0]!.message.en, /Unknown resource type 'Patientt'/);
  assert.equal(errors(validate([1, 2]))[0]?.severity, 'fatal');
});

test('JSON shape: arrays where the definition repeats, single values where it does not', () => {
  const fs = validate(patient({ name: { family: 'X' }, gender: ['female'], identifier: [] }));
  const shape = at(fs, 'FHIR-JSON-SHAPE');
  assert.ok(shape.includes('Patient.name'), show(fs));
  assert.ok(shape.includes('Patient.gender'), show(fs));
  assert.ok(shape.includes('Patient.identifier'), show(fs));
  assert.match(fs.find((f) => f.location === 'Patient.name')!.message.en, /must be a JSON Array, not an Object/);
});

test('primitive extensions: `_field` objects, arrays aligned with nulls', () => {
  const ok = validate(
    patient({
      name: [{ given: ['Ana', null], _given: [null, { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier', valueCode: 'BR' }] }] }],
      _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1990-02-28T10:00:00Z' }] },
    }),
  );
  assert.deepEqual(errors(ok), [], show(ok));
  const bad = validate(patient({ name: [{ given: ['Ana', null] }], _gender: { value: 'x' }, _name: {} }));
  assert.ok(at(bad, 'FHIR-JSON-SHAPE').includes('Patient.name[0].given[1]'), show(bad));
  assert.ok(at(bad, 'FHIR-UNKNOWN-ELEMENT').includes('Patient.gender.value'), show(bad));
  assert.ok(at(bad, 'FHIR-UNKNOWN-ELEMENT').includes('Patient._name'), show(bad));
});

test('primitive formats of FHIR R4', () => {
  const cases: [string, unknown, boolean][] = [
    ['birthDate', '2024-02-29', true],
    ['birthDate', '2023-02-29', false],
    ['birthDate', '2024-13', false],
    ['birthDate', '1975', true],
    ['deceasedDateTime', '2020-01-01T10:00:00', false],
    ['deceasedDateTime', '2020-01-01T10:00:00+05:00', true],
    ['deceasedDateTime', '2020-01', true],
    ['deceasedBoolean', 'true', false],
    ['deceasedBoolean', true, true],
    ['multipleBirthInteger', 2.5, false],
    ['multipleBirthInteger', 3000000000, false],
    ['multipleBirthInteger', -1, true],
    ['gender', 'fe male', true],
    ['gender', ' female', false],
    ['gender', '', false],
    ['implicitRules', 'http://x y', false],
    ['implicitRules', 'urn:oid:1.2.abc', false],
    ['implicitRules', 'urn:uuid:not-a-uuid', false],
  ];
  for (const [field, value, valid] of cases) {
    const fs = validate(patient({ [field]: value }));
    const problems = fs.filter((f) => (f.ruleId === 'FHIR-PRIMITIVE-FORMAT' || f.ruleId === 'FHIR-TYPE') && f.location.startsWith(`Patient.${field.replace(/(Boolean|DateTime|Integer)$/, '')}`));
    assert.equal(problems.length === 0, valid, `${field} = ${JSON.stringify(value)}:\n${show(fs)}`);
  }
  const tz = validate({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'plan',
    subject: { reference: 'Patient/1' },
    medicationCodeableConcept: { text: 'x' },
    authoredOn: '2020-11-11T10:58:14.768528',
  });
  assert.equal(errors(tz)[0]?.message.en, 'If a date has a time, it must have a timezone');
});

test('instant, time, decimal, positiveInt, unsignedInt, base64Binary, id', () => {
  const obs = (extra: Record<string, unknown>): Record<string, unknown> => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, ...extra });
  assert.deepEqual(errors(validate(obs({ issued: '2020-01-01T00:00:00Z', valueTime: '23:59:60', valueQuantity: undefined }))), []);
  assert.equal(errors(validate(obs({ issued: '2020-01-01' })))[0]?.location, 'Observation.issued');
  assert.equal(errors(validate(obs({ valueTime: '24:00:00' })))[0]?.location, 'Observation.value.ofType(time)');
  assert.equal(errors(validate(obs({ valueQuantity: { value: '1.5' } })))[0]?.ruleId, 'FHIR-TYPE');
  const sampled = (extra: Record<string, unknown>): Record<string, unknown> => obs({ valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 1, ...extra } });
  assert.deepEqual(errors(validate(sampled({}))), []);
  assert.equal(errors(validate(sampled({ dimensions: 0 })))[0]?.location, 'Observation.value.ofType(SampledData).dimensions');
  const media = (data: string, size?: number): Record<string, unknown> => ({
    resourceType: 'Media',
    status: 'completed',
    content: { contentType: 'text/plain', data, ...(size === undefined ? {} : { size }) },
  });
  assert.deepEqual(errors(validate(media('aGVscCBpJ20gYSBidWc=', 14))), []);
  assert.equal(errors(validate(media('%%%2@()()')))[0]?.message.en, "The value '%%%2@()()' is not a valid Base64 value");
  assert.equal(errors(validate(media('aGVscCBpJ20gYSBidWc=', 100)))[0]?.ruleId, 'FHIR-ATTACHMENT-SIZE');
  assert.match(errors(validate(patient({ id: 'bad_id' })))[0]!.message.en, /Invalid Resource id: Invalid Characters/);
  assert.match(errors(validate(patient({ id: 'x'.repeat(65) })))[0]!.message.en, /Too long \(65 chars\)/);
  // element ids are strings, not ids
  assert.deepEqual(errors(validate(patient({ name: [{ id: '/weird==', family: 'X' }] }))), []);
  assert.match(errors(validate(patient({ name: [{ id: 'x'.repeat(1024 * 1024 + 1), family: 'X' }] })))[0]!.message.en, /1 MB/);
});

test('cardinality: minimum at the parent, maximum at the element', () => {
  const fs = validate({ resourceType: 'Observation', status: 'final', valueString: 'a' });
  assert.deepEqual(at(fs, 'FHIR-CARDINALITY-MIN'), ['Observation']);
  assert.match(fs.find((f) => f.ruleId === 'FHIR-CARDINALITY-MIN')!.message.en, /^Observation\.code: minimum required = 1, but only found 0/);
  const two = validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'a', valueBoolean: true });
  assert.deepEqual(at(two, 'FHIR-CARDINALITY-MAX'), ['Observation.value'], show(two));
  const backbone = validate(patient({ contact: [{ gender: 'female' }], link: [{ type: 'seealso' }] }));
  assert.deepEqual(at(backbone, 'FHIR-CARDINALITY-MIN'), ['Patient.link[0]'], show(backbone));
});

test('types: objects where a complex type is due, choice types by property name', () => {
  const fs = validate(patient({ maritalStatus: 'married', deceasedString: 'yes' }));
  assert.ok(at(fs, 'FHIR-TYPE').includes('Patient.maritalStatus'), show(fs));
  assert.ok(at(fs, 'FHIR-UNKNOWN-ELEMENT').includes('Patient.deceasedString'), show(fs));
  const ok = validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueCodeableConcept: { text: 'y' }, effectivePeriod: { start: '2020-01-01' } });
  assert.deepEqual(errors(ok), [], show(ok));
});

test('empty objects and objects with only an id break ele-1', () => {
  const fs = validate(patient({ maritalStatus: {}, name: [{ id: 'n1' }] }));
  assert.deepEqual(at(fs, 'ele-1').sort(), ['Patient.maritalStatus', 'Patient.name[0]']);
});

test('narrative: XHTML rules (txt-1, txt-2)', () => {
  const bad = (div: string): string[] => at(validate(patient({ text: { status: 'generated', div } })), 'txt-1').concat(at(validate(patient({ text: { status: 'generated', div } })), 'txt-2'));
  assert.deepEqual(bad('<div xmlns="http://www.w3.org/1999/xhtml"><p>ok <b>bold</b></p></div>'), []);
  assert.deepEqual(bad('<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>'), ['Patient.text.div']);
  assert.deepEqual(bad('<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">a</p></div>'), ['Patient.text.div']);
  assert.deepEqual(bad('<div>no namespace</div>'), ['Patient.text.div']);
  assert.deepEqual(bad('<div xmlns="http://www.w3.org/1999/xhtml">   </div>'), ['Patient.text.div']);
});

test('dom-6 (narrative) is a warning, and not asked of contained resources', () => {
  const fs = validate({ resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o', name: 'X' }], managingOrganization: { reference: '#o' } });
  assert.deepEqual(
    fs.filter((f) => f.ruleId === 'dom-6').map((f) => [f.severity, f.location]),
    [['warning', 'Patient']],
  );
});

test('malformed input never throws: seeded mutations of valid resources', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const odd: unknown[] = [null, 0, -1, 1.5, '', ' ', 'x', true, [], [null], {}, { x: 1 }, [1, 'a'], '#', 'urn:uuid:1', '2020-13-45'];
  const mutate = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(mutate);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(x)) {
        const r = rnd();
        if (r < 0.05) continue;
        o[k] = r < 0.15 ? odd[Math.floor(rnd() * odd.length)] : mutate(val);
      }
      return o;
    }
    return x;
  };
  const sources: unknown[] = [
    patient({ name: [{ family: 'X', given: ['a'] }], contained: [{ resourceType: 'Organization', id: 'o', name: 'O' }], managingOrganization: { reference: '#o' } }),
    {
      resourceType: 'Bundle',
      type: 'document',
      entry: [
        {
          fullUrl: 'urn:uuid:1',
          resource: {
            resourceType: 'Composition',
            status: 'final',
            type: { text: 't' },
            date: '2020',
            author: [{ reference: 'urn:uuid:2' }],
            title: 't',
            section: [{ entry: [{ reference: 'urn:uuid:2' }] }],
          },
        },
        { fullUrl: 'urn:uuid:2', resource: patient() },
      ],
    },
    {
      resourceType: 'StructureDefinition',
      url: 'http://x.test/sd',
      name: 'X',
      status: 'draft',
      kind: 'resource',
      abstract: false,
      type: 'Patient',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient',
      derivation: 'constraint',
      differential: {
        element: [
          { id: 'Patient.name', path: 'Patient.name', min: 1 },
          { id: 'Patient.identifier:a', path: 'Patient.identifier', sliceName: 'a' },
        ],
      },
    },
    {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '1-1' }] },
      valueQuantity: { value: 1, code: 'mg', system: 'http://unitsofmeasure.org' },
      component: [{ code: { text: 'c' }, valueString: 'v' }],
    },
  ];
  for (let i = 0; i < 400; i++) {
    const m = mutate(sources[i % sources.length]);
    assert.doesNotThrow(() => validate(m), JSON.stringify(m));
  }
});
