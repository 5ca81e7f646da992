/**
 * REMD's SOAP 1.2 Faults: the classifier code (1.2.643.5.1.13.13.99.2.305, profiles/error-codes.json) in env:Detail
 * as egis:error/{egis:code, egis:message}, the reason in Russian (xml:lang="ru") and English (RR-09).
 */
import { createRequire } from 'node:module';
import { el, type SoapEnvelope, type SoapFault12Options } from '../../../../src/soap/index.ts';
import { EGIS_NS, type RemdFault } from '../contract.ts';
import { egis } from './names.ts';

interface ClassifierCode {
  code: string;
  rule: string;
  text: { ru: string; en: string };
}
const CODES: ReadonlyMap<string, ClassifierCode> = new Map((createRequire(import.meta.url)('../../profiles/error-codes.json') as { codes: ClassifierCode[] }).codes.map((c) => [c.code, c]));

/** The classifier's text of a code; for a code it does not list, the code itself in both languages. */
export const errorCodeText = (code: string): { ru: string; en: string } => CODES.get(code)?.text ?? { ru: code, en: code };
export const isClassifierCode = (code: string): boolean => CODES.has(code);

/**
 * The Fault REMD (or a gateway, or a MIS) answers with: Sender, or Receiver for RATE_LIMIT and internal failures
 * (`receiver`); texts default to the classifier's.
 */
export function remdFault(code: string, text?: { ru: string; en: string }, options: { receiver?: boolean } = {}): SoapFault12Options {
  const said = text ?? errorCodeText(code);
  return {
    code: options.receiver ? 'Receiver' : 'Sender',
    reason: { ru: said.ru, en: said.en },
    detail: [el(egis('error'), [el(egis('code'), [code]), el(egis('message'), [said.ru])])],
    prefixes: { egis: EGIS_NS },
  };
}

/** Descendants of `e` in document order, with a stack (a Detail is whatever the peer sent). */
function* descendants(e: NonNullable<NonNullable<SoapEnvelope['fault']>['detail']>): Generator<typeof e> {
  const stack = [e];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current !== e) yield current;
    const children: (typeof e)[] = [];
    for (let c = current.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) children.push(c as typeof e);
    stack.push(...children.reverse());
  }
}

/**
 * A received Fault's classifier code and reason: the code from env:Detail's `code` element (any namespace), else the
 * first Subcode whose local name is a classifier code. Undefined when the message is no Fault.
 */
export function readRemdFault(envelope: SoapEnvelope): RemdFault | undefined {
  const fault = envelope.fault;
  if (!fault) return undefined;
  let code: string | undefined;
  if (fault.detail) {
    for (const d of descendants(fault.detail)) {
      if (d.localName !== 'code') continue;
      code = (d.textContent ?? '').trim() || undefined;
      break;
    }
  }
  code ??= fault.subcodes.map((s) => s.replace(/^.*:/, '')).find(isClassifierCode);
  const { ru, en } = fault.reason;
  const first = Object.values(fault.reason)[0] ?? '';
  return { ...(code ? { code } : {}), reason: { en: en ?? ru ?? first, ...(ru !== undefined ? { ru } : {}) } };
}
