import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { CRUD_TYPES, pacientePe, sampleResource } from '../../programs/pe-ris/lib/test-data.ts';
import { startEngine } from '../../programs/pe-ris/reference/engine.ts';
import { startQhali } from '../../programs/pe-ris/reference/qhali.ts';
import { SIHCE_TYPES } from '../../programs/pe-ris/reference/sihce/context.ts';
import { startSihce } from '../../programs/pe-ris/reference/sihce.ts';
import type { Resource } from '../../src/fhir-server/store.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { person, triage } from '../pe-ris/fixtures.ts';
import { fuzzRuns, mutatedJsonText } from './fuzz.ts';
import { body, type FuzzResponse, headers, METHODS, query, SEGMENT, send } from './http.ts';

const journal = new ExchangeJournal();
const sihce = await startSihce({ journal });
const qhali = await startQhali({ journal });
const engine = await startEngine({ journal, sihce: { fhirBaseUrl: sihce.fhirBaseUrl, mllp: sihce.mllp }, qhaliNotificationUrl: qhali.notificationUrl });
qhali.setFhirBaseUrl(engine.fhirBaseUrl);
after(async () => {
  await Promise.all([sihce.stop(), qhali.stop(), engine.stop()]);
  journal.close();
});

/** Stored before the fuzzing under an id no generated path names; must come back unchanged. */
const GUARDED_ID = 'guarded-7f3c2a';
let guarded: string;
before(async () => {
  sihce.store.create(pacientePe(person('guarded')) as unknown as Resource, GUARDED_ID);
  guarded = (await send(sihce.url, { method: 'GET', path: `/fhir/Patient/${GUARDED_ID}`, headers: {} })).text;
});

const FHIR_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const bundle = triage('fuzz-http').bundle;
const patient = pacientePe(person('fuzz-http'));
const TYPES = [...SIHCE_TYPES];
const triageRequest = { persona: person('fuzz-qhali'), prioridad: 'II', renipress: '00004321' };

interface Target {
  name: string;
  url: string;
  /** Weighted to what the endpoint serves, so most runs reach its handlers rather than a 404 or 405. */
  method: fc.Arbitrary<string>;
  path: fc.Arbitrary<string>;
  body: fc.Arbitrary<Buffer | undefined>;
  validHeaders: Record<string, string>;
  /** A refusal that is not an OperationOutcome yet is the endpoint's own documented error. */
  ownError?: (path: string, status: number, json: unknown) => boolean;
  /** A 5xx the endpoint documents (the engine's 502 when SIHCE refuses what it forwarded). */
  documented5xx?: (status: number, json: unknown) => boolean;
  /** Counterexamples found before, replayed first whatever the seed. */
  examples?: { method: string; path: string; headers: Record<string, string>; body: Buffer | undefined }[];
}

const isOutcome = (json: unknown): boolean => {
  const o = json as { resourceType?: string; issue?: unknown[] } | undefined;
  return o?.resourceType === 'OperationOutcome' && Array.isArray(o.issue) && o.issue.length > 0;
};

const TARGETS: Target[] = [
  {
    name: 'SIHCE FHIR server',
    url: sihce.url,
    method: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') }, METHODS),
    path: fc
      .tuple(
        fc.constantFrom('', '/', '/metadata', '/{T}', '/{T}/{id}', '/{T}/{id}/_history', '/{T}/_search', '/{id}'),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TYPES) }, SEGMENT),
        fc.oneof(fc.constantFrom('1', '2', '3', '999999'), SEGMENT),
        query(['_count', '_offset', 'patient', 'identifier', 'status', '_id', 'subject', '_sort']),
      )
      .map(([template, type, id, q]) => `/fhir${template.replace('{T}', type).replace('{id}', id)}${q}`),
    body: body(mutatedJsonText([patient, bundle, ...CRUD_TYPES.map((t) => sampleResource(t, 'Patient/1'))])),
    validHeaders: FHIR_HEADERS,
  },
  {
    name: 'engine FHIR endpoint',
    url: engine.url,
    method: fc.oneof({ weight: 4, arbitrary: fc.constant('POST') }, METHODS),
    path: fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant('/fhir') }, fc.constantFrom('/fhir/', '/fhir/Bundle', '/notificaciones/sihce', '/{s}', '/fhir/{s}')), SEGMENT, query(['_format', 'x']))
      .map(([t, s, q]) => t.replace('{s}', s) + q),
    // The valid Bundle as it is, too: a mutation almost always breaks a triage, and the forwarding path needs runs.
    body: body(fc.oneof(fc.constant(JSON.stringify(bundle)), { weight: 3, arbitrary: mutatedJsonText([bundle, patient]) })),
    validHeaders: FHIR_HEADERS,
    documented5xx: (status, json) => status === 502 && isOutcome(json) && JSON.stringify(json).includes('RIS-V2-01'),
  },
  {
    name: 'Qhali control API and notification endpoint',
    url: qhali.url,
    method: fc.oneof({ weight: 3, arbitrary: fc.constant('POST') }, METHODS),
    path: fc
      .tuple(fc.oneof({ weight: 3, arbitrary: fc.constant('/sello/triajes') }, fc.constantFrom('/sello/avisos', '/notificaciones', '/sello/{s}', '/{s}')), SEGMENT, query(['seguimiento']))
      .map(([t, s, q]) => t.replace('{s}', s) + q),
    body: body(fc.oneof(fc.constant(JSON.stringify(triageRequest)), { weight: 3, arbitrary: mutatedJsonText([triageRequest, bundle]) })),
    validHeaders: { 'content-type': 'application/json' },
    // The control API is plain JSON: its own refusals are {error: {status, message}} (hapi's, an OperationOutcome).
    ownError: (path, status, json) => path.startsWith('/sello/triajes') && (json as { error?: { status?: number; message?: unknown } } | undefined)?.error?.status === status,
    // A persona without ubigeo passed the request check and crashed the Bundle builder: 500.
    examples: [
      {
        method: 'POST',
        path: '/sello/triajes',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ ...triageRequest, persona: { ...triageRequest.persona, ubigeo: undefined } })),
      },
    ],
  },
];

for (const target of TARGETS) {
  const runs = fuzzRuns(target.name.startsWith('SIHCE') ? 400 : 250);
  test(`${target.name}: random requests never get a 5xx, every 4xx is an OperationOutcome ${runs.label}`, async (t) => {
    const statuses = new Map<number, number>();
    const request = fc.record({ method: target.method, path: target.path, headers: headers(target.validHeaders), body: target.body });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const response: FuzzResponse = await send(target.url, { method: r.method, path: r.path, headers: r.headers, ...(r.body ? { body: r.body } : {}) });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const where = `${r.method} ${r.path} → ${response.status} ${response.text.slice(0, 300)}`;
        if (response.status >= 500) assert.ok(target.documented5xx?.(response.status, response.json), `5xx: ${where}`);
        else if (response.status >= 400 && r.method !== 'HEAD') assert.ok(isOutcome(response.json) || target.ownError?.(r.path, response.status, response.json), `not the protocol's error: ${where}`);
      }),
      { ...runs.params, examples: (target.examples ?? []).map((e) => [e]) },
    );
    t.diagnostic(`${target.name} statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    assert.ok([...statuses.keys()].some((s) => s >= 400 && s < 500) && [...statuses.keys()].some((s) => s < 300), `runs reached refusals and successes: ${[...statuses].join(' ')}`);
  });
}

test('after the fuzzing: the guarded Patient is unchanged, SIHCE stores a valid Patient, the engine and Qhali carry a valid triage end to end', async () => {
  assert.equal((await send(sihce.url, { method: 'GET', path: `/fhir/Patient/${GUARDED_ID}`, headers: {} })).text, guarded);
  const created = await send(sihce.url, { method: 'POST', path: '/fhir/Patient', headers: FHIR_HEADERS, body: Buffer.from(JSON.stringify(pacientePe(person('after-fuzz')))) });
  assert.equal(created.status, 201, created.text);
  const transaction = await send(engine.url, { method: 'POST', path: '/fhir', headers: FHIR_HEADERS, body: Buffer.from(JSON.stringify(triage('after-fuzz').bundle)) });
  assert.equal(transaction.status, 200, transaction.text);
  assert.equal((transaction.json as { type?: string }).type, 'transaction-response');
  const viaQhali = await send(qhali.url, {
    method: 'POST',
    path: '/sello/triajes',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ persona: person('after-qhali'), prioridad: 'III', renipress: '00004321' })),
  });
  assert.equal(viaQhali.status, 200, viaQhali.text);
  assert.deepEqual([(viaQhali.json as { enviado?: boolean }).enviado, (viaQhali.json as { status?: number }).status], [true, 200], viaQhali.text);
});
