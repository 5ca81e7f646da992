/**
 * What SIHCE's plugins share: the store, the planted defects, the triage validator, the notifications, and how a FHIR
 * answer is written (OperationOutcome with the rule that refused, in Spanish and English).
 */
import type Hapi from '@hapi/hapi';
import type { FhirStore } from '../../../../src/fhir-server/store.ts';
import { parseDni } from '../../../../src/identifiers/pe/dni.ts';
import type { ExchangeJournal } from '../../../../src/journal/journal.ts';
import type { FaultSet } from '../../../../src/mock/faults.ts';
import { MAX_PAYLOAD_BYTES } from '../../../../src/mock/mock-server.ts';
import { type peRisValidator, simpleOutcome } from '../../judges/triage-check.ts';
import { reply } from './reply.ts';
import type { SihceSubscriptions } from './subscriptions.ts';

// the plugins import these from here; they live in reply.ts so that subscriptions.ts can use them without an import cycle
export { FHIR_JSON, refuse, reply, replyJsonText } from './reply.ts';

export const FHIR_BASE_PATH = '/fhir';

/** The resource types SIHCE serves (the spec's list, plus what a triage Bundle carries). */
export const SIHCE_TYPES = new Set(['Patient', 'Encounter', 'Observation', 'Condition', 'ServiceRequest', 'Appointment', 'Task', 'Subscription', 'Provenance', 'Consent', 'Device', 'Organization']);

export interface SihceContext {
  journal: ExchangeJournal;
  faults: FaultSet;
  store: FhirStore;
  validator: ReturnType<typeof peRisValidator>;
  /** Triage rules a planted defect skips (`skip-RP-03`). */
  skip: string[];
  /** The FHIR base URL, known once the server listens. */
  baseUrl(): string;
  /** Told of every change to the store (`previous` undefined on a create): subscribers hear of status changes. */
  subscriptions: SihceSubscriptions;
}

/** A DNI searched without its check character finds the patient stored with one, and the other way round. */
export function sameDni(stored: string, wanted: string): boolean {
  const a = parseDni(stored);
  const b = parseDni(wanted);
  return a !== undefined && b !== undefined && a.number === b.number;
}

export function parseBody(payload: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    // FHIR JSON is UTF-8 (R4 http.html#mime-type): a byte that is not is refused, not stored as U+FFFD.
    text = Buffer.isBuffer(payload) ? UTF8.decode(payload) : typeof payload === 'string' ? payload : '';
  } catch {
    return { ok: false, error: 'the body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, error: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** FHIR R4's JSON media type, plain JSON, and the DSTU2 spelling some clients still send; anything else is 415. */
export const FHIR_JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json+fhir'];

/** Route options of a FHIR write: the body is parsed here, so bad JSON gets an OperationOutcome (or a planted defect). */
export const RAW_PAYLOAD = { payload: { parse: false, output: 'data' as const, maxBytes: MAX_PAYLOAD_BYTES, allow: FHIR_JSON_TYPES } };

export const badJson = (ctx: SihceContext, h: Hapi.ResponseToolkit, error: string): Hapi.ResponseObject =>
  ctx.faults.has('plain-text-errors')
    ? h.response(`Bad Request: ${error}`).code(400).type('text/plain')
    : reply(h, 400, simpleOutcome('structure', `El cuerpo no es JSON válido: ${error}`, `The body is not valid JSON: ${error}`, 'FHIR-JSON-SHAPE'));

export const notFound = (ctx: SihceContext, h: Hapi.ResponseToolkit, what: string): Hapi.ResponseObject =>
  ctx.faults.has('html-404')
    ? h.response(`<html><body><h1>404 Not Found</h1><p>${what}</p></body></html>`).code(404).type('text/html')
    : reply(h, 404, simpleOutcome('not-found', `${what} no existe en el SIHCE.`, `${what} does not exist in SIHCE.`, 'FHIR-API'));
