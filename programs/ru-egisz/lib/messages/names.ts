/**
 * Names the ru-egisz messages share: element QNames, the prefixes written on the wire and in XPaths, the body element
 * each message may have (v1.1 is silent on `<op>Request`, so readers take it too) and the rule governing each message.
 */
import type { QName } from '../../../../src/soap/index.ts';
import { CALLBACK_NS, EGIS_NS, OPERATION, type OperationName, SERVICE_NS } from '../contract.ts';

export const svc = (local: string): QName => ({ ns: SERVICE_NS, local });
export const cb = (local: string): QName => ({ ns: CALLBACK_NS, local });
export const egis = (local: string): QName => ({ ns: EGIS_NS, local });

/** Prefixes of the envelopes Sello writes, and of the XPaths its findings name (whatever prefixes a peer used). */
export const MESSAGE_PREFIXES: Readonly<Record<string, string>> = { svc: SERVICE_NS, cb: CALLBACK_NS, egis: EGIS_NS };
export const XPATH_PREFIXES: Readonly<Record<string, string>> = { [SERVICE_NS]: 'svc', [CALLBACK_NS]: 'cb', [EGIS_NS]: 'egis' };

export type Side = 'request' | 'response';

/** Local names a body element may have for `op` on `side`: the request also as `<op>Request`. */
export function bodyNames(op: OperationName, side: Side): string[] {
  const local = OPERATION[op].local;
  return side === 'request' ? [local, `${local}Request`] : [`${local}Response`];
}

/** Namespaces the body element of `op` may be in: getDocumentFile is met in both (v1.1 names the callback one). */
export const bodyNamespaces = (op: OperationName): string[] => (op === 'getDocumentFile' ? [CALLBACK_NS, SERVICE_NS] : [OPERATION[op].ns]);

/**
 * The rule a message's shape belongs to: requests RR-08 ("the body matches its operation's XSD"), REMD's
 * synchronous answer and the callback both ways RR-10, the served file RR-06, registry answers RR-18.
 */
export function messageRule(op: OperationName, side: Side): string {
  if (op === 'registerDocumentResult' || (op === 'registerDocument' && side === 'response')) return 'RR-10';
  if (side === 'request') return 'RR-08';
  if (op === 'getDocumentFile') return 'RR-06';
  return 'RR-18';
}

/** A Fault's env:Detail is RR-09's; the transport header RR-08's. */
export const FAULT_RULE = 'RR-09';
export const HEADER_RULE = 'RR-08';
/** A SNILS in the registration (patient's, each employee's) is RR-02's. */
export const SNILS_RULE = 'RR-02';
