/**
 * Sello's reference integration engine (the Mirth Connect role).
 *
 * Inbound (`POST /fhir`): Qhali's triage transaction Bundle. Checked like SIHCE checks it (TriageBundle, RP-01…RP-08);
 * a bad one is refused with an OperationOutcome 4xx and nothing is forwarded. A good one becomes ADT^A04 (register),
 * ORU^R01 (triage observations) and SIU^S12 (follow-up booked), sent in that order over MLLP to SIHCE; each must be
 * acknowledged AA (or CA); an AE/AR stops the chain and Qhali gets a 502 OperationOutcome quoting SIHCE's ERR.
 *
 * Outbound: the engine subscribes at SIHCE (rest-hook to its `/notificaciones/sihce`) and relays every follow-up
 * status change to Qhali as its own notification (same Backport format, the engine's own event numbers), in order,
 * each SIHCE event once however often SIHCE retries it, with retries and back-off towards Qhali.
 */

import { createHash } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import { toOperationOutcome } from '../../../src/findings/finding.ts';
import { MllpPool, parseEr7, valueAt } from '../../../src/hl7v2/index.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { fhirOperationOutcome } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { MAX_PAYLOAD_BYTES, type MockServer, startMockServer } from '../../../src/mock/mock-server.ts';
import { fhirRequest } from '../../../src/transport/fhir-http.ts';
import { freePort } from '../../../src/transport/free-port.ts';
import { ackCode, type MllpTarget, sendV2 } from '../../../src/transport/mllp-client.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { EventSequencer, readNotification, subscriptionResource } from '../judges/notifications.ts';
import { checkTriageBundle, peRisValidator, refusalStatus, simpleOutcome } from '../judges/triage-check.ts';
import { PARTY, TOPIC_SEGUIMIENTO } from '../lib/constants.ts';
import { buildAdtA04, buildOruR01, buildSiuS12, triageFacts } from '../lib/v2-messages.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, notifierFaults, RisNotifier } from './notifier.ts';
import { FHIR_JSON_TYPES } from './sihce/context.ts';
import { unavailableReply } from './unavailable.ts';
import { plantV2Faults } from './v2-faults.ts';

export const ENGINE_SIHCE_HOOK = '/notificaciones/sihce';

/** Persistent MLLP connections the engine holds to SIHCE. */
export const ENGINE_MLLP_CONNECTIONS = 4;

export interface EngineConfig {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  /** `authorization`: what Sello's SIHCE wants on the engine's Subscription (sihce/subscriptions.ts). */
  sihce: { fhirBaseUrl: string; mllp: MllpTarget; authorization?: string };
  /** Qhali's rest-hook endpoint. */
  qhaliNotificationUrl: string;
  faults?: readonly string[];
  /** MLLP exchanges are journaled by the listener when SIHCE is Sello's own in this process. */
  journalMllp?: boolean;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
}

export interface RunningEngine {
  url: string;
  fhirBaseUrl: string;
  notificationUrl: string;
  faults: FaultSet;
  /** Creates the engine's Subscription at SIHCE (once). */
  subscribe(): Promise<void>;
  toQhali: RisNotifier;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(config: EngineConfig): Promise<RunningEngine> {
  const faults = new FaultSet(config.faults);
  const validator = peRisValidator();
  const skip = ['RP-01', 'RP-02', 'RP-03', 'RP-04', 'RP-05', 'RP-06', 'RP-07', 'RP-08'].filter((r) => faults.has(`skip-${r}`));
  const host = config.host ?? '127.0.0.1';
  const sequencers = new Map<string, EventSequencer<{ eventNumber: number; focusRef: string; focus?: Record<string, unknown> }>>();
  let subscribed: Promise<void> | undefined;
  // As Mirth's MLLP sender keeps its connection: a few persistent connections to SIHCE, each message waiting for its
  // ACK (correlated by MSA-2), the rest queued. A connection per message made SIHCE refuse or drop senders under load.
  const toSihce = new MllpPool({ host: config.sihce.mllp.host, port: config.sihce.mllp.port, connections: ENGINE_MLLP_CONNECTIONS });
  /** While "down", the SIHCE notification endpoint answers 503: every attempt SIHCE makes stays on the record. */
  let unavailable = false;

  const toQhali = new RisNotifier({
    journal: config.journal,
    from: PARTY.engine,
    to: PARTY.qhali,
    endpoint: config.qhaliNotificationUrl,
    subscription: 'Subscription/engine-qhali',
    payload: 'full-resource',
    baseUrl: config.sihce.fhirBaseUrl,
    backoff: config.backoff ?? DEFAULT_BACKOFF,
    ...notifierFaults(faults),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });

  const readFocus = async (focusRef: string): Promise<Record<string, unknown> | undefined> => {
    const response = await fhirRequest(config.journal, {
      method: 'GET',
      base: config.sihce.fhirBaseUrl,
      path: focusRef,
      from: PARTY.engine,
      to: PARTY.sihce,
      timeoutMs: config.timeoutMs ?? 5000,
    }).catch(() => undefined);
    return response?.status === 200 && isObject(response.json) ? response.json : undefined;
  };

  const fhirJson = (h: Hapi.ResponseToolkit, status: number, body: unknown) =>
    h
      .response(body as object)
      .code(status)
      .type('application/fhir+json');

  const register = async (hapi: Hapi.Server): Promise<void> => {
    // fhir-kit-client posts a transaction to the base with a trailing slash: both forms are the base.
    for (const path of ['/fhir', '/fhir/'])
      hapi.route({
        method: 'POST',
        path,
        // A FHIR write: JSON media types only (else 415), and UTF-8 only (a bad byte is refused, not read as U+FFFD).
        options: { payload: { parse: false, output: 'data', maxBytes: MAX_PAYLOAD_BYTES, allow: FHIR_JSON_TYPES } },
        handler: async (request, h) => {
          let bundle: unknown;
          try {
            bundle = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.payload as Buffer));
          } catch (error) {
            if (faults.has('plain-text-errors'))
              return h
                .response(`Bad Request: ${(error as Error).message}`)
                .code(400)
                .type('text/plain');
            return fhirJson(
              h,
              400,
              simpleOutcome('structure', `El cuerpo no es JSON válido: ${(error as Error).message}`, `The body is not valid JSON: ${(error as Error).message}`, 'FHIR-JSON-SHAPE'),
            );
          }
          const findings = checkTriageBundle(bundle, { validator, skip });
          if (findings.length > 0) return fhirJson(h, refusalStatus(findings), toOperationOutcome(findings));
          const facts = triageFacts(bundle);
          if (!facts) return fhirJson(h, 422, simpleOutcome('processing', 'El triaje no tiene lo que necesitan los mensajes HL7 v2.', 'The triage lacks what the HL7 v2 messages need.', 'RIS-MAP-01'));
          await ensureSubscribed().catch(() => undefined);
          const build = { dropDniCheck: faults.has('drop-dni-check') };
          // MSH-10 from what the message is about, so a replayed run (--seed) sends the same ids.
          const id = (type: string) => ({ ...build, controlId: `ENG${createHash('sha256').update(`${facts.dni}|${facts.followUpId}|${type}`).digest('hex').slice(0, 17).toUpperCase()}` });
          // skip-siu: a channel that drops the booking (a filter left on), so the follow-up never reaches SIHCE.
          const messages = [buildAdtA04(facts, id('A04')), buildOruR01(facts, id('R01')), ...(faults.has('skip-siu') ? [] : [buildSiuS12(facts, id('S12'))])];
          for (const built of messages) {
            const message = plantV2Faults(built, faults);
            const reply = await sendV2(config.journal, {
              to: config.sihce.mllp,
              from: PARTY.engine,
              toParty: PARTY.sihce,
              message,
              timeoutMs: config.timeoutMs ?? 5000,
              journal: config.journalMllp !== false,
              pool: toSihce,
              // A persistent connection SIHCE closed just as a message went out: sent again on a new one (same MSH-10,
              // which SIHCE must not process twice), both attempts on the record.
              retryOnce: true,
              ...(faults.has('latin1-bytes') ? { bytes: Buffer.from(message, 'latin1') } : {}),
            });
            const m = parseEr7(message);
            const type = `${valueAt(m, { segment: 'MSH', field: 9, component: 1 })}^${valueAt(m, { segment: 'MSH', field: 9, component: 2 })}`;
            if (!reply.ok) {
              return fhirJson(h, 504, simpleOutcome('timeout', `El SIHCE no respondió al ${type}: ${reply.detail}`, `SIHCE did not answer the ${type}: ${reply.detail}`, 'RIS-V2-01'));
            }
            const { code } = ackCode(reply.ack);
            if (code !== 'AA' && code !== 'CA' && !faults.has('ignore-ae')) {
              const err = valueAt(parseEr7(reply.ack), { segment: 'ERR', field: 8 }) || valueAt(parseEr7(reply.ack), { segment: 'ERR', field: 3, component: 2 });
              return fhirJson(h, 502, simpleOutcome('processing', `El SIHCE rechazó el ${type} (${code}): ${err}`, `SIHCE refused the ${type} (${code}): ${err}`, 'RIS-V2-01'));
            }
          }
          const entries = (isObject(bundle) && Array.isArray(bundle.entry) ? bundle.entry : []).map(() => ({ response: { status: '201 Created' } }));
          return fhirJson(h, 200, { resourceType: 'Bundle', type: 'transaction-response', entry: entries });
        },
      });

    // SIHCE's rest-hook: each SIHCE event once and in order, relayed to Qhali.
    hapi.route({
      method: 'POST',
      path: ENGINE_SIHCE_HOOK,
      options: { payload: { parse: false, output: 'data', maxBytes: MAX_PAYLOAD_BYTES } },
      handler: async (request, h) => {
        if (unavailable) return unavailableReply(h);
        let body: unknown;
        try {
          body = JSON.parse((request.payload as Buffer).toString('utf8'));
        } catch {
          return fhirJson(h, 400, simpleOutcome('structure', 'La notificación no es JSON válido.', 'The notification is not valid JSON.', 'FHIR-JSON-SHAPE'));
        }
        const read = readNotification(body);
        if (!read.ok) return fhirJson(h, 400, toOperationOutcome(read.findings));
        const n = read.notification;
        let seq = sequencers.get(n.subscription);
        if (!seq) sequencers.set(n.subscription, (seq = new EventSequencer()));
        const deliverable = n.events.flatMap((event) => seq.admit(event).deliverable);
        // An id-only payload carries no focus: the engine reads it from SIHCE before relaying (in order).
        for (const e of deliverable) {
          const focus = e.focus ?? (await readFocus(e.focusRef));
          if (focus) toQhali.notify(e.focusRef, focus);
        }
        // The defect: the change is relayed, then the channel's response step fails and SIHCE sees a 500.
        if (faults.has('hook-500')) return fhirJson(h, 500, simpleOutcome('exception', 'Error interno del canal.', 'Channel error.', 'FHIR-API'));
        return h.response().code(200);
      },
    });
  };

  const server: MockServer = await startMockServer(
    {
      name: PARTY.engine,
      host,
      port: config.port || (await freePort(host)),
      journal: config.journal,
      partyOf: (request) => (request.path.startsWith(ENGINE_SIHCE_HOOK) ? PARTY.sihce : PARTY.qhali),
      errorShape: fhirOperationOutcome((status, message) =>
        simpleOutcome(status === 404 ? 'not-found' : 'invalid', `Petición rechazada (${status}): ${message}`, `Request refused (${status}): ${message}`, 'FHIR-API'),
      ),
    },
    register,
  );
  const notificationUrl = `${server.url}${ENGINE_SIHCE_HOOK}`;

  const ensureSubscribed = (): Promise<void> => {
    subscribed ??= (async () => {
      const response = await fhirRequest(config.journal, {
        method: 'POST',
        base: config.sihce.fhirBaseUrl,
        path: 'Subscription',
        body: subscriptionResource(notificationUrl, { criteria: TOPIC_SEGUIMIENTO, payload: 'full-resource' }),
        from: PARTY.engine,
        to: PARTY.sihce,
        timeoutMs: config.timeoutMs ?? 5000,
        ...(config.sihce.authorization ? { headers: { authorization: config.sihce.authorization } } : {}),
      });
      if (response.status !== 201 && response.status !== 200) throw new Error(`SIHCE refused the engine's Subscription: HTTP ${response.status}`);
    })();
    subscribed.catch(() => {
      subscribed = undefined;
    });
    return subscribed;
  };

  return {
    url: server.url,
    fhirBaseUrl: `${server.url}/fhir`,
    notificationUrl,
    faults,
    subscribe: ensureSubscribed,
    toQhali,
    down: async () => {
      unavailable = true;
    },
    up: async () => {
      unavailable = false;
    },
    stop: async () => {
      await toQhali.drain(1000);
      toQhali.stop();
      toSihce.close();
      await server.stop();
    },
  };
}
