/**
 * Complex values: the walk of an object's children against the element definitions, JSON shape,
 * cardinality and choice types, and the dispatch of each value to its kind of check.
 */
import type { CElement, JsonChild } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { validateExtension } from './extensions.ts';
import { collectItems, containerFor, isResourceTypeCode } from './items.ts';
import { deepEqual, describe, isObject, matchesPattern } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { checkReference } from './references.ts';
import { checkBinding, checkInvariants } from './rules.ts';
import type { Container, Item, ResourceScope } from './scope.ts';
import { assignSlices, checkSliceCounts } from './slicing.ts';
import { checkCodingSystem, checkIdentifierSystem } from './spec-rules/datatypes.ts';
import { reportDuplicateKeys } from './spec-rules/json-duplicates.ts';
import { describeKind, EMPTY } from './support.ts';
import { checkValueRange } from './value-range.ts';
import { checkAttachment, validateNested, validatePrimitive } from './values.ts';

/**
 * Validates the properties of a JSON object against a container (the element's own children, or its
 * type's). `typeName` and `hostDef` give the context in which extensions are used.
 */
export function walkComplex(
  sv: ValidatorContext,
  obj: Record<string, unknown>,
  hostDef: CElement,
  container: Container,
  path: string,
  scope: ResourceScope,
  isResourceRoot: boolean,
  typeName: string,
  extensionUrl: string | undefined,
): void {
  if (hostDef.path !== 'StructureDefinition.snapshot') {
    walkObject(sv, obj, hostDef, container, path, scope, isResourceRoot, typeName, extensionUrl);
    return;
  }
  // A snapshot repeats the element ids of the differential by design (ElementDefinition.id is the element's path
  // and slice name, profiling.html#id): its ids are unique among themselves, as the reference validator checks them.
  const outer = scope.elementIds;
  scope.elementIds = new Map();
  try {
    walkObject(sv, obj, hostDef, container, path, scope, isResourceRoot, typeName, extensionUrl);
  } finally {
    scope.elementIds = outer;
  }
}

/**
 * The known properties of the object being walked, one list per level of nesting, reused from one object to the next:
 * a list per object was a tenth of what validating a resource allocated. Only the first entries of a list, as many as
 * the walk at that level found, are its object's; `level` is the nesting of the walk under way.
 */
const presentAt: JsonChild[][] = [];
let level = 0;

function walkObject(
  sv: ValidatorContext,
  obj: Record<string, unknown>,
  hostDef: CElement,
  container: Container,
  path: string,
  scope: ResourceScope,
  isResourceRoot: boolean,
  typeName: string,
  extensionUrl: string | undefined,
): void {
  const host = container.host;
  const findings = scope.run.findings;
  let count = 0;
  // One pass over the properties: unknown ones are reported, known ones grouped by element (an
  // element appears under one property, or two for a primitive and its `_` part, or several for a
  // choice that is wrongly repeated), so the work is proportional to what the JSON holds.
  const present = presentAt[level] ?? (presentAt[level] = []);
  let known = 0;
  for (const key in obj) {
    if (isResourceRoot && key === 'resourceType') continue;
    // JSON has no undefined; a JavaScript caller's `{ x: undefined }` means x is absent
    if (obj[key] === undefined) continue;
    count++;
    const isExt = key.charCodeAt(0) === 95;
    const jc = host.jsonChildren.get(isExt ? key.slice(1) : key);
    if (jc && (!isExt || jc.primitive)) {
      if (isExt && obj[jc.json] !== undefined) continue; // taken with its value
      present[known++] = jc;
      continue;
    }
    if (key === 'fhir_comments') {
      // DSTU2's JSON carried comments in fhir_comments; R4 JSON has no comment property (json.html), so it is unknown
      findings.push(
        issue(
          RULE.jsonComments,
          'error',
          'structure',
          `${path}.${key}`,
          text("Unrecognized property 'fhir_comments' (R4 JSON has no comments)", "Propiedad no reconocida 'fhir_comments' (el JSON de R4 no tiene comentarios)"),
        ),
      );
      continue;
    }
    findings.push(
      issue(
        RULE.unknownElement,
        'error',
        'structure',
        `${path}.${key}`,
        jc
          ? text(`Unrecognized property '${key}' (only primitive elements have a '_' extension part)`, `Propiedad no reconocida '${key}' (solo los elementos primitivos tienen parte '_')`)
          : text(`Unrecognized property '${key}'`, `Propiedad no reconocida '${key}'`),
      ),
    );
  }
  if (count === 0 && !isResourceRoot) {
    findings.push(
      issue(
        'ele-1',
        'error',
        'invariant',
        path,
        text('Constraint failed: ele-1: All FHIR elements must have a @value or children', 'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos'),
      ),
    );
  } else if (count === 1 && !isResourceRoot && typeof obj.id === 'string') {
    findings.push(
      issue(
        'ele-1',
        'error',
        'invariant',
        path,
        text(
          'Constraint failed: ele-1: All FHIR elements must have a @value or children (an id alone is not content)',
          'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos (un id solo no es contenido)',
        ),
      ),
    );
  }
  // Once per object: a profile's walk over the same object would say it again.
  if (scope.baseWalk) reportDuplicateKeys(obj, path, findings);
  if (!isResourceRoot && typeof obj.id === 'string' && scope.baseWalk) {
    const seen = scope.elementIds.get(obj.id);
    if (seen !== undefined) {
      findings.push(issue(RULE.duplicateId, 'error', 'value', path, text(`Duplicate id value '${obj.id}'`, `Valor de id duplicado '${obj.id}'`)));
    } else scope.elementIds.set(obj.id, path);
  }

  const reportMustSupport = host.sd.isProfile && sv.options.mustSupport !== false;
  level++;
  try {
    for (let p = 0; p < known; p++) {
      const child = present[p]!.element;
      let seen = false;
      for (let q = 0; q < p; q++) if (present[q]!.element === child) seen = true;
      if (seen) continue;
      let items = collectItems(sv, obj, present[p]!, path, findings);
      // another property of the same (choice) element: together, so that cardinality counts both
      for (let q = p + 1; q < known; q++) {
        if (present[q]!.element === child) items = items.concat(collectItems(sv, obj, present[q]!, path, findings));
      }
      checkChild(sv, child, items, obj, hostDef, host, path, scope, typeName, extensionUrl);
    }
  } finally {
    level--;
  }
  for (const child of host.checkAbsent) {
    let isPresent = false;
    for (const jc of child.jsonNames) {
      if (obj[jc.json] !== undefined || (jc.primitive && obj[jc.ext] !== undefined)) {
        isPresent = true;
        break;
      }
    }
    if (isPresent) continue;
    if (child.min > 0) {
      findings.push(
        issue(
          RULE.cardinalityMin,
          'error',
          'required',
          path,
          text(`${child.path}: minimum required = ${child.min}, but only found 0 (from ${host.sd.url})`, `${child.path}: mínimo requerido = ${child.min}, pero no hay ninguno (de ${host.sd.url})`),
        ),
      );
    }
    if (reportMustSupport && child.mustSupport) {
      findings.push(
        issue(
          RULE.mustSupport,
          'information',
          'informational',
          path,
          text(`Must-support element ${child.path} is absent (${host.sd.url})`, `El elemento must-support ${child.path} está ausente (${host.sd.url})`),
        ),
      );
    }
    if (child.slices.length > 0) checkSliceCounts(sv, child, EMPTY, path, scope);
  }
  if (container.typeRoot && container.typeRoot !== hostDef) {
    checkInvariants(sv, container.typeRoot.invariants, obj, path, scope, typeName, container.typeRoot.basePath);
  }
  if (typeName === 'Attachment') checkAttachment(sv, obj, path, scope);
  if (typeName === 'Reference') checkReference(sv, obj, hostDef, path, scope);
  else if (typeName === 'Coding') checkCodingSystem(sv, obj, path, scope);
  else if (typeName === 'Identifier') checkIdentifierSystem(obj, path, scope);
}

/** Cardinality, slicing and content of the values one element has in an object. */
export function checkChild(
  sv: ValidatorContext,
  child: CElement,
  items: Item[],
  owner: Record<string, unknown>,
  hostDef: CElement,
  host: CElement,
  path: string,
  scope: ResourceScope,
  typeName: string,
  extensionUrl: string | undefined,
): void {
  const findings = scope.run.findings;
  if (items.length < child.min) {
    findings.push(
      issue(
        RULE.cardinalityMin,
        'error',
        'required',
        path,
        text(
          `${child.path}: minimum required = ${child.min}, but only found ${items.length} (from ${host.sd.url})`,
          `${child.path}: mínimo requerido = ${child.min}, pero solo hay ${items.length} (de ${host.sd.url})`,
        ),
      ),
    );
  }
  if (items.length > child.max) {
    findings.push(
      issue(
        RULE.cardinalityMax,
        'error',
        'structure',
        `${path}.${child.name}`,
        text(
          `${child.path}: max allowed = ${child.max}, but found ${items.length} (from ${host.sd.url})`,
          `${child.path}: máximo permitido = ${child.max}, pero hay ${items.length} (de ${host.sd.url})`,
        ),
      ),
    );
  }
  if (items.length === 0) {
    if (child.slices.length > 0) checkSliceCounts(sv, child, EMPTY, path, scope);
    return;
  }
  const isExtensionList = child.name === 'extension' || child.name === 'modifierExtension';
  const assigned = child.slices.length > 0 ? assignSlices(sv, child, items, path, scope) : undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const def = assigned?.[i] ?? child;
    if (isExtensionList) validateExtension(sv, item, def, hostDef, typeName, scope, extensionUrl, host);
    else validateItem(sv, item, def, scope, owner);
  }
}

export function validateItem(sv: ValidatorContext, item: Item, def: CElement, scope: ResourceScope, owner: Record<string, unknown>): void {
  const type = item.type ?? (def.types.length === 1 ? def.types[0] : undefined);
  const findings = scope.run.findings;
  const code = type?.code;
  if (type && !type.primitive && isResourceTypeCode(sv, type)) {
    validateNested(sv, item, def, type, scope, owner);
    return;
  }
  if (type && type.primitive) {
    validatePrimitive(sv, item, def, type, scope);
  } else {
    const v = item.value;
    if (!isObject(v)) {
      findings.push(
        issue(
          RULE.type,
          'error',
          'structure',
          item.path,
          text(
            `The property ${def.name} must be a JSON object (${code ?? 'complex type'}), not ${describeKind(v)}`,
            `La propiedad ${def.name} debe ser un objeto JSON (${code ?? 'tipo complejo'}), no ${describeKind(v)}`,
          ),
        ),
      );
      return;
    }
    const container = containerFor(sv, def, type);
    if (!container) {
      if (def.types.length > 1 && !def.isChoice) return;
      findings.push(
        issue(
          RULE.type,
          'error',
          'not-supported',
          item.path,
          text(`No definition found for type ${code ?? '(none)'} of ${def.path}`, `No hay definición para el tipo ${code ?? '(ninguno)'} de ${def.path}`),
        ),
      );
      return;
    }
    walkComplex(sv, v, def, container, item.path, scope, false, code ?? 'BackboneElement', undefined);
    if (def.fixed !== undefined && !deepEqual(v, def.fixed)) {
      findings.push(
        issue(
          RULE.fixed,
          'error',
          'value',
          item.path,
          text(`The value must be exactly ${describe(def.fixed)} (fixed value of ${def.path})`, `El valor debe ser exactamente ${describe(def.fixed)} (valor fijo de ${def.path})`),
        ),
      );
    }
    if (def.pattern !== undefined && !matchesPattern(v, def.pattern)) {
      findings.push(
        issue(
          RULE.pattern,
          'error',
          'value',
          item.path,
          text(`The value does not match the required pattern ${describe(def.pattern)} (${def.path})`, `El valor no coincide con el patrón requerido ${describe(def.pattern)} (${def.path})`),
        ),
      );
    }
    if (def.binding && code) checkBinding(sv, def, code, v, item.path, scope);
  }
  if (def.valueRange && code) checkValueRange(item.value, def.valueRange, code, item.path, scope);
  if (def.invariants.length > 1 || (def.invariants.length === 1 && !def.invariants[0]!.native)) {
    checkInvariants(sv, def.invariants, item.value, item.path, scope, code ?? 'Element', def.basePath);
  }
}
