/** The conformance-resource checks, by resource type: called once per resource from resourceChecks. */
import type { ValidatorContext } from '../context.ts';
import type { ResourceScope } from '../scope.ts';
import { checkCapabilityStatement } from './capability-statement.ts';
import { checkCodeSystem } from './code-system.ts';
import { checkOperationDefinition } from './operation-definition.ts';
import { checkSearchParameter } from './search-parameter.ts';
import { checkStructureDefinition } from './structure-definition.ts';
import { checkValueSet } from './value-set.ts';

const CHECKS: Record<string, (sv: ValidatorContext, scope: ResourceScope) => void> = {
  StructureDefinition: checkStructureDefinition,
  SearchParameter: checkSearchParameter,
  CapabilityStatement: checkCapabilityStatement,
  ValueSet: checkValueSet,
  CodeSystem: (_sv, scope) => checkCodeSystem(scope),
  OperationDefinition: checkOperationDefinition,
};

export function conformanceChecks(sv: ValidatorContext, scope: ResourceScope): void {
  CHECKS[scope.type]?.(sv, scope);
}
