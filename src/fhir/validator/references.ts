/**
 * References: target types allowed by the definition and resolution in the resource or Bundle.
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CType } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import type { ResourceScope } from './scope.ts';
import { containerOf, referenceType, SELF_CONTAINED } from './support.ts';

export function allowedTargets(sv: ValidatorContext, type: CType | undefined): Set<string> | 'any' {
  if (!type || type.targetProfiles.length === 0) return 'any';
  const hit = sv.targetTypes.get(type);
  if (hit) return hit;
  let result: Set<string> | 'any' = new Set<string>();
  for (const p of type.targetProfiles) {
    const url = p.split('|')[0]!;
    let name: string | undefined;
    if (url.startsWith(CORE_SD_PREFIX) && !url.slice(CORE_SD_PREFIX.length).includes('/')) name = url.slice(CORE_SD_PREFIX.length);
    const sd = name && sv.resourceTypes.has(name) ? undefined : sv.registry.structureDefinition(url);
    if (sd?.type) name = sd.type;
    if (!name || name === 'Resource' || name === 'DomainResource') {
      result = 'any';
      break;
    }
    result.add(name);
  }
  sv.targetTypes.set(type, result);
  return result;
}

export function checkReference(sv: ValidatorContext, obj: Record<string, unknown>, def: CElement, path: string, scope: ResourceScope): void {
  const ref = obj.reference;
  if (typeof ref !== 'string') return;
  const findings = scope.run.findings;
  if (ref.charCodeAt(0) === 35) {
    if (ref.length === 1) return;
    const holder = containerOf(scope);
    if (!holder.containedIds) {
      holder.containedIds = new Set();
      if (Array.isArray(holder.resource.contained)) {
        for (const c of holder.resource.contained) if (isObject(c) && typeof c.id === 'string') holder.containedIds.add(c.id);
      }
    }
    if (!holder.containedIds.has(ref.slice(1))) {
      findings.push(
        issue(
          'ref-1',
          'error',
          'invariant',
          path,
          text(
            `Constraint failed: ref-1: 'SHALL have a contained resource if a local reference is provided' (unable to resolve '${ref}')`,
            `Restricción incumplida: ref-1: 'DEBE existir un recurso contenido si se da una referencia local' (no se resuelve '${ref}')`,
          ),
        ),
      );
    }
    return;
  }
  const type = def.types.find((t) => t.code === 'Reference');
  let targetType = referenceType(ref, sv.resourceTypes);
  if (scope.bundle) {
    const matches = sv.resolveInBundle(ref, scope);
    if (matches.length > 1) {
      findings.push(issue(RULE.referenceAmbiguous, 'error', 'invalid', path, text(`Multiple matches in bundle for reference ${ref}`, `Varias coincidencias en el bundle para la referencia ${ref}`)));
    } else if (matches.length === 1) {
      const rt = matches[0]!.resource;
      if (isObject(rt) && typeof rt.resourceType === 'string') targetType = rt.resourceType;
    } else if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
      const bundleType = scope.bundle.type ?? '';
      findings.push(
        issue(
          RULE.referenceUnresolved,
          SELF_CONTAINED.has(bundleType) ? 'error' : 'warning',
          'not-found',
          path,
          text(`Unable to resolve the reference '${ref}' in the bundle`, `No se puede resolver la referencia '${ref}' en el bundle`),
        ),
      );
    }
  }
  const allowed = allowedTargets(sv, type);
  if (targetType && allowed !== 'any' && !allowed.has(targetType)) {
    findings.push(
      issue(
        RULE.referenceType,
        'error',
        'structure',
        path,
        text(
          `The type '${targetType}' implied by the reference '${ref}' is not a valid target for this element (must be one of ${[...allowed].join(', ')})`,
          `El tipo '${targetType}' de la referencia '${ref}' no es un destino válido para este elemento (debe ser uno de ${[...allowed].join(', ')})`,
        ),
      ),
    );
  }
  if (targetType && typeof obj.type === 'string' && obj.type !== targetType && sv.resourceTypes.has(obj.type)) {
    findings.push(
      issue(
        RULE.referenceType,
        'error',
        'structure',
        path,
        text(`The reference '${ref}' points to a ${targetType} but Reference.type says ${obj.type}`, `La referencia '${ref}' apunta a un ${targetType} pero Reference.type indica ${obj.type}`),
      ),
    );
  }
}
