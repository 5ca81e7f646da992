/**
 * OperationDefinition inputProfile / outputProfile, as the HL7 validator's OperationDefinitionValidator
 * compares them (R4 https://hl7.org/fhir/R4/operationdefinition.html#profiles: the profiles "SHALL be
 * consistent with the parameters"): each names a profile on Parameters whose parameter slices, by their
 * fixed name, match the operation's parameters of that use in cardinality, types and target profiles.
 */
import type { ElementDefinition } from '../../contracts.ts';
import { typeCode } from '../../definitions/snapshot.ts';
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

const ALLOWED_TYPE = 'http://hl7.org/fhir/StructureDefinition/operationdefinition-allowed-type';

interface Slice {
  name: string;
  element: ElementDefinition;
  child: (name: string) => ElementDefinition | undefined;
}

export function checkOperationDefinition(sv: ValidatorContext, scope: ResourceScope): void {
  for (const [key, use] of [
    ['inputProfile', 'in'],
    ['outputProfile', 'out'],
  ] as const) {
    const url = str(scope.resource[key]);
    if (url) checkProfile(sv, scope, url, use, `${scope.path}.${key}`);
  }
}

function checkProfile(sv: ValidatorContext, scope: ResourceScope, url: string, use: 'in' | 'out', at: string): void {
  const sd = sv.registry.structureDefinition(url);
  if (!sd) {
    report(scope, R.operationProfile, 'error', 'not-found', at, `The '${use}' profile '${url}' can not be resolved`, `No se puede resolver el perfil '${use}' '${url}'`);
    return;
  }
  if (sd.type !== 'Parameters') {
    report(
      scope,
      R.operationProfile,
      'error',
      'invalid',
      at,
      `The '${use}' profile '${url}' is not a profile on the 'Parameters' resource`,
      `El perfil '${use}' '${url}' no es un perfil de Parameters`,
    );
    return;
  }
  const params = list(scope.resource.parameter).filter(isObject);
  const matched = new Set<Record<string, unknown>>();
  for (const slice of parameterSlices(sd.snapshot?.element ?? [])) {
    const param = params.find((p) => p.name === slice.name && p.use === use);
    if (!param) {
      report(
        scope,
        R.operationProfile,
        'warning',
        'not-found',
        at,
        `The '${use}' profile ${url} defines a parameter '${slice.name}' but this is not in the parameters list in the operation definition`,
        `El perfil '${use}' ${url} define el parámetro '${slice.name}', que no está en la lista de parámetros de la operación`,
      );
      continue;
    }
    matched.add(param);
    compare(scope, `${at}.parameter[${params.indexOf(param)}]`, use, url, slice, param);
  }
  params.forEach((p, i) => {
    if (matched.has(p) || p.use !== use) return;
    report(
      scope,
      R.operationProfile,
      'warning',
      'not-found',
      `${at}.parameter[${i}]`,
      `The '${use}' profile does not have a parameter '${String(p.name)}' but it is in the parameters list in the operation definition`,
      `El perfil '${use}' no tiene el parámetro '${String(p.name)}', que sí está en la lista de parámetros de la operación`,
    );
  });
}

/** The slices of Parameters.parameter with a fixed (or pattern) name. */
function parameterSlices(elements: ElementDefinition[]): Slice[] {
  const byId = new Map(elements.map((e) => [e.id ?? '', e]));
  const out: Slice[] = [];
  for (const e of elements) {
    if (e.path !== 'Parameters.parameter' || !e.sliceName || !e.id) continue;
    const child = (name: string): ElementDefinition | undefined => byId.get(`${e.id}.${name}`);
    const nameElement = child('name') as Record<string, unknown> | undefined;
    const name = str(nameElement?.fixedString) ?? str(nameElement?.patternString);
    if (name) out.push({ name, element: e, child });
  }
  return out;
}

const parseMax = (max: unknown): number => (max === '*' ? Number.POSITIVE_INFINITY : typeof max === 'string' && /^\d+$/.test(max) ? Number(max) : -1);

function compare(scope: ResourceScope, at: string, use: string, url: string, slice: Slice, param: Record<string, unknown>): void {
  const fail = (en: string, es: string): void => report(scope, R.operationProfile, 'error', 'invalid', at, en, es);
  const name = slice.name;
  if (typeof param.min === 'number' && slice.element.min !== undefined && param.min !== slice.element.min) {
    fail(
      `The parameter '${name}' has a value for 'min' of '${slice.element.min}' in the '${use}' profile ${url} that is different to '${param.min}' which is the value in the parameter definition in the operation definition`,
      `El parámetro '${name}' tiene min '${slice.element.min}' en el perfil '${use}', distinto del '${param.min}' de la operación`,
    );
  }
  const maxParam = parseMax(param.max);
  const maxProfile = parseMax(slice.element.max);
  if (maxParam > -1 && maxProfile > -1 && maxParam !== maxProfile) {
    fail(
      `The parameter '${name}' has a value for 'max' of '${String(slice.element.max)}' in the '${use}' profile ${url} that is different to '${String(param.max)}' which is the value in the parameter definition in the operation definition`,
      `El parámetro '${name}' tiene max '${String(slice.element.max)}' en el perfil '${use}', distinto del '${String(param.max)}' de la operación`,
    );
  }
  // R4 states a polymorphic parameter's types with the allowed-type extension, else its type
  const extensionTypes = list(param.extension)
    .filter((x): x is Record<string, unknown> => isObject(x) && x.url === ALLOWED_TYPE)
    .map((x) => str(x.valueUri) ?? str(x.valueCode))
    .filter((t): t is string => t !== undefined);
  const allowed = extensionTypes.length > 0 ? extensionTypes : typeof param.type === 'string' ? [param.type] : [];
  const targets = list(param.targetProfile).filter((t): t is string => typeof t === 'string');
  const value = slice.child('value[x]');
  const resource = slice.child('resource');
  const part = slice.child('part');
  const profileTypes: string[] = [];
  const profileTargets: string[] = [];
  for (const [focus, others] of [
    [value, [resource, part]],
    [resource, [value, part]],
  ] as const) {
    if (!focus || String(focus.max) === '0' || others.some((o) => (o?.min ?? 0) > 0)) continue;
    for (const t of focus.type ?? []) {
      const code = typeCode(t);
      profileTypes.push(code);
      profileTargets.push(...(t.targetProfile ?? []));
      if (!allowed.includes(code)) {
        fail(
          `The type '${code}' is allowed for the parameter '${name}' in the '${use}' profile ${url} but is not in the list of allowed types for the parameter in the operation definition: ${allowed.join(', ') || '(none)'}`,
          `El tipo '${code}' se admite para el parámetro '${name}' en el perfil '${use}', pero no en la operación`,
        );
      }
    }
  }
  if (!value && !resource) return;
  for (const t of allowed) {
    if (profileTypes.includes(t)) continue;
    fail(
      `The type '${t}' is not allowed for the parameter '${name}' in the '${use}' profile ${url} but is in the list of allowed types for the parameter in the operation definition (allowed types = ${profileTypes.join(', ') || '(none)'})`,
      `El tipo '${t}' no se admite para el parámetro '${name}' en el perfil '${use}', pero sí en la operación`,
    );
  }
  for (const t of targets) {
    if (profileTargets.includes(t)) continue;
    fail(
      `The target profile '${t}' is not allowed for the parameter '${name}' in the '${use}' profile but is in the list of target profiles for the parameter in the operation definition (profile target profiles = ${profileTargets.join(', ') || '(none)'})`,
      `El perfil destino '${t}' no se admite para el parámetro '${name}' en el perfil '${use}', pero sí en la operación`,
    );
  }
  if (param.type === 'Element') return; // a polymorphic parameter cannot state target profiles (opd-3)
  for (const t of profileTargets) {
    if (targets.includes(t)) continue;
    fail(
      `The target profile '${t}' is allowed for the parameter '${name}' in the '${use}' profile ${url} but is not in the list of target profiles for the parameter in the operation definition: ${targets.join(', ') || '(none)'}`,
      `El perfil destino '${t}' se admite para el parámetro '${name}' en el perfil '${use}', pero no en la operación`,
    );
  }
}
