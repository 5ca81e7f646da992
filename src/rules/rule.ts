import type { Finding, LocalizedText } from '../findings/finding.ts';

/** Catalogue entry of a rule, as stored in profiles/<program>/rules.json. */
export interface RuleMeta {
  id: string;
  title: LocalizedText;
  description: LocalizedText;
  /** Where the rule comes from: a public source, or "Sello reference contract v1" where Sello designed it. */
  source: string;
  /** SHALL rules make a run NOT CERTIFIABLE when they fail; SHOULD rules only warn. */
  strength: 'SHALL' | 'SHOULD';
  /** The roles a SUT must satisfy the rule in (e.g. RN-03, the NSS, is IMSS's alone); absent: every role. */
  roles?: string[];
}

/** A business rule: a named, pure function from a context to findings (empty = satisfied). */
export interface Rule<Context> {
  readonly id: string;
  check(context: Context): Finding[];
}
