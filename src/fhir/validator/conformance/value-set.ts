/**
 * ValueSet compose rules the HL7 validator's ValueSetValidator enforces without a terminology server
 * (R4 https://hl7.org/fhir/R4/valueset.html#compose): include/exclude.system is an absolute URI and
 * carries no `|version` (the version has its own element), a filter value fits its operator and the
 * property's type, and a parameterised filter (tools extension valueset-parameter, cqf-expression on the
 * filter value) is FHIRPath that uses only declared parameters, each of which is used.
 */
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import { RULE } from '../messages.ts';
import type { ResourceScope } from '../scope.ts';
import { CQF_EXPRESSION, fhirpathParser, STANDARD_VARIABLES, VALUESET_PARAMETER } from '../support.ts';
import { checkFilterValue, hasCode } from './filter-values.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

interface Parameter {
  name: string;
  index: number;
  used: boolean;
}

export function checkValueSet(sv: ValidatorContext, scope: ResourceScope): void {
  const vs = scope.resource;
  const parameters: Parameter[] = [];
  list(vs.extension).forEach((e, index) => {
    if (!isObject(e) || e.url !== VALUESET_PARAMETER) return;
    for (const sub of list(e.extension)) if (isObject(sub) && sub.url === 'name' && typeof sub.valueCode === 'string') parameters.push({ name: sub.valueCode, index, used: false });
  });
  const compose = isObject(vs.compose) ? vs.compose : undefined;
  if (compose) {
    for (const part of ['include', 'exclude'] as const) {
      list(compose[part]).forEach((inc, i) => {
        if (isObject(inc)) checkInclude(sv, scope, inc, `${scope.path}.compose.${part}[${i}]`, parameters);
      });
    }
  }
  for (const p of parameters) {
    if (p.used) continue;
    report(
      scope,
      R.valueSetParameterUnused,
      'warning',
      'business-rule',
      `${scope.path}.extension[${p.index}]`,
      `The value set parameter '${p.name}' is not used`,
      `El parámetro '${p.name}' del value set no se usa`,
    );
  }
}

function checkInclude(sv: ValidatorContext, scope: ResourceScope, inc: Record<string, unknown>, path: string, parameters: Parameter[]): void {
  let system = str(inc.system);
  const version = str(inc.version);
  if (system?.includes('|')) {
    const stated = system.slice(system.indexOf('|') + 1);
    system = system.slice(0, system.indexOf('|'));
    const [severity, en, es] = !stated
      ? ([
          'warning',
          `Value set System reference '${system}' ends with a '|' which is suspicious. Note that the reference must not use the canonical version syntax; the version goes in the .version property`,
          `La referencia de sistema '${system}' termina en '|': la versión va en la propiedad version`,
        ] as const)
      : version === undefined || version !== stated
        ? ([
            'error',
            `Value set System references must not use the canonical version syntax - the version '${stated}' should be in the version property${version === undefined ? '' : `, but that already contains '${version}'`}`,
            `Las referencias de sistema no usan la sintaxis canónica de versión: la versión '${stated}' va en la propiedad version`,
          ] as const)
        : ([
            'error',
            `Value set System references must not use the canonical version syntax - the version '${stated}' is already in the version property`,
            `Las referencias de sistema no usan la sintaxis canónica de versión: la versión '${stated}' ya está en la propiedad version`,
          ] as const);
    report(scope, R.valueSetIncludeVersion, severity, 'business-rule', path, en, es);
  }
  if (system !== undefined && !isAbsoluteUri(system)) {
    const fragment = system.startsWith('#');
    report(
      scope,
      R.valueSetIncludeSystem,
      'error',
      'invalid',
      path,
      fragment
        ? 'URI values in ValueSet.compose.include.system must be absolute. To reference a contained code system, use the full CodeSystem URL and reference it using the http://hl7.org/fhir/StructureDefinition/valueset-system extension'
        : 'URI values in ValueSet.compose.include.system must be absolute',
      fragment
        ? 'ValueSet.compose.include.system debe ser una URI absoluta; un CodeSystem contenido se nombra por su URL completa y la extensión valueset-system'
        : 'ValueSet.compose.include.system debe ser una URI absoluta',
    );
  }
  if (system !== undefined) checkConcepts(sv, scope, inc, system, version, path);
  list(inc.filter).forEach((f, j) => {
    if (isObject(f)) checkFilter(sv, scope, f, system, `${path}.filter[${j}]`, parameters);
  });
}

/** Listed concepts are codes of their system, where that code system is known here with all its concepts (and the version asked). */
function checkConcepts(sv: ValidatorContext, scope: ResourceScope, inc: Record<string, unknown>, system: string, version: string | undefined, path: string): void {
  if (version !== undefined && sv.registry.codeSystem(system)?.version !== version) return;
  list(inc.concept).forEach((c, k) => {
    const code = isObject(c) ? str(c.code) : undefined;
    if (code === undefined || hasCode(sv, system, code) !== false) return;
    report(
      scope,
      R.valueSetIncludeConcept,
      'error',
      'business-rule',
      `${path}.concept[${k}]`,
      `The code '${code}' is not valid in the system ${system} (Unknown code '${code}' in the CodeSystem '${system}')`,
      `El código '${code}' no es válido en el sistema ${system}`,
    );
  });
}

function checkFilter(sv: ValidatorContext, scope: ResourceScope, f: Record<string, unknown>, system: string | undefined, path: string, parameters: Parameter[]): void {
  const expressions: { expression: Record<string, unknown>; path: string }[] = [];
  for (const holder of [f, isObject(f._value) ? f._value : undefined]) {
    if (!holder) continue;
    list(holder.extension).forEach((x, k) => {
      if (isObject(x) && x.url === CQF_EXPRESSION && isObject(x.valueExpression)) expressions.push({ expression: x.valueExpression, path: `${path}.extension[${k}].value.ofType(Expression)` });
    });
  }
  const value = str(f.value);
  if (value !== undefined && expressions.length > 0) {
    report(
      scope,
      R.valueSetFilter,
      'error',
      'invalid',
      path,
      "A filter can't have both a value and and expression for the value at the same time",
      'Un filtro no puede tener a la vez un valor y una expresión para el valor',
    );
  }
  for (const e of expressions) checkExpression(scope, e.expression, e.path, parameters);
  checkFilterValue(sv, scope, f, system, path);
}

function checkExpression(scope: ResourceScope, x: Record<string, unknown>, path: string, parameters: Parameter[]): void {
  const language = str(x.language);
  if (language !== 'text/fhirpath') {
    report(
      scope,
      R.valueSetExpressionLanguage,
      'error',
      'invalid',
      path,
      `A ValueSet expression language must be 'text/fhirpath' not '${language}'`,
      `El lenguaje de una expresión de ValueSet debe ser 'text/fhirpath', no '${language}'`,
    );
    return;
  }
  const expression = str(x.expression);
  if (expression === undefined) return;
  try {
    fhirpathParser()(expression);
  } catch (error) {
    report(
      scope,
      RULE.valueSetParameter,
      'error',
      'invalid',
      path,
      `The value of the expression '${expression}' is not a valid FHIRPath: ${String((error as Error).message ?? error).split('\n')[0]}`,
      `La expresión '${expression}' no es FHIRPath válido`,
    );
    return;
  }
  for (const m of expression.matchAll(/%([A-Za-z][A-Za-z0-9_-]*)/g)) {
    const name = m[1]!;
    const declared = parameters.filter((p) => p.name === name);
    for (const p of declared) p.used = true;
    if (declared.length > 0 || STANDARD_VARIABLES.has(name)) continue;
    report(
      scope,
      RULE.valueSetParameter,
      'error',
      'invalid',
      path,
      `The filter parameter expression '${expression}' refers to the unknown parameter '${name}'`,
      `La expresión de filtro '${expression}' usa el parámetro desconocido '${name}'`,
    );
  }
}

/**
 * An absolute URI as the reference validator reads one (Utilities.isAbsoluteUrl): a scheme of lower-case
 * letters, digits, '+', '-' or '.', then something without spaces.
 */
export function isAbsoluteUri(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0) return false;
  const scheme = s.slice(0, colon);
  const rest = s.slice(colon + 1);
  return /^[a-z][a-z0-9+.-]*$/.test(scheme) && rest.length > 0 && !rest.includes(' ');
}
