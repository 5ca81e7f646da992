import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElementDefinition, StructureDefinition } from '../../../src/fhir/contracts.ts';
import { DefinitionRegistry } from '../../../src/fhir/definitions/registry.ts';

const registry = new DefinitionRegistry();
const CORE = 'http://hl7.org/fhir/StructureDefinition/';

function profile(url: string, type: string, elements: ElementDefinition[], base = CORE + type): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url,
    name: url.split('/').pop(),
    status: 'draft',
    kind: type === 'Extension' ? 'complex-type' : 'resource',
    abstract: false,
    type,
    baseDefinition: base,
    derivation: 'constraint',
    differential: { element: elements },
  } as StructureDefinition;
}

/** A property of an element that the ElementDefinition type does not declare (fixedUri, patternUri …). */
const prop = (e: ElementDefinition | undefined, key: string): unknown => (e as unknown as Record<string, unknown> | undefined)?.[key];

const byId = (sd: StructureDefinition | undefined, id: string): ElementDefinition | undefined => sd?.snapshot?.element?.find((e) => e.id === id);

test('constraints of the differential land on the base elements, the rest is copied', () => {
  const url = 'http://sello.test/sd/simple-patient';
  registry.add(
    profile(url, 'Patient', [
      { id: 'Patient.identifier', path: 'Patient.identifier', min: 1, mustSupport: true },
      { id: 'Patient.gender', path: 'Patient.gender', min: 1, short: 'Sexo' },
      { id: 'Patient.photo', path: 'Patient.photo', max: '0' },
    ]),
  );
  const sd = registry.structureDefinition(url);
  const base = registry.structureDefinition(CORE + 'Patient');
  assert.equal(sd?.snapshot?.element?.length, base?.snapshot?.element?.length);
  assert.equal(byId(sd, 'Patient.identifier')?.min, 1);
  assert.equal(byId(sd, 'Patient.identifier')?.mustSupport, true);
  assert.equal(byId(sd, 'Patient.gender')?.short, 'Sexo');
  assert.equal(byId(sd, 'Patient.photo')?.max, '0');
  assert.equal(byId(sd, 'Patient.name')?.max, '*');
  assert.deepEqual(registry.snapshotIssues(url), []);
  // generated once, then served from the cache
  assert.equal(registry.structureDefinition(url), sd);
});

test('a path below a datatype expands that datatype in place, down to several levels', () => {
  const url = 'http://sello.test/sd/deep-patient';
  registry.add(
    profile(url, 'Patient', [
      { id: 'Patient.identifier.type.coding.system', path: 'Patient.identifier.type.coding.system', min: 1, fixedUri: 'http://terminology.hl7.org/CodeSystem/v2-0203' } as ElementDefinition,
    ]),
  );
  const sd = registry.structureDefinition(url);
  const system = byId(sd, 'Patient.identifier.type.coding.system');
  assert.equal(system?.min, 1);
  assert.equal(prop(system, 'fixedUri'), 'http://terminology.hl7.org/CodeSystem/v2-0203');
  // the datatypes on the way are complete: siblings are there, in the datatype's order
  const ids = sd!.snapshot!.element!.map((e) => e.id);
  const at = (id: string): number => ids.indexOf(id);
  assert.ok(at('Patient.identifier') < at('Patient.identifier.use'));
  assert.ok(at('Patient.identifier.use') < at('Patient.identifier.type'));
  assert.ok(at('Patient.identifier.type.coding') < at('Patient.identifier.type.coding.system'));
  assert.ok(at('Patient.identifier.type.coding.system') < at('Patient.identifier.type.text'));
  assert.ok(at('Patient.identifier.assigner') < at('Patient.active'));
  assert.equal(byId(sd, 'Patient.identifier.type.coding.system')?.path, 'Patient.identifier.type.coding.system');
});

test('slices are cloned from the sliced element; extension slices keep their profile', () => {
  const url = 'http://sello.test/sd/sliced-patient';
  registry.add(
    profile(url, 'Patient', [
      { id: 'Patient.extension', path: 'Patient.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
      { id: 'Patient.extension:birthPlace', path: 'Patient.extension', sliceName: 'birthPlace', min: 1, max: '1', type: [{ code: 'Extension', profile: [CORE + 'patient-birthPlace'] }] },
      { id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'pattern', path: 'system' }], rules: 'closed' }, min: 1 },
      { id: 'Patient.identifier:dni', path: 'Patient.identifier', sliceName: 'dni', min: 1, max: '1' },
      { id: 'Patient.identifier:dni.system', path: 'Patient.identifier.system', patternUri: 'urn:dni' } as ElementDefinition,
    ]),
  );
  const sd = registry.structureDefinition(url);
  const slice = byId(sd, 'Patient.extension:birthPlace');
  assert.equal(slice?.sliceName, 'birthPlace');
  assert.deepEqual(slice?.type?.[0]?.profile, [CORE + 'patient-birthPlace']);
  assert.equal(slice?.min, 1);
  const dni = byId(sd, 'Patient.identifier:dni');
  assert.equal(dni?.min, 1);
  assert.equal(dni?.slicing, undefined, 'the slice does not inherit the slicing');
  assert.equal(prop(byId(sd, 'Patient.identifier:dni.system'), 'patternUri'), 'urn:dni');
  assert.equal(byId(sd, 'Patient.identifier')?.slicing?.rules, 'closed');
  // slices follow their sliced element (and its other slices)
  const ids = sd!.snapshot!.element!.map((e) => e.id!);
  assert.ok(ids.indexOf('Patient.identifier:dni') > ids.indexOf('Patient.identifier'));
  assert.ok(ids.indexOf('Patient.identifier:dni') < ids.indexOf('Patient.active'));
});

test('differentials without ids: ids come from paths and the slice names before them', () => {
  const url = 'http://sello.test/sd/no-ids';
  registry.add(
    profile(url, 'Patient', [
      { path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'open' } },
      { path: 'Patient.identifier', sliceName: 'mrn', min: 1 },
      { path: 'Patient.identifier.system', fixedUri: 'urn:mrn' } as ElementDefinition,
      { path: 'Patient.birthDate', min: 1 },
    ]),
  );
  const sd = registry.structureDefinition(url);
  assert.equal(prop(byId(sd, 'Patient.identifier:mrn.system'), 'fixedUri'), 'urn:mrn');
  assert.equal(byId(sd, 'Patient.birthDate')?.min, 1);
  assert.equal(byId(sd, 'Patient.identifier.system') && prop(byId(sd, 'Patient.identifier.system'), 'fixedUri'), undefined);
});

test('a choice constrained to one type (`valueQuantity`) restricts value[x]', () => {
  const url = 'http://sello.test/sd/obs-quantity';
  registry.add(
    profile(url, 'Observation', [
      { id: 'Observation.valueQuantity', path: 'Observation.valueQuantity', min: 1 },
      { id: 'Observation.valueQuantity.system', path: 'Observation.valueQuantity.system', fixedUri: 'http://unitsofmeasure.org' } as ElementDefinition,
    ]),
  );
  const sd = registry.structureDefinition(url);
  const value = byId(sd, 'Observation.value[x]');
  assert.equal(value?.min, 1);
  assert.deepEqual(
    value?.type?.map((t) => t.code),
    ['Quantity'],
  );
  assert.equal(prop(byId(sd, 'Observation.value[x].system'), 'fixedUri'), 'http://unitsofmeasure.org');
});

test('complex extension: sub-extension slices with fixed urls and typed values', () => {
  const url = 'http://sello.test/sd/ext-complex';
  registry.add(
    profile(url, 'Extension', [
      { id: 'Extension', path: 'Extension', short: 'complex' },
      { id: 'Extension.extension:code', path: 'Extension.extension', sliceName: 'code', min: 1, max: '1' },
      { id: 'Extension.extension:code.url', path: 'Extension.extension.url', fixedUri: 'code' } as ElementDefinition,
      { id: 'Extension.extension:code.value[x]', path: 'Extension.extension.value[x]', type: [{ code: 'code' }] },
      { id: 'Extension.url', path: 'Extension.url', fixedUri: url } as ElementDefinition,
      { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
    ]),
  );
  const sd = registry.structureDefinition(url);
  assert.equal(prop(byId(sd, 'Extension.extension:code.url'), 'fixedUri'), 'code');
  assert.deepEqual(byId(sd, 'Extension.extension:code.value[x]')?.type, [{ code: 'code' }]);
  assert.equal(byId(sd, 'Extension.value[x]')?.max, '0');
  assert.deepEqual(registry.snapshotIssues(url), []);
});

test('profiles of profiles: the base profile is snapshotted first', () => {
  const parent = 'http://sello.test/sd/parent';
  const child = 'http://sello.test/sd/child';
  registry.add(profile(parent, 'Patient', [{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }]));
  registry.add(profile(child, 'Patient', [{ id: 'Patient.gender', path: 'Patient.gender', min: 1 }], parent));
  const sd = registry.structureDefinition(child);
  assert.equal(byId(sd, 'Patient.birthDate')?.min, 1);
  assert.equal(byId(sd, 'Patient.gender')?.min, 1);
});

test('problems are reported: wrong order, unknown paths, slicing at the root, bad discriminators', () => {
  const order = registry.trySnapshot(
    profile('http://sello.test/sd/order', 'Patient', [
      { id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 },
      { id: 'Patient.identifier', path: 'Patient.identifier', min: 1 },
    ]),
  );
  assert.equal(order.issues.length, 1);
  assert.match(order.issues[0]!.message, /Patient\.identifier.*including order/);
  assert.equal(order.issues[0]!.diffIndex, 1);

  const unknown = registry.trySnapshot(profile('http://sello.test/sd/unknown', 'Patient', [{ id: 'Patient.nickname', path: 'Patient.nickname', min: 1 }]));
  assert.match(unknown.issues[0]!.message, /No match found for Patient\.nickname/);

  const root = registry.trySnapshot(
    profile('http://sello.test/sd/root', 'Extension', [{ id: 'Extension', path: 'Extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } }]),
  );
  assert.match(root.issues[0]!.message, /Slicing is not allowed at the root/);

  const disc = registry.trySnapshot(
    profile('http://sello.test/sd/disc', 'Patient', [{ id: 'Patient.extension', path: 'Patient.extension', slicing: { discriminator: [{ type: 'value', path: 'type' }], rules: 'open' } }]),
  );
  assert.match(disc.issues[0]!.message, /discriminator path 'type' does not appear to be valid/);
});

test('unknown base definition: no snapshot, and the reason is kept', () => {
  const url = 'http://sello.test/sd/orphan';
  registry.add(profile(url, 'Patient', [], 'http://sello.test/sd/does-not-exist'));
  assert.equal(registry.structureDefinition(url), undefined);
  assert.match(registry.snapshotIssues(url)[0]!.message, /base definition .* is unknown/);
});
