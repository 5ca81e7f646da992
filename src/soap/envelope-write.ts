/**
 * SOAP 1.2 envelopes written as exact text: `env` for the envelope, `wsa` for WS-Addressing, every namespace declared
 * once on the Envelope, nothing indented or reordered. What this writes is what the journal shows and a judge reads.
 */
import { type QName, type SOAP11_NS, SOAP12_NS, WSA_NS } from './namespaces.ts';
import { namespacesOf, Prefixes, writeXml, type XmlElement, type XmlNode } from './xml-write.ts';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** WS-Addressing 1.0 message addressing properties of an outgoing message. */
export interface AddressingOut {
  action?: string;
  /** Written as given: a bare UUID or `urn:uuid:…`, whichever the program's contract wants. */
  messageId?: string;
  to?: string;
  /** The MessageID this message answers; a relationship type other than Reply goes in `RelationshipType`. */
  relatesTo?: string | { id: string; relationship?: string };
  replyTo?: string;
  faultTo?: string;
  from?: string;
}

export interface EnvelopeParts {
  /** Header blocks after the WS-Addressing ones; no Header element when there is none at all. */
  headers?: ReadonlyArray<XmlNode>;
  /** The Body's content: usually one element, the operation. */
  body: XmlNode | ReadonlyArray<XmlNode>;
  addressing?: AddressingOut;
  /** Prefixes to use for namespaces of the payload, e.g. `{ egis: 'http://…' }`; `env` and `wsa` are taken. */
  prefixes?: Readonly<Record<string, string>>;
}

const wsa = (local: string): QName => ({ ns: WSA_NS, local });
const text = (name: QName, value: string): XmlElement => ({ name, children: [value] });
const address = (name: QName, value: string): XmlElement => ({ name, children: [text(wsa('Address'), value)] });

/** The WS-Addressing header blocks of `a`, in the order To, Action, MessageID, RelatesTo, From, ReplyTo, FaultTo. */
export function addressingHeaders(a: AddressingOut): XmlElement[] {
  const out: XmlElement[] = [];
  if (a.to !== undefined) out.push(text(wsa('To'), a.to));
  if (a.action !== undefined) out.push(text(wsa('Action'), a.action));
  if (a.messageId !== undefined) out.push(text(wsa('MessageID'), a.messageId));
  if (a.relatesTo !== undefined) {
    const r = typeof a.relatesTo === 'string' ? { id: a.relatesTo } : a.relatesTo;
    const attributes = r.relationship ? [{ name: { ns: '', local: 'RelationshipType' }, value: r.relationship }] : [];
    out.push({ name: wsa('RelatesTo'), attributes, children: [r.id] });
  }
  if (a.from !== undefined) out.push(address(wsa('From'), a.from));
  if (a.replyTo !== undefined) out.push(address(wsa('ReplyTo'), a.replyTo));
  if (a.faultTo !== undefined) out.push(address(wsa('FaultTo'), a.faultTo));
  return out;
}

/** A SOAP 1.2 envelope as text, with the XML declaration. */
export function buildEnvelope(parts: EnvelopeParts): string {
  return writeEnvelope(SOAP12_NS, parts);
}

/** Shared with the SOAP 1.1 VersionMismatch fault, which SOAP 1.2 Appendix A requires in the 1.1 envelope. */
export function writeEnvelope(envelopeNs: typeof SOAP12_NS | typeof SOAP11_NS, parts: EnvelopeParts): string {
  const headers = [...(parts.addressing ? addressingHeaders(parts.addressing) : []), ...(parts.headers ?? [])];
  const body = Array.isArray(parts.body) ? (parts.body as ReadonlyArray<XmlNode>) : [parts.body as XmlNode];
  const envelope: XmlElement = {
    name: { ns: envelopeNs, local: 'Envelope' },
    children: [...(headers.length > 0 ? [{ name: { ns: envelopeNs, local: 'Header' }, children: headers }] : []), { name: { ns: envelopeNs, local: 'Body' }, children: body }],
  };
  const prefixes = new Prefixes({ env: envelopeNs, wsa: WSA_NS, ...parts.prefixes });
  const used = namespacesOf([envelope]);
  // Attribute values that are QNames (SupportedEnvelope/@qname) need their prefix in scope, though no name uses it.
  for (const ns of parts.prefixes ? Object.values(parts.prefixes) : []) used.add(ns);
  // Prefixes are bound while writing, so the declarations are computed from a first pass over the names.
  for (const ns of used) prefixes.prefixOf(ns);
  return XML_DECLARATION + writeXml(envelope, prefixes, prefixes.declarations(used));
}
