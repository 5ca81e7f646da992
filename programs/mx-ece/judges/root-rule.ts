/**
 * A finding of a detailed check names the contract rule it shows broken: a profile invariant or a GIIS-A001 Schematron
 * assert that restates a business rule counts under that rule (a CIE-10 written with a dot breaks RE-04 whether the
 * FHIR profile, the CDA's Schematron or the catalogue check sees it), the check's own id kept in the text.
 */
import type { Finding } from '../../../src/findings/finding.ts';
import { underRule } from './judged.ts';

const RULE_OF_CHECK: Readonly<Record<string, string>> = {
  // CondicionMx / PacienteMx invariants.
  'mx-cie10-1': 'RE-04',
  'mx-curp-1': 'RE-03',
  // Bundle invariants a document Bundle answers to: RE-06's document structure.
  'bdl-7': 'RE-06',
  'bdl-9': 'RE-06',
  'bdl-10': 'RE-06',
  'bdl-11': 'RE-06',
  // GIIS-A001 asserts: the CDA's patient against its CURP (RE-03), codes from the national catalogues (RE-04).
  'GIIS-14': 'RE-03',
  'GIIS-15': 'RE-03',
  'GIIS-21': 'RE-04',
  'GIIS-32': 'RE-04',
  'GIIS-33': 'RE-04',
  'GIIS-34': 'RE-04',
};

/** The check a finding comes from: its rule id, or the engine's id the RE-07 text starts with (`GIIS-32: …`). */
const checkOf = (f: Finding): string => (f.ruleId in RULE_OF_CHECK ? f.ruleId : (/^\[?(GIIS-\d+)\]?:?/.exec(f.message.en)?.[1] ?? f.ruleId));

/** GIIS-A001 asserts that compare the CDA's patient with its own CURP. */
const AGAINST_CDA_CURP = new Set(['GIIS-14', 'GIIS-15']);

/**
 * The findings of one record, each under the rule it shows broken. When the CDA carries another CURP than the Bundle's
 * (RE-07), its birth date or sex disagreeing with that CURP is a consequence of the wrong CURP, not of the patient's
 * data (RE-03): those stay RE-07's.
 */
export function rootRules(findings: readonly Finding[]): Finding[] {
  const wrongCdaCurp = findings.some((f) => f.ruleId === 'RE-07' && CDA_CURP_MISMATCH.test(f.message.en));
  return findings.map((f) => (wrongCdaCurp && AGAINST_CDA_CURP.has(checkOf(f)) ? f : rootRule(f)));
}

const CDA_CURP_MISMATCH = /^The CDA summary(?:'s CURP \(| carries no CURP)/;

export function rootRule(f: Finding): Finding {
  const rule = RULE_OF_CHECK[checkOf(f)];
  return rule ? underRule(rule, f) : f;
}
