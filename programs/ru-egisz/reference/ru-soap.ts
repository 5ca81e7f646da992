/**
 * What the reference MIS and gateway share on a SOAP endpoint: the prefixes their answers use, the spellings of an
 * operation a lenient receiver serves (the plan's readers accept `<op>Request` and getDocumentFile in either
 * namespace), and the classifier code of a received fault.
 */
import type { Element } from '@xmldom/xmldom';
import { childElements, SOAP11_NS, SOAP12_NS, type SoapCallResult, type SoapEnvelope, type SoapHandler } from '../../../src/soap/index.ts';
import { CALLBACK_NS, EGIS_NS, OPERATION, type OperationName, SERVICE_NS } from '../lib/contract.ts';
import { readRemdFault } from '../lib/messages.ts';

export const RU_PREFIXES: Readonly<Record<string, string>> = { svc: SERVICE_NS, cb: CALLBACK_NS, egis: EGIS_NS };

/** soapRoute handlers for `op` under every spelling a reader accepts. */
export function handlersFor(entries: ReadonlyArray<readonly [OperationName, SoapHandler]>): Record<string, SoapHandler> {
  const out: Record<string, SoapHandler> = {};
  for (const [op, handler] of entries) {
    const { ns, local } = OPERATION[op];
    const namespaces = op === 'getDocumentFile' ? [CALLBACK_NS, SERVICE_NS] : [ns];
    for (const n of namespaces) for (const l of [local, `${local}Request`]) out[`{${n}}${l}`] = handler;
  }
  return out;
}

/** The classifier code of a SOAP answer that is a Fault (undefined when it is not one, or carries none). */
export function faultCode(call: SoapCallResult): string | undefined {
  return call.answer.fault ? readRemdFault(call.answer)?.code : undefined;
}

/** A SOAP 1.2 answer that is not a Fault: what v1.1 counts as the acknowledgement of a callback. */
export const acknowledged = (call: SoapCallResult): boolean => call.answer.version === '1.2' && !call.answer.fault && call.status >= 200 && call.status < 300;

/** The SOAP 1.1 form of a SOAP 1.2 envelope text (Sello's RR-08 stimuli). */
export const asSoap11 = (envelope: string): string => envelope.split(SOAP12_NS).join(SOAP11_NS);

/** `egis:transportHeader/egis:authInfo/egis:clientEntityId` of a received request, trimmed (undefined when absent or empty). */
export function clientEntityIdOf(envelope: SoapEnvelope): string | undefined {
  const block = envelope.headers.find((h) => h.name.ns === EGIS_NS && h.name.local === 'transportHeader');
  const id = block ? firstDescendant(block.element, EGIS_NS, 'clientEntityId')?.textContent?.trim() : undefined;
  return id ? id : undefined;
}

/** The first descendant so named, in document order, as getElementsByTagNameNS(…)[0] finds it without building its live list. */
function firstDescendant(root: Element, ns: string, local: string): Element | undefined {
  const stack = childElements(root).reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.namespaceURI === ns && e.localName === local) return e;
    stack.push(...childElements(e).reverse());
  }
  return undefined;
}
