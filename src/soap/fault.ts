/**
 * SOAP 1.2 Faults (Part 1 §5.4) with the HTTP status of the SOAP 1.2 HTTP binding (Part 2 §7.5.2.2), and the one
 * SOAP 1.1 fault a SOAP 1.2 node sends: VersionMismatch to a 1.1 envelope (Part 1 Appendix A).
 */
import { type AddressingOut, writeEnvelope } from './envelope-write.ts';
import { type QName, SOAP11_NS, SOAP12_CONTENT_TYPE, SOAP12_NS, WSA_FAULT_ACTION, WSA_NS } from './namespaces.ts';
import type { XmlElement, XmlNode } from './xml-write.ts';

export type FaultCode = 'VersionMismatch' | 'MustUnderstand' | 'DataEncodingUnknown' | 'Sender' | 'Receiver';

/** A message on the wire: what an HTTP answer (or request) carries. */
export interface SoapMessage {
  status: number;
  contentType: string;
  body: string;
}

export interface SoapFault12Options {
  code: FaultCode;
  /** env:Subcode values, outermost first (e.g. wsa:InvalidAddressingHeader then wsa:InvalidCardinality). */
  subcode?: QName | ReadonlyArray<QName>;
  /** Reason texts by language (`{ ru: …, en: … }`), written in the order given; SOAP 1.2 requires at least one. */
  reason: Readonly<Record<string, string>>;
  /** env:Detail content; absent when undefined. */
  detail?: ReadonlyArray<XmlNode>;
  /** env:Node and env:Role: which node faulted, in which role (Part 1 §5.4.3, §5.4.4). */
  node?: string;
  role?: string;
  /** Header blocks of the fault message (env:NotUnderstood, env:Upgrade, …). */
  headers?: ReadonlyArray<XmlNode>;
  /**
   * WS-Addressing of the fault (Action defaults to the generic fault action); none when absent, as for a request
   * that carried no addressing.
   */
  addressing?: AddressingOut;
  /** Prefixes of subcode or detail namespaces, e.g. `{ egis: … }`. */
  prefixes?: Readonly<Record<string, string>>;
  /** The HTTP status, when the failure is the HTTP layer's own (404, 405, 413, 415) rather than the binding's mapping. */
  status?: number;
}

/** SOAP 1.2 Part 2 §7.5.2.2, Table 23: Sender → 400; every other code → 500. */
export function faultHttpStatus(code: FaultCode): number {
  return code === 'Sender' ? 400 : 500;
}

const env = (local: string): QName => ({ ns: SOAP12_NS, local });
const textOf = (name: QName, value: string): XmlElement => ({ name, children: [value] });

/** A SOAP 1.2 fault message and its HTTP status. Subcode and detail namespaces are declared on the Envelope. */
export function soapFault12(options: SoapFault12Options): SoapMessage {
  const subcodes = options.subcode === undefined ? [] : Array.isArray(options.subcode) ? (options.subcode as QName[]) : [options.subcode as QName];
  const prefixes: Record<string, string> = { ...options.prefixes };
  if (subcodes.some((s) => s.ns === WSA_NS)) prefixes.wsa = WSA_NS;
  // A QName in text content needs its prefix declared: bound up front, so the writer and the text agree.
  const qnameText = (q: QName): string => `${prefixFor(q.ns, prefixes)}:${q.local}`;
  let code: XmlElement = { name: env('Code'), children: [textOf(env('Value'), `env:${options.code}`)] };
  const chain: XmlElement[] = subcodes.map((s) => ({ name: env('Subcode'), children: [textOf(env('Value'), qnameText(s))] }));
  for (let i = chain.length - 1; i > 0; i--) chain[i - 1] = { ...chain[i - 1]!, children: [...chain[i - 1]!.children!, chain[i]!] };
  if (chain[0]) code = { ...code, children: [...code.children!, chain[0]] };
  const reasons = Object.entries(options.reason).map(([lang, value]) => ({
    name: env('Text'),
    attributes: [{ name: { ns: 'http://www.w3.org/XML/1998/namespace', local: 'lang' }, value: lang }],
    children: [value],
  }));
  const fault: XmlElement = {
    name: env('Fault'),
    children: [
      code,
      { name: env('Reason'), children: reasons },
      ...(options.node !== undefined ? [textOf(env('Node'), options.node)] : []),
      ...(options.role !== undefined ? [textOf(env('Role'), options.role)] : []),
      ...(options.detail !== undefined ? [{ name: env('Detail'), children: options.detail }] : []),
    ],
  };
  const addressing = options.addressing ? { action: WSA_FAULT_ACTION, ...options.addressing } : undefined;
  return {
    status: options.status ?? faultHttpStatus(options.code),
    contentType: SOAP12_CONTENT_TYPE,
    body: writeEnvelope(SOAP12_NS, { headers: options.headers ?? [], body: fault, prefixes, ...(addressing ? { addressing } : {}) }),
  };
}

function prefixFor(ns: string, prefixes: Record<string, string>): string {
  if (ns === SOAP12_NS) return 'env';
  if (ns === WSA_NS) {
    prefixes.wsa = WSA_NS;
    return 'wsa';
  }
  const known = Object.entries(prefixes).find(([, uri]) => uri === ns);
  if (known) return known[0];
  let n = 1;
  while (`sc${n}` in prefixes) n++;
  prefixes[`sc${n}`] = ns;
  return `sc${n}`;
}

/** Part 1 §5.4.7: the env:Upgrade header block naming the envelope versions this node supports (1.2 only);
 * `envelopePrefix` is the prefix the message binds to the SOAP 1.2 namespace (`env` in a 1.2 envelope). */
export function upgradeHeader(envelopePrefix: string): XmlElement {
  return {
    name: env('Upgrade'),
    children: [{ name: env('SupportedEnvelope'), attributes: [{ name: { ns: '', local: 'qname' }, value: `${envelopePrefix}:Envelope` }] }],
  };
}

/** Part 1 §5.4.8: one env:NotUnderstood header block per mandatory header block this node did not understand. */
export function notUnderstoodHeaders(names: ReadonlyArray<QName>, prefixes: Record<string, string>): XmlElement[] {
  return names.map((q) => ({ name: env('NotUnderstood'), attributes: [{ name: { ns: '', local: 'qname' }, value: q.ns ? `${prefixFor(q.ns, prefixes)}:${q.local}` : q.local }] }));
}

/**
 * Part 1 Appendix A: a SOAP 1.2 node that does not process SOAP 1.1 answers a 1.1 envelope with a 1.1 VersionMismatch
 * fault (`text/xml`, HTTP 500 as SOAP 1.1 and WS-I BP R1126 say) carrying the Upgrade header block.
 */
export function soapVersionMismatch11(reason: string): SoapMessage {
  const soap = (local: string): QName => ({ ns: SOAP11_NS, local });
  const fault: XmlElement = {
    name: soap('Fault'),
    children: [textOf({ ns: '', local: 'faultcode' }, 'env:VersionMismatch'), textOf({ ns: '', local: 'faultstring' }, reason)],
  };
  return {
    status: 500,
    contentType: 'text/xml; charset=utf-8',
    body: writeEnvelope(SOAP11_NS, { headers: [upgradeHeader('upg')], body: fault, prefixes: { upg: SOAP12_NS } }),
  };
}
