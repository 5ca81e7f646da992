/**
 * StructureDefinition consistency, as the HL7 validator's StructureDefinitionValidator checks it
 * (R4 https://hl7.org/fhir/R4/structuredefinition.html and profiling.html): a definition with a base
 * states its derivation, keeps the base's kind, a constraint keeps the base's type and a specialization
 * changes it, every element path starts with the type, no slicing at the root of a differential, and the
 * snapshot generated from a differential-only definition reports what the differential cannot express.
 */
import { CORE_SD_PREFIX } from '../../definitions/registry.ts';
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import { RULE } from '../messages.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';
import { checkElements } from './sd-elements.ts';

export function checkStructureDefinition(sv: ValidatorContext, scope: ResourceScope): void {
  const sd = scope.resource;
  const path = scope.path;
  const type = str(sd.type);
  checkElementPaths(scope, type);
  checkElements(scope, (code) => sv.registry.structureDefinition(code.includes(':') ? code : CORE_SD_PREFIX + code) !== undefined);
  const baseUrl = str(sd.baseDefinition);
  if (!baseUrl) return;
  const base = sv.registry.structureDefinition(baseUrl) as Record<string, unknown> | undefined;
  if (!base) {
    report(
      scope,
      R.sdBase,
      'warning',
      'not-found',
      path,
      `Unable to find base ${baseUrl} for StructureDefinition, so can't check the differential`,
      `No se encuentra la definición base ${baseUrl}: no se puede comprobar el diferencial`,
    );
    return;
  }
  const derivation = str(sd.derivation);
  const fail = (en: string, es: string): void => report(scope, R.sdDerivation, 'error', 'not-found', path, en, es);
  if (!derivation) {
    fail(`StructureDefinition ${String(sd.url)} must have a derivation, since it has a baseDefinition`, `El StructureDefinition ${String(sd.url)} debe indicar derivation, pues tiene baseDefinition`);
  } else {
    const kind = str(sd.kind);
    const baseKind = str(base.kind);
    if (base.abstract !== true && baseKind !== undefined && kind !== baseKind) {
      fail(
        `The kind ${kind} must be the same as the kind ${baseKind} in the base structure ${baseUrl} (base type = ${String(base.type)})`,
        `El kind ${kind} debe ser el mismo que el kind ${baseKind} de la estructura base ${baseUrl}`,
      );
    }
    if (derivation === 'constraint' && type !== base.type) {
      fail(
        `The type ${type} must be the same as the type in the base structure ${String(base.type)} that is being constrained`,
        `El tipo ${type} debe ser el del tipo base ${String(base.type)} que se restringe`,
      );
    }
    if (derivation === 'specialization' && (type === undefined || type === base.type)) {
      fail(
        `The type ${type} must not be the same as the type in the base structure ${String(base.type)} that is being specialised`,
        `El tipo ${type} no puede ser el del tipo base ${String(base.type)} que se especializa`,
      );
    }
  }
  if (derivation === 'constraint') checkSnapshotGeneration(sv, scope);
}

/** Element paths start with the type (its last segment for a logical model's URL); a differential does not slice its root. */
function checkElementPaths(scope: ResourceScope, type: string | undefined): void {
  const typeName = type?.includes('/') ? type.slice(type.lastIndexOf('/') + 1) : type;
  for (const part of ['snapshot', 'differential'] as const) {
    const holder = scope.resource[part];
    if (!isObject(holder)) continue;
    list(holder.element).forEach((e, i) => {
      if (!isObject(e) || typeof e.path !== 'string') return;
      const at = `${scope.path}.${part}.element[${i}]`;
      if (typeName && e.path !== typeName && !e.path.startsWith(typeName + '.')) {
        report(
          scope,
          R.sdPath,
          'error',
          'not-found',
          at,
          `The path ${e.path} must start with the type of the structure ${typeName}`,
          `La ruta ${e.path} debe empezar por el tipo de la estructura ${typeName}`,
        );
      }
      if (part === 'differential' && !e.path.includes('.') && e.slicing !== undefined) {
        report(scope, R.sdPath, 'error', 'invalid', at, 'Slicing is not allowed at the root of a profile', 'No se permite slicing en la raíz de un perfil');
      }
    });
  }
}

/** The snapshot of a definition published with a differential only, generated as a user of it would. */
function checkSnapshotGeneration(sv: ValidatorContext, scope: ResourceScope): void {
  const sd = scope.resource as { snapshot?: unknown; differential?: { element?: unknown[] } };
  if (sd.snapshot || !sd.differential?.element) return;
  const { issues } = sv.registry.trySnapshot(scope.resource as never);
  for (const i of issues) {
    const location = i.diffIndex !== undefined ? `${scope.path}.differential.element[${i.diffIndex}]` : scope.path;
    report(scope, RULE.snapshot, i.severity, 'invalid', location, i.message, `Error al generar el snapshot: ${i.message}`);
  }
}
