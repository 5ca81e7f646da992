/**
 * Sello's reference Qhali (zlTech's triage channel): it sends a citizen's triage as a transaction Bundle with
 * fhir-kit-client — to the engine, or directly to SIHCE — and receives follow-up notifications at
 * `/notificaciones`, telling the citizen about each status change exactly once and in order (event numbers per
 * subscription: a repeat is acknowledged and not told again; an event that overtakes its predecessor is held until
 * they arrive). It refuses to triage without the citizen's consent (RP-07).
 *
 * Test-control API (Sello reference contract v1), what a vendor's Qhali exposes so Sello can drive it as a black box:
 *   POST /sello/triajes   { persona, prioridad, renipress, consentimiento?, semilla? } → { enviado, status?, seguimiento?, motivo? }
 *   GET  /sello/avisos?seguimiento=ID → { avisos: [ { seguimiento, estado, evento, mensaje, at } ] }
 */
import type Hapi from '@hapi/hapi';
import { Client } from 'fhir-kit-client';
import { toOperationOutcome } from '../../../src/findings/finding.ts';
import type { SyntheticPersonPe } from '../../../src/identifiers/pe/person.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { redactBody, redactHeaders } from '../../../src/journal/exchange.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { fhirOperationOutcome } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { MAX_PAYLOAD_BYTES, type MockServer, startMockServer } from '../../../src/mock/mock-server.ts';
import { freePort } from '../../../src/transport/free-port.ts';
import { SELLO_USER_AGENT } from '../../../src/transport/http-client.ts';
import { EventSequencer, readNotification } from '../judges/notifications.ts';
import { simpleOutcome } from '../judges/triage-check.ts';
import { PARTY, PRIORITY_TO_ACT, type PrioridadNts } from '../lib/constants.ts';
import { plantTriageDefect, type TriageDefect } from '../lib/test-data.ts';
import { buildTriageBundle } from '../lib/triage-bundle.ts';
import { unavailableReply } from './unavailable.ts';

export const QHALI_HOOK = '/notificaciones';
export const QHALI_CONTROL = '/sello';

export interface Aviso {
  seguimiento: string;
  estado: string;
  evento: number;
  mensaje: string;
  at: string;
}

export interface TriageRequest {
  persona: SyntheticPersonPe;
  prioridad: PrioridadNts;
  renipress: string;
  consentimiento?: boolean;
  /** Seeds the Bundle's ids, so the same request gives the same Bundle. */
  semilla?: string;
}

const isStrings = (x: unknown): boolean => Array.isArray(x) && x.length > 0 && x.every((n) => typeof n === 'string');

/** What is wrong with a control API triage request, or undefined: it is checked before anything reads it. */
export function triageRequestProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const r = body as Record<string, unknown>;
  const p = r.persona as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'persona must be an object';
  for (const key of ['dni', 'apellidoPaterno', 'apellidoMaterno', 'fechaNacimiento', 'sexo', 'ubigeo'] as const) if (typeof p[key] !== 'string') return `persona.${key} must be a string`;
  if (!isStrings(p.nombres)) return 'persona.nombres must be a list of strings';
  if (!(PRIORITY_TO_ACT as Record<string, unknown>)[String(r.prioridad)] || typeof r.prioridad !== 'string') return `prioridad must be one of ${Object.keys(PRIORITY_TO_ACT).join(', ')}`;
  if (typeof r.renipress !== 'string') return 'renipress must be a string';
  if (r.consentimiento !== undefined && typeof r.consentimiento !== 'boolean') return 'consentimiento must be true or false';
  if (r.semilla !== undefined && typeof r.semilla !== 'string') return 'semilla must be a string';
  return undefined;
}

export interface TriageResult {
  enviado: boolean;
  status?: number;
  seguimiento?: string;
  motivo?: string;
  respuesta?: unknown;
}

export interface QhaliConfig {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  /** Where triages go (the engine's FHIR endpoint, or SIHCE's base). */
  fhirBaseUrl?: string;
  /** Who that is, for the journal: the engine (default) or SIHCE. */
  fhirParty?: string;
  faults?: readonly string[];
  timeoutMs?: number;
  /** How many notices Qhali keeps (QHALI_MAX_AVISOS unless a test asks for fewer). */
  maxAvisos?: number;
}

/**
 * Notices kept for the control API. A certification tells a few hundred; a Qhali left running (`sello mocks`, the load
 * bench: 540k notices) would otherwise keep every one. Past this the oldest go: a scenario reads its own, recent ones.
 */
export const QHALI_MAX_AVISOS = 20_000;

export interface RunningQhali {
  url: string;
  notificationUrl: string;
  controlUrl: string;
  faults: FaultSet;
  setFhirBaseUrl(url: string, party?: string): void;
  triage(request: TriageRequest): Promise<TriageResult>;
  avisos(seguimiento?: string): Aviso[];
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

const MENSAJE: Record<string, string> = {
  requested: 'Recibimos tu triaje; pronto te darán una cita.',
  accepted: 'Tu cita de seguimiento fue reservada en el establecimiento de salud.',
  'in-progress': 'Te están atendiendo en el establecimiento de salud.',
  completed: 'Tu atención de seguimiento terminó.',
  cancelled: 'Tu cita de seguimiento fue cancelada.',
  rejected: 'El establecimiento no pudo aceptar tu seguimiento.',
  booked: 'Tu cita fue reservada.',
  arrived: 'Registramos tu llegada.',
  fulfilled: 'Tu cita se completó.',
};

/**
 * A triage sent with fhir-kit-client, journaled as the HTTP exchange it is (fhir-kit-client throws on 4xx/5xx with the
 * response attached; that is an answer, not a transport failure).
 */
async function sendTriage(journal: ExchangeJournal, baseUrl: string, toParty: string, bundle: unknown, timeoutMs: number): Promise<{ status: number; body: unknown } | { error: string }> {
  const client = new Client({ baseUrl, customHeaders: { 'user-agent': SELLO_USER_AGENT } });
  const startedAt = new Date().toISOString();
  const base = {
    protocol: 'http' as const,
    observedBy: 'client' as const,
    from: PARTY.qhali,
    to: toParty,
    method: 'POST',
    url: baseUrl,
    startedAt,
    request: { headers: redactHeaders({ 'content-type': 'application/fhir+json', accept: 'application/fhir+json' }), body: redactBody(bundle) },
  };
  try {
    const response = await client.transaction({ body: bundle as never, options: { signal: AbortSignal.timeout(timeoutMs) } });
    const raw = (response as unknown as Record<string, Response | undefined>).__response;
    const status = raw?.status ?? 200;
    journal.record({ ...base, status, finishedAt: new Date().toISOString(), response: { headers: {}, body: redactBody({ ...response }) } });
    return { status, body: { ...response } };
  } catch (error) {
    const response = (error as { response?: { status?: number; data?: unknown } }).response;
    if (response?.status !== undefined) {
      journal.record({ ...base, status: response.status, finishedAt: new Date().toISOString(), response: { headers: {}, body: redactBody(response.data) } });
      return { status: response.status, body: response.data };
    }
    const reason = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : String(error);
    journal.record({ ...base, finishedAt: new Date().toISOString(), error: reason });
    return { error: reason };
  }
}

/** Planted defects of the triage Qhali sends (`--plant-fault qhali:<key>`): what an LLM pipeline gets wrong. */
const TRIAGE_FAULTS: Readonly<Record<string, TriageDefect>> = {
  'no-birth-date': 'sin-fecha-nacimiento',
  'wrong-dni-check': 'dni-verificador-alterado',
  'unknown-ubigeo': 'ubigeo-inexistente',
  'cie10-other-sex': 'cie10-de-otro-sexo',
  'uncoded-acuity': 'prioridad-sin-codificar',
  'no-provenance': 'sin-procedencia-ia',
  'no-consent-resource': 'sin-consentimiento',
  'dangling-reference': 'referencia-no-resuelta',
};

export async function startQhali(config: QhaliConfig): Promise<RunningQhali> {
  const faults = new FaultSet(config.faults);
  let fhirBaseUrl = config.fhirBaseUrl;
  let fhirParty = config.fhirParty ?? PARTY.engine;
  const avisos: Aviso[] = [];
  const maxAvisos = config.maxAvisos ?? QHALI_MAX_AVISOS;
  /** While "down", the notification endpoint answers 503: every attempt a notifier makes stays on the record. */
  let unavailable = false;
  const sequencers = new Map<string, EventSequencer<{ eventNumber: number; status?: string; followUpId?: string }>>();

  const tell = (e: { eventNumber: number; status?: string; followUpId?: string }): void => {
    if (!e.followUpId || !e.status) return;
    avisos.push({ seguimiento: e.followUpId, estado: e.status, evento: e.eventNumber, mensaje: MENSAJE[e.status] ?? `Estado: ${e.status}`, at: new Date().toISOString() });
    if (avisos.length > maxAvisos) avisos.splice(0, avisos.length - maxAvisos);
  };

  const triage = async (request: TriageRequest): Promise<TriageResult> => {
    if (request.consentimiento === false && !faults.has('send-without-consent')) {
      return { enviado: false, motivo: 'RP-07: sin consentimiento de la persona no se envía el triaje' };
    }
    if (!fhirBaseUrl) return { enviado: false, motivo: 'Qhali has no FHIR endpoint configured' };
    const rng = new SeededRandom(request.semilla ?? `${request.persona.dni}:${request.prioridad}`);
    const built = buildTriageBundle(rng, {
      person: request.persona,
      prioridad: request.prioridad,
      renipress: request.renipress,
      at: new Date(),
      consent: request.consentimiento !== false,
    });
    const planted = Object.entries(TRIAGE_FAULTS).find(([key]) => faults.has(key))?.[1];
    const bundle = planted ? plantTriageDefect(built.bundle, planted, request.persona) : built.bundle;
    // The defect: a triage of an in-person visit (class AMB), not the virtual encounter TriageEncounter fixes (VR).
    if (faults.has('encounter-class-amb')) {
      const encounter = bundle.entry?.find((e) => e.resource?.resourceType === 'Encounter')?.resource as { class?: unknown } | undefined;
      if (encounter) encounter.class = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' };
    }
    // The defect: the control API says sent, but the triage stays in Qhali's outbox.
    if (faults.has('triage-not-sent')) return { enviado: true, seguimiento: built.followUpId };
    const result = await sendTriage(config.journal, fhirBaseUrl, fhirParty, bundle, config.timeoutMs ?? 10_000);
    if ('error' in result) return { enviado: false, seguimiento: built.followUpId, motivo: result.error };
    return { enviado: true, status: result.status, seguimiento: built.followUpId, respuesta: result.body };
  };

  const json = (h: Hapi.ResponseToolkit, status: number, body: unknown, type = 'application/json') =>
    h
      .response(body as object)
      .code(status)
      .type(type);

  const register = async (hapi: Hapi.Server): Promise<void> => {
    hapi.route({
      method: 'POST',
      path: QHALI_HOOK,
      options: { payload: { parse: false, output: 'data', maxBytes: MAX_PAYLOAD_BYTES } },
      handler: (request, h) => {
        if (unavailable) return unavailableReply(h);
        let body: unknown;
        try {
          body = JSON.parse((request.payload as Buffer).toString('utf8'));
        } catch {
          return json(h, 400, simpleOutcome('structure', 'La notificación no es JSON válido.', 'The notification is not valid JSON.', 'FHIR-JSON-SHAPE'), 'application/fhir+json');
        }
        const read = readNotification(body);
        if (!read.ok) return json(h, 400, toOperationOutcome(read.findings), 'application/fhir+json');
        const n = read.notification;
        let seq = sequencers.get(n.subscription);
        if (!seq) sequencers.set(n.subscription, (seq = new EventSequencer()));
        for (const event of n.events) {
          if (faults.has('accept-out-of-order')) {
            tell(event);
            continue;
          }
          const admitted = seq.admit(event);
          // The defect: a retried (already acknowledged) event told to the citizen again.
          if (admitted.admission === 'duplicate' && faults.has('tell-twice')) tell(event);
          for (const e of admitted.deliverable) tell(e);
        }
        // The defect: the citizen is told, then the answer fails to serialise and the notifier sees a 500.
        if (faults.has('notification-500')) return json(h, 500, simpleOutcome('exception', 'Error interno.', 'Internal error.', 'FHIR-API'), 'application/fhir+json');
        return h.response().code(200);
      },
    });
    hapi.route({
      method: 'POST',
      path: `${QHALI_CONTROL}/triajes`,
      // Parsed here: the control API is plain JSON, so its refusals are its own JSON error, not an OperationOutcome.
      options: { payload: { parse: false, output: 'data', maxBytes: MAX_PAYLOAD_BYTES } },
      handler: async (request, h) => {
        const refuse = (message: string) => json(h, 400, { error: { status: 400, message } });
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.payload as Buffer));
        } catch (error) {
          return refuse(`the body is not UTF-8 JSON: ${(error as Error).message}`);
        }
        const problem = triageRequestProblem(body);
        return problem ? refuse(problem) : json(h, 200, await triage(body as TriageRequest));
      },
    });
    hapi.route({
      method: 'GET',
      path: `${QHALI_CONTROL}/avisos`,
      handler: (request, h) => {
        const seguimiento = typeof request.query.seguimiento === 'string' ? request.query.seguimiento : undefined;
        return json(h, 200, { avisos: avisos.filter((a) => !seguimiento || a.seguimiento === seguimiento) });
      },
    });
  };

  const server: MockServer = await startMockServer(
    {
      name: PARTY.qhali,
      ...(config.host ? { host: config.host } : {}),
      port: config.port || (await freePort(config.host)),
      journal: config.journal,
      partyOf: () => PARTY.engine,
      errorShape: fhirOperationOutcome((status, message) =>
        simpleOutcome(status === 404 ? 'not-found' : 'invalid', `Petición rechazada (${status}): ${message}`, `Request refused (${status}): ${message}`, 'FHIR-API'),
      ),
    },
    register,
  );

  return {
    url: server.url,
    notificationUrl: `${server.url}${QHALI_HOOK}`,
    controlUrl: `${server.url}${QHALI_CONTROL}`,
    faults,
    setFhirBaseUrl: (url, party = PARTY.engine) => {
      fhirBaseUrl = url;
      fhirParty = party;
    },
    triage,
    avisos: (seguimiento) => avisos.filter((a) => !seguimiento || a.seguimiento === seguimiento),
    down: async () => {
      unavailable = true;
    },
    up: async () => {
      unavailable = false;
    },
    stop: () => server.stop(),
  };
}
