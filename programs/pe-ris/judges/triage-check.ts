/**
 * What a receiver of a triage Bundle (SIHCE directly, or the engine) checks before accepting it, and how it says no:
 * the FHIR R4 validator against TriageBundle (FHIR-* and profile invariant findings, FHIRPath locations) and the
 * business rules RP-01…RP-08. Refusals are FHIR OperationOutcomes with 4xx, every issue naming its rule.
 */
import { fileURLToPath } from 'node:url';
import { createFhirValidator, type FhirValidator } from '../../../src/fhir/index.ts';
import { type Finding, isBlocking, type OperationOutcome, toOperationOutcome } from '../../../src/findings/finding.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { PROFILE } from '../lib/constants.ts';
import { entriesOfType } from '../lib/triage-bundle.ts';
import { evaluateRpRules } from './rules/index.ts';

export const PE_RIS_FHIR_DIR = fileURLToPath(new URL('../profiles/fhir/', import.meta.url));

let shared: FhirValidator | undefined;
/** The FHIR validator with the pe-ris profiles, built once per process (about half a second). */
export function peRisValidator(): FhirValidator {
  shared ??= createFhirValidator({ profileDirs: [PE_RIS_FHIR_DIR], mustSupport: false });
  return shared;
}

export interface TriageCheckOptions {
  validator?: FhirValidator;
  /** Rule ids a planted defect switches off (reference implementations only). */
  skip?: readonly string[];
}

/**
 * Blocking findings of a triage Bundle: RP-01…RP-08 first, then the FHIR validator's. A FHIR finding inside the
 * Patient is left out when RP-01 already reports it (RP-01 carries the validator's id in its text).
 */
export function checkTriageBundle(bundle: unknown, opts: TriageCheckOptions = {}): Finding[] {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
    return [
      {
        ruleId: 'FHIR-RESOURCE-TYPE',
        severity: 'error',
        code: 'structure',
        location: isObject(bundle) && bundle.resourceType === 'Bundle' ? 'Bundle.type' : '',
        locationKind: 'fhirpath',
        message: {
          es: 'Se esperaba un Bundle de tipo transaction (el triaje de Qhali).',
          en: "Expected a Bundle of type transaction (Qhali's triage).",
        },
      },
    ];
  }
  const validator = opts.validator ?? peRisValidator();
  const rules = evaluateRpRules({ bundle, validator }, opts.skip ? { skip: opts.skip } : {});
  const patientPath = entriesOfType(bundle, 'Patient')[0]?.path;
  const rp01 = rules.some((f) => f.ruleId === 'RP-01');
  const fhir = validator
    .validate(bundle, { profile: PROFILE.TriageBundle })
    .filter(isBlocking)
    .filter((f) => !(rp01 && patientPath && f.location.startsWith(patientPath)));
  return [...rules, ...fhir];
}

/** Blocking findings of one resource sent to the FHIR API (create/update): base R4 and its meta.profile. */
export function checkResource(resource: unknown, validator: FhirValidator = peRisValidator()): Finding[] {
  // The R5 Backport IG's extensions (payload content, filter criteria) are not in Sello's packages: known, not unknown.
  return validator
    .validate(resource)
    .filter(isBlocking)
    .filter((f) => !(f.ruleId === 'FHIR-EXTENSION-UNKNOWN' && f.message.en.includes(BACKPORT_IG)));
}

const BACKPORT_IG = 'http://hl7.org/fhir/uv/subscriptions-backport/';

/** 400 for what is not the expected kind of resource at all, 422 for a resource that breaks a profile or a rule. */
export function refusalStatus(findings: readonly Finding[]): 400 | 422 {
  return findings.some((f) => f.ruleId === 'FHIR-RESOURCE-TYPE' || f.ruleId === 'FHIR-JSON-SHAPE') ? 400 : 422;
}

export function outcome(findings: readonly Finding[]): OperationOutcome {
  return toOperationOutcome(findings);
}

/** An OperationOutcome with one issue, for transport-level refusals (malformed JSON, unknown type, not found). */
export function simpleOutcome(code: Finding['code'], es: string, en: string, ruleId = 'FHIR-API', location = ''): OperationOutcome {
  return toOperationOutcome([{ ruleId, severity: 'error', code, location, locationKind: 'fhirpath', message: { es, en } }]);
}

/** The rule ids an OperationOutcome's issues name (details.coding of Sello's rule system), with their expressions. */
export function outcomeIssues(body: unknown): { ruleId: string; codes: string[]; severity: string; expression: string[]; text: string }[] {
  if (!isObject(body) || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return [];
  return body.issue.filter(isObject).map((issue) => {
    const details = isObject(issue.details) ? issue.details : {};
    const coding = Array.isArray(details.coding) ? details.coding.filter(isObject) : [];
    const expression = [...(Array.isArray(issue.expression) ? issue.expression : []), ...(Array.isArray(issue.location) ? issue.location : [])].filter((e): e is string => typeof e === 'string');
    return {
      ruleId: String(coding[0]?.code ?? ''),
      codes: coding.map((c) => String(c.code ?? '')).filter((c) => c !== ''),
      severity: String(issue.severity ?? ''),
      expression,
      text: [details.text, issue.diagnostics].filter((t): t is string => typeof t === 'string').join(' '),
    };
  });
}
