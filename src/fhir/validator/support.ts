/**
 * Constants and pure helpers the validator modules share.
 */
import { createRequire } from 'node:module';
import type { Finding } from '../../findings/finding.ts';
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CInvariant } from './compile.ts';
import { navigate } from './fast-invariants.ts';
import { isObject } from './json.ts';
import { text } from './messages.ts';
import type { Item, ResourceScope } from './scope.ts';

export const EMPTY: Item[] = [];
export const WHITESPACE_START = /^\s/;
export const WHITESPACE_END = /\s$/;
export const EXTENSION_BASE = CORE_SD_PREFIX + 'Extension';
export const XVER = /^http:\/\/hl7\.org\/fhir\/[0-9.]+\/StructureDefinition\/extension-/;
export const STRUCTURAL_TYPES = new Set(['BackboneElement', 'Element']);

/**
 * Domains whose unknown extensions the HL7 validator lets through (it errors on any other unknown
 * extension): its example domains, plus the TLDs RFC 2606 reserves for documentation (`.example`).
 * Sello still warns, since nothing about such an extension can be checked.
 */
export function exampleExtensionDomain(url: string): boolean {
  if (
    url.includes('example.org') ||
    url.includes('example.com') ||
    url.includes('example.net') ||
    url.includes('acme.com') ||
    url.includes('nema.org') ||
    url.startsWith('http://hl7.org/fhir/tools/StructureDefinition/') ||
    url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-expression'
  ) {
    return true;
  }
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url)?.[1]?.toLowerCase();
  return !!host && (host.endsWith('.example') || host === 'example');
}

/** Bundle types whose urn: references must resolve inside the Bundle (nothing else can resolve them). */
export const SELF_CONTAINED = new Set(['document', 'message', 'transaction', 'batch', 'transaction-response', 'batch-response']);

export const indexed = (path: string, name: string, isArray: boolean, i: number): string => (isArray ? `${path}.${name}[${i}]` : `${path}.${name}`);

export const require = createRequire(import.meta.url);
let parseFhirpath: ((expression: string) => unknown) | undefined;

/** fhirpath.js takes ~100 ms to load: only the rare checks that need its parser pay for it. */
export function fhirpathParser(): (expression: string) => unknown {
  parseFhirpath ??= (require('fhirpath') as { parse: (expression: string) => unknown }).parse;
  return parseFhirpath;
}

export const VALUESET_PARAMETER = 'http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter';
export const CQF_EXPRESSION = 'http://hl7.org/fhir/StructureDefinition/cqf-expression';
export const STANDARD_VARIABLES = new Set(['resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc', 'us-zip', 'factory', 'terminologies', 'server']);

export const narrativeFree = new WeakMap<CElement, CInvariant[]>();
export const elementOnly = new WeakMap<CElement, CInvariant[]>();

/** The invariants an extension element adds to those of the Extension definition itself. */
export function elementOnlyInvariants(def: CElement): CInvariant[] {
  let list = elementOnly.get(def);
  if (!list) elementOnly.set(def, (list = def.invariants.filter((i) => i.key !== 'ext-1' && !i.native)));
  return list;
}

export function withoutNarrativeRule(root: CElement): CInvariant[] {
  let list = narrativeFree.get(root);
  if (!list) narrativeFree.set(root, (list = root.invariants.filter((i) => i.key !== 'dom-6')));
  return list;
}

export function containerOf(scope: ResourceScope): ResourceScope {
  // a contained resource shares its container's hash set: local references resolve in the container
  let s = scope;
  while (s.parent && s.parent.hashRefs === s.hashRefs) s = s.parent;
  return s;
}

export const REST_REF = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function referenceType(ref: string, types: Set<string>): string | undefined {
  const m = REST_REF.exec(ref);
  if (!m) return undefined;
  return types.has(m[1]!) ? m[1] : undefined;
}

/** Navigation for slice discriminators: plain paths, `$this`, `extension('url')`, `ofType(T)`. */
export function navigateJson(value: unknown, path: string): unknown[] {
  let nodes: unknown[] = [value];
  for (const raw of path.split('.')) {
    if (raw === '$this' || raw === '') continue;
    if (raw.startsWith('ofType(')) continue;
    const ext = /^extension\('([^']*)'\)$/.exec(raw);
    if (ext) {
      const url = ext[1];
      nodes = navigate(nodes, 'extension').filter((e) => isObject(e) && e.url === url);
      continue;
    }
    if (raw === 'resolve()') return [];
    nodes = navigate(nodes, raw);
  }
  return nodes;
}

export function describeKind(v: unknown): string {
  if (Array.isArray(v)) return 'an Array';
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'object') return 'an Object';
  return `a ${typeof v}`;
}

/** per-1: start <= end; mixed precisions that cannot be ordered fail, as in the HL7 validator. */
export function periodOk(node: unknown): boolean {
  if (!isObject(node) || typeof node.start !== 'string' || typeof node.end !== 'string') return true;
  const start = node.start;
  const end = node.end;
  const hasTime = (s: string): boolean => s.includes('T');
  if (hasTime(start) && hasTime(end)) {
    const a = Date.parse(start);
    const b = Date.parse(end);
    if (Number.isNaN(a) || Number.isNaN(b)) return true;
    return a <= b;
  }
  if (!hasTime(start) && !hasTime(end)) {
    if (start.length === end.length) return start <= end;
    const n = Math.min(start.length, end.length);
    const a = start.slice(0, n);
    const b = end.slice(0, n);
    return a < b;
  }
  // one has a time, the other not: comparable only when the dates differ
  const a = start.slice(0, 10);
  const b = end.slice(0, 10);
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n);
}

export function dedupe(findings: Finding[]): Finding[] {
  // the base and profile walks can report the same thing; same rule, place and text is one finding
  const seen = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = f.ruleId + '\u0000' + f.location;
    const same = seen.get(key);
    if (same?.some((g) => g.message.en === f.message.en)) continue;
    if (same) same.push(f);
    else seen.set(key, [f]);
    out.push(f);
  }
  return out;
}
