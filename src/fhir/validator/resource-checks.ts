/**
 * Resources: the walk of one resource against its base definition and profiles, and the checks
 * that only apply to some resource types (ValueSet parameters, StructureDefinition, SearchParameter).
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import { BundleIndex, checkBundle } from './bundle.ts';
import type { CompiledDefinition } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { checkResourceId } from './primitives.ts';
import { checkInvariants } from './rules.ts';
import type { ResourceScope, Run } from './scope.ts';
import { CQF_EXPRESSION, fhirpathParser, STANDARD_VARIABLES, VALUESET_PARAMETER, withoutNarrativeRule } from './support.ts';
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
  if (scope.type === 'StructureDefinition') checkStructureDefinition(sv, scope);
  if (scope.type === 'SearchParameter') checkSearchParameter(sv, scope);
  if (scope.type === 'ValueSet') checkValueSetParameters(sv, scope);
}

/**
 * Parameterised ValueSets (tools extension valueset-parameter): every `%name` a filter expression uses
 * must be a declared parameter, and the expression must be FHIRPath.
 */
export function checkValueSetParameters(sv: ValidatorContext, scope: ResourceScope): void {
  const vs = scope.resource;
  const declared = new Set<string>();
  for (const e of Array.isArray(vs.extension) ? vs.extension : []) {
    if (!isObject(e) || e.url !== VALUESET_PARAMETER || !Array.isArray(e.extension)) continue;
    for (const sub of e.extension) if (isObject(sub) && sub.url === 'name' && typeof sub.valueCode === 'string') declared.add(sub.valueCode);
  }
  const compose = isObject(vs.compose) ? vs.compose : undefined;
  if (!compose) return;
  for (const part of ['include', 'exclude'] as const) {
    const list = Array.isArray(compose[part]) ? compose[part] : [];
    list.forEach((inc, i) => {
      if (!isObject(inc) || !Array.isArray(inc.filter)) return;
      inc.filter.forEach((f, j) => {
        if (!isObject(f)) return;
        const holders = [f, isObject(f._value) ? f._value : undefined];
        for (const h of holders) {
          if (!h || !Array.isArray(h.extension)) continue;
          h.extension.forEach((x, k) => {
            if (!isObject(x) || x.url !== CQF_EXPRESSION || !isObject(x.valueExpression)) return;
            const expression = x.valueExpression.expression;
            if (typeof expression !== 'string') return;
            const path = `${scope.path}.compose.${part}[${i}].filter[${j}]${h === f ? '' : '.value'}.extension[${k}].value.ofType(Expression)`;
            checkParameterExpression(sv, expression, declared, path, scope);
          });
        }
      });
    });
  }
}

export function checkParameterExpression(sv: ValidatorContext, expression: string, declared: Set<string>, path: string, scope: ResourceScope): void {
  try {
    fhirpathParser()(expression);
  } catch (error) {
    scope.run.findings.push(
      issue(
        RULE.valueSetParameter,
        'error',
        'invalid',
        path,
        text(`The value of the expression '${expression}' is not a valid FHIRPath: ${String((error as Error).message ?? error).split('\n')[0]}`, `La expresión '${expression}' no es FHIRPath válido`),
      ),
    );
    return;
  }
  for (const m of expression.matchAll(/%([A-Za-z][A-Za-z0-9_-]*)/g)) {
    const name = m[1]!;
    if (declared.has(name) || STANDARD_VARIABLES.has(name)) continue;
    scope.run.findings.push(
      issue(
        RULE.valueSetParameter,
        'error',
        'invalid',
        path,
        text(`The filter parameter expression '${expression}' refers to the unknown parameter '${name}'`, `La expresión de filtro '${expression}' usa el parámetro desconocido '${name}'`),
      ),
    );
  }
}

export function checkStructureDefinition(sv: ValidatorContext, scope: ResourceScope): void {
  const sd = scope.resource as { derivation?: string; snapshot?: unknown; differential?: { element?: unknown[] }; baseDefinition?: string };
  if (sd.snapshot || !sd.differential?.element) return;
  const { issues } = sv.registry.trySnapshot(scope.resource as never);
  for (const i of issues) {
    const location = i.diffIndex !== undefined ? `${scope.path}.differential.element[${i.diffIndex}]` : scope.path;
    scope.run.findings.push(issue(RULE.snapshot, i.severity, 'invalid', location, text(i.message, `Error al generar el snapshot: ${i.message}`)));
  }
}

/** A SearchParameter derived from another must keep its type (the HL7 validator's SearchParameter rule). */
export function checkSearchParameter(sv: ValidatorContext, scope: ResourceScope): void {
  const sp = scope.resource;
  if (typeof sp.derivedFrom !== 'string' || typeof sp.type !== 'string') return;
  const base = sv.registry.searchParameter(sp.derivedFrom);
  if (!base || typeof base.type !== 'string' || base.type === sp.type) return;
  scope.run.findings.push(
    issue(
      RULE.searchParameter,
      'error',
      'business-rule',
      scope.path,
      text(`The type ${sp.type} is different to the type ${base.type} in the derivedFrom SearchParameter`, `El tipo ${sp.type} es distinto del tipo ${base.type} del SearchParameter derivedFrom`),
    ),
  );
}
