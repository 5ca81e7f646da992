/**
 * Sello's reference SIHCE (the EHR of DIRESA Cajamarca): a FHIR R4 server on hapi and an HL7 v2 MLLP listener, put
 * together from one hapi plugin per concern (sihce/):
 * - rest.ts: create, read, update, delete and search of Patient, Encounter, Observation, Condition, ServiceRequest,
 *   Appointment, Task, Subscription (and the Provenance, Consent, Device and Organization a triage carries);
 * - transaction.ts: Qhali's triage transaction Bundles, checked against TriageBundle and RP-01…RP-08;
 * - subscriptions.ts: status changes of a Task or Appointment notified to every active Subscription (R5 Backport
 *   style, rest-hook, full-resource or id-only): in order, retried with back-off, never dropped;
 * - mllp.ts and from-v2.ts: the MLLP listener, its ACKs, and what ADT^A04, ORU^R01 and SIU^S12 do to the store.
 * Bad input gets an OperationOutcome with 4xx whose issues name their rule and FHIRPath (hapi's own refusals too);
 * nothing stored is touched by a refused request.
 */

import { FhirStore, type Resource } from '../../../src/fhir-server/store.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { fhirOperationOutcome } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { type MockServer, startMockServer } from '../../../src/mock/mock-server.ts';
import { subscriptionResource } from '../judges/notifications.ts';
import { peRisValidator, simpleOutcome } from '../judges/triage-check.ts';
import { PARTY } from '../lib/constants.ts';
import type { BackoffPolicy, RisNotifier } from './notifier.ts';
import { FHIR_BASE_PATH, type SihceContext, sameDni } from './sihce/context.ts';
import { SihceMllp } from './sihce/mllp.ts';
import { restPlugin } from './sihce/rest.ts';
import { SihceSubscriptions, sameSubscription } from './sihce/subscriptions.ts';
import { transactionPlugin } from './sihce/transaction.ts';

export interface SihceConfig {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  mllpPort?: number;
  faults?: readonly string[];
  /** Journal MLLP messages the listener receives (when the sender is not Sello's own, e.g. an external engine). */
  journalInboundMllp?: boolean;
  /** Silence allowed inside an open MLLP frame (sihce/mllp.ts FRAME_TIMEOUT_MS by default). */
  frameTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** How long a notification waits for the subscriber's answer (the target's requestMs). */
  timeoutMs?: number;
  /** Hosts a Subscription's endpoint may name besides loopback and `host` (the target file's URLs' hosts). */
  subscriberHosts?: readonly string[];
  /** The bearer token a Subscription create, update or delete must carry (sihce/subscriptions.ts); none: not authenticated. */
  subscriptionWriteToken?: string;
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
  notifiers(): RisNotifier[];
  stop(): Promise<void>;
}

export async function startSihce(config: SihceConfig): Promise<RunningSihce> {
  const faults = new FaultSet(config.faults);
  const store = new FhirStore({ sameIdentifier: sameDni });
  const host = config.host ?? '127.0.0.1';
  let baseUrl = '';
  const subscriptions = new SihceSubscriptions({
    journal: config.journal,
    store,
    faults,
    baseUrl: () => baseUrl,
    ...(config.backoff ? { backoff: config.backoff } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    subscriberHosts: [host, ...(config.subscriberHosts ?? [])],
    ...(config.subscriptionWriteToken ? { writeToken: config.subscriptionWriteToken } : {}),
  });
  const ctx: SihceContext = {
    journal: config.journal,
    faults,
    store,
    subscriptions,
    baseUrl: () => baseUrl,
    validator: peRisValidator(),
    skip: ['RP-01', 'RP-02', 'RP-03', 'RP-04', 'RP-05', 'RP-06', 'RP-07', 'RP-08'].filter((r) => faults.has(`skip-${r}`)),
  };
  const mllp = new SihceMllp(ctx, {
    host,
    port: config.mllpPort ?? 0,
    journalInbound: config.journalInboundMllp ?? false,
    ...(config.frameTimeoutMs ? { frameTimeoutMs: config.frameTimeoutMs } : {}),
  });

  const server: MockServer = await startMockServer(
    {
      name: PARTY.sihce,
      host,
      ...(config.port !== undefined ? { port: config.port } : {}),
      journal: config.journal,
      partyOf: () => PARTY.engine,
      errorShape: fhirOperationOutcome((status, message) =>
        simpleOutcome(
          status === 404 ? 'not-found' : status === 415 ? 'not-supported' : status >= 500 ? 'exception' : 'invalid',
          `Petición rechazada (${status}): ${message}`,
          `Request refused (${status}): ${message}`,
          'FHIR-API',
        ),
      ),
    },
    async (hapi) => {
      await hapi.register([{ plugin: restPlugin, options: ctx }, { plugin: transactionPlugin, options: ctx }, { plugin: mllp.plugin }]);
    },
  );
  baseUrl = `${server.url}${FHIR_BASE_PATH}`;

  return {
    url: server.url,
    fhirBaseUrl: baseUrl,
    mllp: { host, port: mllp.port },
    store,
    faults,
    subscribe: (endpoint) => {
      const sub = { ...subscriptionResource(endpoint), status: 'active' } as unknown as Resource;
      if (!sameSubscription(store, sub)) store.create(sub);
    },
    refuseNextMessages: (count, code = 'AE') => mllp.refuseNext(count, code),
    notifiers: () => subscriptions.notifiers(),
    stop: async () => {
      await subscriptions.stop();
      await server.stop();
    },
  };
}
