/**
 * A CodeSystem resource indexed for expansion: every concept by code, its hierarchy (nesting plus the
 * `parent`/`child`/`subsumedBy` properties that v3 code systems use for polyhierarchy) and its property
 * values, so that `is-a`, `descendent-of`, `=`, `in`, `regex`, `exists` and `generalizes` filters are
 * set operations rather than tree walks repeated per code.
 */
import type { CodeSystem } from '../contracts.ts';

type CodeSystemConcept = NonNullable<CodeSystem['concept']>[number];
type ConceptProperty = NonNullable<CodeSystemConcept['property']>[number];
type ComposeFilter = { property?: string; op?: string; value?: string };

export interface ConceptInfo {
  code: string;
  display: string | undefined;
  /** notSelectable / abstract: a grouper, still a member of expansions (as in the HL7 expander's default). */
  abstract: boolean;
  /** status retired/inactive or inactive=true: excluded only when a compose says `inactive: false`. */
  inactive: boolean;
  /** Property code → primitive values as strings (several when the property repeats). */
  properties: Map<string, string[]>;
}

export interface CodeSystemIndex {
  url: string;
  content: string | undefined;
  /** Codes compare case-insensitively unless the CodeSystem says `caseSensitive: true` (HL7 validator reading). */
  caseSensitive: boolean;
  concepts: Map<string, ConceptInfo>;
  /** Lower-cased code → code, only for case-insensitive systems. */
  lowerCase: Map<string, string> | undefined;
  children: Map<string, Set<string>>;
  parents: Map<string, Set<string>>;
  /** Declared property codes, and the code of each well-known property URI (e.g. `#notSelectable`). */
  declaredProperties: Set<string>;
}

const PROPERTY_URI = 'http://hl7.org/fhir/concept-properties#';

function propertyValue(p: ConceptProperty): string | undefined {
  const v = p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDateTime ?? p.valueDecimal ?? p.valueCoding?.code;
  return v === undefined ? undefined : String(v);
}

export function indexCodeSystem(cs: CodeSystem): CodeSystemIndex {
  const concepts = new Map<string, ConceptInfo>();
  const children = new Map<string, Set<string>>();
  const parents = new Map<string, Set<string>>();
  const declaredProperties = new Set<string>();
  // Property codes are local names: find which local codes stand for the standard hierarchy/status properties.
  const role = new Map<string, string>();
  for (const p of cs.property ?? []) {
    if (!p.code) continue;
    declaredProperties.add(p.code);
    const standard = p.uri?.startsWith(PROPERTY_URI) ? p.uri.slice(PROPERTY_URI.length) : undefined;
    role.set(p.code, standard ?? p.code);
  }
  const roleOf = (code: string): string => role.get(code) ?? code;

  const link = (parent: string, child: string): void => {
    let c = children.get(parent);
    if (!c) children.set(parent, (c = new Set()));
    c.add(child);
    let p = parents.get(child);
    if (!p) parents.set(child, (p = new Set()));
    p.add(parent);
  };

  const visit = (list: CodeSystemConcept[] | undefined, parent: string | undefined): void => {
    for (const c of list ?? []) {
      if (!c.code) continue;
      const properties = new Map<string, string[]>();
      let abstract = false;
      let inactive = false;
      for (const p of c.property ?? []) {
        if (!p.code) continue;
        const value = propertyValue(p);
        if (value === undefined) continue;
        const values = properties.get(p.code);
        if (values) values.push(value);
        else properties.set(p.code, [value]);
        switch (roleOf(p.code)) {
          case 'notSelectable':
          case 'abstract':
            if (value === 'true') abstract = true;
            break;
          case 'status':
            if (value === 'retired' || value === 'inactive') inactive = true;
            break;
          case 'inactive':
            if (value === 'true') inactive = true;
            break;
          case 'child':
            link(c.code, value);
            break;
          case 'parent':
          case 'subsumedBy':
            link(value, c.code);
            break;
        }
      }
      if (!concepts.has(c.code)) concepts.set(c.code, { code: c.code, display: c.display, abstract, inactive, properties });
      if (parent !== undefined) link(parent, c.code);
      visit(c.concept, c.code);
    }
  };
  visit(cs.concept, undefined);

  const caseSensitive = cs.caseSensitive === true;
  let lowerCase: Map<string, string> | undefined;
  if (!caseSensitive) {
    lowerCase = new Map();
    for (const code of concepts.keys()) {
      const lc = code.toLowerCase();
      if (!lowerCase.has(lc)) lowerCase.set(lc, code);
    }
  }
  return { url: cs.url ?? '', content: cs.content, caseSensitive, concepts, lowerCase, children, parents, declaredProperties };
}

/** The concept for a code, exact first, then (case-insensitive systems only) ignoring case. */
export function findConcept(index: CodeSystemIndex, code: string): ConceptInfo | undefined {
  const exact = index.concepts.get(code);
  if (exact || !index.lowerCase) return exact;
  const actual = index.lowerCase.get(code.toLowerCase());
  return actual === undefined ? undefined : index.concepts.get(actual);
}

function closure(start: string, edges: Map<string, Set<string>>, includeStart: boolean): Set<string> {
  const out = new Set<string>();
  if (includeStart) out.add(start);
  const stack = [start];
  const seen = new Set<string>([start]);
  while (stack.length > 0) {
    const code = stack.pop() as string;
    for (const next of edges.get(code) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      out.add(next);
      stack.push(next);
    }
  }
  return out;
}

export type FilterResult = { codes: Set<string> } | { unsupported: string };

const KNOWN_PROPERTIES = new Set(['notSelectable', 'status', 'inactive', 'abstract', 'deprecated', 'parent', 'child']);

/** Codes of the system selected by one compose filter, or why it cannot be evaluated here. */
export function applyFilter(index: CodeSystemIndex, filter: ComposeFilter): FilterResult {
  const { property, op, value } = filter;
  if (!property || !op || value === undefined) return { unsupported: `incomplete filter ${JSON.stringify(filter)}` };
  const resolve = (code: string): string | undefined => findConcept(index, code)?.code;

  if (property === 'concept' || property === 'code') {
    switch (op) {
      case 'is-a':
      case 'descendent-of': {
        const root = resolve(value);
        if (root === undefined) return { codes: new Set() };
        return { codes: closure(root, index.children, op === 'is-a') };
      }
      case 'is-not-a': {
        const root = resolve(value);
        const excluded = root === undefined ? new Set<string>() : closure(root, index.children, true);
        return { codes: new Set([...index.concepts.keys()].filter((c) => !excluded.has(c))) };
      }
      case 'generalizes': {
        const root = resolve(value);
        return { codes: root === undefined ? new Set() : closure(root, index.parents, true) };
      }
      case '=': {
        const code = resolve(value);
        return { codes: new Set(code === undefined ? [] : [code]) };
      }
      case 'in':
      case 'not-in': {
        const listed = new Set(
          value
            .split(',')
            .map((v) => resolve(v.trim()))
            .filter((c): c is string => c !== undefined),
        );
        if (op === 'in') return { codes: listed };
        return { codes: new Set([...index.concepts.keys()].filter((c) => !listed.has(c))) };
      }
      case 'regex': {
        const re = safeRegex(value);
        if (!re) return { unsupported: `invalid regex ${value}` };
        return { codes: new Set([...index.concepts.keys()].filter((c) => re.test(c))) };
      }
      default:
        return { unsupported: `filter op '${op}' on '${property}'` };
    }
  }

  if (!index.declaredProperties.has(property) && !KNOWN_PROPERTIES.has(property)) {
    return { unsupported: `property '${property}' is not defined by ${index.url}` };
  }
  const valuesOf = (info: ConceptInfo): string[] => {
    const explicit = info.properties.get(property) ?? [];
    // The hierarchy is a property too: `parent = X` must see parents given by nesting, not only by property.
    if (property === 'parent') return [...explicit, ...(index.parents.get(info.code) ?? [])];
    if (property === 'child') return [...explicit, ...(index.children.get(info.code) ?? [])];
    if (explicit.length === 0 && property === 'notSelectable') return [String(info.abstract)];
    return explicit;
  };
  const select = (pred: (values: string[]) => boolean): FilterResult => {
    const codes = new Set<string>();
    for (const info of index.concepts.values()) if (pred(valuesOf(info))) codes.add(info.code);
    return { codes };
  };
  switch (op) {
    case '=':
      return select((vs) => vs.includes(value));
    case 'in': {
      const wanted = value.split(',').map((v) => v.trim());
      return select((vs) => vs.some((v) => wanted.includes(v)));
    }
    case 'not-in': {
      const unwanted = value.split(',').map((v) => v.trim());
      return select((vs) => !vs.some((v) => unwanted.includes(v)));
    }
    case 'exists':
      return select((vs) => vs.length > 0 === (value === 'true'));
    case 'regex': {
      const re = safeRegex(value);
      if (!re) return { unsupported: `invalid regex ${value}` };
      return select((vs) => vs.some((v) => re.test(v)));
    }
    default:
      return { unsupported: `filter op '${op}' on property '${property}'` };
  }
}

/** FHIR filter regexes match the whole value (as Java's String.matches in the HL7 validator). */
export function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    try {
      return new RegExp(`^(?:${source})$`);
    } catch {
      return undefined;
    }
  }
}
