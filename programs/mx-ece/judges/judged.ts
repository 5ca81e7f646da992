/**
 * How an mx-ece judge says what is wrong: a finding under the rule it shows broken, bound to the role whose message
 * it judges (from the journal party), naming the exchange and the side it was read on.
 */
import type { Finding, IssueCode, LocationKind } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { ECE_ROLES, type EceRole, roleOfInstitution } from '../lib/contract.ts';

export type JudgedFinding = Finding & { exchangeId?: string; side?: 'request' | 'response'; role?: string };

/**
 * The role a journal party is: roles journal under their role id (an institution code is read as its role too).
 * Sello's deliberate stimuli go out as `sello (…)`: no role, never judged.
 */
export function roleOfParty(party: string | undefined): EceRole | undefined {
  if (!party) return undefined;
  const name = party.trim().toLowerCase();
  return ECE_ROLES.find((r) => r === name) ?? roleOfInstitution(party);
}

export interface Verdict {
  rule: string;
  role: EceRole;
  x: ExchangeEntry;
  side: 'request' | 'response';
}

export function fail(v: Verdict, code: IssueCode, location: string, es: string, en: string, locationKind: LocationKind = 'http', severity: Finding['severity'] = 'error'): JudgedFinding {
  return { ruleId: v.rule, severity, code, location, locationKind, message: { es, en }, role: v.role, exchangeId: v.x.id, side: v.side };
}

/** Findings of a detailed check (the FHIR validator, a catalogue), put on the exchange and the role they judge. */
export const on = (v: Omit<Verdict, 'rule'>, findings: readonly Finding[]): JudgedFinding[] => findings.map((f) => ({ ...f, role: v.role, exchangeId: v.x.id, side: v.side }));

/** A finding of a detailed check re-attributed to the rule it shows broken, the check's own id kept in its text. */
export function underRule(ruleId: string, f: Finding): Finding {
  if (f.ruleId === ruleId) return f;
  return { ...f, ruleId, message: { ...f.message, en: `[${f.ruleId}] ${f.message.en}`, ...(f.message.es ? { es: `[${f.ruleId}] ${f.message.es}` } : {}) } };
}

export const pathOf = (url: string | undefined): string => {
  try {
    return new URL(url ?? '', 'http://x').pathname;
  } catch {
    return '';
  }
};

export const queryOf = (url: string | undefined): URLSearchParams => {
  try {
    return new URL(url ?? '', 'http://x').searchParams;
  } catch {
    return new URLSearchParams();
  }
};

/** A JSON body as the journal holds it (parsed when it was JSON and small enough to read back). */
export function jsonBody(message: ExchangeEntry['request'] | undefined): unknown {
  const body = message?.body;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
