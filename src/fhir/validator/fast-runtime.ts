/**
 * Runtime of the fast FHIRPath subset: collections, navigation over the JSON, truthiness and the bail-out
 * signal that hands a case to the full engine.
 */

export type Node = unknown;
export type Collection = unknown[];

export interface FastContext {
  resource: unknown;
  rootResource: unknown;
}

/** Returns the verdict, or undefined when the engine must decide. */
export type FastCheck = (node: Node, ctx: FastContext) => boolean | undefined;
export type GuardCheck = (node: Node) => boolean;

export type Expr = (focus: Collection, env: Env) => Collection;

export interface Env {
  thisItem: Collection;
  resource: unknown;
  rootResource: unknown;
}

export class Bail extends Error {}
export const BAIL = new Bail('not in the fast subset');
export const bail = (): never => {
  throw BAIL;
};

export const EXT_ONLY = Object.freeze({ __extensionOnly: true });

/**
 * The type suffixes of R4 choice elements (`valueQuantity`): without type information, this is how a
 * property is told to be a choice (so that `binding.value` does not find `binding.valueSet`).
 */
export const CHOICE_TYPES = new Set([
  'Base64Binary',
  'Boolean',
  'Canonical',
  'Code',
  'Date',
  'DateTime',
  'Decimal',
  'Id',
  'Instant',
  'Integer',
  'Markdown',
  'Oid',
  'PositiveInt',
  'String',
  'Time',
  'UnsignedInt',
  'Uri',
  'Url',
  'Uuid',
  'Address',
  'Age',
  'Annotation',
  'Attachment',
  'CodeableConcept',
  'Coding',
  'ContactPoint',
  'Count',
  'Distance',
  'Duration',
  'HumanName',
  'Identifier',
  'Money',
  'Period',
  'Quantity',
  'Range',
  'Ratio',
  'Reference',
  'SampledData',
  'Signature',
  'Timing',
  'ContactDetail',
  'Contributor',
  'DataRequirement',
  'Expression',
  'ParameterDefinition',
  'RelatedArtifact',
  'TriggerDefinition',
  'UsageContext',
  'Dosage',
  'Meta',
]);

/** `_name` for each name navigated: built once, not on every step of every invariant. */
const extNames = new Map<string, string>();

/**
 * Children named `name` of the nodes, flattening arrays; `value` also finds `valueString` etc. Nothing found is the
 * shared empty collection (never written to): most steps of most invariants find nothing, and an array each was a
 * good part of what validation allocated.
 */
export function navigate(nodes: readonly Node[], name: string): Node[] {
  let ext = extNames.get(name);
  if (ext === undefined) extNames.set(name, (ext = '_' + name));
  let out: Node[] | undefined;
  for (const n of nodes) {
    if (n === null || typeof n !== 'object' || Array.isArray(n) || n === EXT_ONLY) continue;
    const obj = n as Record<string, unknown>;
    const v = obj[name];
    if (v !== undefined) {
      out = push(out, v, obj[ext]);
      continue;
    }
    const extPart = obj[ext];
    if (extPart !== undefined) {
      // a primitive present only through its `_name` part exists, without a value
      if (Array.isArray(extPart)) {
        for (const x of extPart) if (x !== null && x !== undefined) out = add(out, EXT_ONLY);
      } else if (extPart !== null) out = add(out, EXT_ONLY);
      continue;
    }
    for (const key in obj) {
      if (key.length > name.length && key.startsWith(name) && CHOICE_TYPES.has(key.slice(name.length))) {
        out = push(out, obj[key], obj['_' + key]);
      }
    }
  }
  return out ?? NONE;
}

function push(out: Node[] | undefined, v: unknown, ext: unknown): Node[] | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && x !== undefined) out = add(out, x);
      else if (Array.isArray(ext) && ext[i] !== null && ext[i] !== undefined) out = add(out, EXT_ONLY);
    }
  } else if (v !== null) out = add(out, v);
  return out;
}

function add(out: Node[] | undefined, x: Node): Node[] {
  if (out === undefined) return [x];
  out.push(x);
  return out;
}

export const isPrimitiveValue = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Strings that FHIRPath may type as date/time, whose comparison rules the subset does not model. */
export const DATE_LIKE = /^\d{4}(-\d{2}(-\d{2}(T.*)?)?)?$|^T?\d{2}:\d{2}/;

/** Singleton evaluation of a collection as a boolean (true / false / empty). */
export function asBoolean(c: Collection): boolean | undefined {
  if (c.length === 0) return undefined;
  if (c.length > 1) bail();
  const v = c[0];
  if (typeof v !== 'boolean') bail();
  return v as boolean;
}

export const TRUE: Collection = [true];
export const FALSE: Collection = [false];
export const NONE: Collection = [];
export const bool = (b: boolean | undefined): Collection => (b === undefined ? NONE : b ? TRUE : FALSE);

export function singletonPrimitive(c: Collection): string | number | boolean | undefined {
  if (c.length === 0) return undefined;
  if (c.length > 1) bail();
  const v = c[0];
  if (!isPrimitiveValue(v)) bail();
  return v as string | number | boolean;
}

export function singletonString(c: Collection): string | undefined {
  const v = singletonPrimitive(c);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bail();
  return v as string;
}
