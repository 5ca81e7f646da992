import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clinicalDate, documentBundle, documentBundleChunks, recordFromTransaction, transactionBundle, withinRetention } from '../../programs/mx-ece/lib/expediente.ts';
import { ndjsonByType } from '../../programs/mx-ece/lib/ndjson.ts';
import type { FhirResource } from '../../programs/mx-ece/lib/record.ts';
import { generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import { SeededRandom } from '../../src/identifiers/mx/index.ts';

const now = new Date('2026-06-01T12:00:00Z');
const enc = (start: string): FhirResource => ({ resourceType: 'Encounter', period: { start } });

describe('mx-ece retention (RE-02)', () => {
  it('allows now minus 7 calendar years at the same instant and refuses a millisecond earlier', () => {
    assert.equal(withinRetention(enc('2019-06-01T12:00:00Z'), now), true);
    assert.equal(withinRetention(enc('2019-06-01T11:59:59.999Z'), now), false);
    assert.equal(withinRetention(enc('2019-06-01T06:00:00-06:00'), now), true);
    assert.equal(withinRetention(enc('2019-06-01'), now), true);
    assert.equal(withinRetention(enc('2019-05-31'), now), false);
  });

  it('judges each type by its own date and leaves non-clinical resources in', () => {
    assert.equal(clinicalDate({ resourceType: 'Condition', onsetDateTime: '2020-01-01', recordedDate: '2021-01-01' }), '2021-01-01');
    assert.equal(clinicalDate({ resourceType: 'Condition', onsetDateTime: '2020-01-01' }), '2020-01-01');
    assert.equal(clinicalDate({ resourceType: 'MedicationRequest', authoredOn: '2020-02-02' }), '2020-02-02');
    assert.equal(clinicalDate({ resourceType: 'Observation', effectiveDateTime: '2020-03-03' }), '2020-03-03');
    assert.equal(clinicalDate({ resourceType: 'DocumentReference', date: '2020-04-04T00:00:00Z' }), '2020-04-04T00:00:00Z');
    assert.equal(clinicalDate({ resourceType: 'DocumentReference', type: { coding: [{ code: '34133-9' }] }, date: '2001-01-01' }), undefined);
    assert.equal(withinRetention({ resourceType: 'Patient', birthDate: '1950-01-01' }, now), true);
    assert.equal(withinRetention({ resourceType: 'Observation' }, now), false);
  });
});

describe('mx-ece ExpedienteBundle', () => {
  const record = generateRecord(new SeededRandom('doc'), { now, notes: 30 });
  const bundle = documentBundle(record, { now, bundleId: 'b1' });
  const entries = bundle.entry as { fullUrl: string; resource: FhirResource }[];

  it('puts the Composition first, the Patient second, and only entries of the last 7 years', () => {
    assert.equal(bundle.type, 'document');
    assert.equal(entries[0]?.resource.resourceType, 'Composition');
    assert.equal(entries[1]?.resource.resourceType, 'Patient');
    const kept = record.clinical.filter((c) => withinRetention(c, now));
    assert.ok(kept.length < record.clinical.length);
    assert.equal(entries.filter((e) => e.resource.resourceType !== 'DocumentReference' || e.resource.date).length, entries.length);
    for (const e of entries) assert.ok(withinRetention(e.resource, now), JSON.stringify(clinicalDate(e.resource)));
    assert.equal(entries.length, kept.length + 5);
  });

  it('references every entry but the Composition from it, and every urn:uuid reference resolves', () => {
    const text = JSON.stringify(bundle);
    const fullUrls = new Set(entries.map((e) => e.fullUrl));
    for (const m of text.matchAll(/"reference":"(urn:uuid:[^"]+)"/g)) assert.ok(fullUrls.has(m[1] ?? ''), m[1]);
    const composition = JSON.stringify(entries[0]?.resource);
    for (const e of entries.slice(1)) assert.ok(composition.includes(`"${e.fullUrl}"`), e.fullUrl);
    const sections = ((entries[0] as { resource: FhirResource }).resource.section as { code: { coding: { code: string }[] } }[]).map((s) => s.code.coding[0]?.code);
    assert.deepEqual(sections, ['encuentros', 'diagnosticos', 'medicamentos', 'laboratorio', 'notas', 'resumen']);
  });

  it('writes the same text in chunks as whole', () => {
    const chunks = [...documentBundleChunks(record, { now, bundleId: 'b1' })];
    assert.ok(chunks.length > 10);
    assert.equal(chunks.join(''), JSON.stringify(bundle));
    assert.deepEqual(JSON.parse(chunks.join('')), bundle);
  });

  it('streams a 50,000-note record in chunks, one per entry', () => {
    const big = generateRecord(new SeededRandom('big'), { now, notes: 50_000 });
    let bytes = 0;
    let count = 0;
    for (const c of documentBundleChunks(big, { now, bundleId: 'big' })) {
      bytes += c.length;
      count++;
    }
    // One chunk per entry plus the head and the tail: the old encounters' notes are left out.
    assert.equal(count, big.clinical.filter((c) => withinRetention(c, now)).length + 5 + 2);
    assert.ok(bytes > 10_000_000, String(bytes));
  });

  it('round-trips through the transaction Bundle', () => {
    const tx = transactionBundle(record);
    assert.equal(tx.type, 'transaction');
    assert.deepEqual(recordFromTransaction(JSON.parse(JSON.stringify(tx))), record);
    assert.throws(() => recordFromTransaction({ resourceType: 'Bundle', entry: [] }), RangeError);
  });

  it('writes NDJSON of what changed after _since only', () => {
    const stamped = structuredClone(record);
    stamped.patient.meta = { ...stamped.patient.meta, lastUpdated: '2026-05-01T00:00:00Z' };
    const files = ndjsonByType([stamped], { now, since: '2026-04-01T00:00:00Z' });
    assert.deepEqual([...files.keys()], ['Patient']);
    assert.equal(ndjsonByType([stamped], { now, since: '2026-05-01T00:00:00Z' }).size, 0);
  });

  it('writes NDJSON with Type/id references and no old entry', () => {
    const files = ndjsonByType([record], { now, types: ['Patient', 'Condition'] });
    assert.deepEqual([...files.keys()].sort(), ['Condition', 'Patient']);
    for (const line of files.get('Condition') ?? []) {
      const c = JSON.parse(line) as FhirResource;
      assert.match(String((c.subject as { reference: string }).reference), /^Patient\/[0-9a-f-]{36}$/);
      assert.ok(withinRetention(c, now));
    }
  });
});
