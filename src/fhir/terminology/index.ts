/**
 * Offline terminology for the FHIR R4 validator: is a code in a ValueSet?
 *
 * A ValueSet is compiled on its first use (see expansion.ts) and kept; later checks are a Map lookup for
 * ValueSets made of local content, and a memoised walk of a few nodes for the others. Answers follow the HL7
 * validator run without a terminology server: a code that only an unavailable code system (LOINC, SNOMED CT,
 * ICD-10, RxNorm…) could settle is `unknown` with the reason, never `not-member`.
 */
import type { CodeCheck, CodeSystem, DefinitionSource, TerminologyService, ValueSet } from '../contracts.ts';
import { splitCanonical } from './base-source.ts';
import { applyFilter, type CodeSystemIndex, findConcept, indexCodeSystem, safeRegex } from './code-system.ts';
import { type Answer, EMPTY, evaluate, findMember, fromExpansion, hasUnknown, intersect, type Key, keyOf, type Member, minus, type Node, type SetNode, systemsOf, union } from './expansion.ts';
import { BCP13, MIMETYPE_SHORT_FORMS, MIMETYPES_VALUESET, SPECIAL_SYSTEMS, type Tri } from './special-systems.ts';

export { type BaseSourceOptions, type BaseTerminologySource, definitionsDataDir, loadBaseTerminologySource } from './base-source.ts';
export { isWellFormedLanguageTag, isWellFormedMimeType } from './special-systems.ts';

type ComposeInclude = NonNullable<NonNullable<ValueSet['compose']>['include']>[number];

export interface TerminologyStats {
  /** ValueSets compiled so far, with the milliseconds each took (imports included in the importer's time). */
  expansions: { url: string; ms: number; members: number | undefined }[];
  codeSystemsIndexed: number;
}

export interface SelloTerminology extends TerminologyService {
  stats(): TerminologyStats;
}

interface Compiled {
  node: Node;
  /** Systems a code-only check must try. */
  systems: string[];
  /** Set when some part answers `unknown` whatever the system. */
  openReason: string | undefined;
  /** code → display, built on the first code-only check of an enumerated ValueSet. */
  byCode: Map<string, Member> | undefined;
  memo: Map<string, CodeCheck>;
}

const MEMO_LIMIT = 50_000;
const NOT_MEMBER: CodeCheck = Object.freeze({ result: 'not-member' });

const toCheck = (a: Answer): CodeCheck =>
  a.in === true ? (a.display === undefined ? { result: 'member' } : { result: 'member', display: a.display }) : a.in === false ? { result: 'not-member' } : { result: 'unknown', reason: a.reason };

export function createTerminology(source: DefinitionSource): SelloTerminology {
  const codeSystems = new Map<string, CodeSystemIndex | null>();
  const compiled = new Map<string, Compiled | null>();
  const compiling = new Set<string>();
  const stats: TerminologyStats = { expansions: [], codeSystemsIndexed: 0 };

  function findValueSet(canonical: string): ValueSet | undefined {
    const vs = source.valueSet(canonical);
    if (vs || !canonical.includes('|')) return vs;
    return source.valueSet(splitCanonical(canonical).url);
  }

  function findCodeSystem(system: string, version: string | undefined): CodeSystem | undefined {
    if (version !== undefined) return source.codeSystem(`${system}|${version}`) ?? source.codeSystem(system);
    return source.codeSystem(system);
  }

  function codeSystemIndex(system: string, version: string | undefined): CodeSystemIndex | null {
    const k = version === undefined ? system : `${system}|${version}`;
    let idx = codeSystems.get(k);
    if (idx === undefined) {
      const cs = findCodeSystem(system, version);
      // Only a resource that carries the system's codes can answer; a supplement or a stub cannot.
      idx = cs && cs.content !== 'not-present' && cs.content !== 'supplement' ? indexCodeSystem(cs) : null;
      if (idx) stats.codeSystemsIndexed++;
      codeSystems.set(k, idx);
    }
    return idx;
  }

  function setOf(system: string, codes: Iterable<string>, idx: CodeSystemIndex, activeOnly: boolean): SetNode {
    const members = new Map<Key, Member>();
    let lowerCase: Map<Key, Key> | undefined;
    for (const code of codes) {
      const info = idx.concepts.get(code);
      if (!info || (activeOnly && info.inactive)) continue;
      const k = keyOf(system, code);
      members.set(k, { display: info.display });
      if (!idx.caseSensitive) (lowerCase ??= new Map()).set(keyOf(system, code.toLowerCase()), k);
    }
    return { kind: 'set', members, lowerCase };
  }

  function systemPart(inc: ComposeInclude, vsUrl: string | undefined, activeOnly: boolean): Node {
    const split = splitCanonical(inc.system as string);
    const system = split.url;
    const version = inc.version ?? split.version;
    const idx = codeSystemIndex(system, version);
    const complete = idx !== null && (idx.content === undefined || idx.content === 'complete') ? idx : undefined;
    const special = SPECIAL_SYSTEMS.get(system);
    const unavailable = idx
      ? `${system} is only a ${idx.content} CodeSystem here: codes it does not list cannot be checked offline`
      : `code system ${system}${version ? `|${version}` : ''} is not available offline`;

    if (inc.concept && inc.concept.length > 0) {
      const members = new Map<Key, Member>();
      for (const c of inc.concept) {
        if (!c.code) continue;
        if (complete) {
          // A listed code that its (complete) CodeSystem does not define is not a valid member.
          const info = findConcept(complete, c.code);
          if (!info || (activeOnly && info.inactive)) continue;
          members.set(keyOf(system, c.code), { display: info.display ?? c.display });
        } else {
          // The HL7 validator takes an enumerated code of an unknown system on faith.
          members.set(keyOf(system, c.code), { display: c.display });
        }
      }
      return { kind: 'set', members, lowerCase: undefined };
    }

    if (inc.filter && inc.filter.length > 0) {
      if (complete) {
        let codes: Set<string> | undefined;
        for (const f of inc.filter) {
          const r = applyFilter(complete, f);
          if ('unsupported' in r) {
            const reason = `cannot evaluate the filter of ${vsUrl ?? 'a ValueSet'} on ${system}: ${r.unsupported}`;
            return { kind: 'pred', system, test: (code) => (findConcept(complete, code) ? reason : false) };
          }
          codes = codes ? new Set([...codes].filter((c) => r.codes.has(c))) : r.codes;
        }
        return setOf(system, codes ?? [], complete, activeOnly);
      }
      const tests: ((code: string) => Tri)[] = [];
      let understood = true;
      for (const f of inc.filter) {
        const t = special?.filter?.(f.property ?? '', f.op ?? '', f.value ?? '');
        if (t) tests.push(t);
        else if ((f.property === 'code' || f.property === 'concept') && f.op === 'regex' && f.value !== undefined) {
          // A code that fails the regex is out whatever the system holds.
          const re = safeRegex(f.value);
          if (re) tests.push((code) => (re.test(code) ? true : false));
          understood = false;
        } else understood = false;
      }
      const reason = `${unavailable} (filter ${inc.filter.map((f) => `${f.property} ${f.op} ${f.value}`).join(', ')})`;
      return {
        kind: 'pred',
        system,
        test: (code) => {
          for (const t of tests) {
            const r = t(code);
            if (r !== true) return r;
          }
          if (!understood) return reason;
          return special ? special.check(code) : reason;
        },
      };
    }

    // The whole system.
    if (complete) return setOf(system, complete.concepts.keys(), complete, activeOnly);
    if (idx) {
      const known = setOf(system, idx.concepts.keys(), idx, activeOnly);
      return union([known, { kind: 'pred', system, test: (code) => (findConcept(idx, code) ? true : unavailable) }]);
    }
    if (special) {
      if (system === BCP13 && vsUrl === MIMETYPES_VALUESET) {
        return { kind: 'pred', system, test: (code) => (MIMETYPE_SHORT_FORMS.has(code) ? true : special.check(code)) };
      }
      return { kind: 'pred', system, test: (code) => special.check(code) };
    }
    return { kind: 'pred', system, test: () => unavailable };
  }

  function component(inc: ComposeInclude, vsUrl: string | undefined, activeOnly: boolean): Node {
    const parts: Node[] = [];
    for (const imported of inc.valueSet ?? []) {
      if (compiling.has(imported)) {
        parts.push({ kind: 'unknown', reason: `ValueSet ${imported} imports itself` });
        continue;
      }
      const c = compile(imported);
      parts.push(c ? c.node : { kind: 'unknown', reason: `ValueSet ${imported} (imported by ${vsUrl ?? 'a ValueSet'}) is not available offline` });
    }
    if (inc.system) parts.push(systemPart(inc, vsUrl, activeOnly));
    return parts.length === 0 ? EMPTY : intersect(parts);
  }

  function compile(canonical: string): Compiled | null {
    const cached = compiled.get(canonical);
    if (cached !== undefined) return cached;
    const vs = findValueSet(canonical);
    if (!vs) {
      compiled.set(canonical, null);
      return null;
    }
    // Versioned and unversioned references to one ValueSet share the compiled form.
    const shared = vs.url && vs.url !== canonical ? compiled.get(vs.url) : undefined;
    if (shared) {
      compiled.set(canonical, shared);
      return shared;
    }
    const t0 = performance.now();
    compiling.add(canonical);
    let node: Node;
    try {
      if (vs.expansion?.contains) {
        node = fromExpansion(vs).node;
      } else {
        const compose = vs.compose;
        const activeOnly = compose?.inactive === false;
        const included = union((compose?.include ?? []).map((inc) => component(inc, vs.url, activeOnly)));
        const excluded = union((compose?.exclude ?? []).map((exc) => component(exc, vs.url, false)));
        node = minus(included, excluded);
      }
    } finally {
      compiling.delete(canonical);
    }
    const result: Compiled = {
      node,
      systems: [...systemsOf(node)],
      openReason: hasUnknown(node),
      byCode: undefined,
      memo: new Map(),
    };
    compiled.set(canonical, result);
    if (vs.url && vs.url !== canonical) compiled.set(vs.url, result);
    stats.expansions.push({ url: canonical, ms: performance.now() - t0, members: node.kind === 'set' ? node.members.size : undefined });
    return result;
  }

  function codeOnly(c: Compiled, code: string): Answer {
    if (c.node.kind === 'set' && !c.node.lowerCase) {
      if (!c.byCode) {
        c.byCode = new Map();
        for (const [k, m] of c.node.members) {
          const code1 = k.slice(k.indexOf('\u0000') + 1);
          if (!c.byCode.has(code1)) c.byCode.set(code1, m);
        }
      }
      const m = c.byCode.get(code);
      return m ? { in: true, display: m.display } : { in: false };
    }
    let acc: Answer = c.openReason ? { in: 'unknown', reason: c.openReason } : { in: false };
    for (const system of c.systems) {
      const r = evaluate(c.node, system, code);
      if (r.in === true) return r;
      if (r.in === 'unknown' && acc.in === false) acc = r;
    }
    return acc;
  }

  return {
    hasValueSet(url: string): boolean {
      return compiled.get(url) ? true : findValueSet(url) !== undefined;
    },

    checkCode(valueSetUrl: string, system: string | undefined, code: string): CodeCheck {
      const c = compile(valueSetUrl);
      if (!c) return { result: 'unknown', reason: `ValueSet ${valueSetUrl} is not available offline` };
      const node = c.node;
      if (system !== undefined && node.kind === 'set') {
        // The common case: one Map lookup, nothing to memoise or allocate.
        const m = findMember(node, system, code);
        if (!m) return NOT_MEMBER;
        return (m.check ??= m.display === undefined ? { result: 'member' } : { result: 'member', display: m.display });
      }
      const memoKey = system === undefined ? `\u0001${code}` : keyOf(system, code);
      let r = c.memo.get(memoKey);
      if (r === undefined) {
        r = toCheck(system === undefined ? codeOnly(c, code) : evaluate(node, system, code));
        if (c.memo.size >= MEMO_LIMIT) c.memo.clear();
        c.memo.set(memoKey, r);
      }
      return r;
    },

    stats: () => ({ expansions: [...stats.expansions], codeSystemsIndexed: stats.codeSystemsIndexed }),
  };
}
