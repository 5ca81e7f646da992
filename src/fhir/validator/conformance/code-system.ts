/**
 * CodeSystem consistency, as the HL7 validator's CodeSystemValidator checks it without a terminology
 * server (R4 https://hl7.org/fhir/R4/codesystem.html): a supplement says what it supplements and has
 * content 'supplement', a stated count matches a complete code system, 'not-present' has no concepts,
 * codes are unique, property declarations have unique absolute URIs and codes and keep the standard
 * properties' codes and types (#defined-props), and concept property values are declared, of the
 * declared type, and name codes of the system where the property is a concept relationship.
 */
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';
import { isAbsoluteUri } from './value-set.ts';

const CONCEPT_PROPERTIES = 'http://hl7.org/fhir/concept-properties#';
/** The standard concept properties and their types (R4 codesystem.html#defined-props, as the reference lists them). */
const KNOWN: Record<string, string> = {
  status: 'code',
  inactive: 'boolean',
  effectiveDate: 'dateTime',
  deprecationDate: 'dateTime',
  retirementDate: 'dateTime',
  notSelectable: 'boolean',
  parent: 'code',
  child: 'code',
  partOf: 'code',
  synonym: 'code',
  comment: 'string',
  itemWeight: 'decimal',
};
/** Properties whose code values name concepts of the same code system. */
const INTERNAL = new Set(['parent', 'child', 'partOf', 'synonym']);

interface PropertyDef {
  type: string | undefined;
  /** The standard property it is, by its URI. */
  known: string | undefined;
}

export function checkCodeSystem(scope: ResourceScope): void {
  const cs = scope.resource;
  const path = scope.path;
  const content = str(cs.content);
  const supplements = str(cs.supplements);
  const concepts = list(cs.concept).filter(isObject);
  const codes = new Set<string>();
  let count = 0;
  const walk = (items: Record<string, unknown>[], at: string): void => {
    items.forEach((c, i) => {
      count++;
      const code = str(c.code);
      const here = `${at}.concept[${i}]`;
      if (code !== undefined) {
        if (codes.has(code)) report(scope, R.codeSystemDuplicateCode, 'error', 'business-rule', here, `The code '${code}' has already been defined`, `El código '${code}' ya está definido`);
        codes.add(code);
      }
      walk(list(c.concept).filter(isObject), here);
    });
  };
  walk(concepts, path);

  if (supplements !== undefined && content !== 'supplement') {
    report(
      scope,
      R.codeSystemSupplement,
      'error',
      'business-rule',
      `${path}.content`,
      "CodeSystem Supplements SHALL have a content value of 'supplement'",
      "Un suplemento de CodeSystem debe tener content = 'supplement'",
    );
  }
  if (supplements !== undefined && cs.caseSensitive !== undefined) {
    report(
      scope,
      R.codeSystemSupplement,
      'error',
      'business-rule',
      `${path}.caseSensitive`,
      'CodeSystems SHOULD NOT have a stated value for the caseSensitive element when they are a supplement',
      'Un suplemento de CodeSystem no debe declarar caseSensitive',
    );
  }
  if (supplements === undefined && content === 'supplement') {
    report(
      scope,
      R.codeSystemSupplement,
      'error',
      'business-rule',
      `${path}.content`,
      "CodeSystem Supplements with a content value of 'supplement' SHALL have a supplements element that specifies which code system is being supplemented",
      "Un CodeSystem con content = 'supplement' debe indicar en supplements qué sistema suplementa",
    );
  }
  if (count === 0 && content === 'complete') {
    report(
      scope,
      R.codeSystemCount,
      'warning',
      'business-rule',
      path,
      "When a CodeSystem has content = 'complete', it doesn't make sense for there to be no concepts defined",
      "Un CodeSystem con content = 'complete' sin ningún concepto no tiene sentido",
    );
  }
  if (typeof cs.count === 'number' && content === 'complete' && cs.count !== count) {
    report(
      scope,
      R.codeSystemCount,
      'error',
      'invalid',
      `${path}.count`,
      `The code system is complete, but the number of concepts (${count}) does not match the stated total number (${cs.count})`,
      `El sistema es completo, pero el número de conceptos (${count}) no coincide con el total declarado (${cs.count})`,
    );
  }
  if (typeof cs.count === 'number' && (content === 'example' || content === 'fragment') && count >= cs.count) {
    report(
      scope,
      R.codeSystemCount,
      'warning',
      'invalid',
      `${path}.count`,
      `The code system is a fragment/example, but the number of concepts (${count}) exceeds or matches the stated total number (${cs.count})`,
      `El sistema es un fragmento o ejemplo, pero el número de conceptos (${count}) alcanza o supera el total declarado (${cs.count})`,
    );
  }
  if (content === 'not-present' && concepts.length > 0) {
    report(
      scope,
      R.codeSystemCount,
      'error',
      'invalid',
      `${path}.concept[0]`,
      'The code system says it has no content present, but concepts are found',
      'El sistema dice no tener contenido presente, pero tiene conceptos',
    );
  }
  const properties = checkPropertyDefinitions(scope);
  const propertyValues = (items: Record<string, unknown>[], at: string): void => {
    items.forEach((c, i) => {
      const here = `${at}.concept[${i}]`;
      list(c.property).forEach((p, k) => {
        if (isObject(p)) checkPropertyValue(scope, p, `${here}.property[${k}]`, properties, codes, supplements);
      });
      propertyValues(list(c.concept).filter(isObject), here);
    });
  };
  propertyValues(concepts, path);
}

function checkPropertyDefinitions(scope: ResourceScope): Map<string, PropertyDef> {
  const properties = new Map<string, PropertyDef>();
  list(scope.resource.property).forEach((p, i) => {
    if (!isObject(p)) return;
    const at = `${scope.path}.property[${i}]`;
    const uri = str(p.uri);
    const code = str(p.code);
    const type = str(p.type);
    const def: PropertyDef = { type, known: undefined };
    const fail = (en: string, es: string): void => report(scope, R.codeSystemProperty, 'error', 'business-rule', at, en, es);
    if (uri !== undefined) {
      if (!isAbsoluteUri(uri)) fail(`A property URI must be an absolute URI, but '${uri}' is not`, `La URI de una propiedad debe ser absoluta, y '${uri}' no lo es`);
      else if (properties.has(uri)) fail(`A property is already defined with the URI '${uri}'`, `Ya hay una propiedad definida con la URI '${uri}'`);
      else properties.set(uri, def);
      // The reference also rejects other HL7-namespace property URIs, but R4 defines no list of them (the
      // concept-properties code system came with R5 and grows): only the standard ones are recognised.
      const name = uri.startsWith(CONCEPT_PROPERTIES) ? uri.slice(CONCEPT_PROPERTIES.length) : undefined;
      if (name !== undefined && KNOWN[name]) def.known = name;
    }
    if (code !== undefined) {
      if (properties.has(code) && properties.get(code) !== def) fail(`A property is already defined with the code '${code}'`, `Ya hay una propiedad definida con el código '${code}'`);
      else properties.set(code, def);
    }
    if (def.known) {
      if (code !== undefined && KNOWN[code] && code !== def.known) {
        fail(
          `The URI '${uri}' is normally assigned the code '${def.known}'. Using the code '${code}' will usually create confusion in ValueSet filters etc`,
          `La URI '${uri}' lleva normalmente el código '${def.known}'; usar '${code}' confunde a los filtros de ValueSet`,
        );
      }
      if (type !== undefined && type !== KNOWN[def.known]) {
        fail(
          `Wrong type '${type}': The URI '${uri}' identifies a property that has the type '${KNOWN[def.known]}'`,
          `Tipo incorrecto '${type}': la URI '${uri}' identifica una propiedad de tipo '${KNOWN[def.known]}'`,
        );
      }
    } else if (uri === undefined && code !== undefined && KNOWN[code]) {
      report(
        scope,
        R.codeSystemProperty,
        'warning',
        'business-rule',
        at,
        `This property has only the standard code ('${code}') but not the standard URI '${CONCEPT_PROPERTIES}${code}', so it has no clearly defined meaning in the terminology ecosystem`,
        `La propiedad tiene el código estándar ('${code}') pero no la URI estándar '${CONCEPT_PROPERTIES}${code}'`,
      );
      if (type !== undefined && type !== KNOWN[code]) {
        report(
          scope,
          R.codeSystemProperty,
          'warning',
          'business-rule',
          at,
          `Wrong type '${type}': The code '${code}' identifies a property that has the type '${KNOWN[code]}'`,
          `Tipo incorrecto '${type}': el código '${code}' identifica una propiedad de tipo '${KNOWN[code]}'`,
        );
      }
    }
  });
  return properties;
}

/** The value[x] of a concept property: its FHIR type (`valueDateTime` → dateTime, `valueCoding` → Coding) and value. */
function propertyValue(p: Record<string, unknown>): { type: string; value: unknown } | undefined {
  for (const key of Object.keys(p)) {
    if (!key.startsWith('value') || key.length <= 5) continue;
    const t = key.slice(5);
    return { type: t === 'Coding' ? t : t[0]!.toLowerCase() + t.slice(1), value: p[key] };
  }
  return undefined;
}

function checkPropertyValue(scope: ResourceScope, p: Record<string, unknown>, at: string, properties: Map<string, PropertyDef>, codes: Set<string>, supplements: string | undefined): void {
  const code = str(p.code);
  if (code === undefined) return;
  const def = properties.get(code);
  if (!def) {
    report(
      scope,
      R.codeSystemPropertyValue,
      'warning',
      'business-rule',
      at,
      `The property '${code}' has no definition in CodeSystem.property. Many terminology tools won't know what to do with it`,
      `La propiedad '${code}' no está definida en CodeSystem.property`,
    );
  }
  const v = propertyValue(p);
  if (v === undefined) {
    report(scope, R.codeSystemPropertyValue, 'error', 'business-rule', at, `The property '${code}' has no value, and cannot be understood`, `La propiedad '${code}' no tiene valor`);
    return;
  }
  const type = v.type;
  if (def?.type !== undefined && type !== def.type) {
    report(
      scope,
      R.codeSystemPropertyValue,
      'error',
      'business-rule',
      at,
      `The property '${code}' has the invalid type '${type}', when it is defined to have the type '${def.type}'`,
      `La propiedad '${code}' tiene el tipo '${type}', pero está definida con el tipo '${def.type}'`,
    );
    return;
  }
  // parent, child, partOf and synonym by their standard URI name concepts of this code system (a supplement's are the base's)
  const primitive = typeof v.value === 'object' ? undefined : String(v.value);
  if (def?.known && INTERNAL.has(def.known) && type === 'code' && supplements === undefined) {
    const value = primitive;
    if (value !== undefined && !codes.has(value)) {
      report(scope, R.codeSystemPropertyValue, 'error', 'invalid', at, `The code '${value}' is not a valid code in this code system`, `El código '${value}' no es un código válido de este sistema`);
    }
  }
  if (code === 'synonym') {
    const value = primitive;
    if (value === undefined || !codes.has(value)) {
      report(
        scope,
        R.codeSystemPropertyValue,
        'warning',
        'business-rule',
        at,
        `The synonym '${value}' is not also defined in the code system. The Synonym property should only used to declare equivalence to other existing codes`,
        `El sinónimo '${value}' no está definido también en el sistema de códigos`,
      );
    }
  }
}
