/**
 * The reference MIS's SOAP endpoint: registerDocumentResult (the callback) and getDocumentFile, and the planted
 * faults that break exactly one mis behaviour each (MIS_FAULTS, listed in the planted-defects catalogue).
 */
import { messageIdKey, type SoapFault12Options, type SoapHandler, type SoapReply } from '../../../src/soap/index.ts';
import type { DocumentFile, RegisterDocumentResult } from '../lib/contract.ts';
import { callbackAckBody, documentFileBody, readGetDocumentFile, readRegisterDocumentResult, remdFault } from '../lib/messages.ts';
import type { DocumentDefect, PreparedDocument } from './mis-document.ts';
import { handlersFor, RU_PREFIXES } from './ru-soap.ts';

/** Defects of how the MIS serves a registration it made (RR-06.4, RR-06.5, RR-15.1, RR-15.2 stimuli). */
export type ServingDefect = 'file-refuses-connections' | 'file-fault' | 'callback-no-ack' | 'callback-503';

/** Planted faults of the MIS, each breaking the mis behaviour named. */
export const MIS_FAULTS = {
  'xsd-failing-document': 'RR-01.1',
  'wrong-patient-snils': 'RR-02.1',
  'metadata-birth-date-differs': 'RR-03.1',
  'no-organization-signature': 'RR-04.1',
  'repeated-message-id': 'RR-05.1',
  'accept-unknown-callback': 'RR-05.2',
  'digest-differs': 'RR-06.1',
  'unknown-file-answered': 'RR-06.2',
  'date-outside-kind': 'RR-07.1',
  'no-client-entity-id': 'RR-08.1',
  'ack-without-relates-to': 'RR-08.2',
  'accept-soap11-callback': 'RR-08.3',
  'file-fault-without-code': 'RR-09.4',
  'fault-on-success-callback': 'RR-10.3',
  'fault-on-error-callback': 'RR-10.4',
  'bad-gender-version': 'RR-11.1',
  'doctor-not-in-frmr': 'RR-12.1',
  'repeated-local-uid': 'RR-13.1',
  'duplicate-callback-taken-twice': 'RR-15.3',
  'no-backoff': 'RR-17.1',
} as const;

/** The planted faults that are a document defect on every registration the MIS makes of its own accord. */
export const MIS_FAULT_DEFECTS: ReadonlyArray<readonly [keyof typeof MIS_FAULTS, DocumentDefect]> = [
  ['xsd-failing-document', 'xsd-failing'],
  ['wrong-patient-snils', 'wrong-patient-snils'],
  ['metadata-birth-date-differs', { metadataDiffers: 'birthDate' }],
  ['no-organization-signature', 'no-organization-signature'],
  ['digest-differs', 'digest-differs'],
  ['bad-gender-version', 'bad-gender-version'],
  ['doctor-not-in-frmr', 'doctor-not-in-frmr'],
];

interface Registration {
  localUid: string;
  result?: RegisterDocumentResult;
  callbacks: number;
}

export interface MisEndpointContext<R extends Registration> {
  faults: { has(name: string): boolean };
  documents(localUid: string): { prepared: PreparedDocument; serving?: ServingDefect } | undefined;
  /** The registration whose request had this MessageID. */
  registrationFor(relatesToMessage: string): (R & { stimulus?: unknown }) | undefined;
  take(registration: R, taken: { result: RegisterDocumentResult; messageId?: string; receivedAt: string }): void;
  /** Waits (released early when the MIS stops): how the MIS withholds an acknowledgement. */
  hold(ms: number): Promise<void>;
  holdMs: number;
}

const textOf = (findings: ReadonlyArray<{ message: { en: string; ru?: string } }>, fallback: string): { ru: string; en: string } => ({
  ru: findings.map((f) => f.message.ru ?? f.message.en).join('; ') || fallback,
  en: findings.map((f) => f.message.en).join('; ') || fallback,
});

const answer = (body: SoapReply['body']): SoapReply => ({ body, prefixes: RU_PREFIXES });

/** The acknowledgement of a callback (planted `ack-without-relates-to` strips its wsa:RelatesTo on the way out: mis.ts). */
function ack(): SoapReply {
  return answer(callbackAckBody());
}

function fileFault(localUid: string, faults: MisEndpointContext<Registration>['faults']): { fault: SoapFault12Options } {
  const text = { ru: `Документ с localUid ${localUid} в МИС не зарегистрирован`, en: `The MIS registered no document with localUid ${localUid}` };
  const fault = remdFault('GET_DOCUMENT_FILE_ERROR', text);
  if (faults.has('file-fault-without-code')) {
    const { detail: _dropped, ...withoutDetail } = fault;
    return { fault: { ...withoutDetail, reason: { en: text.en } } };
  }
  return { fault };
}

export function misHandlers<R extends Registration>(ctx: MisEndpointContext<R>): Record<string, SoapHandler> {
  const { faults } = ctx;
  const seen = new Set<string>();

  const callback: SoapHandler = async ({ envelope, payload, request }) => {
    const read = readRegisterDocumentResult(payload);
    if (!read.value) return { fault: remdFault('VALIDATION_ERROR', textOf(read.findings, 'registerDocumentResult')) };
    const result = read.value;
    const registration = ctx.registrationFor(result.relatesToMessage);
    if (!registration) {
      if (faults.has('accept-unknown-callback')) return ack();
      return {
        fault: remdFault('WRONG_MESSAGE_ID', {
          ru: `relatesToMessage ${result.relatesToMessage} не относится ни к одному запросу МИС`,
          en: `relatesToMessage ${result.relatesToMessage} relates to none of the MIS's requests`,
        }),
      };
    }
    registration.callbacks++;
    const serving = ctx.documents(registration.localUid)?.serving;
    if (registration.callbacks === 1 && serving === 'callback-503') {
      // Still a Fault RR-09 accepts (a classifier code in env:Detail): the stimulus is the 503, not a malformed answer.
      return { fault: { ...remdFault('MIS_NOT_AVAILABLE', { ru: 'Сервис МИС временно недоступен', en: 'The MIS service is temporarily unavailable' }, { receiver: true }), status: 503 } };
    }
    if (registration.callbacks === 1 && serving === 'callback-no-ack') {
      // No acknowledgement at all: the answer is held past the sender's timeout, then the connection is dropped.
      await ctx.hold(ctx.holdMs);
      request.raw.req.socket?.destroy();
      return ack();
    }
    if (result.status === 'success' && faults.has('fault-on-success-callback'))
      return { fault: remdFault('VALIDATION_ERROR', { ru: 'Результат не принят', en: 'Result not taken' }, { receiver: true }) };
    if (result.status === 'error' && faults.has('fault-on-error-callback')) return { fault: remdFault('VALIDATION_ERROR', { ru: 'Регистрация не удалась', en: 'The registration failed' }) };
    const messageId = envelope.addressing.messageId;
    const repeated = (messageId !== undefined && seen.has(messageIdKey(messageId))) || registration.result !== undefined;
    if (messageId) seen.add(messageIdKey(messageId));
    if (!repeated || faults.has('duplicate-callback-taken-twice')) ctx.take(registration, { result, ...(messageId ? { messageId } : {}), receivedAt: new Date().toISOString() });
    return ack();
  };

  const file: SoapHandler = ({ payload, request }) => {
    const read = readGetDocumentFile(payload);
    const localUid = read.value?.localUid;
    if (localUid === undefined) return { fault: remdFault('VALIDATION_ERROR', textOf(read.findings, 'getDocumentFile')) };
    const stored = ctx.documents(localUid);
    if (!stored) {
      if (faults.has('unknown-file-answered')) return answer(documentFileBody({ localUid, file: Buffer.alloc(0), signatures: [] }));
      return fileFault(localUid, faults);
    }
    if (stored.serving === 'file-refuses-connections') {
      request.raw.req.socket?.destroy();
      return answer([]);
    }
    if (stored.serving === 'file-fault') return fileFault(localUid, faults);
    const served: DocumentFile = { localUid, file: stored.prepared.file, signatures: stored.prepared.signatures };
    return answer(documentFileBody(served));
  };

  return handlersFor([
    ['registerDocumentResult', callback],
    ['getDocumentFile', file],
  ]);
}
