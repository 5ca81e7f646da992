import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FhirStore } from '../../src/fhir-server/store.ts';

const patient = (value: string) => ({ resourceType: 'Patient', identifier: [{ system: 'urn:example:id', value }] });

test('create, update, read and delete keep versions and tombstones', () => {
  const store = new FhirStore();
  const created = store.create(patient('A1'));
  assert.equal(created.id, '1');
  assert.equal((created.meta as { versionId: string }).versionId, '1');
  const change = store.update('Patient', '1', { ...patient('A1'), id: '1', active: true });
  assert.equal(change.created, false);
  assert.equal((change.current.meta as { versionId: string }).versionId, '2');
  assert.equal(change.previous?.active, undefined);
  assert.equal(store.read('Patient', '1')?.active, true);
  assert.equal(store.delete('Patient', '1'), true);
  assert.equal(store.read('Patient', '1'), undefined);
  assert.equal(store.wasDeleted('Patient', '1'), true);
  assert.equal(store.delete('Patient', '1'), false);
});

test('what the store hands out is a copy: changing it changes nothing stored', () => {
  const store = new FhirStore();
  const created = store.create(patient('A1'));
  created.identifier = [];
  assert.equal((store.read('Patient', String(created.id))?.identifier as unknown[] | undefined)?.length, 1);
});

test('search ANDs its parameters, reports unknown ones, and matches identifier with or without a system', () => {
  const store = new FhirStore();
  store.create(patient('A1'));
  store.create({ resourceType: 'Task', status: 'accepted', for: { reference: 'Patient/1' } });
  store.create({ resourceType: 'Task', status: 'completed', for: { reference: 'Patient/1' } });
  assert.equal(store.search('Patient', new URLSearchParams({ identifier: 'A1' })).resources.length, 1);
  assert.equal(store.search('Patient', new URLSearchParams({ identifier: 'urn:example:id|A1' })).resources.length, 1);
  assert.equal(store.search('Patient', new URLSearchParams({ identifier: 'urn:other|A1' })).resources.length, 0);
  assert.deepEqual(
    store.search('Task', new URLSearchParams({ patient: '1', status: 'accepted' })).resources.map((r) => r.status),
    ['accepted'],
  );
  assert.deepEqual(store.search('Task', new URLSearchParams({ 'code:text': 'x' })).unknown, ['code:text']);
});

test('two spellings of one identifier find each other only when the program says they are the same', () => {
  const plain = new FhirStore();
  plain.create(patient('12345678-9'));
  assert.equal(plain.search('Patient', new URLSearchParams({ identifier: '12345678' })).resources.length, 0);
  const lenient = new FhirStore({ sameIdentifier: (stored, wanted) => stored.split('-')[0] === wanted.split('-')[0] });
  lenient.create(patient('12345678-9'));
  assert.equal(lenient.search('Patient', new URLSearchParams({ identifier: '12345678' })).resources.length, 1);
  assert.equal(lenient.search('Patient', new URLSearchParams({ identifier: '87654321' })).resources.length, 0);
});

test('readJson is the JSON text of what read gives, with its versionId, and follows updates and deletes', () => {
  const store = new FhirStore();
  const created = store.create({ resourceType: 'Patient', active: true, name: [{ family: 'Quispe' }] });
  const id = String(created.id);
  const first = store.readJson('Patient', id)!;
  assert.equal(first.text, JSON.stringify(store.read('Patient', id)));
  assert.equal(first.versionId, '1');
  assert.equal(store.readJson('Patient', id)!.text, first.text);
  store.update('Patient', id, { resourceType: 'Patient', id, active: false });
  const second = store.readJson('Patient', id)!;
  assert.equal(second.text, JSON.stringify(store.read('Patient', id)));
  assert.equal(second.versionId, '2');
  assert.equal((JSON.parse(second.text) as { active: boolean }).active, false);
  store.delete('Patient', id);
  assert.equal(store.readJson('Patient', id), undefined);
  assert.equal(store.readJson('Encounter', id), undefined);
});
