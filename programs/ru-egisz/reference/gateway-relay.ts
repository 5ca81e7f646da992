/**
 * The gateway's relaying state and its SOAP handlers: each registration it relayed (the MIS's MessageID beside its
 * own), the callback it owes the MIS, and the file it pulls for REMD. See gateway.ts for the behaviour as a whole.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { newUrnUuid, type SoapCallResult, type SoapFault12Options, type SoapHandler, type SoapReply, sameMessageId, soapCall } from '../../../src/soap/index.ts';
import { EndpointUnreachableError } from '../../../src/transport/http-client.ts';
import { sleep } from '../../../src/util/wait.ts';
import { PARTY, type RegisterDocumentMetadata, type RegisterDocumentResult } from '../lib/contract.ts';
import {
  callbackAckBody,
  documentFileBody,
  getDocumentFileBody,
  readDocumentFile,
  readGetDocumentFile,
  readRegisterDocument,
  readRegisterDocumentResult,
  readRemdFault,
  registerDocumentAcceptedBody,
  registerDocumentBody,
  registerDocumentResultBody,
  remdFault,
  ruEnvelope,
} from '../lib/messages.ts';
import { type Delivery, deliverCallback } from './callback-delivery.ts';
import { MIN_BACKOFF_MS } from './mis-send.ts';
import { clientEntityIdOf, faultCode, handlersFor, RU_PREFIXES } from './ru-soap.ts';

export interface Relay {
  misMessageId: string;
  misClientEntityId: string;
  /** The gateway's MessageIDs towards REMD, one per attempt. */
  messageIds: string[];
  localUid: string;
  metadata: RegisterDocumentMetadata;
  status: 'relaying' | 'accepted' | 'refused' | 'unreachable';
  faultCode?: string;
  /** REMD's callback as it came, and how many times it came. */
  remdResult?: RegisterDocumentResult;
  remdCallbacks: number;
  /** The callback relayed to the MIS (REMD's, or ASYNC_RESPONSE_TIMEOUT), and its delivery. */
  relayed?: RegisterDocumentResult;
  delivery?: Delivery;
  timedOut: boolean;
}

interface RelayOptions {
  journal: ExchangeJournal;
  faults: FaultSet;
  remdServiceUrl: string;
  clientEntityId: string;
  systems: (clientEntityId: string) => { callbackUrl: string; documentFileUrl: string } | undefined;
  callbackMs: number;
  timeoutMs: number;
  rateLimitRetries?: number;
  backoffMs?: number;
}

const answer = (body: SoapReply['body']): SoapReply => ({ body, prefixes: RU_PREFIXES });
const textOf = (findings: ReadonlyArray<{ message: { en: string; ru?: string } }>, fallback: string): { ru: string; en: string } => ({
  ru: findings.map((f) => f.message.ru ?? f.message.en).join('; ') || fallback,
  en: findings.map((f) => f.message.en).join('; ') || fallback,
});
const unreachable = (who: { ru: string; en: string }, reason: string): { fault: SoapFault12Options } => ({
  fault: { code: 'Receiver', reason: { ru: `${who.ru} недоступен: ${reason}`, en: `${who.en} is unreachable: ${reason}` } },
});

/** A fault received from REMD or the MIS, passed on with the same classifier code and reason. */
function relayedFault(call: SoapCallResult, fallback: string): SoapFault12Options {
  const received = readRemdFault(call.answer);
  const reason = received?.reason ?? { en: `an answer that is not SOAP 1.2 (HTTP ${call.status})` };
  return remdFault(received?.code ?? fallback, { ru: reason.ru ?? reason.en, en: reason.en }, { receiver: call.answer.fault?.codeLocal === 'Receiver' || !call.answer.fault });
}

export class GatewayRelays {
  readonly #relays: Relay[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(readonly options: RelayOptions) {}

  all(): readonly Relay[] {
    return this.#relays;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    for (const relay of this.#relays) relay.delivery?.cancel();
  }

  serviceHandlers(): Record<string, SoapHandler> {
    return handlersFor([['registerDocument', (c) => this.#register(c)]]);
  }

  callbackHandlers(): Record<string, SoapHandler> {
    return handlersFor([
      ['registerDocumentResult', (c) => this.#callback(c)],
      ['getDocumentFile', (c) => this.#file(c)],
    ]);
  }

  readonly #register: SoapHandler = async ({ envelope, payload }) => {
    const { options } = this;
    const { faults } = options;
    const misClientEntityId = clientEntityIdOf(envelope);
    if (!misClientEntityId || !options.systems(misClientEntityId)) {
      const said = misClientEntityId ? `неизвестен: ${misClientEntityId}` : 'отсутствует';
      return { fault: remdFault('VALIDATION_ERROR', { ru: `clientEntityId ${said}`, en: `clientEntityId ${misClientEntityId ? `unknown: ${misClientEntityId}` : 'missing'}` }) };
    }
    const read = readRegisterDocument(payload);
    if (!read.value) return { fault: remdFault('VALIDATION_ERROR', textOf(read.findings, 'registerDocument')) };
    const misMessageId = envelope.addressing.messageId ?? '';
    let metadata = read.value;
    if (faults.has('relay-metadata-changed')) metadata = { ...metadata, department: metadata.organization };
    const relay: Relay = { misMessageId, misClientEntityId, messageIds: [], localUid: metadata.localUid, metadata, status: 'relaying', remdCallbacks: 0, timedOut: false };
    this.#relays.push(relay);
    const immediate = faults.has('rate-limit-immediate-retry');
    const retries = immediate ? 1 : (options.rateLimitRetries ?? 0);
    for (let attempt = 0; ; attempt++) {
      const messageId = faults.has('reuse-mis-message-id') ? misMessageId : newUrnUuid();
      relay.messageIds.push(messageId);
      const clientEntityId = faults.has('relay-without-client-entity-id') ? undefined : options.clientEntityId;
      const text = ruEnvelope('registerDocument', { body: registerDocumentBody(metadata), messageId, ...(clientEntityId ? { clientEntityId } : {}) });
      let call: SoapCallResult;
      try {
        call = await soapCall(options.remdServiceUrl, text, { journal: options.journal, from: PARTY.gateway, to: PARTY.remd, timeoutMs: options.timeoutMs });
      } catch (error) {
        if (!(error instanceof EndpointUnreachableError)) throw error;
        relay.status = 'unreachable';
        return unreachable({ ru: 'РЭМД', en: 'REMD' }, error.message);
      }
      if (!call.answer.fault && call.answer.version === '1.2' && call.status < 300) {
        relay.status = 'accepted';
        this.#awaitCallback(relay);
        return answer(registerDocumentAcceptedBody());
      }
      const code = faultCode(call);
      if (code === 'RATE_LIMIT' && attempt < retries) {
        await sleep(immediate ? 0 : Math.max(MIN_BACKOFF_MS, options.backoffMs ?? MIN_BACKOFF_MS));
        continue;
      }
      relay.status = 'refused';
      if (code) relay.faultCode = code;
      const fault = relayedFault(call, 'VALIDATION_ERROR');
      // soapRoute relates the fault to the MIS's request; the planted fault relates it to the gateway's own instead.
      return { fault: faults.has('fault-relates-to-own-request') ? { ...fault, addressing: { relatesTo: messageId } } : fault };
    }
  };

  /** RR-15.4: ASYNC_RESPONSE_TIMEOUT to the MIS when REMD has not called back within callbackMs. */
  #awaitCallback(relay: Relay): void {
    if (this.options.faults.has('no-timeout-callback') || this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (relay.remdResult || this.#stopped) return;
      relay.timedOut = true;
      const { metadata } = relay;
      this.#deliver(relay, {
        relatesToMessage: relay.misMessageId,
        status: 'error',
        localUid: metadata.localUid,
        kind: metadata.kind,
        organization: metadata.organization,
        errors: [{ code: 'ASYNC_RESPONSE_TIMEOUT', message: `РЭМД не прислал результат регистрации за ${this.options.callbackMs} мс` }],
      });
    }, this.options.callbackMs);
    this.#timers.add(timer);
  }

  #deliver(relay: Relay, result: RegisterDocumentResult): void {
    const system = this.options.systems(relay.misClientEntityId);
    if (!system || this.#stopped) return;
    relay.relayed = result;
    const envelope = ruEnvelope('registerDocumentResult', { body: registerDocumentResultBody(result), messageId: newUrnUuid() });
    relay.delivery = deliverCallback(system.callbackUrl, envelope, {
      journal: this.options.journal,
      from: PARTY.gateway,
      to: PARTY.mis,
      // As REMD does: a callback not acknowledged within callbackMs is unacknowledged (RR-15), then repeated.
      timeoutMs: this.options.callbackMs,
      intervalMs: this.options.callbackMs,
      ...(this.options.faults.has('no-callback-retry') ? { maxAttempts: 1 } : {}),
    });
  }

  readonly #callback: SoapHandler = ({ payload }) => {
    const { faults } = this.options;
    const read = readRegisterDocumentResult(payload);
    if (!read.value) return { fault: remdFault('VALIDATION_ERROR', textOf(read.findings, 'registerDocumentResult')) };
    const result = read.value;
    const relay = this.#relays.find((r) => r.messageIds.some((id) => sameMessageId(id, result.relatesToMessage)));
    if (!relay) {
      return {
        fault: remdFault('WRONG_MESSAGE_ID', {
          ru: `relatesToMessage ${result.relatesToMessage} не относится ни к одному запросу шлюза`,
          en: `relatesToMessage ${result.relatesToMessage} relates to none of the gateway's requests`,
        }),
      };
    }
    relay.remdCallbacks++;
    // A repeat of REMD's callback, or one after the gateway already told the MIS it timed out: acknowledged, not relayed again.
    if (relay.remdResult || relay.timedOut) return answer(callbackAckBody());
    relay.remdResult = result;
    let forward: RegisterDocumentResult = { ...result, relatesToMessage: relay.misMessageId };
    if (faults.has('callback-drops-registration-date')) {
      const { registrationDate: _dropped, ...rest } = forward;
      forward = rest;
    }
    if (faults.has('callback-errors-reordered')) forward = { ...forward, errors: [...forward.errors].reverse() };
    this.#deliver(relay, forward);
    return answer(callbackAckBody());
  };

  readonly #file: SoapHandler = async ({ payload }) => {
    const { options } = this;
    const read = readGetDocumentFile(payload);
    const localUid = read.value?.localUid;
    if (localUid === undefined) return { fault: remdFault('VALIDATION_ERROR', textOf(read.findings, 'getDocumentFile')) };
    const relay = this.#relays.findLast((r) => r.localUid === localUid && r.status === 'accepted');
    const system = relay && options.systems(relay.misClientEntityId);
    if (!system) {
      return { fault: remdFault('GET_DOCUMENT_FILE_ERROR', { ru: `Шлюз не пересылал документ с localUid ${localUid}`, en: `The gateway relayed no document with localUid ${localUid}` }) };
    }
    const text = ruEnvelope('getDocumentFile', { body: getDocumentFileBody(localUid), messageId: newUrnUuid() });
    let call: SoapCallResult;
    try {
      call = await soapCall(system.documentFileUrl, text, { journal: options.journal, from: PARTY.gateway, to: PARTY.mis, timeoutMs: options.timeoutMs });
    } catch (error) {
      if (!(error instanceof EndpointUnreachableError)) throw error;
      return { fault: remdFault('MIS_NOT_AVAILABLE', { ru: `МИС недоступна: ${error.message}`, en: `The MIS is unreachable: ${error.message}` }, { receiver: true }) };
    }
    if (call.answer.fault || !call.answer.payload) return { fault: relayedFault(call, 'GET_DOCUMENT_FILE_ERROR') };
    const file = readDocumentFile(call.answer.payload);
    if (!file.value) return { fault: remdFault('GET_DOCUMENT_FILE_ERROR', textOf(file.findings, 'getDocumentFileResponse')) };
    const bytes = options.faults.has('file-reencoded') ? Buffer.from(file.value.file.toString('utf8').trimEnd(), 'utf8') : file.value.file;
    return answer(documentFileBody({ ...file.value, file: bytes }));
  };
}
