/**
 * Sello's reference MIS (a clinic's medical information system) for ru-egisz: it writes kind-194 SEMDs of its clinic
 * from a seed, signs them (doctor and organization, detached XMLDSig), keeps file and signatures and registers them
 * at REMD or a gateway (registerDocument, RR-17 back-off after RATE_LIMIT). It serves, on one SOAP 1.2 endpoint,
 * the registerDocumentResult callback (WRONG_MESSAGE_ID for a callback that relates to none of its requests; a
 * repeated callback acknowledged and not taken twice; errors acknowledged too) and getDocumentFile
 * (GET_DOCUMENT_FILE_ERROR for a localUid it never registered), and a JSON control API for Sello.
 * When it stands in for Sello against a REMD or gateway under test, `register({ stimulus })` sends each deliberate
 * defect the remd behaviours need, as party `sello (mis)`. Planted faults (MIS_FAULTS) break one mis behaviour each.
 */
import type Hapi from '@hapi/hapi';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { soapFault } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { awaitCorrelated, Inbox, SOAP11_NS, type SoapCallResult, sameMessageId, soapRoute } from '../../../src/soap/index.ts';
import { EGIS_NS, PARTY, type RegisterDocumentMetadata, type RegisterDocumentResult, stimulusParty } from '../lib/contract.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import type { SyntheticClinic } from '../lib/synthetic.ts';
import { type DocumentDefect, type MisSigners, type PreparedDocument, prepareDocument } from './mis-document.ts';
import { MIS_FAULT_DEFECTS, misHandlers, type ServingDefect } from './mis-endpoint.ts';
import { MIN_BACKOFF_MS, sendRegistration, type TransportDefect } from './mis-send.ts';
import type { ReferenceServerOptions } from './server-options.ts';
import { classifyRefusals, noteRefusal } from './soap-refusal.ts';

export type { DocumentDefect, MisSigners } from './mis-document.ts';
export { MIS_FAULTS, type ServingDefect } from './mis-endpoint.ts';
export type { TransportDefect } from './mis-send.ts';

/** Every deliberate defect the MIS sends when it stands in for Sello (`burst`: a valid document, sent once, unrepeated). */
export type MisStimulus = DocumentDefect | TransportDefect | ServingDefect | 'burst' | { duplicateOf: string };

export const MIS_CALLBACK_PATH = '/mis/emdr/callback';
export const MIS_CONTROL_PATH = '/sello/registrations';

export interface MisOptions extends ReferenceServerOptions {
  clinic: SyntheticClinic;
  /** The clinic's staff as FRMR lists them; each document's doctor is one of them. */
  staff: ReadonlyArray<{ snils: string; position: string }>;
  signers: MisSigners;
  /** REMD's or a gateway's service (…/port/emdr), and its journal party. */
  serviceUrl: string;
  serviceParty?: string;
  clientEntityId: string;
  books: ReferenceBooks;
  timeoutMs: number;
  seed: string | number;
  /** RR-17's wait after RATE_LIMIT (at least MIN_BACKOFF_MS) and how many repeats. */
  backoffMs?: number;
  rateLimitRetries?: number;
  /** How long the `callback-no-ack` stimulus holds a callback before dropping it: past the caller's wait for an answer. */
  ackHoldMs?: number;
  /** Journal party of the MIS's own endpoint; `sello (mis)` when it stands in for Sello. */
  name?: string;
}

export interface RegisterOptions {
  /** YYYY-MM-DD: the document's date (RR-07 stimuli); by default a day inside the kind's window. */
  createdOn?: string;
  /** Another service to register at, and its party. */
  via?: string;
  viaParty?: string;
  stimulus?: MisStimulus;
  /**
   * A burst (RR-16's "at once"): the document is prepared and signed first, and sent when `together` lets it — once
   * every document of the burst is ready — so the requests reach REMD together however long signing took.
   */
  together?: { arrive(): Promise<void> };
}

export interface MisRegistration {
  localUid: string;
  /** The last MessageID sent; `messageIds` has every attempt's. */
  messageId: string;
  messageIds: string[];
  document: PreparedDocument;
  stimulus?: MisStimulus;
  status: 'sending' | 'accepted' | 'refused' | 'unreachable';
  faultCode?: string;
  calls: SoapCallResult[];
  result?: RegisterDocumentResult;
  /** Callbacks received for it, duplicates included. */
  callbacks: number;
}

export interface TakenCallback {
  result: RegisterDocumentResult;
  /** The callback's own wsa:MessageID. */
  messageId?: string;
  receivedAt: string;
}

export interface RunningMis {
  url: string;
  callbackUrl: string;
  documentFileUrl: string;
  controlUrl: string;
  faults: FaultSet;
  register(options?: RegisterOptions): Promise<MisRegistration>;
  registrations(): readonly MisRegistration[];
  /** Callbacks taken, in arrival order (a repeated one is not taken again). */
  results(): readonly TakenCallback[];
  /** The callback for a localUid or a registration MessageID, within `timeoutMs` (default the MIS's). */
  awaitResult(key: string, timeoutMs?: number): Promise<TakenCallback>;
  stop(): Promise<void>;
}

const SERVING: ReadonlySet<string> = new Set(['file-refuses-connections', 'file-fault', 'callback-no-ack', 'callback-503']);
const isServing = (s: MisStimulus | undefined): s is ServingDefect => typeof s === 'string' && SERVING.has(s);
const TRANSPORT: ReadonlySet<string> = new Set(['soap11', 'text-xml', 'no-client-entity-id', 'unknown-client-entity-id', 'malformed-xml', 'non-uuid-message-id']);
const transportDefect = (s: MisStimulus | undefined): TransportDefect | undefined =>
  typeof s === 'object' && 'reuseMessageId' in s ? s : typeof s === 'string' && TRANSPORT.has(s) ? (s as TransportDefect) : undefined;
const documentDefect = (s: MisStimulus | undefined): DocumentDefect | undefined =>
  s === undefined || isServing(s) || transportDefect(s) || s === 'burst' || (typeof s === 'object' && 'duplicateOf' in s) ? undefined : (s as DocumentDefect);

export async function startMis(options: MisOptions): Promise<RunningMis> {
  const faults = new FaultSet(options.faults);
  const rng = new SeededRandom(String(options.seed)).fork('mis');
  const registrations: MisRegistration[] = [];
  const documents = new Map<string, { prepared: PreparedDocument; serving?: ServingDefect }>();
  const inbox = new Inbox<TakenCallback>();
  const held = new Set<() => void>();
  let count = 0;
  const ctx = { clinic: options.clinic, staff: options.staff, signers: options.signers, books: options.books };

  async function register(o: RegisterOptions = {}): Promise<MisRegistration> {
    const { stimulus } = o;
    const n = count++;
    let prepared: PreparedDocument;
    if (typeof stimulus === 'object' && 'duplicateOf' in stimulus) {
      const first = documents.get(stimulus.duplicateOf);
      if (!first) throw new RangeError(`the MIS registered no document ${stimulus.duplicateOf}`);
      prepared = first.prepared;
    } else {
      const planted = MIS_FAULT_DEFECTS.find(([fault]) => faults.has(fault))?.[1];
      const defect = stimulus === undefined ? planted : documentDefect(stimulus);
      const createdOn = o.createdOn ?? (stimulus === undefined && faults.has('date-outside-kind') ? '2024-07-01' : undefined);
      const localUid = stimulus === undefined && faults.has('repeated-local-uid') ? registrations[0]?.localUid : undefined;
      prepared = await prepareDocument(rng.fork(`registration-${n}`), ctx, { ...(defect ? { defect } : {}), ...(createdOn ? { createdOn } : {}), ...(localUid ? { localUid } : {}) });
      documents.set(prepared.metadata.localUid, { prepared, ...(isServing(stimulus) ? { serving: stimulus } : {}) });
    }
    const registration: MisRegistration = {
      localUid: prepared.metadata.localUid,
      messageId: '',
      messageIds: [],
      document: prepared,
      ...(stimulus !== undefined ? { stimulus } : {}),
      status: 'sending',
      calls: [],
      callbacks: 0,
    };
    registrations.push(registration);
    await o.together?.arrive();
    const previous = registrations.at(-2)?.messageIds[0];
    const defect = transportDefect(stimulus) ?? (stimulus === undefined && faults.has('no-client-entity-id') ? 'no-client-entity-id' : undefined);
    const outcome = await sendRegistration(prepared.metadata, {
      journal: options.journal,
      url: o.via ?? options.serviceUrl,
      // A date Sello chose outside the kind's window is a stimulus too (RR-07.2/07.3): REMD is judged, not this MIS.
      from: stimulus === undefined && !(o.createdOn !== undefined && outsideKindWindow(prepared.metadata, options.books)) ? PARTY.mis : stimulusParty('mis'),
      to: o.viaParty ?? options.serviceParty ?? PARTY.remd,
      clientEntityId: options.clientEntityId,
      timeoutMs: options.timeoutMs,
      ...(defect ? { defect } : {}),
      strangerId: () => rng.fork(`stranger-${n}`).uuid(),
      retries: stimulus === undefined ? (options.rateLimitRetries ?? 3) : 0,
      backoffMs: faults.has('no-backoff') ? 0 : Math.max(MIN_BACKOFF_MS, options.backoffMs ?? MIN_BACKOFF_MS),
      ...(stimulus === undefined && faults.has('repeated-message-id') && previous ? { messageId: previous } : {}),
      // Known before the request leaves: REMD may call back before its synchronous answer is read.
      onMessageId: (id) => {
        registration.messageIds.push(id);
        registration.messageId = id;
      },
    });
    registration.calls = outcome.calls;
    registration.status = outcome.status;
    if (outcome.faultCode) registration.faultCode = outcome.faultCode;
    return registration;
  }

  const running = await startMockServer(
    {
      name: options.name ?? PARTY.mis,
      journal: options.journal,
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      errorShape: soapFault('1.2'),
      partyOf: (request) => (request.path === MIS_CONTROL_PATH ? 'sello' : options.externalParty),
    },
    async (server) => {
      soapRoute(server, MIS_CALLBACK_PATH, {
        handlers: misHandlers({
          faults,
          documents: (localUid) => documents.get(localUid),
          registrationFor: (relatesTo) => registrations.find((r) => r.messageIds.some((id) => sameMessageId(id, relatesTo))),
          take: (registration, taken) => {
            registration.result = taken.result;
            inbox.push(taken);
          },
          hold: (ms) =>
            new Promise<void>((resolve) => {
              const release = (): void => {
                clearTimeout(timer);
                held.delete(release);
                resolve();
              };
              const timer = setTimeout(release, ms);
              held.add(release);
            }),
          holdMs: options.ackHoldMs ?? options.timeoutMs + 1000,
        }),
        understood: [{ ns: EGIS_NS, local: 'transportHeader' }],
        onEnvelope: noteRefusal,
      });
      classifyRefusals(server, [MIS_CALLBACK_PATH]);
      if (faults.has('accept-soap11-callback')) server.ext('onPreHandler', (request, h) => soap11Accepted(request, h));
      if (faults.has('ack-without-relates-to')) server.ext('onPreResponse', (request, h) => ackWithoutRelatesTo(request, h));
      server.route({ method: 'POST', path: MIS_CONTROL_PATH, handler: (request, h) => control(request, h, register) });
    },
  );
  const callbackUrl = `${running.url}${MIS_CALLBACK_PATH}`;
  return {
    url: running.url,
    callbackUrl,
    documentFileUrl: callbackUrl,
    controlUrl: `${running.url}${MIS_CONTROL_PATH}`,
    faults,
    register,
    registrations: () => registrations,
    results: () => inbox.all(),
    awaitResult: (key, timeoutMs) =>
      awaitCorrelated(
        inbox,
        (t) => t.result.localUid === key || sameMessageId(t.result.relatesToMessage, key),
        timeoutMs ?? options.timeoutMs,
        `the registerDocumentResult callback for ${key} at the MIS`,
      ),
    stop: async () => {
      for (const release of [...held]) release();
      await running.stop();
    },
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `POST /sello/registrations` {createdOn?}: registers one synthetic SEMD and says which. */
async function control(request: Hapi.Request, h: Hapi.ResponseToolkit, register: (o: RegisterOptions) => Promise<MisRegistration>): Promise<Hapi.ResponseObject> {
  const body = (request.payload ?? {}) as { createdOn?: unknown };
  if (typeof body !== 'object' || Array.isArray(body) || (body.createdOn !== undefined && (typeof body.createdOn !== 'string' || !DATE.test(body.createdOn)))) {
    return h.response({ error: { status: 400, message: 'createdOn must be a date YYYY-MM-DD' } }).code(400);
  }
  const registration = await register(typeof body.createdOn === 'string' ? { createdOn: body.createdOn } : {});
  const answer = { localUid: registration.localUid, messageId: registration.messageId, status: registration.status, ...(registration.faultCode ? { faultCode: registration.faultCode } : {}) };
  return h.response(answer).code(registration.status === 'unreachable' ? 502 : 200);
}

/** Planted fault `accept-soap11-callback`: a SOAP 1.1 callback answered as if it were fine, in SOAP 1.1. */
function soap11Accepted(request: Hapi.Request, h: Hapi.ResponseToolkit): Hapi.Lifecycle.ReturnValue {
  const payload = request.payload;
  if (request.path !== MIS_CALLBACK_PATH || !Buffer.isBuffer(payload) || !payload.includes(SOAP11_NS)) return h.continue;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><registerDocumentResultResponse xmlns="http://egisz.rosminzdrav.ru/iehr/emdr/callback/"><status>success</status></registerDocumentResultResponse></soap:Body></soap:Envelope>`;
  return h.response(body).code(200).type('text/xml; charset=utf-8').takeover();
}

/** Planted fault `ack-without-relates-to`: the callback's acknowledgement leaves with no wsa:RelatesTo (RR-08.2). */
function ackWithoutRelatesTo(request: Hapi.Request, h: Hapi.ResponseToolkit): Hapi.Lifecycle.ReturnValue {
  const response = request.response;
  if (request.path !== MIS_CALLBACK_PATH || 'isBoom' in response || typeof response.source !== 'string' || !response.source.includes('registerDocumentResultResponse')) return h.continue;
  const body = response.source.replace(/<([\w.-]+:)?RelatesTo\b[^>]*>[^<]*<\/([\w.-]+:)?RelatesTo>/g, '');
  return h
    .response(body)
    .code(response.statusCode)
    .type(String(response.headers['content-type'] ?? 'application/soap+xml; charset=UTF-8'))
    .takeover();
}

/** A registration dated where its kind is not valid: only Sello asks for one (a planted fault aside). */
function outsideKindWindow(metadata: RegisterDocumentMetadata, books: ReferenceBooks): boolean {
  const date = metadata.creationDateTime.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !books.kindValidOn(metadata.kind, date).valid;
}
