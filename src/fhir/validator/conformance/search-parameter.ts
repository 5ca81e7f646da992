/**
 * SearchParameter consistency, as the HL7 validator's SearchParameterValidator enforces it
 * (R4 https://hl7.org/fhir/R4/searchparameter.html): the code avoids the characters with a meaning in
 * the REST API, the expression starts from the resource types in `base`, a parameter derived from
 * another keeps its type and its bases and selects the same elements, a composite has components.
 */
import type { ValidatorContext } from '../context.ts';
import { RULE } from '../messages.ts';
import type { ResourceScope } from '../scope.ts';
import { fhirpathParser } from '../support.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

/** Bases that stand for every resource type: an expression may start from any of them. */
const ABSTRACT_BASES = new Set(['Resource', 'DomainResource']);

export function checkSearchParameter(sv: ValidatorContext, scope: ResourceScope): void {
  const sp = scope.resource;
  const path = scope.path;
  const code = str(sp.code);
  if (code) {
    for (const ch of ['.', '$', '|']) {
      if (!code.includes(ch)) continue;
      report(
        scope,
        R.searchParameterCode,
        'warning',
        'invalid',
        path,
        `The Search Parameter code includes '${ch}' which has special meaning in the RESTful API, and so this will be a problem`,
        `El código del parámetro de búsqueda incluye '${ch}', que tiene un significado especial en la API REST`,
      );
    }
  }
  const bases = list(sp.base).filter((b): b is string => typeof b === 'string');
  const expression = str(sp.expression);
  if (expression !== undefined && bases.length > 0) checkExpression(sv, scope, expression, bases);
  const derivedFrom = str(sp.derivedFrom);
  if (derivedFrom) checkDerivation(sv, scope, derivedFrom, bases, expression);
  if (sp.type === 'composite' && list(sp.component).length < 2) {
    report(
      scope,
      R.searchParameterComposite,
      'error',
      'business-rule',
      path,
      "When the SearchParameter has a type of 'composite', then the SearchParameter must define two or more components",
      "Un SearchParameter de tipo 'composite' debe definir dos o más componentes",
    );
  }
}

function checkExpression(sv: ValidatorContext, scope: ResourceScope, expression: string, bases: string[]): void {
  const location = `${scope.path}.expression`;
  const fail = (why: string, por: string): void =>
    report(scope, R.searchParameterExpression, 'error', 'invalid', location, `Error in search expression '${expression}': ${why}`, `Error en la expresión de búsqueda '${expression}': ${por}`);
  try {
    fhirpathParser()(expression);
  } catch (error) {
    fail(String((error as Error).message ?? error).split('\n')[0]!, 'no es FHIRPath válido');
    return;
  }
  // A name at the start of a path is a type filter only when it names the focus type; another resource
  // type there selects nothing (the reference's type check: "not valid for any of the possible types").
  if (bases.some((b) => ABSTRACT_BASES.has(b))) return;
  for (const branch of unionBranches(expression)) {
    const head = headName(branch);
    if (head === undefined || !sv.resourceTypes.has(head) || bases.includes(head)) continue;
    fail(`The name '${head}' is not valid for any of the possible types: [${bases.join(', ')}]`, `el nombre '${head}' no es válido para ninguno de los tipos posibles: [${bases.join(', ')}]`);
    return; // the reference's type check stops at the first name it cannot place
  }
}

function checkDerivation(sv: ValidatorContext, scope: ResourceScope, derivedFrom: string, bases: string[], expression: string | undefined): void {
  const sp = scope.resource;
  const parent = sv.registry.searchParameter(derivedFrom);
  const path = scope.path;
  if (!parent) {
    report(
      scope,
      R.searchParameterDerivedUnknown,
      'warning',
      'business-rule',
      path,
      `Unable to find the base Search Parameter ${derivedFrom} so can't check that this SearchParameter is a proper derivation from it`,
      `No se encuentra el SearchParameter base ${derivedFrom}: no se puede comprobar que este derive correctamente de él`,
    );
    return;
  }
  const parentBases = list(parent.base).filter((b): b is string => typeof b === 'string');
  for (const b of bases) {
    if (parentBases.includes(b) || parentBases.includes('Resource')) continue;
    report(
      scope,
      R.searchParameterBase,
      'error',
      'business-rule',
      path,
      `The resource type ${b} is not listed as a base in the SearchParameter this is derived from (${derivedFrom})`,
      `El tipo de recurso ${b} no figura como base en el SearchParameter del que deriva (${derivedFrom})`,
    );
  }
  const type = str(sp.type);
  const parentType = str(parent.type);
  if (type !== undefined && parentType !== undefined && type !== parentType) {
    report(
      scope,
      RULE.searchParameter,
      'error',
      'business-rule',
      path,
      `The type ${type} is different to the type ${parentType} in the derivedFrom SearchParameter`,
      `El tipo ${type} es distinto del tipo ${parentType} del SearchParameter derivedFrom`,
    );
  }
  const parentExpression = str(parent.expression);
  if (expression === undefined || parentExpression === undefined || expression === parentExpression) return;
  if (canonicalise(sv, expression, bases) === canonicalise(sv, parentExpression, bases)) return;
  report(
    scope,
    R.searchParameterDerivedExpression,
    'warning',
    'business-rule',
    path,
    `The expression '${expression}' is not compatible with the expression '${parentExpression}' in the derivedFrom SearchParameter ${derivedFrom}, and this likely indicates that the derivation relationship is not valid`,
    `La expresión '${expression}' no es compatible con la expresión '${parentExpression}' del SearchParameter derivedFrom ${derivedFrom}`,
  );
}

/**
 * A union of plain paths reduced to the branches that apply to `bases`, sorted (the reference compares
 * a derived expression with its parent's this way); anything but plain paths is compared as written.
 */
function canonicalise(sv: ValidatorContext, expression: string, bases: string[]): string {
  const branches = unionBranches(expression);
  if (branches.some((b) => !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(b))) return expression;
  return branches
    .filter((b) => {
      const head = b.split('.')[0]!;
      return !sv.resourceTypes.has(head) || bases.includes(head);
    })
    .sort()
    .join(' | ');
}

/** The top-level `|` branches of an expression (outside brackets and strings), trimmed. */
export function unionBranches(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(expression.slice(start).trim());
  return out;
}

/** The identifier a path starts with (inside any opening brackets), if it starts with one followed by '.'. */
function headName(branch: string): string | undefined {
  const m = /^\(*\s*([A-Za-z][A-Za-z0-9_]*)\s*\./.exec(branch);
  return m?.[1];
}
