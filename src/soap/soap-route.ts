/**
 * A SOAP 1.2 endpoint on a Sello mock: reads each request with readEnvelope, dispatches on the Body's first element
 * (the operation's QName), answers over the same HTTP exchange with wsa:RelatesTo = the request's MessageID and a
 * fresh MessageID, and answers anything it cannot process with the SOAP 1.2 Fault the specifications name. The
 * mock kernel journals the exchange (its bytes as they came and went) under the request's wsa:MessageID.
 */
import { randomUUID } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import { setJournalMessageId } from '../mock/mock-server.ts';
import type { AddressingPolicy, MessageIdForm } from './addressing.ts';
import { soap12ContentType } from './content-type.ts';
import { type Refusal, readEnvelope, type SoapEnvelope } from './envelope-read.ts';
import { type AddressingOut, buildEnvelope } from './envelope-write.ts';
import { type SoapFault12Options, type SoapMessage, soapFault12, soapVersionMismatch11 } from './fault.ts';
import { clark, MAX_SOAP_BYTES, type QName, WSA_NS } from './namespaces.ts';
import type { XmlNode } from './xml-write.ts';

export interface SoapRequestContext {
  envelope: SoapEnvelope;
  /** The operation's QName (the Body's first element). */
  operation: QName;
  payload: NonNullable<SoapEnvelope['payload']>;
  request: Hapi.Request;
}

export interface SoapReply {
  body: XmlNode | ReadonlyArray<XmlNode>;
  /** Header blocks after the WS-Addressing ones. */
  headers?: ReadonlyArray<XmlNode>;
  /** wsa:Action of the answer; default the request's Action + `Response`. */
  action?: string;
  prefixes?: Readonly<Record<string, string>>;
  /** HTTP status of a successful answer; 200 unless the program's contract says otherwise. */
  status?: number;
}

export type SoapHandler = (context: SoapRequestContext) => SoapReply | { fault: SoapFault12Options } | Promise<SoapReply | { fault: SoapFault12Options }>;

export interface SoapRouteOptions {
  /** Handlers by operation, keyed `{namespace}localName`. */
  handlers: Readonly<Record<string, SoapHandler>>;
  /** Header blocks the handlers process (a mustUnderstand block not listed is answered with MustUnderstand). */
  understood?: ReadonlyArray<QName | string>;
  roles?: ReadonlyArray<string>;
  /** Default `required`: every request expects an answer, which must relate to its MessageID. */
  addressing?: AddressingPolicy;
  messageIdForm?: MessageIdForm;
  /** The answer's MessageID; default `urn:uuid:` and a random UUID. */
  newMessageId?: () => string;
  /** Sees every envelope read (a judge records its findings); called before the answer is chosen. */
  onEnvelope?: (envelope: SoapEnvelope, request: Hapi.Request) => void;
}

export const newUrnUuid = (): string => `urn:uuid:${randomUUID()}`;

/** Mounts a SOAP 1.2 endpoint at `path` (POST; other methods get the server's 405 in its error shape). */
export function soapRoute(server: Hapi.Server, path: string, options: SoapRouteOptions): void {
  const newMessageId = options.newMessageId ?? newUrnUuid;
  const reading = {
    addressing: options.addressing ?? 'required',
    ...(options.understood ? { understood: options.understood } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.messageIdForm ? { messageIdForm: options.messageIdForm } : {}),
  };
  server.route({
    method: 'POST',
    path,
    // Raw bytes, whatever the media type: the reader judges the Content-Type itself and answers with a Fault.
    options: { payload: { parse: false, output: 'data', maxBytes: MAX_SOAP_BYTES } },
    handler: async (request, h) => {
      const bytes = Buffer.isBuffer(request.payload) ? request.payload : Buffer.alloc(0);
      const envelope = readEnvelope(bytes, request.headers['content-type'] as string | undefined, reading);
      if (envelope.addressing.messageId) setJournalMessageId(request, envelope.addressing.messageId);
      options.onEnvelope?.(envelope, request);
      const answer = await answerFor(envelope, request, options, newMessageId());
      return h.response(answer.body).code(answer.status).type(answer.contentType);
    },
  });
}

async function answerFor(envelope: SoapEnvelope, request: Hapi.Request, options: SoapRouteOptions, messageId: string): Promise<SoapMessage> {
  const relates: AddressingOut = { messageId, ...(envelope.addressing.messageId ? { relatesTo: envelope.addressing.messageId } : {}) };
  if (envelope.refusal) return refusalMessage(envelope.refusal, relates);
  const { operation, payload } = envelope;
  if (!operation || !payload) {
    return relatedFault({ code: 'Sender', reason: { en: 'The Body holds no operation element.', ru: 'В Body нет элемента операции.' } }, relates);
  }
  const handler = options.handlers[clark(operation)];
  if (!handler) {
    const action = envelope.addressing.action ?? '';
    return relatedFault(
      {
        code: 'Sender',
        // WS-Addressing SOAP Binding §6.4.4: the fault for an action this endpoint does not serve.
        subcode: { ns: WSA_NS, local: 'ActionNotSupported' },
        reason: { en: `Operation ${clark(operation)} is not served at ${request.path}.`, ru: `Операция ${clark(operation)} не обслуживается по адресу ${request.path}.` },
        detail: [{ name: { ns: WSA_NS, local: 'ProblemAction' }, children: [{ name: { ns: WSA_NS, local: 'Action' }, children: [action] }] }],
      },
      relates,
    );
  }
  let result: Awaited<ReturnType<SoapHandler>>;
  try {
    result = await handler({ envelope, operation, payload, request });
  } catch (error) {
    request.server.log(['error'], error as Error);
    // The handler's internals stay inside: the caller learns only that the receiver failed.
    return relatedFault({ code: 'Receiver', reason: { en: 'Internal error of the receiver.', ru: 'Внутренняя ошибка получателя.' } }, relates);
  }
  if ('fault' in result) return relatedFault(result.fault, relates);
  const action = result.action ?? `${envelope.addressing.action ?? clark(operation)}Response`;
  return {
    status: result.status ?? 200,
    contentType: soap12ContentType(action),
    body: buildEnvelope({ addressing: { action, ...relates }, body: result.body, ...(result.headers ? { headers: result.headers } : {}), ...(result.prefixes ? { prefixes: result.prefixes } : {}) }),
  };
}

/** A handler's or the route's fault, related to the request (a fault's own addressing wins). */
const relatedFault = (fault: SoapFault12Options, relates: AddressingOut): SoapMessage => soapFault12({ ...fault, addressing: { ...relates, ...fault.addressing } });

/** The message that answers a refused envelope: its addressing relates the fault to the request when it could be read. */
export function refusalMessage(refusal: Refusal, relates: AddressingOut): SoapMessage {
  if (refusal.version === '1.1') return soapVersionMismatch11(refusal.reason);
  return soapFault12({ ...refusal.fault, ...(Object.keys(relates).length > 0 ? { addressing: relates } : {}) });
}
