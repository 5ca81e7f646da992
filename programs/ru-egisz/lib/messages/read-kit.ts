/**
 * What the ru-egisz readers share: children found by local name in any order and any namespace (the XSD judges the
 * shape; a reader takes what it can), and findings located by XPath with the line and column the wire text gave,
 * in Russian and English, under the rule of the message read.
 */
import type { Element } from '@xmldom/xmldom';
import type { Finding, IssueCode, Severity } from '../../../../src/findings/finding.ts';
import { childElements } from '../../../../src/soap/index.ts';
import { locate, xpathOf } from '../../../../src/xml/locate.ts';
import { XPATH_PREFIXES } from './names.ts';

export interface MessageRead<T> {
  /** Absent when the message cannot be taken (its body element or an identifying field is missing). */
  value?: T;
  findings: Finding[];
}

/** The located finding of a reader or a check: at a node, or (for what is missing) below `parent`. */
export function messageFinding(rule: string, code: IssueCode, at: Element | { parent: Element; local: string }, message: { ru: string; en: string }, severity: Severity = 'error'): Finding {
  const where =
    'parent' in at
      ? { ...locate(at.parent, XPATH_PREFIXES), location: `${xpathOf(at.parent, XPATH_PREFIXES)}/${XPATH_PREFIXES[at.parent.namespaceURI ?? ''] ?? '*'}:${at.local}` }
      : locate(at, XPATH_PREFIXES);
  return { ruleId: rule, severity, code, location: where.location, locationKind: 'xpath', message, ...(where.position ? { position: where.position } : {}) };
}

/** One reading of one message: `fatal` once something the value cannot do without is missing. */
export class Reading {
  readonly findings: Finding[] = [];
  fatal = false;

  constructor(
    readonly rule: string,
    readonly what: string,
  ) {}

  children(parent: Element, local: string): Element[] {
    return [...childElements(parent)].filter((c) => c.localName === local);
  }

  child(parent: Element, local: string): Element | undefined {
    return this.children(parent, local)[0];
  }

  /** A field's trimmed text; a missing or empty required one is a finding (fatal when the value cannot do without it). */
  text(parent: Element, local: string, need: 'optional' | 'required' | 'fatal' = 'required'): string | undefined {
    const e = this.child(parent, local);
    const value = e ? (e.textContent ?? '').trim() : undefined;
    if (value === undefined || value === '') {
      if (need !== 'optional') this.missing(parent, local, need === 'fatal');
      return undefined;
    }
    return value;
  }

  /** A container element (`patient`, `personals`…); its absence is a finding. */
  element(parent: Element, local: string, need: 'optional' | 'required' | 'fatal' = 'required'): Element | undefined {
    const e = this.child(parent, local);
    if (!e && need !== 'optional') this.missing(parent, local, need === 'fatal');
    return e;
  }

  missing(parent: Element, local: string, fatal: boolean): void {
    this.fatal ||= fatal;
    this.findings.push(
      messageFinding(this.rule, 'required', { parent, local }, { ru: `В ${this.what} нет поля ${local} (в ${parent.localName}).`, en: `${this.what} has no ${local} (in ${parent.localName}).` }),
    );
  }

  problem(at: Element, code: IssueCode, ru: string, en: string, fatal = false): void {
    this.fatal ||= fatal;
    this.findings.push(messageFinding(this.rule, code, at, { ru, en }));
  }

  /** The body element is one of `names`; else nothing more is read. */
  body(payload: Element, names: readonly string[]): boolean {
    if (names.includes(payload.localName ?? '')) return true;
    this.problem(payload, 'structure', `Тело сообщения — ${payload.localName}, ожидалось ${names.join(' или ')}.`, `The body element is ${payload.localName}; expected ${names.join(' or ')}.`, true);
    return false;
  }

  /** `value` unless the reading went fatal. */
  result<T>(value: () => T): MessageRead<T> {
    return this.fatal ? { findings: this.findings } : { value: value(), findings: this.findings };
  }
}

/**
 * Runs a reader so that nothing it meets can throw out of it: a defect of its own becomes a finding, never a crash
 * of the endpoint or the judge that called it.
 */
export function guarded<T>(rule: string, what: string, payload: Element, read: () => MessageRead<T>): MessageRead<T> {
  try {
    return read();
  } catch (error) {
    const said = (error as Error)?.message ?? String(error);
    return { findings: [messageFinding(rule, 'exception', payload, { ru: `Sello не смог прочитать ${what}: ${said}`, en: `Sello could not read ${what}: ${said}` }, 'fatal')] };
  }
}

/** Strict base64 (whitespace allowed, as xs:base64Binary): Buffer.from alone would take anything. */
export function base64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
