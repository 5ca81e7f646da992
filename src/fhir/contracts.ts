/**
 * The seams between the parts of Sello's FHIR R4 engine, fixed first so that definitions, terminology,
 * invariants and the structural validator can be built and tested separately.
 */
import type { CodeSystem, ElementDefinition, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

export type { CodeSystem, ElementDefinition, StructureDefinition, ValueSet };

/** Canonical resources by URL (an optional `|version` suffix is ignored when there is one version). */
export interface DefinitionSource {
  structureDefinition(url: string): StructureDefinition | undefined;
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
}

/** Outcome of asking whether a coded value belongs to a ValueSet. */
export type CodeCheck =
  | { result: 'member'; display?: string }
  | { result: 'not-member' }
  /** The answer needs what Sello does not have offline (an external code system such as LOINC or SNOMED CT). */
  | { result: 'unknown'; reason: string };

export interface TerminologyService {
  hasValueSet(url: string): boolean;
  /** `system` may be undefined for `code`-typed elements: then any system of the expansion may hold the code. */
  checkCode(valueSetUrl: string, system: string | undefined, code: string): CodeCheck;
}

/** A FHIRPath constraint (ElementDefinition.constraint) as the evaluator needs it. */
export interface Invariant {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
}

export interface InvariantContext {
  /** The resource that contains the node (for %resource), and the outermost one (for %rootResource). */
  resource: unknown;
  rootResource: unknown;
  /** FHIR type of the node, e.g. `Patient`, `HumanName`, `string`. */
  type: string;
  /** Element path of the node in the base definition, e.g. `Patient.name`, used for type information. */
  path: string;
}

export type InvariantOutcome = { passed: true } | { passed: false } | { passed: 'error'; error: string };

export interface InvariantEvaluator {
  evaluate(invariant: Invariant, node: unknown, context: InvariantContext): InvariantOutcome;
}
