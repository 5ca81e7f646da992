import { tempDirSync } from '../../support/temp-dir.ts';
/** Profile constraints: fixed/pattern, slicing, bindings, extensions, must-support, declared profiles. */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ElementDefinition, StructureDefinition } from '../../../src/fhir/contracts.ts';
import { createFhirValidator } from '../../../src/fhir/index.ts';
import { at, CORE, errors, show } from './helpers.ts';

function sd(url: string, type: string, elements: ElementDefinition[], base = CORE + type): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url,
    name: 'T',
    status: 'draft',
    kind: type === 'Extension' ? 'complex-type' : 'resource',
    abstract: false,
    type,
    baseDefinition: base,
    derivation: 'constraint',
    differential: { element: elements },
    ...(type === 'Extension' ? { context: [{ type: 'element', expression: 'Patient' }] } : {}),
  } as StructureDefinition;
}

// A profile package on disk, as profiles/<program>/fhir/ holds them.
const dir = tempDirSync('sello-core-profiles-');
const P = 'http://sello.test/fhir/StructureDefinition/';
const files: StructureDefinition[] = [
  sd(P + 'ext-etnia', 'Extension', [
    { id: 'Extension.url', path: 'Extension.url', fixedUri: P + 'ext-etnia' } as ElementDefinition,
    { id: 'Extension.value[x]', path: 'Extension.value[x]', min: 1, type: [{ code: 'Coding' }] },
  ]),
  sd(P + 'ext-complex', 'Extension', [
    { id: 'Extension.extension:codigo', path: 'Extension.extension', sliceName: 'codigo', min: 1, max: '1' },
    { id: 'Extension.extension:codigo.url', path: 'Extension.extension.url', fixedUri: 'codigo' } as ElementDefinition,
    { id: 'Extension.extension:codigo.value[x]', path: 'Extension.extension.value[x]', type: [{ code: 'string' }] },
    { id: 'Extension.url', path: 'Extension.url', fixedUri: P + 'ext-complex' } as ElementDefinition,
    { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
  ]),
  sd(P + 'paciente', 'Patient', [
    { id: 'Patient.extension', path: 'Patient.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
    { id: 'Patient.extension:etnia', path: 'Patient.extension', sliceName: 'etnia', min: 1, max: '1', type: [{ code: 'Extension', profile: [P + 'ext-etnia'] }] },
    { id: 'Patient.identifier', path: 'Patient.identifier', min: 1, slicing: { discriminator: [{ type: 'pattern', path: 'type' }], rules: 'closed' } },
    { id: 'Patient.identifier:dni', path: 'Patient.identifier', sliceName: 'dni', min: 1, max: '1' },
    { id: 'Patient.identifier:dni.type', path: 'Patient.identifier.type', min: 1, patternCodeableConcept: { coding: [{ system: 'urn:tipo', code: 'DNI' }] } } as ElementDefinition,
    { id: 'Patient.identifier:dni.system', path: 'Patient.identifier.system', min: 1, fixedUri: 'urn:dni' } as ElementDefinition,
    { id: 'Patient.identifier:otro', path: 'Patient.identifier', sliceName: 'otro', min: 0, max: '*' },
    { id: 'Patient.identifier:otro.type', path: 'Patient.identifier.type', min: 1, patternCodeableConcept: { coding: [{ system: 'urn:tipo', code: 'CE' }] } } as ElementDefinition,
    { id: 'Patient.name', path: 'Patient.name', mustSupport: true },
    { id: 'Patient.gender', path: 'Patient.gender', min: 1, binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' } },
    { id: 'Patient.birthDate', path: 'Patient.birthDate', mustSupport: true, constraint: [{ key: 'pac-1', severity: 'error', human: 'desde 1900', expression: "$this.toString() >= '1900'" }] },
    { id: 'Patient.address', path: 'Patient.address', mustSupport: true },
    { id: 'Patient.address.country', path: 'Patient.address.country', patternString: 'PE' } as ElementDefinition,
  ]),
  sd(P + 'composicion', 'Composition', [
    { id: 'Composition.section', path: 'Composition.section', min: 1 },
    { id: 'Composition.section.entry', path: 'Composition.section.entry', slicing: { discriminator: [{ type: 'type', path: 'resolve()' }], rules: 'closed' } },
    { id: 'Composition.section.entry:paciente', path: 'Composition.section.entry', sliceName: 'paciente', min: 1, max: '1', type: [{ code: 'Reference', targetProfile: [CORE + 'Patient'] }] },
    { id: 'Composition.section.entry:obs', path: 'Composition.section.entry', sliceName: 'obs', min: 0, max: '*', type: [{ code: 'Reference', targetProfile: [CORE + 'Observation'] }] },
  ]),
  sd(P + 'obs', 'Observation', [
    { id: 'Observation.category', path: 'Observation.category', min: 1, slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'open' } },
    {
      id: 'Observation.category:vs',
      path: 'Observation.category',
      sliceName: 'vs',
      min: 1,
      max: '1',
      patternCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
    } as ElementDefinition,
    { id: 'Observation.value[x]', path: 'Observation.value[x]', slicing: { discriminator: [{ type: 'type', path: '$this' }], rules: 'closed' } },
    { id: 'Observation.value[x]:valueQuantity', path: 'Observation.value[x]', sliceName: 'valueQuantity', type: [{ code: 'Quantity' }] },
    { id: 'Observation.value[x]:valueQuantity.system', path: 'Observation.value[x].system', fixedUri: 'http://unitsofmeasure.org' } as ElementDefinition,
    { id: 'Observation.component', path: 'Observation.component', slicing: { discriminator: [{ type: 'exists', path: 'value' }], rules: 'open' } },
    { id: 'Observation.component:conValor', path: 'Observation.component', sliceName: 'conValor', min: 1 },
    { id: 'Observation.component:conValor.value[x]', path: 'Observation.component.value[x]', min: 1 },
    { id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference', targetProfile: [CORE + 'Patient'] }] },
  ]),
];
for (const [i, f] of files.entries()) writeFileSync(join(dir, `StructureDefinition-${i}.json`), JSON.stringify(f));

const v = createFhirValidator({ profileDirs: [dir] });

const paciente = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Patient',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
  extension: [{ url: P + 'ext-etnia', valueCoding: { system: 'urn:etnia', code: '1' } }],
  identifier: [{ type: { coding: [{ system: 'urn:tipo', code: 'DNI' }], text: 'DNI' }, system: 'urn:dni', value: '12345678' }],
  name: [{ family: 'Quispe' }],
  gender: 'female',
  birthDate: '1990-01-01',
  address: [{ country: 'PE' }],
  ...extra,
});

test('a conformant instance: no error, must-support elements present', () => {
  const fs = v.validate(paciente(), { profile: P + 'paciente' });
  assert.deepEqual(errors(fs), [], show(fs));
  assert.deepEqual(at(fs, 'FHIR-MUST-SUPPORT'), []);
});

test('meta.profile is validated when the registry knows it; unknown profiles are a warning', () => {
  const fs = v.validate(paciente({ meta: { profile: [P + 'paciente', 'http://nowhere.test/sd/x'] }, gender: undefined }));
  assert.ok(
    errors(fs).some((f) => f.ruleId === 'FHIR-CARDINALITY-MIN' && f.message.en.includes(P + 'paciente')),
    show(fs),
  );
  assert.equal(fs.find((f) => f.ruleId === 'FHIR-PROFILE-UNKNOWN')?.severity, 'warning');
});

test('must-support: absent elements are reported as information', () => {
  const fs = v.validate(paciente({ name: undefined, address: undefined }), { profile: P + 'paciente' });
  assert.deepEqual(errors(fs), [], show(fs));
  const ms = fs.filter((f) => f.ruleId === 'FHIR-MUST-SUPPORT');
  assert.deepEqual(
    ms.map((f) => f.severity),
    ['information', 'information'],
  );
  assert.deepEqual(ms.map((f) => f.message.en.split(' ')[2]).sort(), ['Patient.address', 'Patient.name']);
});

test('fixed and pattern values, down into datatypes', () => {
  const fs = v.validate(
    paciente({
      identifier: [{ type: { coding: [{ system: 'urn:tipo', code: 'DNI' }] }, system: 'urn:otro', value: '1' }],
      address: [{ country: 'BO' }],
    }),
    { profile: P + 'paciente' },
  );
  assert.deepEqual(at(fs, 'FHIR-FIXED'), ['Patient.identifier[0].system'], show(fs));
  assert.deepEqual(at(fs, 'FHIR-PATTERN'), ['Patient.address[0].country'], show(fs));
});

test('slicing by pattern: closed slicing rejects unmatched items, slice cardinality is checked', () => {
  const noDni = v.validate(paciente({ identifier: [{ type: { coding: [{ system: 'urn:tipo', code: 'CE' }] }, value: '9' }] }), { profile: P + 'paciente' });
  assert.ok(
    noDni.some((f) => f.ruleId === 'FHIR-SLICE-CARDINALITY' && f.message.en.includes("Slice 'Patient.identifier:dni'")),
    show(noDni),
  );
  const twoDni = v.validate(paciente({ identifier: [1, 2].map((n) => ({ type: { coding: [{ system: 'urn:tipo', code: 'DNI' }] }, system: 'urn:dni', value: String(n) })) }), {
    profile: P + 'paciente',
  });
  assert.ok(
    twoDni.some((f) => f.ruleId === 'FHIR-SLICE-CARDINALITY' && /max allowed = 1, but found 2/.test(f.message.en)),
    show(twoDni),
  );
  const stranger = v.validate(
    paciente({
      identifier: [
        { type: { coding: [{ system: 'urn:tipo', code: 'DNI' }] }, system: 'urn:dni', value: '1' },
        { system: 'urn:x', value: '2' },
      ],
    }),
    { profile: P + 'paciente' },
  );
  assert.deepEqual(at(stranger, 'FHIR-SLICE-UNMATCHED'), ['Patient.identifier[1]'], show(stranger));
});

test('slicing by $this pattern, by type (choice) and by exists', () => {
  const obs = (extra: Record<string, unknown>): Record<string, unknown> => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    component: [{ code: { text: 'c' }, valueString: 'v' }],
    ...extra,
  });
  assert.deepEqual(errors(v.validate(obs({ valueQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: 'mg' } }), { profile: P + 'obs' })), []);
  const wrongCategory = v.validate(obs({ category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }] }), { profile: P + 'obs' });
  assert.ok(
    wrongCategory.some((f) => f.message.en.includes("Slice 'Observation.category:vs'")),
    show(wrongCategory),
  );
  const wrongType = v.validate(obs({ valueString: 'alto' }), { profile: P + 'obs' });
  assert.deepEqual(at(wrongType, 'FHIR-SLICE-UNMATCHED'), ['Observation.value.ofType(string)'], show(wrongType));
  const quantityUnits = v.validate(obs({ valueQuantity: { value: 1, system: 'urn:other', code: 'mg' } }), { profile: P + 'obs' });
  assert.deepEqual(at(quantityUnits, 'FHIR-FIXED'), ['Observation.value.ofType(Quantity).system'], show(quantityUnits));
  const noValueComponent = v.validate(obs({ component: [{ code: { text: 'c' } }] }), { profile: P + 'obs' });
  assert.ok(
    noValueComponent.some((f) => f.message.en.includes("Slice 'Observation.component:conValor'")),
    show(noValueComponent),
  );
});

test('slicing by resolve(): references are told apart by the resource they point to in the Bundle', () => {
  const doc = (entries: string[]): Record<string, unknown> => ({
    resourceType: 'Bundle',
    type: 'document',
    identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-0000000000d1' },
    timestamp: '2024-01-01T00:00:00Z',
    entry: [
      {
        fullUrl: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000c01',
        resource: {
          resourceType: 'Composition',
          meta: { profile: [P + 'composicion'] },
          status: 'final',
          type: { text: 't' },
          date: '2024-01-01',
          title: 'T',
          author: [{ reference: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000a01' }],
          section: [{ title: 's', entry: entries.map((reference) => ({ reference })) }],
        },
      },
      { fullUrl: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000a01', resource: { resourceType: 'Patient', name: [{ family: 'X' }] } },
      { fullUrl: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000b01', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } },
      { fullUrl: 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000e01', resource: { resourceType: 'Organization', name: 'O' } },
    ],
  });
  const ok = v.validate(doc(['urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000a01', 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000b01']));
  assert.deepEqual(errors(ok), [], show(ok));
  const noPatient = v.validate(doc(['urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000b01']));
  assert.ok(
    noPatient.some((f) => f.message.en.includes("Slice 'Composition.section.entry:paciente'")),
    show(noPatient),
  );
  const stranger = v.validate(doc(['urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000a01', 'urn:uuid:7f1c3c7e-3c7e-4c7e-8c7e-000000000e01']));
  assert.deepEqual(at(stranger, 'FHIR-SLICE-UNMATCHED'), ['Bundle.entry[0].resource.section[0].entry[1]'], show(stranger));
});

test('reference targets: the type a reference implies must be allowed', () => {
  const base = v.validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Organization/1' } });
  assert.deepEqual(at(base, 'FHIR-REFERENCE-TYPE'), ['Observation.subject'], show(base));
  const profiled = v.validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'http://x.test/fhir/Group/1' } }, { profile: P + 'obs' });
  assert.ok(
    profiled.some((f) => f.ruleId === 'FHIR-REFERENCE-TYPE' && f.message.en.includes('must be one of Patient')),
    show(profiled),
  );
  const mismatch = v.validate({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/1', type: 'Group' } });
  assert.deepEqual(at(mismatch, 'FHIR-REFERENCE-TYPE'), ['Observation.subject'], show(mismatch));
});

test('required bindings are errors, extensible ones warnings; codes outside the offline terminology are not judged', () => {
  const fs = v.validate(paciente({ gender: 'mujer', maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'ZZ' }] } }), { profile: P + 'paciente' });
  assert.ok(
    fs.some((f) => f.ruleId === 'FHIR-BINDING-REQUIRED' && f.severity === 'error' && f.location === 'Patient.gender'),
    show(fs),
  );
  assert.ok(
    fs.some((f) => f.ruleId === 'FHIR-BINDING-EXTENSIBLE' && f.severity === 'warning' && f.location === 'Patient.maritalStatus'),
    show(fs),
  );
  const loinc = v.validate({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '0000-0' }] } });
  assert.deepEqual(errors(loinc), [], show(loinc));
});

test('extensions: by URL, their own definition (value types, fixed url), context, sub-extensions', () => {
  const wrongValue = v.validate(paciente({ extension: [{ url: P + 'ext-etnia', valueString: 'x' }] }), { profile: P + 'paciente' });
  assert.ok(at(wrongValue, 'FHIR-UNKNOWN-ELEMENT').includes('Patient.extension[0].valueString'), show(wrongValue));
  const complexOk = v.validate(paciente({ extension: [...(paciente().extension as unknown[]), { url: P + 'ext-complex', extension: [{ url: 'codigo', valueString: 'A' }] }] }), {
    profile: P + 'paciente',
  });
  assert.deepEqual(errors(complexOk), [], show(complexOk));
  const complexBad = v.validate(paciente({ extension: [...(paciente().extension as unknown[]), { url: P + 'ext-complex', extension: [{ url: 'otro', valueString: 'A' }] }] }), {
    profile: P + 'paciente',
  });
  assert.ok(
    complexBad.some((f) => f.ruleId === 'FHIR-EXTENSION-UNKNOWN' && /Sub-extension url 'otro'/.test(f.message.en)),
    show(complexBad),
  );
  assert.ok(
    complexBad.some((f) => f.message.en.includes("Slice 'Extension.extension:codigo'")),
    show(complexBad),
  );
  const both = v.validate(paciente({ extension: [{ url: P + 'ext-etnia', valueCoding: { code: '1' }, extension: [{ url: 'x', valueString: 'y' }] }] }), { profile: P + 'paciente' });
  assert.ok(at(both, 'ext-1').includes('Patient.extension[0]'), show(both));
  // context: the core mothers-family extension belongs on HumanName.family
  const context = v.validate({ resourceType: 'Patient', name: [{ family: 'X', extension: [{ url: CORE + 'humanname-mothers-family', valueString: 'Y' }] }] });
  assert.deepEqual(at(context, 'FHIR-EXTENSION-CONTEXT'), ['Patient.name[0].extension[0]'], show(context));
  const rightPlace = v.validate({ resourceType: 'Patient', name: [{ family: 'X', _family: { extension: [{ url: CORE + 'humanname-mothers-family', valueString: 'Y' }] } }] });
  assert.deepEqual(errors(rightPlace), [], show(rightPlace));
  // a modifier extension used as a plain one
  const modifier = v.validate({
    resourceType: 'Patient',
    extension: [{ url: CORE + 'patient-birthPlace', valueAddress: { city: 'Lima' } }],
    modifierExtension: [{ url: CORE + 'patient-birthPlace', valueAddress: { city: 'Lima' } }],
  });
  assert.deepEqual(at(modifier, 'FHIR-EXTENSION-MODIFIER'), ['Patient.modifierExtension[0]'], show(modifier));
});

test('unknown extensions: an error, except on example domains (a warning), cross-version ones are not judged', () => {
  const unknown = v.validate({ resourceType: 'Patient', extension: [{ url: 'http://unknown.test.org/ext', valueString: 'x' }] });
  assert.deepEqual(
    errors(unknown).map((f) => f.ruleId),
    ['FHIR-EXTENSION-UNKNOWN'],
  );
  for (const url of ['http://example.org/ext', 'http://sello.example/fhir/ext']) {
    const fs = v.validate({ resourceType: 'Patient', extension: [{ url, valueString: 'x' }] });
    assert.deepEqual(errors(fs), [], show(fs));
    assert.equal(fs.find((f) => f.ruleId === 'FHIR-EXTENSION-UNKNOWN')?.severity, 'warning');
  }
  const xver = v.validate({ resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.x', valueString: 'x' }] });
  assert.deepEqual(errors(xver), [], show(xver));
});

test('profile invariants go to the evaluator; the base walk and the profile walk do not repeat base ones', () => {
  const calls: string[] = [];
  const spy = createFhirValidator({
    profileDirs: [dir],
    invariants: { evaluate: (inv) => (calls.push(inv.key), { passed: inv.key !== 'pac-1' }) },
  });
  const fs = spy.validate(paciente({ birthDate: '1890-01-01' }), { profile: P + 'paciente' });
  assert.deepEqual(at(fs, 'pac-1'), ['Patient.birthDate'], show(fs));
  assert.equal(calls.filter((k) => k === 'pac-1').length, 1);
  assert.equal(fs.find((f) => f.ruleId === 'pac-1')?.code, 'invariant');
  // dom-2…6, ele-1, ext-1 never reach the engine: they are decided directly
  assert.deepEqual(
    calls.filter((k) => /^(dom|ele|ext)-/.test(k)),
    [],
  );
});

test('OperationOutcome: one issue per finding, FHIRPath expression, Spanish text with the English translation', () => {
  const oo = v.validateToOperationOutcome({ resourceType: 'Patient', unknownElement: 1 });
  assert.equal(oo.resourceType, 'OperationOutcome');
  const issue = oo.issue.find((i) => i.details.coding[0]?.code === 'FHIR-UNKNOWN-ELEMENT')!;
  assert.equal(issue.severity, 'error');
  assert.equal(issue.code, 'structure');
  assert.deepEqual(issue.expression, ['Patient.unknownElement']);
  assert.equal(issue.details.text, "Propiedad no reconocida 'unknownElement'");
  assert.equal(issue.details._text?.extension[0]?.extension[1]?.valueString, "Unrecognized property 'unknownElement'");
});
