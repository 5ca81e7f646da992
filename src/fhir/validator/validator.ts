/**
 * The structural FHIR validator: walks a JSON resource against compiled StructureDefinitions (the base
 * definition of its type plus the profiles it claims) and reports Findings the way the HL7 FHIR Validator
 * does: unknown elements, JSON shape, primitive formats, cardinality, types and choice types, fixed and
 * pattern values, slicing, bindings, extensions, invariants, references and must-support.
 *
 * Everything derived from a definition is compiled once and cached per URL; per validation the work is
 * one pass over the JSON, plus, for Bundles, one index of the entries by fullUrl (references resolve in
 * O(1), so a Bundle validates in linear time).
 *
 * This class holds the caches and options; each concern is a module of functions that take the validator
 * as their context (the ValidatorContext interface): resource-checks, walk (children and cardinality), items,
 * values (primitives and nested types), extensions, slicing, rules (bindings and invariants) and references.
 */

import type { Finding } from '../../findings/finding.ts';
import { tooDeepFinding } from '../../findings/limits.ts';
import { jsonValueTooDeep } from '../../util/json-depth.ts';
import type { DefinitionRegistry } from '../definitions/registry.ts';
import type { BundleIndex } from './bundle.ts';
import { type CompiledDefinition, type CType, compileDefinition } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { validateResource } from './resource-checks.ts';
import type { Run, StructuralValidatorOptions, ValidateOptions } from './scope.ts';
import { dedupe } from './support.ts';
import { walkComplex } from './walk.ts';

export type { ResourceScope, StructuralValidatorOptions, ValidateOptions } from './scope.ts';

/** Read only: validateResource takes its extra profiles as a list it does not change. */
const NO_PROFILES: string[] = [];

export class StructuralValidator implements ValidatorContext {
  // the caches below are shared with the concern modules, which take the validator as their context
  /** @internal */ readonly compiled = new Map<string, CompiledDefinition | null>();
  /** @internal */ readonly ancestors = new Map<string, Set<string>>();
  /** @internal */ readonly targetTypes = new WeakMap<CType, Set<string> | 'any'>();
  /** @internal */ readonly resourceTypeCodes = new WeakMap<CType, boolean>();
  /** @internal */ readonly resourceTypes: Set<string>;
  // the recursion's entry points, handed to the concern modules so that they need not import the walk
  /** @internal */ readonly walkComplex = walkComplex;
  /** @internal */ readonly validateResource = validateResource;

  constructor(
    readonly registry: DefinitionRegistry,
    /** @internal */ readonly options: StructuralValidatorOptions = {},
  ) {
    this.resourceTypes = registry.resourceTypes();
  }

  /** The compiled form of a StructureDefinition, compiled on first use and cached by URL. */
  definition(url: string): CompiledDefinition | undefined {
    const cached = this.compiled.get(url);
    if (cached !== undefined) return cached ?? undefined;
    const sd = this.registry.structureDefinition(url);
    const compiled = sd?.snapshot?.element?.length ? compileDefinition(sd) : null;
    this.compiled.set(url, compiled);
    return compiled ?? undefined;
  }

  validate(resource: unknown, options: ValidateOptions = {}): Finding[] {
    const run: Run = { findings: [], rootResource: resource };
    if (!isObject(resource)) {
      run.findings.push(issue(RULE.resourceType, 'fatal', 'structure', '$', text('The content is not a JSON object', 'El contenido no es un objeto JSON')));
      return run.findings;
    }
    const type = typeof resource.resourceType === 'string' ? resource.resourceType : 'Resource';
    // The walk recurses on the resource's depth: past the limit a finding says so instead of the stack overflowing.
    if (jsonValueTooDeep(resource)) return [tooDeepFinding('fhirpath', type)];
    // profiles an IG declares global for the type (ImplementationGuide.global) apply to every resource of that type
    const global = this.options.globalProfiles?.get(type);
    const profiles = options.profile ? (global ? [options.profile, ...global] : [options.profile]) : (global ?? NO_PROFILES);
    validateResource(this, resource, type, run, undefined, profiles, true, undefined, undefined);
    // One finding cannot repeat another (most resources of a large file have none or one).
    return run.findings.length < 2 ? run.findings : dedupe(run.findings);
  }

  /** Bundle entries a reference resolves to, following the fullUrl rules of the FHIR specification. */
  resolveInBundle(ref: string, from: { bundle: BundleIndex | undefined; fullUrl: string | undefined }): { index: number; resource: unknown }[] {
    const bundle = from.bundle;
    if (!bundle) return [];
    return bundle.resolve(ref, from.fullUrl);
  }
}
