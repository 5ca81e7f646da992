/** Helpers shared by the pe-ris business rules RP-01…RP-08; not part of the rules' public index. */
import { readFileSync } from 'node:fs';
import { type Finding, finding, type IssueCode, type LocalizedText } from '../../../../src/findings/finding.ts';
import type { Rule } from '../../../../src/rules/rule.ts';
import { isObject } from '../../../../src/util/is-object.ts';

export { isObject };

/** What every pe-ris rule is judged on: one triage Bundle as received (any JSON), and how to validate a resource. */
export interface RpContext {
  bundle: unknown;
  /** The FHIR validator with the pe-ris profiles loaded (RP-01 needs it; without it RP-01 checks only presence). */
  validator?: { validate(resource: unknown, opts?: { profile?: string }): Finding[] };
  /** Date ages are computed at when the Bundle says nothing (YYYY-MM-DD); default: today. */
  today?: string;
}

export type RpRule = Rule<RpContext>;

export function rpError(ruleId: string, code: IssueCode, location: string, message: LocalizedText): Finding {
  return finding(ruleId, 'error', code, location, message, 'fhirpath');
}

/**
 * Re-labels a finding of another engine (identifier validators, the FHIR validator) with the business rule that
 * applied it; the original id stays in the text so the precise defect is not lost.
 */
export function underRule(ruleId: string, f: Finding, location = f.location): Finding {
  return {
    ...f,
    ruleId,
    location,
    locationKind: 'fhirpath',
    message: {
      ...f.message,
      en: `${f.message.en} (${f.ruleId})`,
      ...(f.message.es !== undefined ? { es: `${f.message.es} (${f.ruleId})` } : {}),
    },
  };
}

const PROFILE_DIR = new URL('../../profiles/', import.meta.url);

export function readPeRisProfileJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, PROFILE_DIR), 'utf8')) as T;
}

/** Age in whole years on `at` (YYYY-MM-DD…) of someone born on `birthDate` (YYYY-MM-DD), or undefined. */
export function ageInYears(birthDate: unknown, at: string): number | undefined {
  if (typeof birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !/^\d{4}-\d{2}-\d{2}/.test(at)) return undefined;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = at.slice(0, 10).split('-').map(Number) as [number, number, number];
  let age = ay - by;
  if (am < bm || (am === bm && ad < bd)) age--;
  return age;
}
