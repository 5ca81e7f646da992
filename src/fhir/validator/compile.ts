/**
 * Compiles a StructureDefinition snapshot once into a tree the validator walks without searching:
 * children by JSON property name (choice types expanded: `value[x]` → `valueString`, `valueQuantity`…),
 * numeric cardinality, types, fixed/pattern values, bindings, invariants (pre-sorted into the ones checked
 * natively and the ones sent to the FHIRPath evaluator) and slices.
 */
import type { ElementDefinition, Invariant, StructureDefinition } from '../contracts.ts';
import { deriveElementId } from '../definitions/element-id.ts';
import { typeCode } from '../definitions/snapshot.ts';
import { effectiveExpression } from '../invariants/index.ts';
import { compileFast, compileGuard, type FastCheck, type GuardCheck } from './fast-invariants.ts';
import { isPrimitiveType } from './primitives.ts';
import { bindingStrengthErratum } from './spec-rules/errata.ts';

export interface CType {
  code: string;
  profiles: string[];
  targetProfiles: string[];
  /** Cache key of the children container for this type. */
  key: string;
  primitive: boolean;
}

export interface CInvariant extends Invariant {
  /** Set when the expression is evaluated natively. */
  fast?: FastCheck;
  /** Set when the invariant certainly holds when this returns true (checked before delegating). */
  guard?: GuardCheck;
  /** Defined by the base specification: the walk against the base definition evaluates it already. */
  core: boolean;
  /** Handled by the validator's own logic (ele-1, dom-3, ref-1, txt-1/2, per-1 …). */
  native?: string;
  source?: string;
}

export interface CDiscriminator {
  type: 'value' | 'pattern' | 'exists' | 'type' | 'profile';
  path: string;
}

export interface CSlicing {
  discriminators: CDiscriminator[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
}

export interface JsonChild {
  element: CElement;
  /** The type implied by the property name (choice types) or the single type of the element. */
  type: CType | undefined;
  /** JSON property name (`valueQuantity`), and the name of its primitive extension part (`_valueQuantity`). */
  json: string;
  ext: string;
  primitive: boolean;
  /** Location segment: the name, or `value.ofType(Quantity)` for a choice. */
  label: string;
}

/** One minValue[x]/maxValue[x]: the type suffix of the property (`Integer`, `Date`, `Quantity`, `Duration` …) and its value. */
export interface ValueLimit {
  type: string;
  value: unknown;
}

export interface ValueRange {
  min?: ValueLimit;
  max?: ValueLimit;
}

export interface CElement {
  id: string;
  path: string;
  /** Path of the element in the definition that introduced it (ElementDefinition.base.path). */
  basePath: string;
  /** JSON property name: the last path segment without `[x]`. */
  name: string;
  isChoice: boolean;
  min: number;
  max: number;
  /** Represented as a JSON array (the base definition allows more than one). */
  isArray: boolean;
  types: CType[];
  fixed?: unknown;
  pattern?: unknown;
  binding?: { strength: string; valueSet?: string };
  invariants: CInvariant[];
  mustSupport: boolean;
  isModifier: boolean;
  maxLength?: number;
  /** ElementDefinition.minValue[x] / maxValue[x] (value-range.ts). */
  valueRange?: ValueRange;
  sliceName?: string;
  slicing?: CSlicing;
  slices: CElement[];
  /** Children declared in this snapshot (backbone elements, or datatypes a profile expanded). */
  children: CElement[];
  /** JSON property → child, with choice types resolved. */
  jsonChildren: Map<string, JsonChild>;
  /** The JSON properties this element can appear as (one, or one per type of a choice). */
  jsonNames: JsonChild[];
  /** Children that matter when absent: required, must-support or sliced (the others need no look when absent). */
  checkAbsent: CElement[];
  contentReference?: string;
  /** Resolved target of contentReference. */
  contentTarget?: CElement;
  parent?: CElement;
  sd: CompiledDefinition;
  /** Filled lazily by the validator: children containers per type. */
  cache?: Map<string, unknown>;
}

export interface CompiledDefinition {
  url: string;
  type: string;
  kind: string;
  derivation: string;
  /** A profile (constraint) rather than a base definition: must-support reporting applies. */
  isProfile: boolean;
  root: CElement;
  byId: Map<string, CElement>;
  definition: StructureDefinition;
}

/** Base type and resource names are one capitalised or lower-case word; profiles in the core namespace have hyphens or are logical. */
const isCoreName = (name: string): boolean => /^[A-Za-z][A-Za-z0-9]*$/.test(name);

const parseMax = (max: string | undefined): number => (max === undefined || max === '*' ? Infinity : Number(max));

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `value[x]` with type `dateTime` → `valueDateTime`. */
export const choiceJsonName = (stem: string, code: string): string => stem + capitalize(code);

/** Invariants whose logic the validator implements itself, keyed by key and exact standard expression start. */
const NATIVE: Record<string, string> = {
  'ele-1': 'hasValue() or (children().count() > id.count())',
  'dom-3': "contained.where((('#'+id in",
  'ref-1': "reference.startsWith('#').not() or",
  'txt-1': 'htmlChecks()',
  'txt-2': 'htmlChecks()',
  'per-1': 'start.hasValue().not() or end.hasValue().not() or (start <= end)',
  'dom-6': 'text.`div`.exists()',
  'bdl-7': "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
};

/** dom-2/4/5 only look into contained resources: a resource without any holds them trivially. */
const CONTAINED_RULES = new Set(['dom-2', 'dom-4', 'dom-5']);

function withoutContained(check: FastCheck): FastCheck {
  return (node, ctx) => (node !== null && typeof node === 'object' && (node as Record<string, unknown>).contained === undefined ? true : check(node, ctx));
}

/** ext-1, on every extension: extensions or a value[x], not both. */
const extensionXorValue: FastCheck = (node) => {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const obj = node as Record<string, unknown>;
  let value = false;
  for (const key in obj) {
    const start = key.charCodeAt(0) === 95 ? 1 : 0;
    if (key.startsWith('value', start) && key.length > start + 5) {
      const c = key.charCodeAt(start + 5);
      if (c >= 65 && c <= 90) value = true;
    }
  }
  const ext = obj.extension;
  const hasExtension = Array.isArray(ext) ? ext.some((e) => e !== null && e !== undefined) : ext !== undefined && ext !== null;
  return hasExtension !== value;
};

const fastCache = new Map<string, { fast?: FastCheck; guard?: GuardCheck }>();

const CORE = 'http://hl7.org/fhir/StructureDefinition/';

export function compileInvariant(c: NonNullable<ElementDefinition['constraint']>[number], coreDefinition: boolean): CInvariant | undefined {
  if (!c.key || !c.expression) return undefined;
  const inv: CInvariant = {
    key: c.key,
    severity: c.severity === 'warning' ? 'warning' : 'error',
    human: c.human ?? c.key,
    expression: c.expression,
    core: c.source ? c.source.startsWith(CORE) && !c.source.slice(CORE.length).includes('/') && isCoreName(c.source.slice(CORE.length)) : coreDefinition,
  };
  if (c.source) inv.source = c.source;
  const native = NATIVE[c.key];
  if (native && c.expression.startsWith(native)) {
    inv.native = c.key;
    return inv;
  }
  // The HL7 validator evaluates corrected versions of a few published base expressions; so does Sello.
  const expression = effectiveExpression(c.key, c.expression);
  let compiled = fastCache.get(expression);
  if (!compiled) {
    compiled = {};
    const fast = compileFast(expression);
    if (fast) compiled.fast = fast;
    const guard = compileGuard(expression);
    if (guard) compiled.guard = guard;
    fastCache.set(expression, compiled);
  }
  if (compiled.fast) inv.fast = CONTAINED_RULES.has(c.key) && expression.startsWith('contained.') ? withoutContained(compiled.fast) : compiled.fast;
  if (c.key === 'ext-1' && expression === 'extension.exists() != value.exists()') inv.fast = extensionXorValue;
  if (compiled.guard) inv.guard = compiled.guard;
  return inv;
}

function compileType(t: NonNullable<ElementDefinition['type']>[number]): CType {
  const code = typeCode(t);
  const profiles = t.profile ?? [];
  return { code, profiles, targetProfiles: t.targetProfile ?? [], key: code + '|' + (profiles[0] ?? ''), primitive: isPrimitiveType(code) };
}

/** `minValueDate: '2025-01-01'` → { type: 'Date', value }. */
function limitWithPrefix(e: ElementDefinition, prefix: string): ValueLimit | undefined {
  const rec = e as unknown as Record<string, unknown>;
  for (const key in rec) {
    if (key.startsWith(prefix) && key.length > prefix.length) {
      const c = key.charCodeAt(prefix.length);
      if (c >= 65 && c <= 90) return { type: key.slice(prefix.length), value: rec[key] };
    }
  }
  return undefined;
}

const valueWithPrefix = (e: ElementDefinition, prefix: string): unknown => limitWithPrefix(e, prefix)?.value;

function makeElement(e: ElementDefinition, sd: CompiledDefinition): CElement {
  const path = e.path ?? '';
  const last = path.slice(path.lastIndexOf('.') + 1);
  const isChoice = last.endsWith('[x]');
  const baseMax = e.base?.max ?? e.max;
  const el: CElement = {
    id: e.id ?? path,
    path,
    basePath: e.base?.path ?? path,
    name: isChoice ? last.slice(0, -3) : last,
    isChoice,
    min: e.min ?? 0,
    max: parseMax(e.max),
    isArray: baseMax !== '1' && baseMax !== '0',
    types: (e.type ?? []).map(compileType),
    invariants: [],
    mustSupport: e.mustSupport === true,
    isModifier: e.isModifier === true,
    slices: [],
    children: [],
    jsonChildren: new Map(),
    jsonNames: [],
    checkAbsent: [],
    sd,
  };
  const fixed = valueWithPrefix(e, 'fixed');
  if (fixed !== undefined) el.fixed = fixed;
  const pattern = valueWithPrefix(e, 'pattern');
  if (pattern !== undefined) el.pattern = pattern;
  if (e.binding?.strength) {
    el.binding = { strength: bindingStrengthErratum(sd.url, path, e.binding.valueSet, e.binding.strength) };
    if (e.binding.valueSet) el.binding.valueSet = e.binding.valueSet;
  }
  if (e.maxLength !== undefined) el.maxLength = e.maxLength;
  const minValue = limitWithPrefix(e, 'minValue');
  const maxValue = limitWithPrefix(e, 'maxValue');
  if (minValue || maxValue) el.valueRange = { ...(minValue ? { min: minValue } : {}), ...(maxValue ? { max: maxValue } : {}) };
  if (e.sliceName) el.sliceName = e.sliceName;
  if (e.contentReference) el.contentReference = e.contentReference.slice(e.contentReference.indexOf('#') + 1);
  if (e.slicing) {
    el.slicing = {
      discriminators: (e.slicing.discriminator ?? []).map((d) => ({ type: (d.type ?? 'value') as CDiscriminator['type'], path: d.path ?? '$this' })),
      rules: (e.slicing.rules ?? 'open') as CSlicing['rules'],
      ordered: e.slicing.ordered === true,
    };
  }
  for (const c of e.constraint ?? []) {
    const inv = compileInvariant(c, !sd.isProfile && sd.url.startsWith(CORE));
    if (inv) el.invariants.push(inv);
  }
  return el;
}

/** Ids for snapshots written without them, from paths and slice names. */
function elementId(e: ElementDefinition, active: Map<string, string>): string {
  return e.id ?? deriveElementId(e.path, e.sliceName, active);
}

export function compileDefinition(sd: StructureDefinition): CompiledDefinition {
  const elements = sd.snapshot?.element ?? [];
  const compiled = {
    url: sd.url ?? '',
    type: sd.type ?? '',
    kind: sd.kind ?? '',
    derivation: sd.derivation ?? 'specialization',
    isProfile: sd.derivation === 'constraint',
    byId: new Map<string, CElement>(),
    definition: sd,
  } as CompiledDefinition;
  const active = new Map<string, string>();
  let root: CElement | undefined;
  for (const e of elements) {
    const id = elementId(e, active);
    const el = makeElement({ ...e, id }, compiled);
    compiled.byId.set(id, el);
    if (!root) {
      root = el;
      continue;
    }
    const dot = id.lastIndexOf('.');
    const parentId = id.slice(0, dot);
    const last = id.slice(dot + 1);
    const colon = last.indexOf(':');
    if (colon >= 0) {
      const sliceName = last.slice(colon + 1);
      const slash = sliceName.lastIndexOf('/');
      const slicedId = parentId + '.' + last.slice(0, colon) + (slash >= 0 ? ':' + sliceName.slice(0, slash) : '');
      const sliced = compiled.byId.get(slicedId);
      if (sliced) {
        sliced.slices.push(el);
        el.parent = sliced.parent;
      }
      continue;
    }
    const parent = compiled.byId.get(parentId);
    if (!parent) continue;
    el.parent = parent;
    parent.children.push(el);
  }
  if (!root) {
    root = makeElement({ id: sd.type ?? 'Element', path: sd.type ?? 'Element' }, compiled);
  }
  compiled.root = root;
  for (const el of compiled.byId.values()) {
    indexChildren(el);
    if (el.contentReference) {
      const target = compiled.byId.get(el.contentReference) ?? [...compiled.byId.values()].find((x) => x.path === el.contentReference);
      if (target) el.contentTarget = target;
    }
  }
  return compiled;
}

export function indexChildren(el: CElement): void {
  for (const child of el.children) {
    if (child.jsonNames.length === 0) {
      if (child.isChoice) {
        for (const t of child.types) {
          const json = choiceJsonName(child.name, t.code);
          child.jsonNames.push({ element: child, type: t, json, ext: '_' + json, primitive: isPrimitiveType(t.code), label: `${child.name}.ofType(${t.code})` });
        }
      } else {
        const type = child.types.length === 1 ? child.types[0] : undefined;
        child.jsonNames.push({ element: child, type, json: child.name, ext: '_' + child.name, primitive: !!type && isPrimitiveType(type.code), label: child.name });
      }
    }
    for (const jc of child.jsonNames) el.jsonChildren.set(jc.json, jc);
    if (child.min > 0 || child.mustSupport || child.slices.length > 0) el.checkAbsent.push(child);
  }
}

export const isPrimitive = (t: CType | undefined): boolean => !!t && isPrimitiveType(t.code);
