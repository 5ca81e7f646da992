/**
 * How the reference REMD's service endpoint answers what SOAP itself refuses (RR-08, RR-09): the engine's fault, with
 * the classifier code v1.1 wants in env:Detail (soap-refusal.ts), related to the request when its MessageID could be
 * read. Also the planted faults that live at that level: a SOAP 1.1 envelope, a text/xml request or a non-UUID
 * MessageID taken as if it were right — the request is re-read as the SOAP 1.2 it should have been and served by the
 * same route (an in-process call the journal does not list twice), the answer going back on the original exchange.
 */
import type Hapi from '@hapi/hapi';
import { messageIdUuid, newUrnUuid, type Refusal, SOAP11_NS, SOAP12_NS, type SoapEnvelope, soapFault12 } from '../../../src/soap/index.ts';
import { SELLO_USER_AGENT } from '../../../src/transport/http-client.ts';
import type { Faults } from './remd-faults.ts';
import { classifiedRefusal } from './soap-refusal.ts';

const REFUSAL = Symbol('remd refusal');
type Noted = { refusal: Refusal; messageId?: string };

/** soapRoute's onEnvelope: notes a refusal and, unless `fault-without-relates-to` (RR-09.2), the MessageID it answers. */
export function noteRemdRefusal(faults: Faults): (envelope: SoapEnvelope, request: Hapi.Request) => void {
  return (envelope, request) => {
    if (!envelope.refusal) return;
    const { messageId } = envelope.addressing;
    const noted: Noted = { refusal: envelope.refusal, ...(messageId && !faults.has('fault-without-relates-to') ? { messageId } : {}) };
    (request.app as Record<symbol, unknown>)[REFUSAL] = noted;
  };
}

/**
 * The refusal with its classifier code (RR-09.1), unless `malformed-fault-without-code` keeps the engine's bare
 * fault. A SOAP 1.1 envelope keeps its SOAP 1.1 VersionMismatch (classifiedRefusal has none for it).
 */
export function classifyRemdRefusals(server: Hapi.Server, path: string, faults: Faults): void {
  server.ext('onPreResponse', (request, h) => {
    if (request.path !== path || faults.has('malformed-fault-without-code')) return h.continue;
    const noted = (request.app as Record<symbol, Noted | undefined>)[REFUSAL];
    if (!noted) return h.continue;
    const fault = classifiedRefusal(noted.refusal);
    if (!fault) return h.continue;
    const message = soapFault12({ ...fault, ...(noted.messageId ? { addressing: { messageId: newUrnUuid(), relatesTo: noted.messageId } } : {}) });
    return h.response(message.body).code(message.status).type(message.contentType).takeover();
  });
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
