/**
 * A validation finding, shaped like a FHIR OperationOutcome.issue so that every engine
 * (JSON Schema, business rules, FHIR, HL7 v2, XML) reports in one vocabulary.
 */
export type Severity = 'fatal' | 'error' | 'warning' | 'information';

/** FHIR R4 IssueType codes (http://hl7.org/fhir/issue-type) that Sello uses. */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'not-found'
  | 'conflict'
  | 'business-rule'
  | 'code-invalid'
  | 'extension'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  /** FHIR's code for input past a processing limit (size, depth, count). */
  | 'too-costly'
  | 'informational';

/** `text-line`: a line (and field) of a delimited text file, e.g. `linea 12, campo CURP`. */
export type LocationKind = 'json-pointer' | 'fhirpath' | 'hl7v2' | 'xpath' | 'http' | 'text-line';

/** Human text: always English, plus the program's own language (es for Mexico and Peru, ru for Russia). */
export interface LocalizedText {
  en: string;
  es?: string;
  ru?: string;
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface Finding {
  /** Stable id of the rule or constraint that produced it, e.g. `RN-05`, `ID-CURP-CHECKDIGIT`, `SCHEMA-type`. */
  ruleId: string;
  severity: Severity;
  code: IssueCode;
  /** Where in the message: a JSON pointer, FHIRPath, HL7 v2 path or XPath, as `locationKind` says. */
  location: string;
  locationKind: LocationKind;
  message: LocalizedText;
  /** Line and column (1-based) in the source text, when the engine knows them (XML: of the element or attribute). */
  position?: SourcePosition;
  /**
   * The role whose message or behaviour is judged (the sender of the offending message, e.g. `imss`, `engine`), when
   * the judge knows it: the report counts the finding against that role's certification, not the scenario's tags.
   */
  role?: string;
}

export function finding(ruleId: string, severity: Severity, code: IssueCode, location: string, message: LocalizedText, locationKind: LocationKind = 'json-pointer'): Finding {
  return { ruleId, severity, code, location, locationKind, message };
}

export const isBlocking = (f: Finding): boolean => f.severity === 'error' || f.severity === 'fatal';

const RULE_SYSTEM = 'https://sello.dev/fhir/CodeSystem/rule';
const TRANSLATION_EXT = 'http://hl7.org/fhir/StructureDefinition/translation';

export interface OperationOutcomeIssue {
  severity: Severity;
  code: IssueCode;
  details: {
    coding: { system: string; code: string }[];
    text: string;
    /** The translation extension's context is a string: it sits on `text`'s element, not on the CodeableConcept. */
    _text?: { extension: { url: string; extension: { url: string; valueCode?: string; valueString?: string }[] }[] };
  };
  expression?: string[];
  location?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

/** The primary text is the program language when present (that is what the regulator signs), English as translation. */
export function toOperationOutcomeIssue(f: Finding): OperationOutcomeIssue {
  const localText = f.message.es ?? f.message.ru;
  const localLang = f.message.es ? 'es' : f.message.ru ? 'ru' : undefined;
  const issue: OperationOutcomeIssue = {
    severity: f.severity,
    code: f.code,
    details: {
      coding: [{ system: RULE_SYSTEM, code: f.ruleId }],
      text: localText ?? f.message.en,
    },
  };
  if (localText && localLang) {
    issue.details._text = {
      extension: [
        {
          url: TRANSLATION_EXT,
          extension: [
            { url: 'lang', valueCode: 'en' },
            { url: 'content', valueString: f.message.en },
          ],
        },
      ],
    };
  }
  if (f.locationKind === 'fhirpath') issue.expression = [f.location];
  else issue.location = [f.location];
  // The HL7 FHIR validator's convention: the position travels as a second location string.
  if (f.position) issue.location = [...(issue.location ?? []), `Line[${f.position.line}] Col[${f.position.column}]`];
  return issue;
}

export function toOperationOutcome(findings: readonly Finding[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: findings.map(toOperationOutcomeIssue) };
}
