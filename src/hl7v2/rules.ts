/**
 * Program rules: a message profile may list `rules` (`{ id, kind, path, … }`) that the standard's grammar cannot
 * express, such as a national identifier's check digit. The engine knows no such rule: the program supplies, per
 * `kind`, a function that returns the findings, and the engine runs it for every rule of that kind.
 */
import type { Finding } from '../findings/finding.ts';
import { type Delimiters, type Er7Message, splitComponents, splitSubcomponents, unescapeEr7 } from './er7.ts';
import type { MessageProfile, RuleDef } from './profile.ts';

export interface RuleCheckContext {
  message: Er7Message;
  profile: MessageProfile;
  d: Delimiters;
}

/** Checks one rule of a profile against a message; findings have locationKind `hl7v2`. */
export type RuleCheck = (rule: RuleDef, ctx: RuleCheckContext) => Finding[];
export type RuleChecks = Readonly<Record<string, RuleCheck>>;

/** What a program gives the HL7 v2 engine: its profile directory and the checks its profiles' rules name. */
export interface Hl7v2Contract {
  profileDir: string;
  ruleChecks?: RuleChecks;
}

/** The unescaped value of component `c` (and subcomponent `s`) of one field repetition. */
export function repetitionValue(rep: string, d: Delimiters, c: number, s?: number): string {
  const comp = splitComponents(rep, d)[c - 1] ?? '';
  return unescapeEr7(s === undefined ? comp : (splitSubcomponents(comp, d)[s - 1] ?? ''), d).value;
}

/** Runs every rule of the profile; a rule kind no check is registered for is a programming error. */
export function runRules(message: Er7Message, profile: MessageProfile, checks: RuleChecks = {}): Finding[] {
  const out: Finding[] = [];
  for (const rule of profile.rules ?? []) {
    const check = checks[rule.kind];
    if (!check) throw new Error(`message profile ${profile.id}: no check registered for rule kind ${rule.kind}`);
    for (const f of check(rule, { message, profile, d: message.delimiters })) out.push(f);
  }
  return out;
}
