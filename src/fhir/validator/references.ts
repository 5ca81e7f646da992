/**
 * References: the target types the definition allows, the literal forms (reference-forms.ts), and resolution
 * where the HL7 validator resolves them itself — a contained resource (`#id`, `#` for the container), an entry of
 * the Bundle (fullUrl rules, bundle.ts) or a resource of the Parameters the resource is in. A reference resolved
 * there is checked against its target as the HL7 validator always does for local targets (policy CHECK_VALID):
 * its type must be allowed and, when the element names profiles of that type, it must conform to one of them.
 * A reference resolved nowhere is only an error with validateReferences (its validateReference option).
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CType } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { isAbsoluteUrl } from './primitives.ts';
import { allowedTargets, checkReferenceForm, isExampleUrl, REFERENCE_RULE, typeNamed } from './reference-forms.ts';
import type { ResourceScope } from './scope.ts';
import { conforms } from './slicing.ts';
import { containerOf, referenceType, SELF_CONTAINED } from './support.ts';

interface Target {
  resource: Record<string, unknown>;
  /** The scope the target is validated in (its own fullUrl when it is a Bundle entry). */
  fullUrl: string | undefined;
}

const parameterIndex = new WeakMap<object, Map<string, Record<string, unknown>>>();

/** `Type/id` of the resources of a Parameters (parts included), first one wins, as the HL7 validator's findInParams. */
function parameterResources(parameters: Record<string, unknown>): Map<string, Record<string, unknown>> {
  let index = parameterIndex.get(parameters);
  if (index) return index;
  index = new Map();
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const p of list) {
      if (!isObject(p)) continue;
      const r = p.resource;
      if (isObject(r) && typeof r.resourceType === 'string' && typeof r.id === 'string' && !index!.has(`${r.resourceType}/${r.id}`)) index!.set(`${r.resourceType}/${r.id}`, r);
      visit(p.part);
    }
  };
  visit(parameters.parameter);
  parameterIndex.set(parameters, index);
  return index;
}

function inParameters(ref: string, scope: ResourceScope): Record<string, unknown> | undefined {
  if (isAbsoluteUrl(ref)) return undefined;
  for (let s = scope.parent; s; s = s.parent) {
    if (s.type === 'Parameters') return parameterResources(s.resource).get(ref);
  }
  return undefined;
}

/** Profiles being checked right now, per node: a reference cycle between profiled targets is taken as conforming. */
const checking = new WeakMap<object, Set<string>>();
/**
 * Checking a target walks its own references, whose targets are checked in turn: a long chain of profiled targets
 * would recurse as deep as the chain. Past this depth the targets further along are not checked (each is still
 * validated as an entry of its own), so no input can exhaust the stack.
 */
const MAX_TARGET_DEPTH = 16;
let targetDepth = 0;

/** Reference_REF_CantMatchChoice: the target must conform to one of the element's profiles for its type. */
function checkTargetProfiles(sv: ValidatorContext, type: CType | undefined, ref: string, target: Target, targetType: string, path: string, scope: ResourceScope): void {
  if (!type || type.targetProfiles.length === 0) return;
  const candidates: string[] = [];
  for (const p of type.targetProfiles) {
    const url = p.split('|')[0]!;
    if (url === CORE_SD_PREFIX + targetType || url === CORE_SD_PREFIX + 'Resource' || url === CORE_SD_PREFIX + 'DomainResource') return;
    const sd = sv.definition(p);
    if (sd?.type === targetType) candidates.push(p);
  }
  if (candidates.length === 0 || targetDepth >= MAX_TARGET_DEPTH) return;
  let busy = checking.get(target.resource);
  if (!busy) checking.set(target.resource, (busy = new Set()));
  const from = { ...scope, fullUrl: target.fullUrl };
  let ok = false;
  for (const p of candidates) {
    if (busy.has(p)) return;
    busy.add(p);
    targetDepth++;
    try {
      ok = conforms(sv, target.resource, p, from);
    } finally {
      targetDepth--;
      busy.delete(p);
    }
    if (ok) return;
  }
  scope.run.findings.push(
    issue(
      REFERENCE_RULE.profile,
      'error',
      'structure',
      path,
      text(`Unable to find a profile match for ${ref} among choices: ${candidates.join(', ')}`, `El destino de ${ref} no cumple ninguno de los perfiles permitidos: ${candidates.join(', ')}`),
    ),
  );
}

function containedTarget(ref: string, scope: ResourceScope, path: string): Target | undefined | null {
  const holder = containerOf(scope);
  if (ref.length === 1) return scope.contained ? { resource: holder.resource, fullUrl: holder.fullUrl } : null;
  if (!holder.containedIds) {
    holder.containedIds = new Set();
    if (Array.isArray(holder.resource.contained)) {
      for (const c of holder.resource.contained) if (isObject(c) && typeof c.id === 'string') holder.containedIds.add(c.id);
    }
  }
  const id = ref.slice(1);
  if (!holder.containedIds.has(id)) {
    scope.run.findings.push(
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
    return undefined;
  }
  const found = (holder.resource.contained as unknown[]).find((c) => isObject(c) && c.id === id);
  return isObject(found) ? { resource: found, fullUrl: holder.fullUrl } : undefined;
}

export function checkReference(sv: ValidatorContext, obj: Record<string, unknown>, def: CElement, path: string, scope: ResourceScope): void {
  const ref = obj.reference;
  if (typeof ref !== 'string') return;
  const findings = scope.run.findings;
  checkReferenceForm(ref, path, scope);
  const type = def.types.find((t) => t.code === 'Reference');
  const allowed = allowedTargets(sv, type);
  let target: Target | undefined;
  let targetType: string | undefined;
  if (ref.charCodeAt(0) === 35) {
    const found = containedTarget(ref, scope, path);
    if (!found) return;
    target = found;
  } else {
    targetType = referenceType(ref, sv.resourceTypes);
    let reported = false;
    if (scope.bundle) {
      const matches = sv.resolveInBundle(ref, scope);
      if (matches.length > 1) {
        findings.push(issue(RULE.referenceAmbiguous, 'error', 'invalid', path, text(`Multiple matches in bundle for reference ${ref}`, `Varias coincidencias en el bundle para la referencia ${ref}`)));
        reported = true;
      } else if (matches.length === 1) {
        const entry = scope.bundle.entries[matches[0]!.index];
        const rt = matches[0]!.resource;
        if (isObject(rt)) target = { resource: rt, fullUrl: isObject(entry) && typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined };
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
        reported = true;
      }
    }
    if (!target) {
      const p = inParameters(ref, scope);
      if (p) target = { resource: p, fullUrl: scope.fullUrl };
    }
    if (!target && !reported && sv.options.validateReferences && !conditional(ref, sv) && !(sv.options.exampleUrls !== 'reject' && isExampleUrl(ref))) {
      findings.push(
        issue(RULE.referenceUnresolved, 'error', 'not-found', path, text(`Unable to resolve resource with reference '${ref}'`, `No se puede resolver el recurso de la referencia '${ref}'`)),
      );
    }
  }
  if (target && typeof target.resource.resourceType === 'string') targetType = target.resource.resourceType;
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
  } else if (target && targetType) {
    checkTargetProfiles(sv, type, ref, target, targetType, path, scope);
  }
  checkReferenceType(sv, obj, ref, targetType, allowed, path, scope);
}

/** `Type?search` (a conditional reference): resolved by a server at transaction time, never locally. */
const conditional = (ref: string, sv: ValidatorContext): boolean => {
  const q = ref.indexOf('?');
  return q > 0 && sv.resourceTypes.has(ref.slice(0, q));
};

/** Reference.type: an allowed target (Reference_REF_WrongTarget) and the type of the target (Reference_REF_BadTargetType). */
function checkReferenceType(sv: ValidatorContext, obj: Record<string, unknown>, ref: string, targetType: string | undefined, allowed: Set<string> | 'any', path: string, scope: ResourceScope): void {
  if (typeof obj.type !== 'string') return;
  const named = typeNamed(sv, obj.type);
  if (named && allowed !== 'any' && !allowed.has(named)) {
    scope.run.findings.push(
      issue(
        RULE.referenceType,
        'error',
        'structure',
        path,
        text(
          `The type '${obj.type}' is not a valid Target for this element (must be one of ${[...allowed].join(', ')})`,
          `El tipo '${obj.type}' no es un destino válido para este elemento (debe ser uno de ${[...allowed].join(', ')})`,
        ),
      ),
    );
  }
  if (targetType && named && named !== targetType) {
    scope.run.findings.push(
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
