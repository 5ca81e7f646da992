/**
 * Sello's reference SIHCE (the EHR of DIRESA Cajamarca): a FHIR R4 server on hapi and an HL7 v2 MLLP listener.
 *
 * FHIR (`/fhir`): transaction Bundles (Qhali's triage, checked against TriageBundle and RP-01…RP-08), and create,
 * read, update, delete and search of Patient, Encounter, Observation, Condition, ServiceRequest, Appointment, Task,
 * Subscription (and the Provenance, Consent, Device and Organization a triage carries). Bad input gets an
 * OperationOutcome with 4xx whose issues name their rule and FHIRPath; nothing stored is touched by a refused request.
 * A status change of a Task or Appointment is notified to every active Subscription (R5 Backport style, rest-hook,
 * full-resource or id-only) by a RestHookNotifier: in order, retried with back-off, never dropped.
 *
 * MLLP (src/hl7v2/mllp.ts, not node-hl7-server, which cannot answer garbage): ADT^A04 registers or updates the patient
 * by DNI, ORU^R01 stores the triage observations, SIU^S12 books the follow-up (Appointment `booked` and Task
 * `accepted`, identified by Qhali's follow-up id from SCH-1). ACKs follow the reference receiver of src/hl7v2/ack.ts:
 * AA/AE/AR or CA/CE/CR, MSA-2 the original MSH-10, ERR on every refusal; a retransmission gets its first ACK again and
 * registers nothing twice; garbage and bad framing get AR with ERR, and the listener keeps serving.
 */
import type Hapi from '@hapi/hapi';
import { randomUUID } from 'node:crypto';
import { toOperationOutcome, type Finding } from '../../../src/findings/finding.ts';
import {
  buildAck, ControlIdTracker, parseEr7, referenceAck, startMllpListener, valueAt, type Er7Message, type MllpListener,
} from '../../../src/hl7v2/index.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { ACUITY_LOINC, PARTY, SYMPTOM_LOINC, SYSTEM, TOPIC_SEGUIMIENTO, V2_APPLICATION } from '../lib/constants.ts';
import { subscriptionResource, type PayloadContent } from '../judges/notifications.ts';
import { checkResource, checkTriageBundle, peRisValidator, refusalStatus, simpleOutcome } from '../judges/triage-check.ts';
import { fhirInstant, messageType, patientFromV2, type PatientFromV2 } from '../lib/v2-messages.ts';
import { mllpUrl } from '../lib/mllp-transport.ts';
import { PE_RIS_V2 } from '../lib/v2-contract.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer, type MockServer } from '../../../src/mock/mock-server.ts';
import { FhirStore, type Resource } from './fhir-store.ts';
import { DEFAULT_BACKOFF, notifierFaults, RestHookNotifier, type BackoffPolicy } from './rest-hook-notifier.ts';
import { isObject } from '../../../src/util/is-object.ts';

export const FHIR_BASE_PATH = '/fhir';

/** The resource types SIHCE serves (the spec's list, plus what a triage Bundle carries). */
export const SIHCE_TYPES = new Set([
  'Patient', 'Encounter', 'Observation', 'Condition', 'ServiceRequest', 'Appointment', 'Task', 'Subscription',
  'Provenance', 'Consent', 'Device', 'Organization',
]);
/** Types whose status changes are notified. */
const NOTIFIED = new Set(['Task', 'Appointment']);

export interface SihceConfig {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  mllpPort?: number;
  faults?: readonly string[];
  /** Journal MLLP messages the listener receives (when the sender is not Sello's own, e.g. an external engine). */
  journalInboundMllp?: boolean;
  backoff?: BackoffPolicy;
  /** How long a notification waits for the subscriber's answer (the target's requestMs). */
  timeoutMs?: number;
}

export interface RunningSihce {
  url: string;
  fhirBaseUrl: string;
  mllp: { host: string; port: number };
  store: FhirStore;
  faults: FaultSet;
  /** Test control of Sello's stand-in SIHCE: the next `count` HL7 v2 messages are refused (AE, or AR) unprocessed. */
  refuseNextMessages(count: number, code?: 'AE' | 'AR'): void;
  /** Registers a rest-hook subscriber without going through the API (Sello's SIHCE, when the engine is the SUT). */
  subscribe(endpoint: string): void;
  notifiers(): RestHookNotifier[];
  stop(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json';

function parseBody(payload: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : '';
  if (text.trim() === '') return { ok: false, error: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function startSihce(config: SihceConfig): Promise<RunningSihce> {
  const faults = new FaultSet(config.faults);
  const store = new FhirStore();
  const validator = peRisValidator();
  const notifiers = new Map<string, RestHookNotifier>();
  const skip = ['RP-01', 'RP-02', 'RP-03', 'RP-04', 'RP-05', 'RP-06', 'RP-07', 'RP-08'].filter((r) => faults.has(`skip-${r}`));
  const host = config.host ?? '127.0.0.1';
  let baseUrl = '';

  const notifierFor = (sub: Resource): RestHookNotifier | undefined => {
    const channel = isObject(sub.channel) ? sub.channel : {};
    if (sub.status !== 'active' || channel.type !== 'rest-hook' || typeof channel.endpoint !== 'string') return undefined;
    let n = notifiers.get(String(sub.id));
    if (!n) {
      const ext = isObject(channel._payload) && Array.isArray(channel._payload.extension) ? channel._payload.extension.filter(isObject) : [];
      const payload = (ext.find((x) => typeof x.valueCode === 'string')?.valueCode ?? 'full-resource') as PayloadContent;
      n = new RestHookNotifier({
        journal: config.journal, from: PARTY.sihce, to: partyOfEndpoint(channel.endpoint), endpoint: channel.endpoint,
        subscription: `Subscription/${String(sub.id)}`, payload: payload === 'id-only' ? 'id-only' : 'full-resource', baseUrl,
        backoff: config.backoff ?? DEFAULT_BACKOFF, ...notifierFaults(faults), ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
      });
      notifiers.set(String(sub.id), n);
    }
    return n;
  };

  /** A status change of a Task or Appointment goes to every active subscription on the follow-up topic. */
  const statusChanged = (previous: Resource | undefined, current: Resource): void => {
    if (!NOTIFIED.has(current.resourceType) || previous?.status === current.status) return;
    for (const sub of store.all('Subscription')) {
      const criteria = String(sub.criteria ?? '');
      if (criteria !== TOPIC_SEGUIMIENTO && !criteria.startsWith(current.resourceType)) continue;
      notifierFor(sub)?.notify(`${current.resourceType}/${String(current.id)}`, current);
    }
  };

  // ——— MLLP ———

  const tracker = new ControlIdTracker();
  const processV2 = (m: Er7Message): { ok: true } | { ok: false; code: string; location: string; es: string; en: string } => {
    const type = messageType(m);
    const person = patientFromV2(m);
    if (!person) return { ok: false, code: '204', location: 'PID-3', es: 'PID-3 no trae un DNI (CX.4 RENIEC, CX.5 NI).', en: 'PID-3 carries no DNI (CX.4 RENIEC, CX.5 NI).' };
    const patient = upsertPatient(store, person, type === 'ADT^A04' || faults.has('duplicate-patient'), faults.has('duplicate-patient'));
    const patientRef = `Patient/${String(patient.id)}`;
    if (type === 'ORU^R01') storeObservations(store, m, patientRef);
    if (type === 'SIU^S12') {
      const followUpId = valueAt(m, { segment: 'SCH', field: 1, component: 1 });
      if (followUpId === '') return { ok: false, code: '101', location: 'SCH-1', es: 'SCH-1 (id de la cita) está vacío.', en: 'SCH-1 (appointment id) is empty.' };
      // The defect: the SIU^S12 acknowledged but the booking never made.
      if (!faults.has('no-booking')) bookFollowUp(store, m, followUpId, patientRef, statusChanged);
    }
    return { ok: true };
  };

  let forced: { code: 'AE' | 'AR'; left: number } | undefined;
  const onMessage = (text: string, info: { encoding: 'utf-8' | 'latin1' }): string | undefined => {
    // v1.1: bytes that do not match MSH-18 are the sender's error: AE with ERR, nothing processed.
    const declared = valueAt(parseEr7(text), { segment: 'MSH', field: 18 });
    if (info.encoding !== 'utf-8' && /UTF-8/i.test(declared) && !faults.has('ignore-charset')) {
      return buildAck(parseEr7(text), 'AE', [{ code: '103', location: 'MSH-18', message: `Los bytes del mensaje no son ${declared} (MSH-18).`, diagnostic: `The message's bytes are not valid ${declared} as MSH-18 declares` }],
        { sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility } });
    }
    // The defect: the scheduling module is not set up, so every SIU^S12 is refused.
    if (faults.has('ae-on-siu') && messageType(parseEr7(text)) === 'SIU^S12') {
      return buildAck(parseEr7(text), 'AE', [{ code: '207', message: 'Agenda no disponible.', diagnostic: 'Scheduling unavailable' }],
        { sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility } });
    }
    if (forced && forced.left > 0) {
      forced.left--;
      return buildAck(parseEr7(text), forced.code, [{ code: '207', message: 'Rechazado a pedido de la prueba (SIHCE de Sello).', diagnostic: 'Refusal requested by the test' }],
        { sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility } });
    }
    const r = referenceAck(text, { ...PE_RIS_V2, tracker, sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility } });
    const m = parseEr7(text);
    const reusedAccepted = faults.has('accept-reused-id') && r.duplicate === 'conflict';
    if (reusedAccepted) {
      const done = processV2(m);
      if (done.ok) return plantAckFaults(buildAck(m, 'AA', [], { sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility } }), m);
    }
    if (!r.process && !(faults.has('duplicate-patient') && r.duplicate === 'retransmission')) return plantAckFaults(r.ack, m);
    const done = processV2(m);
    if (done.ok) return plantAckFaults(r.ack, m);
    return plantAckFaults(buildAck(m, 'AE', [{ code: done.code, location: done.location, message: done.es, diagnostic: done.en }], { sender: { application: V2_APPLICATION.sihce } }), m);
  };

  /** Planted ACK defects: MSA-2 not echoed, no ERR on a refusal, the original mode's codes in enhanced mode. */
  const plantAckFaults = (ack: string | undefined, original: Er7Message): string | undefined => {
    if (ack === undefined) return ack;
    let segs = ack.split('\r').filter((x) => x !== '');
    if (faults.has('msa2-not-echoed')) segs = segs.map((x) => (x.startsWith('MSA|') ? x.split('|').map((f, i) => (i === 2 ? (segs[0]!.split('|')[9] ?? '') : f)).join('|') : x));
    if (faults.has('no-err')) segs = segs.filter((x) => !x.startsWith('ERR|'));
    if (faults.has('original-mode-in-enhanced') && original.ok && valueAt(original, { segment: 'MSH', field: 15 }) !== '') {
      segs = segs.map((x) => (x.startsWith('MSA|') ? x.replace(/^MSA\|C([AER])/, 'MSA|A$1') : x));
    }
    return segs.map((x) => `${x}\r`).join('');
  };

  const listener: MllpListener = await startMllpListener({
    host,
    port: config.mllpPort ?? 0,
    onMessage,
    idleMs: 150,
    frameTimeoutMs: 2000,
    // A vendor's framing slip: the ACK frame ends with FS and no CR.
    ...(faults.has('ack-without-cr') ? { frame: (reply: string) => Buffer.concat([Buffer.from([0x0b]), Buffer.from(reply, 'utf8'), Buffer.from([0x1c])]) } : {}),
    answerFraming: !faults.has('garbage-unanswered'),
    sender: { application: V2_APPLICATION.sihce, facility: V2_APPLICATION.facility },
    onEvent: (event) => {
      if (!config.journalInboundMllp) return;
      const now = new Date().toISOString();
      if (event.kind === 'message') {
        const m = parseEr7(event.message);
        config.journal.record({
          protocol: 'mllp', observedBy: 'server', from: PARTY.engine, to: PARTY.sihce, method: m.ok ? messageType(m) : 'HL7 v2',
          url: mllpUrl({ host, port: listener.port }), ...(m.ok ? { messageId: valueAt(m, { segment: 'MSH', field: 10 }) } : {}),
          startedAt: now, finishedAt: now, request: { headers: { encoding: event.encoding }, body: event.message }, response: { headers: {}, body: event.ack ?? '' },
        });
      } else if (event.kind === 'garbage' || event.kind === 'bad-frame') {
        config.journal.record({
          protocol: 'mllp', observedBy: 'server', from: event.remote, to: PARTY.sihce, method: 'raw bytes', url: mllpUrl({ host, port: listener.port }),
          startedAt: now, finishedAt: now,
          request: { headers: { framing: event.kind === 'garbage' ? 'garbage' : event.reason }, body: `[${event.bytes} bytes]` },
          response: { headers: {}, body: event.ack },
        });
      }
    },
  });

  // ——— FHIR ———

  const server: MockServer = await startMockServer(
    {
      name: PARTY.sihce,
      host,
      ...(config.port !== undefined ? { port: config.port } : {}),
      journal: config.journal,
      partyOf: () => PARTY.engine,
      errorBody: (status, message) => simpleOutcome(status === 404 ? 'not-found' : status === 415 ? 'not-supported' : status >= 500 ? 'exception' : 'invalid',
        `Petición rechazada (${status}): ${message}`, `Request refused (${status}): ${message}`, 'FHIR-API'),
    },
    async (hapi) => registerFhirRoutes(hapi),
  );
  baseUrl = `${server.url}${FHIR_BASE_PATH}`;

  function reply(h: Hapi.ResponseToolkit, status: number, body: unknown, headers: Record<string, string> = {}): Hapi.ResponseObject {
    const r = h.response(body as object).code(status).type(FHIR_JSON);
    for (const [k, v] of Object.entries(headers)) r.header(k, v);
    return r;
  }
  const badJson = (h: Hapi.ResponseToolkit, error: string) => (faults.has('plain-text-errors')
    ? h.response(`Bad Request: ${error}`).code(400).type('text/plain')
    : reply(h, 400, simpleOutcome('structure', `El cuerpo no es JSON válido: ${error}`, `The body is not valid JSON: ${error}`, 'FHIR-JSON-SHAPE')));
  const refuse = (h: Hapi.ResponseToolkit, findings: Finding[]) => reply(h, refusalStatus(findings), toOperationOutcome(findings));
  const notFound = (h: Hapi.ResponseToolkit, what: string) => (faults.has('html-404')
    ? h.response(`<html><body><h1>404 Not Found</h1><p>${what}</p></body></html>`).code(404).type('text/html')
    : reply(h, 404, simpleOutcome('not-found', `${what} no existe en el SIHCE.`, `${what} does not exist in SIHCE.`, 'FHIR-API')));
  /** Types only the CRUD scenarios touch: the read-drops-element defect stays off the journey's resources. */
  const CRUD_ONLY = new Set(['Encounter', 'Observation', 'Condition', 'ServiceRequest']);

  function registerFhirRoutes(hapi: Hapi.Server): void {
    const raw = { payload: { parse: false, output: 'data' as const, maxBytes: 1024 * 1024 } };

    hapi.route({
      method: 'GET', path: `${FHIR_BASE_PATH}/metadata`,
      handler: (_request, h) => reply(h, 200, {
        resourceType: 'CapabilityStatement', status: 'active', date: new Date().toISOString(), kind: 'instance', fhirVersion: '4.0.1',
        format: ['json'], software: { name: 'Sello reference SIHCE (pe-ris)' },
        rest: [{ mode: 'server', resource: [...SIHCE_TYPES].map((type) => ({
          type, interaction: ['read', 'create', 'update', 'delete', 'search-type'].map((code) => ({ code })),
        })), interaction: [{ code: 'transaction' }] }],
      }),
    });

    // fhir-kit-client posts a transaction to the base with a trailing slash: both forms are the base.
    for (const path of [FHIR_BASE_PATH, `${FHIR_BASE_PATH}/`]) hapi.route({
      method: 'POST', path, options: raw,
      handler: (request, h) => {
        const body = parseBody(request.payload);
        if (!body.ok) return badJson(h, body.error);
        const findings = checkTriageBundle(body.value, { validator, skip });
        if (findings.length > 0) return refuse(h, findings);
        return reply(h, 200, applyTransaction(store, body.value as Resource, statusChanged));
      },
    });

    const typeOf = (request: Hapi.Request): string | undefined => {
      const type = String(request.params.type);
      return SIHCE_TYPES.has(type) ? type : undefined;
    };

    hapi.route({
      method: 'GET', path: `${FHIR_BASE_PATH}/{type}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(h, `El tipo de recurso ${String(request.params.type)}`);
        const params = new URLSearchParams(request.url.search);
        const found = store.search(type, params);
        const { unknown } = found;
        const resources = faults.has('search-ignores-patient') && params.has('patient') ? [] : found.resources;
        if (unknown.length > 0) {
          return reply(h, 400, simpleOutcome('not-supported', `Parámetro de búsqueda no soportado: ${unknown.join(', ')}`, `Unsupported search parameter: ${unknown.join(', ')}`, 'FHIR-SEARCHPARAMETER'));
        }
        return reply(h, 200, {
          resourceType: 'Bundle', type: 'searchset', total: resources.length,
          link: [{ relation: 'self', url: `${baseUrl}/${type}${request.url.search}` }],
          entry: resources.map((resource) => ({ fullUrl: `${baseUrl}/${type}/${String(resource.id)}`, resource, search: { mode: 'match' } })),
        });
      },
    });

    hapi.route({
      method: 'POST', path: `${FHIR_BASE_PATH}/{type}`, options: raw,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(h, `El tipo de recurso ${String(request.params.type)}`);
        const body = parseBody(request.payload);
        if (!body.ok) return badJson(h, body.error);
        const resource = body.value;
        if (!isObject(resource) || resource.resourceType !== type) {
          return reply(h, 400, simpleOutcome('invalid', `Se esperaba un recurso ${type}.`, `Expected a ${type} resource.`, 'FHIR-RESOURCE-TYPE', type));
        }
        const findings = faults.has('accept-invalid-resources') ? [] : checkResource(resource, validator).concat(subscriptionProblems(resource));
        if (findings.length > 0) return refuse(h, findings);
        const toStore = { ...resource, resourceType: type } as Resource;
        if (type === 'Subscription') {
          toStore.status = 'active';
          // The same active rest-hook (endpoint and criteria) twice is one subscription: its subscriber would
          // otherwise get every change twice, as two distinct events.
          const same = faults.has('duplicate-subscription') ? undefined : sameSubscription(store, toStore);
          if (same) return reply(h, 200, same, { location: `${baseUrl}/Subscription/${String(same.id)}` });
        }
        const created = store.create(toStore);
        statusChanged(undefined, created);
        if (faults.has('create-200')) return reply(h, 200, created, { location: `${baseUrl}/${type}/${String(created.id)}/_history/1` });
        return reply(h, 201, created, faults.has('no-location') ? {} : { location: `${baseUrl}/${type}/${String(created.id)}/_history/1` });
      },
    });

    hapi.route({
      method: 'GET', path: `${FHIR_BASE_PATH}/{type}/{id}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(h, `El tipo de recurso ${String(request.params.type)}`);
        const id = String(request.params.id);
        const resource = store.read(type, id);
        if (resource && faults.has('read-drops-element') && CRUD_ONLY.has(type)) {
          // A server that does not persist an element it accepted: the last one written is gone on read.
          const keys = Object.keys(resource).filter((k) => !['resourceType', 'id', 'meta'].includes(k));
          const { [keys.at(-1) ?? '']: _dropped, ...rest } = resource;
          return reply(h, 200, rest);
        }
        if (resource) return reply(h, 200, resource, { etag: `W/"${String((resource.meta as { versionId?: string }).versionId)}"` });
        if (store.wasDeleted(type, id)) return reply(h, 410, simpleOutcome('deleted' as Finding['code'], `${type}/${id} fue eliminado.`, `${type}/${id} was deleted.`, 'FHIR-API'));
        return notFound(h, `${type}/${id}`);
      },
    });

    hapi.route({
      method: 'PUT', path: `${FHIR_BASE_PATH}/{type}/{id}`, options: raw,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(h, `El tipo de recurso ${String(request.params.type)}`);
        const id = String(request.params.id);
        const body = parseBody(request.payload);
        if (!body.ok) return badJson(h, body.error);
        const resource = body.value;
        if (!isObject(resource) || resource.resourceType !== type) {
          return reply(h, 400, simpleOutcome('invalid', `Se esperaba un recurso ${type}.`, `Expected a ${type} resource.`, 'FHIR-RESOURCE-TYPE', type));
        }
        if (resource.id !== id && !faults.has('update-ignores-id')) {
          return reply(h, 400, simpleOutcome('invalid', `El id del cuerpo (${String(resource.id)}) no es el de la URL (${id}).`, `The body's id (${String(resource.id)}) is not the URL's (${id}).`, 'FHIR-API', `${type}.id`));
        }
        const findings = faults.has('accept-invalid-resources') ? [] : checkResource(resource, validator).concat(subscriptionProblems(resource));
        if (findings.length > 0) return refuse(h, findings);
        const change = store.update(type, id, { ...resource, id } as Resource, faults.has('no-version-bump') && CRUD_ONLY.has(type));
        statusChanged(change.previous, change.current);
        return reply(h, change.created ? 201 : 200, change.current);
      },
    });

    hapi.route({
      method: 'DELETE', path: `${FHIR_BASE_PATH}/{type}/{id}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(h, `El tipo de recurso ${String(request.params.type)}`);
        const id = String(request.params.id);
        if (faults.has('delete-keeps') && CRUD_ONLY.has(type) && store.read(type, id)) return h.response().code(204);
        if (!store.delete(type, id) && !store.wasDeleted(type, id)) return notFound(h, `${type}/${id}`);
        if (type === 'Subscription') {
          notifiers.get(id)?.stop();
          notifiers.delete(id);
        }
        return h.response().code(204);
      },
    });
  }

  return {
    url: server.url,
    fhirBaseUrl: baseUrl,
    mllp: { host, port: listener.port },
    store,
    faults,
    subscribe: (endpoint) => {
      const sub = { ...subscriptionResource(endpoint), status: 'active' } as unknown as Resource;
      if (!sameSubscription(store, sub)) store.create(sub);
    },
    refuseNextMessages: (count, code = 'AE') => {
      forced = { code, left: count };
    },
    notifiers: () => [...notifiers.values()],
    stop: async () => {
      await Promise.allSettled([...notifiers.values()].map((n) => n.drain(1000)));
      for (const n of notifiers.values()) n.stop();
      await Promise.allSettled([listener.close(), server.stop()]);
    },
  };
}

/** Who a rest-hook endpoint belongs to, for the journal (the engine's and Qhali's mocks use these paths). */
export function partyOfEndpoint(endpoint: string): string {
  return /\/notificaciones\/sihce\b/.test(endpoint) ? PARTY.engine : /\/notificaciones\b/.test(endpoint) ? PARTY.qhali : 'subscriber';
}

function sameSubscription(store: FhirStore, sub: Resource): Resource | undefined {
  const endpoint = isObject(sub.channel) ? sub.channel.endpoint : undefined;
  return store.all('Subscription').find((s) => s.status === 'active' && isObject(s.channel) && s.channel.endpoint === endpoint && s.criteria === sub.criteria);
}

/** A Subscription must name a rest-hook channel with an http(s) endpoint. */
function subscriptionProblems(resource: Record<string, unknown>): Finding[] {
  if (resource.resourceType !== 'Subscription') return [];
  const channel = isObject(resource.channel) ? resource.channel : {};
  const out: Finding[] = [];
  const issue = (location: string, es: string, en: string): Finding => ({ ruleId: 'RIS-NOT-01', severity: 'error', code: 'not-supported', location, locationKind: 'fhirpath', message: { es, en } });
  if (channel.type !== 'rest-hook') out.push(issue('Subscription.channel.type', 'El SIHCE solo notifica por rest-hook.', 'SIHCE only notifies by rest-hook.'));
  if (typeof channel.endpoint !== 'string' || !/^https?:\/\//.test(channel.endpoint)) {
    out.push(issue('Subscription.channel.endpoint', 'channel.endpoint debe ser una URL http(s).', 'channel.endpoint must be an http(s) URL.'));
  }
  return out;
}

// ——— transactions ———

/**
 * Applies a (checked) transaction: conditional creates (`ifNoneExist`) reuse the stored resource — a patient already
 * registered by DNI is not registered twice —, every other entry is created, and references to the Bundle's fullUrls
 * become references to the stored resources.
 */
export function applyTransaction(store: FhirStore, bundle: Resource, statusChanged: (previous: Resource | undefined, current: Resource) => void): Resource {
  const entries = (Array.isArray(bundle.entry) ? bundle.entry : []).filter(isObject);
  const idFor = new Map<string, string>();
  const plan = entries.map((entry) => {
    const resource = entry.resource as Resource;
    const request = isObject(entry.request) ? entry.request : {};
    const ifNoneExist = typeof request.ifNoneExist === 'string' ? request.ifNoneExist : undefined;
    const existing = ifNoneExist ? store.search(resource.resourceType, new URLSearchParams(ifNoneExist)).resources[0] : undefined;
    const id = existing ? String(existing.id) : store.nextId();
    if (typeof entry.fullUrl === 'string') idFor.set(entry.fullUrl, `${resource.resourceType}/${id}`);
    return { resource, id, existing };
  });
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'reference' && typeof v === 'string' && idFor.has(v) ? idFor.get(v) : rewrite(v)]));
  };
  const responses = plan.map(({ resource, id, existing }) => {
    if (existing) return { response: { status: '200 OK', location: `${resource.resourceType}/${id}/_history/${String((existing.meta as { versionId?: string }).versionId ?? '1')}` } };
    const stored = store.create(rewrite(resource) as Resource, id);
    statusChanged(undefined, stored);
    return { response: { status: '201 Created', location: `${resource.resourceType}/${id}/_history/1`, etag: 'W/"1"' } };
  });
  return { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: responses };
}

// ——— from HL7 v2 to the store ———

function patientResource(p: PatientFromV2): Resource {
  return {
    resourceType: 'Patient',
    identifier: [{
      use: 'official',
      type: { extension: [{ url: SYSTEM.pePais, valueCode: 'PER' }], coding: [{ system: SYSTEM.idPersona, code: '1', display: 'DNI' }] },
      value: p.dniCheck ? `${p.dni}-${p.dniCheck}` : p.dni,
    }],
    name: [{ use: 'official', family: p.family, given: p.given }],
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.ubigeo ? { address: [{ extension: [{ url: SYSTEM.peUbigeo, valueString: p.ubigeo }], country: 'PE' }] } : {}),
  };
}

/** The patient of this DNI: updated when `refresh` (ADT^A04), created when absent (or always, under the duplicate-patient defect). */
function upsertPatient(store: FhirStore, person: PatientFromV2, refresh: boolean, alwaysNew: boolean): Resource {
  const existing = alwaysNew ? undefined : store.search('Patient', new URLSearchParams({ identifier: person.dni })).resources[0];
  if (!existing) return store.create(patientResource(person));
  if (!refresh) return existing;
  const fresh = patientResource(person);
  return store.update('Patient', String(existing.id), { ...existing, ...fresh, id: existing.id } as Resource).current;
}

function storeObservations(store: FhirStore, m: Er7Message, patientRef: string): void {
  m.segments.forEach((seg, i) => {
    if (seg.id !== 'OBX') return;
    const occurrence = m.segments.slice(0, i + 1).filter((s) => s.id === 'OBX').length;
    const at = (field: number, component?: number) => valueAt(m, { segment: 'OBX', occurrence, field, ...(component ? { component } : {}) });
    const code = at(3, 1);
    const value = at(2) === 'CE' || at(2) === 'CWE'
      ? { valueCodeableConcept: { coding: [{ system: at(5, 3) === 'NTS042' ? SYSTEM.nts042 : at(5, 3), code: at(5, 1), display: at(5, 2) }] } }
      : { valueString: at(5) };
    store.create({
      resourceType: 'Observation', status: 'final',
      code: { coding: [{ system: SYSTEM.loinc, code, display: code === ACUITY_LOINC ? 'Priority' : code === SYMPTOM_LOINC ? 'Symptom' : at(3, 2) }] },
      subject: { reference: patientRef }, ...value,
    });
  });
}

/** SIU^S12: the Appointment (booked) and the Task (accepted) of Qhali's follow-up; a repeat updates, never duplicates. */
function bookFollowUp(store: FhirStore, m: Er7Message, followUpId: string, patientRef: string,
  statusChanged: (previous: Resource | undefined, current: Resource) => void): void {
  const identifier = [{ system: SYSTEM.qhaliTask, value: followUpId }];
  const renipress = valueAt(m, { segment: 'AIL', field: 3, component: 4, subcomponent: 1 });
  const start = fhirInstant(valueAt(m, { segment: 'TQ1', field: 7 }));
  const end = fhirInstant(valueAt(m, { segment: 'TQ1', field: 8 }));
  const appointment: Resource = {
    resourceType: 'Appointment', identifier, status: 'booked',
    ...(start ? { start } : {}), ...(end ? { end } : {}),
    participant: [
      { actor: { reference: patientRef }, status: 'accepted' },
      { actor: { type: 'Location', identifier: { system: SYSTEM.renipress, value: renipress }, display: valueAt(m, { segment: 'AIL', field: 3, component: 1 }) }, status: 'accepted' },
    ],
  };
  const existingAppt = store.search('Appointment', new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${followUpId}` })).resources[0];
  const appt = existingAppt
    ? store.update('Appointment', String(existingAppt.id), { ...appointment, id: existingAppt.id, status: existingAppt.status } as Resource).current
    : store.create(appointment);
  const existingTask = store.search('Task', new URLSearchParams({ identifier: `${SYSTEM.qhaliTask}|${followUpId}` })).resources[0];
  if (existingTask) return;
  const task = store.create({
    resourceType: 'Task', identifier, status: 'accepted', intent: 'order',
    code: { text: 'Seguimiento presencial en IPRESS' },
    focus: { reference: `Appointment/${String(appt.id)}` },
    for: { reference: patientRef },
    authoredOn: new Date().toISOString(),
    owner: { type: 'Organization', identifier: { system: SYSTEM.renipress, value: renipress } },
  });
  statusChanged(undefined, task);
}

