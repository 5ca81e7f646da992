/**
 * Base invariants evaluated in plain JavaScript. ele-1 sits on every element and ext-1 on every extension,
 * so running them through fhirpath.js (tens of microseconds each) would dominate validation time; obs-7
 * (every Observation) costs fhirpath.js some 50-100 µs. Each
 * function gives the verdict of its (HL7-fixed) expression on FHIR JSON, `_field` siblings included, or
 * `undefined` to hand an unusual shape back to fhirpath.js; test/fhir/invariants checks them against
 * fhirpath.js on the same nodes.
 */

import { isObject } from '../../util/is-object.ts';
import type { InvariantContext } from '../contracts.ts';
import { choiceTypes } from './engine.ts';
import { BASE_EXPRESSIONS } from './fixes.ts';
import { hasNarrativeContent } from './narrative.ts';

export type NativeCheck = (node: unknown, context: InvariantContext, primitive: PrimitiveView | undefined) => boolean | undefined;

/** A primitive-typed node split into its JSON value and its `_field` element (id, extension). */
export interface PrimitiveView {
  value: unknown;
  element: Record<string, unknown> | undefined;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && !(Array.isArray(v) && v.every((i) => i === null || i === undefined));

/**
 * `children().count() > id.count()` on FHIR JSON: some child other than `id`. A property and its `_`
 * sibling make one child, and `_id` alone is the id element.
 */
function hasNonIdChild(obj: Record<string, unknown>): boolean {
  for (const key in obj) {
    if (key === 'resourceType' || key === 'id' || key === '_id') continue;
    if (present(obj[key])) return true;
  }
  return false;
}

const ele1: NativeCheck = (node, _context, primitive) => {
  if (primitive) {
    if (primitive.value !== undefined && primitive.value !== null) return true;
    return primitive.element ? hasNonIdChild(primitive.element) : false;
  }
  if (!isObject(node)) return undefined;
  return hasNonIdChild(node);
};

const choiceKeys = (path: string): Set<string> => new Set(choiceTypes(path).flatMap((t) => [`value${t}`, `_value${t}`]));
let extensionValueKeys: Set<string> | undefined;
let observationValueKeys: Set<string> | undefined;

const ext1: NativeCheck = (node) => {
  if (!isObject(node)) return undefined;
  const hasExtension = present(node.extension);
  let hasValue = false;
  // An extension has a handful of keys: walk them rather than the fifty value[x] names.
  extensionValueKeys ??= choiceKeys('Extension.value');
  for (const k in node) {
    if (extensionValueKeys.has(k) && present(node[k])) {
      hasValue = true;
      break;
    }
  }
  return hasExtension !== hasValue;
};

const containedOf = (node: unknown): Record<string, unknown>[] | undefined => {
  if (!isObject(node)) return undefined;
  const c = node.contained;
  if (c === undefined || c === null) return [];
  if (!Array.isArray(c)) return undefined;
  return c.filter(isObject);
};

const dom2: NativeCheck = (node) => containedOf(node)?.every((c) => !present(c.contained));

const metaOf = (c: Record<string, unknown>): Record<string, unknown> | undefined => (isObject(c.meta) ? c.meta : undefined);

const dom4: NativeCheck = (node) =>
  containedOf(node)?.every((c) => {
    const meta = metaOf(c);
    return !meta || (!present(meta.versionId) && !present(meta._versionId) && !present(meta.lastUpdated) && !present(meta._lastUpdated));
  });

const dom5: NativeCheck = (node) => containedOf(node)?.every((c) => !present(metaOf(c)?.security));

/** Only the outermost resource needs a narrative (the HL7 fix); the check is then `text.div.exists()`. */
const dom6: NativeCheck = (node, context) => {
  if (!isObject(node)) return undefined;
  if (node !== context.rootResource) return true;
  const text = node.text;
  return isObject(text) && (present(text.div) || present(text._div));
};

/** dom-3 only has work to do when there are contained resources; otherwise it is true. */
const dom3: NativeCheck = (node) => {
  const contained = containedOf(node);
  return contained && contained.length === 0 ? true : undefined;
};

/** The HL7-fixed ref-1: a local reference must name a resource contained in the root resource. */
const ref1: NativeCheck = (node, context) => {
  if (!isObject(node)) return undefined;
  const reference = node.reference;
  if (reference === undefined || reference === null) return present(node._reference) ? undefined : true;
  if (typeof reference !== 'string') return undefined;
  if (reference === '#' || !reference.startsWith('#')) return true;
  const root = context.rootResource;
  const contained = isObject(root) && Array.isArray(root.contained) ? root.contained : [];
  const id = reference.slice(1);
  return contained.some((c) => isObject(c) && c.id === id);
};

const CODING_KEYS = new Set(['system', 'version', 'code', 'display', 'userSelected']);

/** A Coding of primitives only: anything else (extensions, `_display`) is left to fhirpath.js's equality. */
const plainCoding = (c: unknown): c is Record<string, string | boolean> => isObject(c) && Object.keys(c).every((k) => CODING_KEYS.has(k) && (typeof c[k] === 'string' || typeof c[k] === 'boolean'));

/** FHIRPath `=` on two plain Codings: the same elements with the same values. */
function sameCoding(a: Record<string, string | boolean>, b: Record<string, string | boolean>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/** obs-7: with a value, no component may carry one of the Observation's own codings. */
const obs7: NativeCheck = (node, context) => {
  if (!isObject(node)) return undefined;
  let hasValue = false;
  observationValueKeys ??= choiceKeys('Observation.value');
  for (const k in node) {
    if (observationValueKeys.has(k) && present(node[k])) {
      hasValue = true;
      break;
    }
  }
  if (!hasValue || !present(node.component)) return true;
  if (!Array.isArray(node.component)) return undefined;
  const resource = context.resource;
  const own = isObject(resource) && isObject(resource.code) ? resource.code.coding : undefined;
  if (own === undefined || own === null) return true;
  if (!Array.isArray(own) || !own.every(plainCoding)) return undefined;
  for (const component of node.component) {
    if (!isObject(component) || !isObject(component.code)) continue;
    const codings = component.code.coding;
    if (codings === undefined || codings === null) continue;
    if (!Array.isArray(codings) || !codings.every(plainCoding)) return undefined;
    if (codings.some((c) => own.some((o) => sameCoding(c, o)))) return false;
  }
  return true;
};

/**
 * bdl-11 / bdl-12: a document (message) Bundle starts with a Composition (MessageHeader). fhirpath.js builds
 * a node for every entry before `first()`, which costs a large Bundle almost half a millisecond.
 */
const firstEntryIs =
  (bundleType: string, resourceType: string): NativeCheck =>
  (node) => {
    if (!isObject(node) || typeof node.type !== 'string') return undefined;
    if (node.type !== bundleType) return true;
    const first = Array.isArray(node.entry) ? node.entry[0] : undefined;
    if (first === undefined) return false;
    if (!isObject(first)) return undefined;
    return isObject(first.resource) && first.resource.resourceType === resourceType;
  };

const txt2: NativeCheck = (_node, _context, primitive) => {
  const div = primitive?.value;
  return typeof div === 'string' ? hasNarrativeContent(div) : undefined;
};

export interface NativeInvariant {
  key: string;
  /** The published expressions this implementation stands for. */
  expressions: readonly string[];
  check: NativeCheck;
}

export const NATIVE_INVARIANTS: readonly NativeInvariant[] = [
  { key: 'ele-1', expressions: ['hasValue() or (children().count() > id.count())'], check: ele1 },
  { key: 'ext-1', expressions: ['extension.exists() != value.exists()'], check: ext1 },
  { key: 'dom-2', expressions: ['contained.contained.empty()'], check: dom2 },
  { key: 'dom-4', expressions: ['contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()'], check: dom4 },
  { key: 'dom-5', expressions: ['contained.meta.security.empty()'], check: dom5 },
  { key: 'dom-6', expressions: ['text.`div`.exists()'], check: dom6 },
  {
    key: 'ref-1',
    expressions: ["reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))"],
    check: ref1,
  },
  { key: 'dom-3', expressions: [BASE_EXPRESSIONS.dom3, BASE_EXPRESSIONS.dom3r4b], check: dom3 },
  { key: 'obs-7', expressions: ['value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()'], check: obs7 },
  { key: 'txt-2', expressions: ['htmlChecks()'], check: txt2 },
  { key: 'bdl-11', expressions: ["type = 'document' implies entry.first().resource.is(Composition)"], check: firstEntryIs('document', 'Composition') },
  { key: 'bdl-12', expressions: ["type = 'message' implies entry.first().resource.is(MessageHeader)"], check: firstEntryIs('message', 'MessageHeader') },
];
