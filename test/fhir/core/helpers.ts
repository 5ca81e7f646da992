/** Shared by the core tests: one validator (definitions load once per file), finding filters. */
import { createFhirValidator, type FhirValidator } from '../../../src/fhir/index.ts';
import { type Finding, isBlocking } from '../../../src/findings/finding.ts';

let shared: FhirValidator | undefined;

export function validator(): FhirValidator {
  shared ??= createFhirValidator();
  return shared;
}

export const errors = (fs: readonly Finding[]): Finding[] => fs.filter(isBlocking);

export const show = (fs: readonly Finding[]): string => fs.map((f) => `${f.severity} ${f.ruleId} @ ${f.location}: ${f.message.en}`).join('\n') || '(no findings)';

/** The findings of one rule, as `location` strings. */
export const at = (fs: readonly Finding[], ruleId: string): string[] => fs.filter((f) => f.ruleId === ruleId).map((f) => f.location);

export function validate(resource: unknown, profile?: string): Finding[] {
  return validator().validate(resource, profile ? { profile } : undefined);
}

export const CORE = 'http://hl7.org/fhir/StructureDefinition/';
