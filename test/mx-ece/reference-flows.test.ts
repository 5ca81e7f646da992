import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LARGE_RECORD_NOTES } from '../../programs/mx-ece/lib/contract.ts';
import { beneficiarioOf, consentFor, generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import type { EceDeployment } from '../../programs/mx-ece/reference/deployment.ts';
import { DEFAULT_SEED, seedScene } from '../../programs/mx-ece/reference/seed-scene.ts';
import { generateCurp, SeededRandom } from '../../src/identifiers/mx/index.ts';
import { deploy, get } from './reference-helpers.ts';

const scene = seedScene(DEFAULT_SEED, new Date());
const asIssste = { 'x-institucion': 'ISSSTE', accept: 'application/fhir+json', prefer: 'respond-async' };

describe('mx-ece reference: Bulk export', () => {
  let d: EceDeployment;
  before(async () => {
    d = await deploy();
  });
  after(() => d.stop());

  it('kicks off 202 with Content-Location, answers 202 Retry-After, then a manifest whose files are NDJSON', async () => {
    const kick = await fetch(`${d.endpoints.fhirBaseUrl}/Patient/$export?_type=Patient,Condition`, { headers: asIssste });
    assert.equal(kick.status, 202);
    const status = kick.headers.get('content-location')!;
    const first = await get(status);
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('retry-after'), '1');
    let done = first;
    // The job may still be working after the configured in-progress answer: poll as a client would, after Retry-After.
    for (let i = 0; i < 10 && done.status === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, Number(done.headers.get('retry-after')) * 1000));
      done = await get(status);
    }
    assert.equal(done.status, 200);
    const manifest = done.body as { request: string; requiresAccessToken: boolean; output: Array<{ type: string; url: string; count: number }> };
    assert.equal(manifest.requiresAccessToken, false);
    assert.deepEqual([...new Set(manifest.output.map((o) => o.type))].sort(), ['Condition', 'Patient']);
    // ISSSTE's cohort: patients 0 and 2 of the scene.
    assert.equal(
      manifest.output.filter((o) => o.type === 'Patient').reduce((n, o) => n + o.count, 0),
      2,
    );
    const file = await get(manifest.output[0]!.url);
    assert.match(file.headers.get('content-type') ?? '', /application\/fhir\+ndjson/);
    assert.equal(file.text.trim().split('\n').length, manifest.output[0]!.count);
  });
  it('answers 400 for a malformed _since; DELETE cancels and the status then answers 404', async () => {
    assert.equal((await fetch(`${d.endpoints.fhirBaseUrl}/Patient/$export?_since=yesterday`, { headers: asIssste })).status, 400);
    const kick = await fetch(`${d.endpoints.fhirBaseUrl}/Patient/$export`, { headers: asIssste });
    const status = kick.headers.get('content-location')!;
    assert.equal((await fetch(status, { method: 'DELETE' })).status, 202);
    const gone = await get(status);
    assert.equal(gone.status, 404);
    assert.equal((gone.body as { resourceType: string }).resourceType, 'OperationOutcome');
    assert.equal((await get(`${d.endpoints.fhirBaseUrl}/_export/nope`)).status, 404);
  });
});

describe('mx-ece reference: receivers', () => {
  let d: EceDeployment;
  before(async () => {
    d = await deploy();
  });
  after(() => d.stop());
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('transfers a consented record, importing only the last 7 years', async () => {
    const record = scene.records[0]!;
    const r = await post(`${d.endpoints.control.issste}/transferencias`, { curp: record.curp, consentimiento: 'seed-0-issste', fuente: d.endpoints.fhirBaseUrl });
    assert.equal(r.status, 200);
    assert.equal(r.body.estado, 'importado');
    const recursos = r.body.recursos as Record<string, number>;
    assert.equal(recursos.Patient, 1);
    assert.ok(recursos.Encounter! < record.clinical.filter((c) => c.resourceType === 'Encounter').length, 'older encounters left out');
  });
  it('is refused with the rule when the consent names another institution', async () => {
    const r = await post(`${d.endpoints.control['imss-bienestar']}/transferencias`, { curp: scene.records[0]!.curp, consentimiento: 'seed-0-issste', fuente: d.endpoints.fhirBaseUrl });
    assert.deepEqual(r.body, { estado: 'rechazado', regla: 'RE-01', recursos: {} });
  });
  it('runs a Bulk export end to end, and cancels one when told', async () => {
    const r = await post(`${d.endpoints.control.issste}/exportaciones`, { fuente: d.endpoints.fhirBaseUrl });
    assert.equal(r.body.estado, 'completado');
    assert.equal((r.body.recursos as Record<string, number>).Patient, 2);
    assert.equal(r.body.errores, 0);
    const c = await post(`${d.endpoints.control.issste}/exportaciones`, { fuente: d.endpoints.fhirBaseUrl, cancelar: true });
    assert.equal(c.body.estado, 'cancelado');
  });
  it('answers a malformed command 400 {error}', async () => {
    for (const body of ['{nope', { consentimiento: 'x' }, []]) {
      const r = await post(`${d.endpoints.control.issste}/transferencias`, body);
      assert.equal(r.status, 400);
      assert.equal(typeof r.body.error, 'string');
    }
  });
  it(`streams a ${LARGE_RECORD_NOTES}-note record to the receiver whole`, async () => {
    const now = new Date();
    const record = generateRecord(new SeededRandom('grande'), { now, notes: LARGE_RECORD_NOTES, yearsBack: 6 });
    d.imss!.load(record);
    d.pgs!.addBeneficiario(beneficiarioOf(record));
    d.pgs!.addConsent(consentFor(record, 'ISSSTE', { now, id: 'grande-issste' }));
    global.gc?.();
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const r = await post(`${d.endpoints.control.issste}/transferencias`, { curp: record.curp, consentimiento: 'grande-issste', fuente: d.endpoints.fhirBaseUrl });
    const ms = performance.now() - started;
    assert.equal(r.body.estado, 'importado');
    assert.ok((r.body.recursos as Record<string, number>).DocumentReference! >= LARGE_RECORD_NOTES);
    console.log(`# ${LARGE_RECORD_NOTES} notes: ${Math.round(ms)} ms, RSS +${Math.round((process.memoryUsage().rss - rss) / 1048576)} MiB (source and receiver in one process)`);
  });
});

describe('mx-ece reference: planted faults change what they target', () => {
  it('ece-no-consent-check answers 200 without a consent; rx-no-consent is then refused by a sound source', async () => {
    const d = await deploy({ 'imss-ece': ['ece-no-consent-check'] });
    try {
      const r = await get(`${d.endpoints.fhirBaseUrl}/Patient/$everything?identifier=${scene.records[0]!.curp}`, { 'x-institucion': 'ISSSTE' });
      assert.equal(r.status, 200);
    } finally {
      await d.stop();
    }
    const e = await deploy({ issste: ['rx-no-consent'] });
    try {
      const res = await fetch(`${e.endpoints.control.issste}/transferencias`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ curp: scene.records[0]!.curp, consentimiento: 'seed-0-issste', fuente: e.endpoints.fhirBaseUrl }),
      });
      assert.equal(((await res.json()) as { estado: string }).estado, 'rechazado');
    } finally {
      await e.stop();
    }
  });
  it('ece-dotted-cie10 writes CIE-10 codes with a dot; pgs-consulta-unknown-200 answers an unknown CURP 200', async () => {
    const d = await deploy({ 'imss-ece': ['ece-dotted-cie10'], 'ssa-pgs': ['pgs-consulta-unknown-200'] });
    try {
      const r = await get(`${d.endpoints.fhirBaseUrl}/Patient/$everything?identifier=${scene.records[0]!.curp}&consent=seed-0-issste`, { 'x-institucion': 'ISSSTE' });
      assert.match(r.text, /"code":"[A-Z]\d\d\.\d+"/);
      assert.equal((await get(`${d.endpoints.pgsUrl}/pgs/v1/beneficiarios/${generateCurp(new SeededRandom('desconocida'))}`)).status, 200);
    } finally {
      await d.stop();
    }
  });
});
