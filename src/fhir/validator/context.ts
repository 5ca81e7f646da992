/**
 * What the concern modules need of the validator: its caches, options and the two entry points of the
 * recursion. The walk calls into the concern modules and some of them walk nested values again; taking
 * `walkComplex` and `validateResource` from the context rather than importing them keeps the modules free
 * of import cycles, at the cost of one property load per call (no allocation).
 */
import type { DefinitionRegistry } from '../definitions/registry.ts';
import type { BundleIndex } from './bundle.ts';
import type { CElement, CompiledDefinition, CType } from './compile.ts';
import type { Container, ResourceScope, Run, StructuralValidatorOptions } from './scope.ts';

/** Validates the properties of a JSON object against a container (walk.ts). */
export type WalkComplex = (
  sv: ValidatorContext,
  obj: Record<string, unknown>,
  hostDef: CElement,
  container: Container,
  path: string,
  scope: ResourceScope,
  isResourceRoot: boolean,
  typeName: string,
  extensionUrl: string | undefined,
) => void;

/** Validates one resource against its base definition and profiles (resource-checks.ts). */
export type ValidateResource = (
  sv: ValidatorContext,
  resource: Record<string, unknown>,
  path: string,
  run: Run,
  parent: ResourceScope | undefined,
  extraProfiles: string[],
  baseWalk: boolean,
  bundle: BundleIndex | undefined,
  fullUrl: string | undefined,
  contained?: boolean,
) => void;

export interface ValidatorContext {
  readonly registry: DefinitionRegistry;
  readonly options: StructuralValidatorOptions;
  readonly compiled: Map<string, CompiledDefinition | null>;
  readonly ancestors: Map<string, Set<string>>;
  readonly targetTypes: WeakMap<CType, Set<string> | 'any'>;
  readonly resourceTypeCodes: WeakMap<CType, boolean>;
  readonly resourceTypes: Set<string>;
  readonly walkComplex: WalkComplex;
  readonly validateResource: ValidateResource;
  definition(url: string): CompiledDefinition | undefined;
  resolveInBundle(ref: string, from: { bundle: BundleIndex | undefined; fullUrl: string | undefined }): { index: number; resource: unknown }[];
}
