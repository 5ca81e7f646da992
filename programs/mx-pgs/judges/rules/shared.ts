/** Helpers shared by the mx-pgs business rules; not part of the rules' public index. */
import { readFileSync } from 'node:fs';
import { type Finding, finding, type IssueCode, type LocalizedText } from '../../../../src/findings/finding.ts';
import type { Rule } from '../../../../src/rules/rule.ts';
import type { Operacion, PgsRuleContext } from '../../lib/types.ts';

const PROFILE_DIR = new URL('../../profiles/', import.meta.url);

export function readProfileJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, PROFILE_DIR), 'utf8')) as T;
}

export interface CatalogueCode {
  code: string;
  display: { es: string; en: string };
}

export function loadCatalogueCodes(name: string): ReadonlySet<string> {
  const catalogue = readProfileJson<{ codes: CatalogueCode[] }>(`catalogs/${name}.json`);
  return new Set(catalogue.codes.map((c) => c.code));
}

/** A record rule (RN-01…RN-07): knows which operations it applies to, so the evaluator can skip it. */
export interface PgsRecordRule extends Rule<PgsRuleContext> {
  readonly operations: readonly Operacion[];
}

/**
 * Where a finding about the CURP in the URL points. Not a JSON pointer: baja has no curp in its body;
 * the `path:` prefix follows the `header:` convention the mock nodes use for header findings.
 */
export const PATH_CURP = 'path:curp';

export function rnError(ruleId: string, code: IssueCode, location: string, message: LocalizedText): Finding {
  return finding(ruleId, 'error', code, location, message, location === PATH_CURP ? 'http' : 'json-pointer');
}

/**
 * Re-labels an identifier finding with the business rule that applied it: the acuse needs the stable
 * RN id, while the identifier id stays in the text so the precise defect is not lost.
 */
export function underRule(ruleId: string, f: Finding, fieldLabel?: string): Finding {
  const prefix = fieldLabel ? `${fieldLabel}: ` : '';
  return {
    ...f,
    ruleId,
    message: {
      ...f.message,
      en: `${prefix}${f.message.en} (${f.ruleId})`,
      ...(f.message.es !== undefined ? { es: `${prefix}${f.message.es} (${f.ruleId})` } : {}),
    },
  };
}

export const isString = (v: unknown): v is string => typeof v === 'string';
