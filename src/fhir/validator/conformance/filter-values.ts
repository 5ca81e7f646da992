/**
 * The value of a ValueSet filter against the type of the property it filters on, as the HL7 validator's
 * ValueSetValidator checks it locally: `exists` takes true or false; a property the code system declares
 * (or a standard concept property, R4 codesystem.html#defined-props) of type boolean, integer, decimal,
 * dateTime, code or Coding takes a value of that type (`in` / `not-in` a comma-separated list of them),
 * and a concept-valued property or a Coding names a code its system has, where that code system is
 * known here with all its concepts (content = complete).
 * Systems the reference checks with their own rules or only on a terminology server are left alone.
 */
import { type CodeSystemIndex, findConcept, indexCodeSystem } from '../../terminology/code-system.ts';
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

const SNOMED = 'http://snomed.info/sct';
/** Systems with their own property rules in the reference (besides SNOMED CT's few typed properties). */
const OWN_RULES = new Set(['http://loinc.org', 'http://www.nlm.nih.gov/research/umls/rxnorm', 'http://unitsofmeasure.org', 'http://www.ama-assn.org/go/cpt', 'urn:ietf:bcp:47']);
const SNOMED_TYPES: Record<string, string> = { inactive: 'boolean', expressions: 'boolean' };
/** Standard concept properties (R4 codesystem.html#defined-props) whose values have a checkable form. */
const STANDARD_TYPES: Record<string, string> = {
  inactive: 'boolean',
  notSelectable: 'boolean',
  effectiveDate: 'dateTime',
  deprecationDate: 'dateTime',
  retirementDate: 'dateTime',
  itemWeight: 'decimal',
};
/** Search comparators a filter value on an ordered property may start with. */
const COMPARATOR = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)/;
const DATE_TIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?)?)?$/;

/** Properties whose values are codes of the filtered system itself (concept relationships). */
const CONCEPT_VALUED = new Set(['concept', 'code', 'parent', 'child', 'partOf']);

interface PropertyRule {
  type: string;
  /** How a value that is not a code of the (locally known, complete) system is reported. */
  code?: 'error' | 'warning';
}

function propertyRule(sv: ValidatorContext, system: string | undefined, property: string): PropertyRule | undefined {
  if (system === SNOMED) return SNOMED_TYPES[property] ? { type: SNOMED_TYPES[property] } : undefined;
  if (system !== undefined && OWN_RULES.has(system)) return undefined;
  const cs = system !== undefined ? (sv.registry.codeSystem(system) as Record<string, unknown> | undefined) : undefined;
  const declared = list(cs?.property).find((p) => isObject(p) && p.code === property) as Record<string, unknown> | undefined;
  // a code property is often a list of values the code system does not define: the reference only warns
  if (declared && typeof declared.type === 'string') return declared.type === 'code' ? { type: 'code', code: 'warning' } : { type: declared.type };
  if (CONCEPT_VALUED.has(property)) return { type: 'code', code: 'error' };
  return STANDARD_TYPES[property] ? { type: STANDARD_TYPES[property] } : undefined;
}

const indexes = new WeakMap<object, CodeSystemIndex>();

/** Whether a code is in a code system known here with all its concepts; undefined when that cannot be told. */
export function hasCode(sv: ValidatorContext, system: string, code: string): boolean | undefined {
  const cs = sv.registry.codeSystem(system);
  if (!cs || cs.content !== 'complete') return undefined;
  let index = indexes.get(cs);
  if (!index) indexes.set(cs, (index = indexCodeSystem(cs)));
  return findConcept(index, code) !== undefined;
}

export function checkFilterValue(sv: ValidatorContext, scope: ResourceScope, f: Record<string, unknown>, system: string | undefined, path: string): void {
  const value = str(f.value);
  const property = str(f.property);
  const op = str(f.op);
  if (value === undefined || property === undefined || op === 'regex') return;
  const rule: PropertyRule | undefined = op === 'exists' ? { type: 'boolean' } : propertyRule(sv, system, property);
  if (!rule) return;
  for (const v of op === 'in' || op === 'not-in' ? value.split(',') : [value]) {
    const problem = check(rule.type, v, property) ?? checkCode(sv, rule, system, v, property);
    if (problem) report(scope, R.valueSetFilter, problem.severity, 'invalid', path, problem.en, problem.es);
  }
}

/** A code value of the filtered system, or a Coding value, names a code its (locally known) system has. */
function checkCode(sv: ValidatorContext, rule: PropertyRule, system: string | undefined, value: string, property: string): Problem | undefined {
  if (rule.type === 'Coding') {
    const hash = value.indexOf('#');
    if (hash < 0) return undefined;
    const codingSystem = value.slice(0, hash).split('|')[0]!;
    const code = value.slice(hash + 1);
    if (hasCode(sv, codingSystem, code) !== false) return undefined;
    return {
      severity: 'error',
      en: `The value for a filter based on property '${property}' is '${value}' which is not a valid code (Unknown code '${code}' in the CodeSystem '${codingSystem}')`,
      es: `El valor de un filtro sobre la propiedad '${property}' es '${value}', que no es un código válido (código '${code}' desconocido en '${codingSystem}')`,
    };
  }
  if (!rule.code || system === undefined || hasCode(sv, system, value) !== false) return undefined;
  return {
    severity: rule.code,
    en: `The value for a filter based on property '${property}' must be a valid code from the system '${system}', and '${value}' is not (Unknown code '${value}' in the CodeSystem '${system}')`,
    es: `El valor de un filtro sobre la propiedad '${property}' debe ser un código del sistema '${system}', y '${value}' no lo es`,
  };
}

interface Problem {
  severity: 'error' | 'warning';
  en: string;
  es: string;
}

function check(type: string, value: string, property: string): Problem | undefined {
  const fail = (what: string, que: string) => ({
    severity: 'error' as const,
    en: `The value for a filter based on property '${property}' must be ${what}, not '${value}'`,
    es: `El valor de un filtro sobre la propiedad '${property}' debe ser ${que}, no '${value}'`,
  });
  const bare = value.replace(COMPARATOR, '');
  switch (type) {
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : fail("either 'true' or 'false'", "'true' o 'false'");
    case 'integer':
      return /^[-+]?\d+$/.test(bare) ? undefined : fail('integer value', 'un entero');
    case 'decimal':
      return /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(bare) ? undefined : fail('a decimal value', 'un decimal');
    case 'dateTime':
      return DATE_TIME.test(bare) ? undefined : fail('a valid date(/time)', 'una fecha (y hora) válida');
    case 'code':
      return value.trim() === value ? undefined : fail('a valid code', 'un código válido');
    case 'Coding':
      if (/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s|]+\|\S+$/.test(value)) {
        return {
          severity: 'warning',
          en: `The value for a filter based on property '${property}' should be in the format system(|version)#code, not the coding search pattern '${value}'`,
          es: `El valor de un filtro sobre la propiedad '${property}' debería tener la forma sistema(|versión)#código, no el patrón de búsqueda '${value}'`,
        };
      }
      return /^[^#\s]+#\S+$/.test(value) ? undefined : fail('in the format system(|version)#code', 'de la forma sistema(|versión)#código');
    default:
      return undefined;
  }
}
