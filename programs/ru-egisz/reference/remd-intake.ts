/**
 * How the reference REMD's service endpoint answers what SOAP itself refuses (RR-08, RR-09): the engine's fault as a
 * SOAP 1.2 Fault, with the classifier code v1.1 wants in env:Detail (soap-refusal.ts), related to the request when its
 * MessageID could be read. Also the planted faults that live at that level: a SOAP 1.1 envelope, a text/xml request or a non-UUID
 * MessageID taken as if it were right — the request is re-read as the SOAP 1.2 it should have been and served by the
 * same route (an in-process call the journal does not list twice), the answer going back on the original exchange.
 */
import type Hapi from '@hapi/hapi';
import { upgradeHeader } from '../../../src/soap/fault.ts';
import { messageIdUuid, newUrnUuid, type Refusal, SOAP11_NS, SOAP12_NS, type SoapEnvelope, type SoapFault12Options, soapFault12 } from '../../../src/soap/index.ts';
import { SELLO_USER_AGENT } from '../../../src/transport/http-client.ts';
import type { Faults } from './remd-faults.ts';
import { classifiedRefusal } from './soap-refusal.ts';

const REFUSAL = Symbol('remd refusal');
/** `malformed`: not even XML, so nothing of the request could be read. */
type Noted = { refusal: Refusal; messageId?: string; malformed: boolean };

/** soapRoute's onEnvelope: notes a refusal and, unless `fault-without-relates-to` (RR-09.2), the MessageID it answers. */
export function noteRemdRefusal(faults: Faults): (envelope: SoapEnvelope, request: Hapi.Request) => void {
  return (envelope, request) => {
    if (!envelope.refusal) return;
    const { messageId } = envelope.addressing;
    const noted: Noted = { refusal: envelope.refusal, malformed: envelope.document === undefined, ...(messageId && !faults.has('fault-without-relates-to') ? { messageId } : {}) };
    (request.app as Record<symbol, unknown>)[REFUSAL] = noted;
  };
}

/**
 * Every refusal answered as v1.1 wants it: a SOAP 1.2 Fault (a SOAP 1.1 envelope too, RR-08.5: VersionMismatch with
 * env:Upgrade, where SOAP 1.2 Appendix A would allow a 1.1 fault), the classifier code in env:Detail (RR-09.1), the
 * fault Action and, when the request's MessageID could be read, wsa:RelatesTo to it (RR-09.2).
 */
export function classifyRemdRefusals(server: Hapi.Server, path: string, faults: Faults): void {
  server.ext('onPreResponse', (request, h) => {
    const noted = (request.app as Record<symbol, Noted | undefined>)[REFUSAL];
    if (request.path !== path || !noted) return h.continue;
    const message = soapFault12(remdRefusal(noted, faults));
    return h.response(message.body).code(message.status).type(message.contentType).takeover();
  });
}

function remdRefusal(noted: Noted, faults: Faults): SoapFault12Options {
  const { refusal } = noted;
  const fault: SoapFault12Options =
    refusal.version === '1.1' ? { code: 'VersionMismatch', reason: { ru: 'Конверт SOAP 1.1; РЭМД принимает только SOAP 1.2.', en: refusal.reason }, headers: [upgradeHeader('env')] } : refusal.fault;
  // Planted RR-09.1: not well-formed XML gets the engine's bare fault.
  const classified = noted.malformed && faults.has('malformed-fault-without-code') ? fault : (classifiedRefusal({ version: '1.2', fault }) ?? fault);
  return { ...classified, addressing: { messageId: newUrnUuid(), ...(noted.messageId ? { relatesTo: noted.messageId } : {}) } };
}

/** Marks the in-process re-read, so it is served rather than re-read again. */
const REREAD = 'x-sello-remd-reread';
const MESSAGE_ID = /(<(?:[\w.-]+:)?MessageID\b[^>]*>)([^<]*)(<\/)/;

/** Planted faults `accept-soap11`, `accept-text-xml`, `accept-non-uuid-message-id`: what SOAP refuses, served. */
export function acceptWhatSoapRefuses(server: Hapi.Server, path: string, faults: Faults): void {
  server.ext('onPreHandler', async (request, h) => {
    if (request.path !== path || request.headers[REREAD] !== undefined || !Buffer.isBuffer(request.payload)) return h.continue;
    let text = request.payload.toString('utf8');
    let changed = false;
    if (faults.has('accept-soap11') && text.includes(SOAP11_NS)) {
      text = text.split(SOAP11_NS).join(SOAP12_NS);
      changed = true;
    }
    if (faults.has('accept-text-xml') && /^\s*text\/xml/i.test(String(request.headers['content-type'] ?? ''))) changed = true;
    let swapped: { sent: string; used: string } | undefined;
    const id = MESSAGE_ID.exec(text);
    if (faults.has('accept-non-uuid-message-id') && id && !messageIdUuid(id[2]!)) {
      swapped = { sent: id[2]!, used: newUrnUuid() };
      text = text.replace(MESSAGE_ID, `$1${swapped.used}$3`);
      changed = true;
    }
    if (!changed) return h.continue;
    // Sello's user agent: the mock journal skips the inner call, so the exchange appears once, as it was on the wire.
    const inner = await server.inject({ method: 'POST', url: path, payload: text, headers: { 'content-type': 'application/soap+xml; charset=UTF-8', 'user-agent': SELLO_USER_AGENT, [REREAD]: '1' } });
    const body = swapped ? inner.payload.split(swapped.used).join(swapped.sent) : inner.payload;
    return h
      .response(body)
      .code(inner.statusCode)
      .type(String(inner.headers['content-type'] ?? 'application/soap+xml'))
      .takeover();
  });
}
