/**
 * The values of an element as the walk sees them: the container a value's children are checked against,
 * its type's definition, and the items of a property (JSON shape and null checks). Kept apart from the
 * walk because the concern modules the walk calls need them too.
 */
import type { Finding } from '../../findings/finding.ts';
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CompiledDefinition, CType, JsonChild } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { issue, RULE, text } from './messages.ts';
import type { Container, Item } from './scope.ts';
import { describeKind, EMPTY, STRUCTURAL_TYPES } from './support.ts';

export function isResourceTypeCode(sv: ValidatorContext, type: CType): boolean {
  let r = sv.resourceTypeCodes.get(type);
  if (r === undefined) {
    r = type.code === 'Resource' || type.code === 'DomainResource' || sv.resourceTypes.has(type.code);
    sv.resourceTypeCodes.set(type, r);
  }
  return r;
}

export function containerFor(sv: ValidatorContext, def: CElement, type: CType | undefined): Container | undefined {
  const key = type ? type.key : '';
  const cache = def.cache ?? (def.cache = new Map());
  const hit = cache.get(key) as Container | null | undefined;
  if (hit !== undefined) return hit ?? undefined;
  let result: Container | undefined;
  if (def.contentTarget) result = { host: def.contentTarget, typeRoot: undefined };
  else {
    const typeDef = type && !STRUCTURAL_TYPES.has(type.code) ? typeDefinition(sv, type) : undefined;
    if (def.children.length > 0) result = { host: def, typeRoot: typeDef?.root };
    else if (typeDef) result = { host: typeDef.root, typeRoot: typeDef.root };
    else if (type && STRUCTURAL_TYPES.has(type.code)) result = { host: def, typeRoot: undefined };
  }
  cache.set(key, result ?? null);
  return result;
}

export function typeDefinition(sv: ValidatorContext, type: CType): CompiledDefinition | undefined {
  for (const p of type.profiles) {
    const d = sv.definition(p);
    if (d) return d;
  }
  return sv.definition(type.code.includes(':') ? type.code : CORE_SD_PREFIX + type.code);
}

/** The values of one property, zipping a primitive's value array with its `_` extension array. */
export function collectItems(sv: ValidatorContext, obj: Record<string, unknown>, jc: JsonChild, path: string, findings: Finding[]): Item[] {
  const element = jc.element;
  const value = obj[jc.json];
  const ext = jc.primitive ? obj[jc.ext] : undefined;
  const type = jc.type;
  if (value !== undefined) checkShape(sv, value, element.isArray, path, jc.json, findings);
  if (ext !== undefined) checkShape(sv, ext, element.isArray, path, jc.ext, findings);
  const valueArray = Array.isArray(value);
  const extArray = Array.isArray(ext);
  if (!valueArray && !extArray) {
    const itemPath = `${path}.${jc.label}`;
    if (value === null && (ext === undefined || ext === null)) {
      nullItem(sv, itemPath, findings);
      return EMPTY;
    }
    return [{ value: value === null ? undefined : value, ext: ext === null ? undefined : ext, type, path: itemPath }];
  }
  if (valueArray && extArray && (value as unknown[]).length !== (ext as unknown[]).length) {
    findings.push(
      issue(
        RULE.jsonShape,
        'error',
        'structure',
        `${path}.${jc.json}`,
        text(
          `The arrays ${jc.json} and ${jc.ext} must have the same length (${(value as unknown[]).length} vs ${(ext as unknown[]).length})`,
          `Los arrays ${jc.json} y ${jc.ext} deben tener la misma longitud (${(value as unknown[]).length} frente a ${(ext as unknown[]).length})`,
        ),
      ),
    );
  }
  const n = Math.max(valueArray ? (value as unknown[]).length : value === undefined ? 0 : 1, extArray ? (ext as unknown[]).length : ext === undefined ? 0 : 1);
  const indexedPath = element.isArray;
  if (n === 1) {
    // Most repeating elements hold one value: its list is made to measure ([] and a push reserve 17 places).
    const v = valueArray ? (value as unknown[])[0] : value;
    const e = extArray ? (ext as unknown[])[0] : ext;
    const itemPath = indexedPath ? `${path}.${jc.label}[0]` : `${path}.${jc.label}`;
    if ((v === null || v === undefined) && (e === null || e === undefined)) {
      nullItem(sv, itemPath, findings);
      return EMPTY;
    }
    return [{ value: v === null ? undefined : v, ext: e === null ? undefined : e, type, path: itemPath }];
  }
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const v = valueArray ? (value as unknown[])[i] : i === 0 ? value : undefined;
    const e = extArray ? (ext as unknown[])[i] : i === 0 ? ext : undefined;
    const itemPath = indexedPath ? `${path}.${jc.label}[${i}]` : `${path}.${jc.label}`;
    if ((v === null || v === undefined) && (e === null || e === undefined)) {
      nullItem(sv, itemPath, findings);
      continue;
    }
    items.push({ value: v === null ? undefined : v, ext: e === null ? undefined : e, type, path: itemPath });
  }
  return items;
}

export function nullItem(sv: ValidatorContext, path: string, findings: Finding[]): void {
  findings.push(
    issue(
      RULE.jsonShape,
      'error',
      'structure',
      path,
      text('Null values are only allowed in arrays aligned with a primitive extension array', 'Los valores null solo se permiten en arrays alineados con un array de extensiones de primitivo'),
    ),
  );
}

export function checkShape(sv: ValidatorContext, v: unknown, isArray: boolean, path: string, which: string, findings: Finding[]): void {
  if (isArray && !Array.isArray(v)) {
    findings.push(
      issue(
        RULE.jsonShape,
        'error',
        'structure',
        `${path}.${which}`,
        text(`The property ${which} must be a JSON Array, not ${describeKind(v)}`, `La propiedad ${which} debe ser un array JSON, no ${describeKind(v)}`),
      ),
    );
  } else if (!isArray && Array.isArray(v)) {
    findings.push(
      issue(RULE.jsonShape, 'error', 'structure', `${path}.${which}`, text(`The property ${which} must be a single value, not an array`, `La propiedad ${which} debe ser un valor único, no un array`)),
    );
  } else if (Array.isArray(v) && v.length === 0) {
    findings.push(
      issue(
        RULE.jsonShape,
        'error',
        'structure',
        `${path}.${which}`,
        text(`Array cannot be empty - the property ${which} should not be present if it has no values`, `El array no puede estar vacío: la propiedad ${which} no debe aparecer si no tiene valores`),
      ),
    );
  }
}
