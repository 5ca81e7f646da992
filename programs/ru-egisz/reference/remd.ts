/**
 * Sello's reference REMD (the federal register of electronic medical documents) for ru-egisz, on one SOAP 1.2
 * endpoint `/port/emdr`: registerDocument answered synchronously — "accepted" (RR-10) or a Fault: WRONG_MESSAGE_ID
 * for a non-UUID or reused MessageID (RR-05), VALIDATION_ERROR naming clientEntityId (RR-08.7), RATE_LIMIT above
 * `requestsPerSecond` per clientEntityId (RR-16), and SOAP's own refusals with a classifier code (RR-08, RR-09) —
 * then, once the answer is on the wire, the file pulled from the system's getDocumentFile, the registration checked
 * (lib/semd-check.ts) and exactly one registerDocumentResult delivered, retried per RR-15 (remd-processing.ts);
 * getRegistryItem and searchRegistryItem over what it registered (RR-18). Everything crosses real sockets and lands
 * in the journal as party `remd`. `stimuli` is what Sello's stand-in REMD does on demand when a MIS or gateway is
 * under test (remd-stimuli.ts); `faults` plants one defect per remd behaviour (remd-faults.ts).
 */
import type Hapi from '@hapi/hapi';
import { soapFault } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { awaitCorrelated, Inbox, newUrnUuid, type SoapFault12Options, type SoapHandler, type SoapReply, sameMessageId, soapRoute } from '../../../src/soap/index.ts';
import { EGIS_NS, PARTY } from '../lib/contract.ts';
import { readGetRegistryItem, readRegisterDocument, readRegistrySearch, registerDocumentAcceptedBody, registryItemBody, registryItemsBody, remdFault } from '../lib/messages.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import type { Registers } from '../lib/registers.ts';
import { loadSemdValidators } from '../lib/semd-check.ts';
import { MAX_CALLBACK_ATTEMPTS } from './callback-delivery.ts';
import type { Faults, RemdFaultName } from './remd-faults.ts';
import { acceptWhatSoapRefuses, classifyRemdRefusals, noteRemdRefusal } from './remd-intake.ts';
import { processRegistration, type RemdSystem } from './remd-processing.ts';
import { type RemdRegistration, RemdRegistry } from './remd-registry.ts';
import { type RemdStimuli, remdStimuli, StimulusState } from './remd-stimuli.ts';
import { warmUpRemdCheck } from './remd-warm-up.ts';
import { clientEntityIdOf, handlersFor, RU_PREFIXES } from './ru-soap.ts';
import type { ReferenceServerOptions } from './server-options.ts';

export { REMD_FAULTS, type RemdFaultName } from './remd-faults.ts';
export type { RemdSystem } from './remd-processing.ts';
export type { RemdRegistration } from './remd-registry.ts';
export type { RemdStimuli, SendCallbackOptions } from './remd-stimuli.ts';

export const REMD_SERVICE_PATH = '/port/emdr';

export interface RemdOptions extends ReferenceServerOptions {
  /** FRMO/FRMR as REMD checks them (RR-12). */
  registers: Registers;
  books: ReferenceBooks;
  /** The systems REMD serves, by clientEntityId: where it calls back and pulls files (undefined: unknown GUID). */
  systems: (clientEntityId: string) => RemdSystem | undefined;
  /** RR-15: how long a callback waits for its acknowledgement, and the least spacing of its repeats. */
  callbackMs: number;
  /** RR-16: registerDocument requests per second and clientEntityId above which REMD answers RATE_LIMIT. */
  requestsPerSecond: number;
  /** Bound on each request REMD makes (getDocumentFile). */
  timeoutMs: number;
  clock?: () => Date;
}

export interface RunningRemd {
  url: string;
  /** …/port/emdr: registerDocument, getRegistryItem, searchRegistryItem. */
  serviceUrl: string;
  faults: FaultSet;
  /** Registrations accepted, in order, with their state and outcome. */
  registrations(): readonly RemdRegistration[];
  /** The registration accepted for a localUid or a request MessageID, present or within `timeoutMs`. */
  awaitRegistration(key: string, timeoutMs?: number): Promise<RemdRegistration>;
  /** The same once it is settled: its callback acknowledged or given up, withheld, or nobody to call. */
  awaitOutcome(key: string, timeoutMs?: number): Promise<RemdRegistration>;
  stimuli: RemdStimuli;
  stop(): Promise<void>;
}

const matches = (r: RemdRegistration, key: string): boolean => r.metadata.localUid === key || sameMessageId(r.messageId, key);

export async function startRemd(options: RemdOptions): Promise<RunningRemd> {
  const faults = new FaultSet(options.faults);
  const planted: Faults = { has: (name: RemdFaultName) => faults.has(name) };
  const clock = options.clock ?? (() => new Date());
  // The file pull (timeoutMs), then up to five callback attempts of callbackMs each, callbackMs apart, and some slack.
  const settleBound = options.timeoutMs + 2 * MAX_CALLBACK_ATTEMPTS * options.callbackMs + 2000;
  // A reused MessageID is refused while anything can still relate to the first: a minute at least, past any settling.
  const registry = new RemdRegistry(clock, Math.max(60_000, 2 * settleBound));
  const received = new Inbox<RemdRegistration>();
  const settled = new Inbox<RemdRegistration>();
  const state = new StimulusState();
  const inFlight = new Set<Promise<void>>();
  const PENDING = Symbol('remd processing');
  let stopping = false;
  let lastRequestId: string | undefined;

  const validators = (): ReturnType<typeof loadSemdValidators> => loadSemdValidators();
  await warmUpRemdCheck(options.books, validators);
  const processing = {
    journal: options.journal,
    registry,
    registers: options.registers,
    books: options.books,
    validators,
    faults: planted,
    callbackMs: options.callbackMs,
    timeoutMs: options.timeoutMs,
    clock,
    withheld: (r: RemdRegistration) => stopping || state.isWithheld(r.metadata.localUid),
  };

  /** Runs after the accepted answer left: REMD may not call back before the system had its answer. */
  const settle = (registration: RemdRegistration, system: RemdSystem | undefined): void => {
    const job = (async () => {
      try {
        if (system) {
          await processRegistration(registration, system, processing);
          await registration.delivery?.done;
        }
      } catch (error) {
        // A defect of REMD's own check must not take REMD down: the registration stays "processing", visibly unsettled.
        console.error(`reference REMD: processing ${registration.metadata.localUid} failed:`, error);
      } finally {
        settled.push(registration);
      }
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  };

  const fault = (code: string, text?: { ru: string; en: string }, receiver = false): { fault: SoapFault12Options } => {
    const f = remdFault(code, text, { receiver });
    // Planted RR-09.2: the fault no longer says which request it answers.
    return { fault: faults.has('fault-without-relates-to') ? { ...f, addressing: { relatesTo: undefined } } : f };
  };
  const answer = (body: SoapReply['body']): SoapReply => ({ body, prefixes: RU_PREFIXES });
  const textOf = (findings: ReadonlyArray<{ message: { en: string; ru?: string } }>, field: string): { ru: string; en: string } => ({
    ru: `Запрос не читается (${field}): ${findings.map((f) => f.message.ru ?? f.message.en).join('; ') || field}`,
    en: `The request cannot be read (${field}): ${findings.map((f) => f.message.en).join('; ') || field}`,
  });

  /** Checks every request to REMD shares: a MessageID not used before (RR-05), a known clientEntityId (RR-08.7). */
  const admit = (envelope: Parameters<SoapHandler>[0]['envelope']): { fault: SoapFault12Options } | { client: string; system: RemdSystem | undefined } => {
    const messageId = envelope.addressing.messageId ?? '';
    if (registry.seen(messageId) && !faults.has('accept-reused-message-id')) {
      return fault('WRONG_MESSAGE_ID', { ru: `wsa:MessageID ${messageId} уже использован`, en: `wsa:MessageID ${messageId} was already used` });
    }
    const client = clientEntityIdOf(envelope);
    const system = client ? options.systems(client) : undefined;
    if ((!client || !system) && !faults.has('accept-unknown-client-entity-id')) {
      return fault(
        'VALIDATION_ERROR',
        client
          ? { ru: `clientEntityId ${client} не зарегистрирован в РЭМД`, en: `clientEntityId ${client} is not registered at REMD` }
          : { ru: 'Не указан egis:transportHeader/egis:authInfo/egis:clientEntityId', en: 'egis:transportHeader/egis:authInfo/egis:clientEntityId is missing' },
      );
    }
    return { client: client ?? '', system };
  };

  const registerDocument: SoapHandler = ({ envelope, payload, request }) => {
    const admitted = admit(envelope);
    if ('fault' in admitted) return admitted;
    const queued = state.takeQueued();
    if (queued) return fault(queued, undefined, queued === 'RATE_LIMIT');
    // Counted when the request arrived, not when REMD got to it: a registration being checked must not spread a burst.
    const receivedAt = options.clock ? clock().getTime() : request.info.received;
    if (!faults.has('no-rate-limit') && registry.overLimit(admitted.client, options.requestsPerSecond, receivedAt)) {
      return fault('RATE_LIMIT', undefined, true);
    }
    const read = readRegisterDocument(payload);
    if (!read.value) return fault('VALIDATION_ERROR', textOf(read.findings, 'registerDocument'));
    const registration: RemdRegistration = {
      messageId: envelope.addressing.messageId ?? '',
      clientEntityId: admitted.client,
      metadata: read.value,
      receivedAt: clock().toISOString(),
      state: 'processing',
    };
    registry.add(registration);
    received.push(registration);
    (request.app as Record<symbol, () => void>)[PENDING] = () => settle(registration, admitted.system);
    return answer(registerDocumentAcceptedBody());
  };

  const getRegistryItem: SoapHandler = ({ envelope, payload }) => {
    const admitted = admit(envelope);
    if ('fault' in admitted) return admitted;
    const read = readGetRegistryItem(payload);
    const emdrId = read.value?.emdrId;
    if (!emdrId) return fault('VALIDATION_ERROR', textOf(read.findings, 'emdrId'));
    const item = registry.item(emdrId);
    if (!item) {
      // Planted RR-18.2: a well-formed refusal that does not say which field was wrong.
      if (faults.has('unknown-emdr-id-not-named')) return fault('VALIDATION_ERROR', { ru: 'Запись в реестре не найдена', en: 'No such registry entry' });
      return fault('VALIDATION_ERROR', { ru: `emdrId ${emdrId} не найден в реестре`, en: `emdrId ${emdrId} is not in the registry` });
    }
    return answer(registryItemBody(faults.has('registry-item-without-patient-snils') ? { ...item, patientSnils: '' } : item));
  };

  const searchRegistryItem: SoapHandler = ({ envelope, payload }) => {
    const admitted = admit(envelope);
    if ('fault' in admitted) return admitted;
    const read = readRegistrySearch(payload);
    if (!read.value) return fault('VALIDATION_ERROR', textOf(read.findings, 'searchRegistryItem'));
    return answer(registryItemsBody(registry.search(read.value, { ignorePatientSnils: faults.has('search-ignores-patient-snils') })));
  };

  const running = await startMockServer(
    {
      name: PARTY.remd,
      journal: options.journal,
      ...(options.externalParty ? { partyOf: () => options.externalParty } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      errorShape: soapFault('1.2'),
    },
    async (server) => {
      const noteRefusal = noteRemdRefusal(planted);
      soapRoute(server, REMD_SERVICE_PATH, {
        handlers: handlersFor([
          ['registerDocument', registerDocument],
          ['getRegistryItem', getRegistryItem],
          ['searchRegistryItem', searchRegistryItem],
        ]),
        understood: [{ ns: EGIS_NS, local: 'transportHeader' }],
        onEnvelope: (envelope, request) => {
          lastRequestId = envelope.addressing.messageId;
          noteRefusal(envelope, request);
        },
        // Called right after onEnvelope, in the same turn: planted RR-08.4 answers with the request's own MessageID.
        newMessageId: () => (faults.has('answer-echoes-request-message-id') && lastRequestId ? lastRequestId : newUrnUuid()),
      });
      classifyRemdRefusals(server, REMD_SERVICE_PATH, planted);
      if (faults.has('accept-soap11') || faults.has('accept-text-xml') || faults.has('accept-non-uuid-message-id')) acceptWhatSoapRefuses(server, REMD_SERVICE_PATH, planted);
      server.events.on('response', (request: Hapi.Request) => (request.app as Record<symbol, (() => void) | undefined>)[PENDING]?.());
    },
  );

  const awaitIn = (inbox: Inbox<RemdRegistration>, what: string) => (key: string, timeoutMs?: number) =>
    awaitCorrelated(inbox, (r) => matches(r, key), timeoutMs ?? settleBound, `${what} ${key} at the reference REMD`);

  return {
    url: running.url,
    serviceUrl: `${running.url}${REMD_SERVICE_PATH}`,
    faults,
    registrations: () => registry.registrations,
    awaitRegistration: awaitIn(received, 'the registration'),
    awaitOutcome: awaitIn(settled, 'the settled registration (callback acknowledged, given up or withheld) of'),
    stimuli: remdStimuli(state, { journal: options.journal, timeoutMs: options.timeoutMs }),
    stop: async () => {
      stopping = true;
      for (const r of registry.registrations) r.delivery?.cancel();
      await Promise.allSettled([...inFlight]);
      await running.stop();
    },
  };
}
