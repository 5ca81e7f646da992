/**
 * The engine's soapRoute answers what it cannot read (not well-formed XML, a missing or non-UUID wsa:MessageID, a
 * wrong media type) with the SOAP 1.2 Fault the SOAP and WS-Addressing specifications name. Contract v1.1 (RR-09)
 * wants a classifier code in env:Detail as well: this adds it, keeping the engine's subcodes and detail, so the
 * fault still says what SOAP says and also what REMD's classifier says (WRONG_MESSAGE_ID for the MessageID,
 * VALIDATION_ERROR for the rest). A SOAP 1.1 envelope keeps its VersionMismatch, which has no classifier.
 */
import type Hapi from '@hapi/hapi';
import { newUrnUuid, type Refusal, type SoapEnvelope, type SoapFault12Options, soapFault12, type XmlNode } from '../../../src/soap/index.ts';
import { remdFault } from '../lib/messages.ts';

const REFUSAL = Symbol('ru-egisz refusal');

const mentionsMessageId = (nodes: ReadonlyArray<XmlNode> | undefined): boolean => JSON.stringify(nodes ?? []).includes('wsa:MessageID');

/** The classifier code of an envelope the engine refused. */
export function refusalCode(fault: SoapFault12Options): 'WRONG_MESSAGE_ID' | 'VALIDATION_ERROR' {
  return mentionsMessageId(fault.detail) ? 'WRONG_MESSAGE_ID' : 'VALIDATION_ERROR';
}

/** The refusal with a classifier code in its detail; `undefined` for a SOAP 1.1 VersionMismatch. */
export function classifiedRefusal(refusal: Refusal): SoapFault12Options | undefined {
  if (refusal.version === '1.1') return undefined;
  const { fault } = refusal;
  const code = refusalCode(fault);
  const classified = remdFault(code, { ru: fault.reason.ru ?? fault.reason.en ?? code, en: fault.reason.en ?? code });
  return { ...fault, detail: [...(fault.detail ?? []), ...(classified.detail ?? [])], prefixes: { ...fault.prefixes, ...classified.prefixes } };
}

/** soapRoute's `onEnvelope`: remembers a refusal for `classifyRefusals`. */
export function noteRefusal(envelope: SoapEnvelope, request: Hapi.Request): void {
  if (envelope.refusal) (request.app as Record<symbol, unknown>)[REFUSAL] = { refusal: envelope.refusal, messageId: envelope.addressing.messageId };
}

/**
 * Rewrites, on `paths`, the engine's refusal of an unreadable envelope into the same fault with a classifier code.
 * `skip` keeps the engine's answer (a planted fault of a role that omits the code).
 */
export function classifyRefusals(server: Hapi.Server, paths: readonly string[], skip: () => boolean = () => false): void {
  server.ext('onPreResponse', (request, h) => {
    const noted = (request.app as Record<symbol, { refusal: Refusal; messageId?: string } | undefined>)[REFUSAL];
    if (!noted || !paths.includes(request.path) || skip()) return h.continue;
    const fault = classifiedRefusal(noted.refusal);
    if (!fault) return h.continue;
    // WS-Addressing on every fault (its Action the generic fault action), related to the request when its MessageID was read.
    const message = soapFault12({ ...fault, addressing: { messageId: newUrnUuid(), ...(noted.messageId ? { relatesTo: noted.messageId } : {}) } });
    return h.response(message.body).code(message.status).type(message.contentType).takeover();
  });
}
