/**
 * Resources: the walk of one resource against its base definition and profiles, and the checks on a
 * resource as a whole (id, dom-3, Bundle rules, the conformance-resource checks of conformance/).
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import { BundleIndex, checkBundle } from './bundle.ts';
import type { CompiledDefinition } from './compile.ts';
import { conformanceChecks } from './conformance/index.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { checkResourceId } from './primitives.ts';
import { checkQuestionnaireResponse } from './questionnaire/response.ts';
import { checkInvariants } from './rules.ts';
import type { ResourceScope, Run } from './scope.ts';
import { impliedVitalSignsProfile, VITAL_SIGNS_RULE } from './spec-rules/vital-signs.ts';
import { withoutNarrativeRule } from './support.ts';
import { walkComplex } from './walk.ts';

export function validateResource(
  sv: ValidatorContext,
  resource: Record<string, unknown>,
  path: string,
  run: Run,
  parent: ResourceScope | undefined,
  extraProfiles: string[],
  baseWalk: boolean,
  bundle: BundleIndex | undefined,
  fullUrl: string | undefined,
  contained = false,
): void {
  const type = resource.resourceType;
  if (typeof type !== 'string') {
    run.findings.push(issue(RULE.resourceType, 'error', 'structure', path, text('Unable to find the resourceType property', 'No se encuentra la propiedad resourceType')));
    return;
  }
  const base = sv.resourceTypes.has(type) ? sv.definition(CORE_SD_PREFIX + type) : undefined;
  if (!base) {
    run.findings.push(issue(RULE.resourceType, 'error', 'structure', path, text(`Unknown resource type '${type}'`, `Tipo de recurso desconocido '${type}'`)));
    return;
  }
  const scope: ResourceScope = {
    resource,
    rootResource: run.rootResource,
    type,
    path,
    run,
    parent,
    hashRefs: contained && parent ? parent.hashRefs : new Set(),
    selfRefs: contained && parent ? parent.selfRefs : new Set(),
    elementIds: new Map(),
    bundle,
    fullUrl,
    ownBundle: undefined,
    containedIds: undefined,
    baseWalk,
    contained,
  };
  if (type === 'Bundle' && baseWalk) scope.ownBundle = new BundleIndex(resource);

  const profiles: string[] = [];
  if (baseWalk) {
    const meta = resource.meta;
    if (isObject(meta) && Array.isArray(meta.profile)) {
      for (const p of meta.profile) if (typeof p === 'string') profiles.push(p);
    }
  }
  for (const p of extraProfiles) if (!profiles.includes(p)) profiles.push(p);
  if (baseWalk && type === 'Observation') {
    const vitalSign = impliedVitalSignsProfile(resource);
    if (vitalSign && !profiles.includes(vitalSign)) {
      profiles.push(vitalSign);
      run.findings.push(
        issue(
          VITAL_SIGNS_RULE,
          'information',
          'informational',
          path,
          text(`Validated against the vital signs profile ${vitalSign}, which R4 requires for this code`, `Validado contra el perfil de signos vitales ${vitalSign}, que R4 exige para este código`),
        ),
      );
    }
  }

  if (baseWalk) walkDefinition(sv, resource, base, scope);
  for (const url of profiles) {
    if (url === base.url) continue;
    const profile = sv.definition(url);
    if (!profile) {
      run.findings.push(
        issue(
          RULE.profileUnknown,
          'warning',
          'not-supported',
          path,
          text(`Profile reference '${url}' has not been checked because it is unknown`, `El perfil '${url}' no se ha comprobado porque es desconocido`),
        ),
      );
      continue;
    }
    if (profile.type !== type) {
      run.findings.push(
        issue(RULE.resourceType, 'error', 'structure', path, text(`The profile '${url}' is for ${profile.type}, not ${type}`, `El perfil '${url}' es para ${profile.type}, no para ${type}`)),
      );
      continue;
    }
    walkDefinition(sv, resource, profile, { ...scope, baseWalk: false, elementIds: new Map() });
  }
  if (!baseWalk) return;
  resourceChecks(sv, scope, base);
}

export function walkDefinition(sv: ValidatorContext, resource: Record<string, unknown>, sd: CompiledDefinition, scope: ResourceScope): void {
  const root = sd.root;
  walkComplex(sv, resource, root, { host: root, typeRoot: undefined }, scope.path, scope, true, scope.type, undefined);
  checkInvariants(sv, scope.contained ? withoutNarrativeRule(root) : root.invariants, resource, scope.path, scope, scope.type, root.basePath);
}

/** Checks on the resource as a whole, once (not per profile). */
export function resourceChecks(sv: ValidatorContext, scope: ResourceScope, base: CompiledDefinition): void {
  const { resource, path, run } = scope;
  if (typeof resource.id === 'string') {
    const p = checkResourceId(resource.id);
    if (p) run.findings.push(issue(RULE.format, 'error', 'value', `${path}.id`, text(p.en, p.es)));
  }
  const dom3 = base.root.invariants.find((i) => i.native === 'dom-3');
  if (dom3 && Array.isArray(resource.contained)) {
    for (const c of resource.contained) {
      if (!isObject(c) || typeof c.id !== 'string') continue;
      if (scope.hashRefs.has('#' + c.id) || scope.selfRefs.has(c)) continue;
      run.findings.push(
        issue(
          dom3.key,
          dom3.severity,
          'invariant',
          path,
          text(
            `Constraint failed: ${dom3.key}: '${dom3.human}' (contained resource '${c.id}' is not referenced)`,
            `Restricción incumplida: ${dom3.key}: el recurso contenido '${c.id}' no está referenciado desde el recurso`,
          ),
        ),
      );
    }
  }
  if (scope.ownBundle) checkBundle(scope.ownBundle, scope, base, (ref, from) => sv.resolveInBundle(ref, from), sv.resourceTypes);
  conformanceChecks(sv, scope);
  if (scope.type === 'QuestionnaireResponse') checkQuestionnaireResponse(sv, scope);
}
