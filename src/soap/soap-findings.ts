/** Findings of the SOAP and WS-Addressing readers: located by XPath (with line and column), in Russian and English. */
import type { Node } from '@xmldom/xmldom';
import type { Finding, IssueCode, Severity } from '../findings/finding.ts';
import { locate } from '../xml/locate.ts';

/** Rule ids of the SOAP 1.2 / WS-Addressing 1.0 readers; each maps to one kind of fault (see envelope-read.ts). */
export const SOAP_RULES = {
  contentType: 'SOAP-CONTENT-TYPE',
  version: 'SOAP-VERSION',
  envelope: 'SOAP-ENVELOPE',
  mustUnderstand: 'SOAP-MUSTUNDERSTAND',
  fault: 'SOAP-FAULT',
  action: 'WSA-ACTION',
  messageId: 'WSA-MESSAGEID',
  to: 'WSA-TO',
  replyTo: 'WSA-REPLYTO',
  relatesTo: 'WSA-RELATESTO',
} as const;

/** Where a missing header block should have been. */
export const HEADER_PATH = '/soap:Envelope/soap:Header';

export interface Said {
  en: string;
  ru: string;
}

/** `at`: the node, or (for what is missing) the XPath of where it should have been. */
export function soapFinding(ruleId: string, code: IssueCode, at: Node | string, message: Said, severity: Severity = 'error'): Finding {
  const where = typeof at === 'string' ? { location: at } : locate(at);
  return { ruleId, severity, code, location: where.location, locationKind: 'xpath', message, ...(where.position ? { position: where.position } : {}) };
}
