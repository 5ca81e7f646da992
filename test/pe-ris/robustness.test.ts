import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pacientePe } from '../../programs/pe-ris/lib/test-data.ts';
import { startEngine } from '../../programs/pe-ris/reference/engine.ts';
import { startQhali, triageRequestProblem } from '../../programs/pe-ris/reference/qhali.ts';
import { SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE } from '../../programs/pe-ris/reference/sihce/rest.ts';
import { startSihce } from '../../programs/pe-ris/reference/sihce.ts';
import type { Resource } from '../../src/fhir-server/store.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { MAX_PAYLOAD_BYTES } from '../../src/mock/mock-server.ts';
import { MAX_JSON_DEPTH } from '../../src/util/json-depth.ts';
import { person } from './fixtures.ts';

const journal = new ExchangeJournal();
const sihce = await startSihce({ journal });
const qhali = await startQhali({ journal });
const engine = await startEngine({ journal, sihce: { fhirBaseUrl: sihce.fhirBaseUrl, mllp: sihce.mllp }, qhaliNotificationUrl: qhali.notificationUrl });
after(() => Promise.all([sihce.stop(), qhali.stop(), engine.stop()]));

interface Searchset {
  resourceType: string;
  total: number;
  link: { relation: string; url: string }[];
  entry?: { resource: { id: string } }[];
}

async function get(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url);
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

test(`SIHCE searchsets are paged: ${SEARCH_DEFAULT_PAGE_SIZE} by default, _count up to ${SEARCH_MAX_PAGE_SIZE}, next links reach every match once`, async () => {
  const made = 1234;
  for (let i = 0; i < made; i++) sihce.store.create({ resourceType: 'Organization', name: `org ${i}` } as unknown as Resource);
  const first = (await get(`${sihce.fhirBaseUrl}/Organization`)).json as unknown as Searchset;
  assert.equal(first.total, made);
  assert.equal(first.entry?.length, SEARCH_DEFAULT_PAGE_SIZE);
  const big = (await get(`${sihce.fhirBaseUrl}/Organization?_count=100000`)).json as unknown as Searchset;
  assert.equal(big.entry?.length, SEARCH_MAX_PAGE_SIZE);
  const seen = new Set<string>();
  let page: Searchset | undefined = (await get(`${sihce.fhirBaseUrl}/Organization?_count=200`)).json as unknown as Searchset;
  for (let pages = 0; page; pages++) {
    assert.ok(pages < 20, 'paging ends');
    for (const e of page.entry ?? []) seen.add(e.resource.id);
    const next: string | undefined = page.link.find((l) => l.relation === 'next')?.url;
    page = next ? ((await get(next)).json as unknown as Searchset) : undefined;
  }
  assert.equal(seen.size, made, 'every match once, over the pages');
  const countOnly = (await get(`${sihce.fhirBaseUrl}/Organization?_count=0`)).json as unknown as Searchset;
  assert.equal(countOnly.total, made);
  assert.equal(countOnly.entry?.length ?? 0, 0);
  for (const bad of ['_count=-1', '_count=abc', '_offset=x', '_count=1&_count=2']) {
    const r = await get(`${sihce.fhirBaseUrl}/Organization?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.json.resourceType, 'OperationOutcome', bad);
  }
});

test('SIHCE refuses a body that is not UTF-8 (400) or not JSON by media type (415) with an OperationOutcome, and stores nothing', async () => {
  const patient = JSON.stringify(pacientePe(person('utf8')));
  const before = sihce.store.search('Patient', new URLSearchParams()).resources.length;
  const latin1 = Buffer.from(patient.replace('"family":"', '"family":"Ñ'), 'latin1');
  const invalid = await fetch(`${sihce.fhirBaseUrl}/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: new Uint8Array(latin1) });
  assert.equal(invalid.status, 400);
  const outcome = (await invalid.json()) as { resourceType: string; issue: { diagnostics?: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.match(JSON.stringify(outcome), /UTF-8/);
  const plain = await fetch(`${sihce.fhirBaseUrl}/Patient`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: patient });
  assert.equal(plain.status, 415);
  assert.equal(((await plain.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
  const transaction = await fetch(sihce.fhirBaseUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(transaction.status, 415);
  await transaction.arrayBuffer();
  assert.equal(sihce.store.search('Patient', new URLSearchParams()).resources.length, before);
});

test('SIHCE and Qhali answer a known path with a method it does not serve 405, Allow and an OperationOutcome', async () => {
  const r = await fetch(`${sihce.fhirBaseUrl}/metadata`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow') ?? '', /GET/);
  assert.equal(((await r.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
  const q = await fetch(qhali.notificationUrl, { method: 'GET' });
  assert.equal(q.status, 405);
  assert.equal(q.headers.get('allow'), 'POST');
  await q.arrayBuffer();
});

test("Qhali's control API answers a malformed triage request 400 with its JSON error, never 500", async () => {
  const bodies: [string, string][] = [
    ['{"persona": ', 'application/json'],
    ['null', 'application/json'],
    ['[]', 'application/json'],
    ['{}', 'application/json'],
    ['{"persona": {"dni": 1}, "prioridad": "I", "renipress": "x"}', 'application/json'],
    [JSON.stringify({ persona: person('ctl'), prioridad: 'V', renipress: '00001234' }), 'application/json'],
    ['"x"', 'text/plain'],
  ];
  for (const [body, type] of bodies) {
    const r = await fetch(`${qhali.controlUrl}/triajes`, { method: 'POST', headers: { 'content-type': type }, body });
    const json = (await r.json()) as { error?: { status: number; message: string } };
    assert.equal(r.status, 400, `${body}: ${JSON.stringify(json)}`);
    assert.equal(json.error?.status, 400, body);
  }
  assert.equal(triageRequestProblem({ persona: person('ok'), prioridad: 'II', renipress: '00001234' }), undefined, 'a well-formed request passes');
});

test(`a FHIR body nested past ${MAX_JSON_DEPTH} levels (1,000 nested extensions) gets 400 OperationOutcome from SIHCE and the engine, not 500`, async () => {
  let extension: Record<string, unknown> = { url: 'http://example.org/leaf', valueString: 'x' };
  for (let i = 0; i < 1000; i++) extension = { url: `http://example.org/e${i}`, extension: [extension] };
  const body = JSON.stringify({ resourceType: 'Bundle', type: 'transaction', extension: [extension], entry: [] });
  for (const url of [`${sihce.fhirBaseUrl}/Patient`, sihce.fhirBaseUrl, engine.fhirBaseUrl]) {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body });
    const json = (await r.json()) as { resourceType?: string };
    assert.equal(r.status, 400, `${url}: ${JSON.stringify(json).slice(0, 200)}`);
    assert.equal(json.resourceType, 'OperationOutcome', url);
  }
  const tooBig = JSON.stringify({ resourceType: 'Patient', text: { div: 'x'.repeat(MAX_PAYLOAD_BYTES) } });
  for (const url of [`${sihce.fhirBaseUrl}/Patient`, engine.fhirBaseUrl]) {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: tooBig });
    assert.equal(r.status, 413, url);
    assert.equal(((await r.json()) as { resourceType?: string }).resourceType, 'OperationOutcome', url);
  }
  const plain = await fetch(engine.fhirBaseUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(plain.status, 415, 'the engine takes FHIR JSON only');
  await plain.arrayBuffer();
});
