/**
 * A ValueSet compiled into a membership test.
 *
 * Membership is three-valued: in, out, or unknown-because (a part of the definition needs a code system that
 * is not available offline). The compose is turned into a small tree of set operations whose leaves are
 * either enumerated code sets (explicit concept lists, whole local CodeSystems, filters evaluated on local
 * CodeSystems, prebuilt expansions) or predicates over one system (UCUM, BCP-47, or "unknown" for LOINC and
 * the like). Enumerated subtrees are collapsed into one Map when the tree is built, so a ValueSet defined
 * entirely by local content is answered by a single Map lookup.
 */
import type { ValueSet } from '../contracts.ts';
import type { Tri } from './special-systems.ts';

export type Key = string;
export const keyOf = (system: string, code: string): Key => `${system}\u0000${code}`;

export interface Member {
  display: string | undefined;
  /** The answer for this member, made once so that a hot lookup allocates nothing. */
  check?: { result: 'member'; display?: string };
}

/** Enumerated (system, code) pairs. `lowerCase` serves the systems whose codes compare case-insensitively. */
export interface SetNode {
  kind: 'set';
  members: Map<Key, Member>;
  lowerCase: Map<Key, Key> | undefined;
}
/** Every code of one system, decided by a function (true / false / unknown reason). */
export interface PredicateNode {
  kind: 'pred';
  system: string;
  test: (code: string) => Tri;
}
/** Nothing can be said about any code: e.g. an imported ValueSet that is not available. */
export interface UnknownNode {
  kind: 'unknown';
  reason: string;
}
export interface UnionNode {
  kind: 'union';
  parts: Node[];
}
export interface IntersectNode {
  kind: 'intersect';
  parts: Node[];
}
export interface MinusNode {
  kind: 'minus';
  base: Node;
  minus: Node;
}
export type Node = SetNode | PredicateNode | UnknownNode | UnionNode | IntersectNode | MinusNode;

export const EMPTY: SetNode = { kind: 'set', members: new Map(), lowerCase: undefined };

export type Answer = { in: true; display: string | undefined } | { in: false } | { in: 'unknown'; reason: string };

const NO: Answer = { in: false };

export function findMember(node: SetNode, system: string, code: string): Member | undefined {
  const m = node.members.get(keyOf(system, code));
  if (m || !node.lowerCase) return m;
  const actual = node.lowerCase.get(keyOf(system, code.toLowerCase()));
  return actual === undefined ? undefined : node.members.get(actual);
}

function lookupSet(node: SetNode, system: string, code: string): Answer {
  const m = findMember(node, system, code);
  return m ? { in: true, display: m.display } : NO;
}

function or(a: Answer, b: Answer): Answer {
  if (a.in === true) return a;
  if (b.in === true) return b;
  if (a.in === 'unknown') return a;
  return b;
}

function and(a: Answer, b: Answer): Answer {
  if (a.in === false) return a;
  if (b.in === false) return b;
  if (a.in === 'unknown') return a;
  if (b.in === 'unknown') return b;
  return { in: true, display: a.display ?? b.display };
}

export function evaluate(node: Node, system: string, code: string): Answer {
  switch (node.kind) {
    case 'set':
      return lookupSet(node, system, code);
    case 'pred': {
      if (node.system !== system) return NO;
      const r = node.test(code);
      return r === true ? { in: true, display: undefined } : r === false ? NO : { in: 'unknown', reason: r };
    }
    case 'unknown':
      return { in: 'unknown', reason: node.reason };
    case 'union': {
      let acc: Answer = NO;
      for (const part of node.parts) {
        acc = or(acc, evaluate(part, system, code));
        if (acc.in === true) return acc;
      }
      return acc;
    }
    case 'intersect': {
      let acc: Answer | undefined;
      for (const part of node.parts) {
        const r = evaluate(part, system, code);
        acc = acc === undefined ? r : and(acc, r);
        if (acc.in === false) return acc;
      }
      return acc ?? NO;
    }
    case 'minus': {
      const base = evaluate(node.base, system, code);
      if (base.in === false) return base;
      const minus = evaluate(node.minus, system, code);
      if (minus.in === true) return NO;
      if (minus.in === 'unknown') return base.in === 'unknown' ? base : minus;
      return base;
    }
  }
}

/** Every system a code could belong to in this tree, so that a code without a system can be tried in each. */
export function systemsOf(node: Node, out: Set<string> = new Set()): Set<string> {
  switch (node.kind) {
    case 'set':
      for (const k of node.members.keys()) out.add(k.slice(0, k.indexOf('\u0000')));
      break;
    case 'pred':
      out.add(node.system);
      break;
    case 'unknown':
      break;
    case 'union':
    case 'intersect':
      for (const p of node.parts) systemsOf(p, out);
      break;
    case 'minus':
      systemsOf(node.base, out);
      break;
  }
  return out;
}

export function hasUnknown(node: Node): string | undefined {
  switch (node.kind) {
    case 'unknown':
      return node.reason;
    case 'union':
    case 'intersect':
      for (const p of node.parts) {
        const r = hasUnknown(p);
        if (r) return r;
      }
      return undefined;
    case 'minus':
      return hasUnknown(node.base);
    default:
      return undefined;
  }
}

function mergeLowerCase(into: Map<Key, Key> | undefined, from: Map<Key, Key> | undefined): Map<Key, Key> | undefined {
  if (!from) return into;
  const out = into ?? new Map<Key, Key>();
  for (const [k, v] of from) if (!out.has(k)) out.set(k, v);
  return out;
}

/** Union with enumerated parts collapsed into one set. */
export function union(parts: Node[]): Node {
  const sets: SetNode[] = [];
  const rest: Node[] = [];
  for (const p of parts) {
    if (p.kind === 'set') sets.push(p);
    else if (p.kind === 'union') rest.push(...p.parts);
    else rest.push(p);
  }
  let merged: SetNode | undefined;
  if (sets.length === 1) merged = sets[0];
  else if (sets.length > 1) {
    const members = new Map<Key, Member>();
    let lowerCase: Map<Key, Key> | undefined;
    for (const s of sets) {
      for (const [k, m] of s.members) if (!members.has(k) || (members.get(k)?.display === undefined && m.display)) members.set(k, m);
      lowerCase = mergeLowerCase(lowerCase, s.lowerCase);
    }
    merged = { kind: 'set', members, lowerCase };
  }
  const all = merged && merged.members.size > 0 ? [merged, ...rest] : rest;
  if (all.length === 0) return EMPTY;
  if (all.length === 1) return all[0] as Node;
  return { kind: 'union', parts: all };
}

/** Intersection; two enumerated sets collapse, an empty set wins. */
export function intersect(parts: Node[]): Node {
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) return parts[0] as Node;
  const sets = parts.filter((p): p is SetNode => p.kind === 'set');
  const rest = parts.filter((p) => p.kind !== 'set');
  if (sets.some((s) => s.members.size === 0)) return EMPTY;
  let acc: SetNode | undefined;
  for (const s of sets) {
    if (!acc) {
      acc = s;
      continue;
    }
    const members = new Map<Key, Member>();
    for (const [k, m] of acc.members) {
      const other = s.members.get(k);
      if (other) members.set(k, { display: m.display ?? other.display });
    }
    acc = { kind: 'set', members, lowerCase: undefined };
  }
  if (!acc) return { kind: 'intersect', parts: rest };
  if (rest.length === 0) return acc;
  // A set intersected with predicates stays enumerable when every predicate answers definitely for its members.
  const members = new Map<Key, Member>();
  for (const [k, m] of acc.members) {
    const at = k.indexOf('\u0000');
    const answer = evaluate({ kind: 'intersect', parts: rest }, k.slice(0, at), k.slice(at + 1));
    if (answer.in === 'unknown') return { kind: 'intersect', parts: [acc, ...rest] };
    if (answer.in === true) members.set(k, m);
  }
  return { kind: 'set', members, lowerCase: undefined };
}

export function minus(base: Node, removed: Node): Node {
  if (removed.kind === 'set' && removed.members.size === 0) return base;
  if (base.kind === 'set' && base.members.size === 0) return EMPTY;
  if (base.kind === 'set') {
    const members = new Map<Key, Member>();
    for (const [k, m] of base.members) {
      const at = k.indexOf('\u0000');
      const answer = evaluate(removed, k.slice(0, at), k.slice(at + 1));
      if (answer.in === 'unknown') return { kind: 'minus', base, minus: removed };
      if (answer.in === false) members.set(k, m);
    }
    // Case-insensitive lookups would bypass the exclusion, so they are dropped with it.
    return { kind: 'set', members, lowerCase: removed.kind === 'set' && removed.members.size > 0 ? undefined : base.lowerCase };
  }
  return { kind: 'minus', base, minus: removed };
}

/** A prebuilt `expansion.contains` (nested), taken at face value as the HL7 validator does. */
export function fromExpansion(vs: ValueSet): { node: Node; complete: boolean } {
  const members = new Map<Key, Member>();
  let entries = 0;
  const systems = new Set<string>();
  type Contains = NonNullable<NonNullable<ValueSet['expansion']>['contains']>;
  const walk = (list: Contains | undefined): void => {
    for (const c of list ?? []) {
      entries++;
      if (c.system && c.code) {
        systems.add(c.system);
        const k = keyOf(c.system, c.code);
        if (!members.has(k)) members.set(k, { display: c.display });
      }
      walk(c.contains);
    }
  };
  walk(vs.expansion?.contains);
  const total = vs.expansion?.total;
  const complete = (vs.expansion?.offset ?? 0) === 0 && (total === undefined || total <= entries);
  const set: SetNode = { kind: 'set', members, lowerCase: undefined };
  if (complete) return { node: set, complete };
  const reason = `the expansion of ${vs.url ?? 'the ValueSet'} is partial (${entries} of ${total ?? '?'} codes)`;
  return {
    node: union([set, ...[...systems].map((system): PredicateNode => ({ kind: 'pred', system, test: () => reason }))]),
    complete,
  };
}
