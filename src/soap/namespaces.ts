/**
 * Names, media types and limits of SOAP 1.2 (W3C Recommendation, 2nd ed. 2007) and WS-Addressing 1.0 (W3C
 * Recommendation 2006, Core + SOAP Binding) as Sello speaks them. Generic: nothing here belongs to one program.
 */

export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** RFC 3902: the SOAP 1.2 media type; its `action` parameter mirrors wsa:Action. */
export const SOAP12_MEDIA_TYPE = 'application/soap+xml';
export const SOAP12_CONTENT_TYPE = 'application/soap+xml; charset=UTF-8';
/** WS-Addressing 1.0 SOAP Binding §6: the Action of a fault that has no more specific one. */
export const WSA_FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/fault';
/** WS-Addressing 1.0 Core §2.1: the address of a ReplyTo that means "answer on this connection". */
export const WSA_ANONYMOUS = 'http://www.w3.org/2005/08/addressing/anonymous';
/** SOAP 1.2 Part 1 §2.2: roles a SOAP node plays; a header block aimed at `none` is never processed. */
export const SOAP12_ROLE = {
  next: 'http://www.w3.org/2003/05/soap-envelope/role/next',
  none: 'http://www.w3.org/2003/05/soap-envelope/role/none',
  ultimateReceiver: 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver',
} as const;

/**
 * Largest envelope Sello reads: the mock kernel's request limit (MAX_PAYLOAD_BYTES, 1 MiB). A SOAP registration with
 * its metadata is a few KiB; a message carrying a document inline in base64 stays well under.
 */
export const MAX_SOAP_BYTES = 1024 * 1024;
/**
 * Element nesting Sello reads in an envelope. Envelope/Body/operation/… of a real message is under 15 levels; 64
 * leaves room for any payload and keeps every walk (ours, XPath's) far from the stack's end.
 */
export const MAX_SOAP_DEPTH = 64;

/** A namespace-qualified name; `ns` empty for an unqualified one. */
export interface QName {
  ns: string;
  local: string;
}

/** Clark notation, `{ns}local`: the key of an operation or a header block in handler tables. */
export const clark = (name: QName): string => `{${name.ns}}${name.local}`;

/** Reads `{ns}local` (or a bare `local`, unqualified) back into a QName. */
export function parseClark(text: string): QName {
  const m = /^\{([^}]*)\}(.+)$/.exec(text);
  return m ? { ns: m[1]!, local: m[2]! } : { ns: '', local: text };
}
