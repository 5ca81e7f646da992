/**
 * Slicing: discriminators, assignment of items to slices and per-slice cardinality.
 */
import type { CElement } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { containerFor } from './items.ts';
import { deepEqual, isObject, matchesPattern } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { allowedTargets } from './reference-forms.ts';
import type { Item, ResourceScope, Run, SliceTest } from './scope.ts';
import { containerOf, navigateJson } from './support.ts';

export function sliceTests(sv: ValidatorContext, def: CElement, scope: ResourceScope): SliceTest[] {
  const cache = def.cache ?? (def.cache = new Map());
  const hit = cache.get('#slices') as SliceTest[] | undefined;
  if (hit) return hit;
  const discriminators = def.slicing?.discriminators ?? [];
  const isExtension = def.types[0]?.code === 'Extension';
  const tests: SliceTest[] = def.slices.map((slice) => {
    const list: SliceTest['tests'] = [];
    const ds = discriminators.length > 0 ? discriminators : isExtension ? [{ type: 'value' as const, path: 'url' }] : [];
    for (const d of ds) {
      const test = discriminatorTest(sv, slice, d.type, d.path, isExtension, scope);
      if (test) list.push(test);
    }
    return { slice, tests: list };
  });
  cache.set('#slices', tests);
  return tests;
}

export function discriminatorTest(
  sv: ValidatorContext,
  slice: CElement,
  kind: string,
  path: string,
  isExtension: boolean,
  scope: ResourceScope,
): ((item: Item, scope: ResourceScope) => boolean) | undefined {
  if (isExtension && path === 'url') {
    const urlEl = slice.children.find((c) => c.name === 'url');
    const expected = (urlEl?.fixed as string | undefined) ?? slice.types[0]?.profiles[0]?.split('|')[0];
    if (!expected) return undefined;
    return (item) => isObject(item.value) && item.value.url === expected;
  }
  const resolves = path === 'resolve()' || path.endsWith('.resolve()');
  if (resolves && (kind === 'type' || kind === 'profile')) {
    // the slice is told by the resource the reference points to (in the Bundle or contained)
    const refPath = path === 'resolve()' ? '$this' : path.slice(0, -'.resolve()'.length);
    const refEl = refPath === '$this' ? slice : elementAt(sv, slice, refPath);
    const refType = refEl?.types.find((t) => t.code === 'Reference');
    if (!refType) return undefined;
    if (kind === 'type') {
      const allowed = allowedTargets(sv, refType);
      if (allowed === 'any') return undefined;
      return (item, sc) => resolveAll(sv, navigateJson(item.value, refPath), sc).some((r) => allowed.has(String(r.resourceType)));
    }
    const profile = refType.targetProfiles[0];
    if (!profile) return undefined;
    return (item, sc) => resolveAll(sv, navigateJson(item.value, refPath), sc).some((r) => conforms(sv, r, profile, sc));
  }
  if (kind === 'type') {
    const target = path === '$this' ? slice : elementAt(sv, slice, path);
    const codes = new Set((target?.types ?? []).map((t) => t.code));
    if (codes.size === 0) return undefined;
    return (item) => {
      const nodes = path === '$this' ? [item.value] : navigateJson(item.value, path);
      if (path === '$this' && item.type) return codes.has(item.type.code);
      return nodes.some((n) => isObject(n) && typeof n.resourceType === 'string' && codes.has(n.resourceType));
    };
  }
  const target = path === '$this' ? slice : elementAt(sv, slice, path);
  if (!target) return undefined;
  if (kind === 'exists') {
    const mustExist = target.min > 0;
    const mustNot = target.max === 0;
    if (!mustExist && !mustNot) return undefined;
    return (item) => {
      const n = navigateJson(item.value, path).length;
      return mustExist ? n > 0 : n === 0;
    };
  }
  if (kind === 'profile') {
    const profile = target.types[0]?.profiles[0];
    if (!profile) return undefined;
    return (item, sc) => navigateJson(item.value, path).some((n) => conforms(sv, n, profile, sc));
  }
  // value / pattern
  if (target.fixed !== undefined) {
    const fixed = target.fixed;
    return (item) => navigateJson(item.value, path).some((n) => deepEqual(n, fixed) || matchesPattern(n, fixed));
  }
  if (target.pattern !== undefined) {
    const pattern = target.pattern;
    return (item) => navigateJson(item.value, path).some((n) => matchesPattern(n, pattern));
  }
  const binding = target.binding;
  if (binding?.valueSet && binding.strength === 'required' && sv.options.terminology) {
    const vs = binding.valueSet;
    const ts = sv.options.terminology;
    return (item) =>
      navigateJson(item.value, path).some((n) => {
        if (typeof n === 'string') return ts.checkCode(vs, undefined, n).result === 'member';
        if (isObject(n) && typeof n.code === 'string') return ts.checkCode(vs, typeof n.system === 'string' ? n.system : undefined, n.code).result === 'member';
        if (isObject(n) && Array.isArray(n.coding)) {
          return n.coding.some((c) => isObject(c) && typeof c.code === 'string' && ts.checkCode(vs, typeof c.system === 'string' ? c.system : undefined, c.code).result === 'member');
        }
        return false;
      });
  }
  void scope;
  return undefined;
}

/** The element a discriminator path designates inside a slice, following types where not expanded. */
export function elementAt(sv: ValidatorContext, start: CElement, path: string): CElement | undefined {
  let el: CElement | undefined = start;
  for (const raw of path.split('.')) {
    if (!el) return undefined;
    const seg = raw.replace(/\.?ofType\([^)]*\)$/, '');
    if (seg === '$this') continue;
    if (seg.startsWith('extension(')) {
      const url = /extension\('([^']*)'\)/.exec(seg)?.[1];
      const host: CElement | undefined = el.children.length > 0 ? el : containerFor(sv, el, el.types[0])?.host;
      const extEl: CElement | undefined = host?.children.find((c) => c.name === 'extension');
      el = extEl?.slices.find((s) => s.types[0]?.profiles.some((p) => p.split('|')[0] === url)) ?? extEl;
      continue;
    }
    if (seg === 'resolve()') return undefined;
    const host: CElement | undefined = el.children.length > 0 ? el : containerFor(sv, el, el.types[0])?.host;
    if (!host) return undefined;
    el = host.children.find((c) => c.name === seg || (c.isChoice && seg.startsWith(c.name)));
  }
  return el;
}

/** The resources References point to: contained ones (`#id`) or Bundle entries (a single match). */
export function resolveAll(sv: ValidatorContext, refs: unknown[], scope: ResourceScope): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const r of refs) {
    if (!isObject(r) || typeof r.reference !== 'string') continue;
    const ref = r.reference;
    if (ref.startsWith('#')) {
      const holder = containerOf(scope);
      const found = Array.isArray(holder.resource.contained) ? holder.resource.contained.find((c) => isObject(c) && c.id === ref.slice(1)) : undefined;
      if (isObject(found)) out.push(found);
      continue;
    }
    const matches = sv.resolveInBundle(ref, scope);
    if (matches.length === 1 && isObject(matches[0]!.resource)) out.push(matches[0]!.resource);
  }
  return out;
}

export function conforms(sv: ValidatorContext, node: unknown, profile: string, scope: ResourceScope): boolean {
  if (!isObject(node)) return false;
  const memo = (scope.run.conformance ??= new WeakMap());
  let byProfile = memo.get(node);
  const known = byProfile?.get(profile);
  if (known !== undefined) return known;
  const sd = sv.definition(profile);
  let ok = false;
  if (sd) {
    const run: Run = { findings: [], rootResource: scope.run.rootResource, conformance: memo };
    if (typeof node.resourceType === 'string' && sd.kind === 'resource') {
      sv.validateResource(sv, node, node.resourceType, run, scope, [profile], false, scope.bundle, scope.fullUrl);
    } else {
      const sub: ResourceScope = { ...scope, run, baseWalk: false, elementIds: new Map() };
      sv.walkComplex(sv, node, sd.root, { host: sd.root, typeRoot: undefined }, '$', sub, false, sd.type, undefined);
    }
    ok = !run.findings.some((f) => f.severity === 'error' || f.severity === 'fatal');
  }
  if (!byProfile) memo.set(node, (byProfile = new Map()));
  byProfile.set(profile, ok);
  return ok;
}

export function assignSlices(sv: ValidatorContext, def: CElement, items: Item[], path: string, scope: ResourceScope): (CElement | undefined)[] {
  const tests = sliceTests(sv, def, scope);
  const assigned: (CElement | undefined)[] = items.map((item) => {
    for (const t of tests) {
      if (t.tests.length === 0) continue;
      if (t.tests.every((test) => test(item, scope))) return t.slice;
    }
    return undefined;
  });
  const rules = def.slicing?.rules ?? 'open';
  if (rules === 'closed') {
    for (let i = 0; i < items.length; i++) {
      if (assigned[i]) continue;
      scope.run.findings.push(
        issue(
          RULE.sliceUnmatched,
          'error',
          'structure',
          items[i]!.path,
          text(
            `This element does not match any known slice defined in the profile ${def.sd.url} and slicing is CLOSED: ${def.path}`,
            `Este elemento no coincide con ningún slice del perfil ${def.sd.url} y el slicing es CERRADO: ${def.path}`,
          ),
        ),
      );
    }
  }
  checkSliceCounts(sv, def, items, path, scope, assigned);
  return assigned;
}

export function checkSliceCounts(sv: ValidatorContext, def: CElement, items: Item[], path: string, scope: ResourceScope, assigned: (CElement | undefined)[] = []): void {
  for (const slice of def.slices) {
    let n = 0;
    for (let i = 0; i < items.length; i++) if (assigned[i] === slice) n++;
    if (n < slice.min) {
      scope.run.findings.push(
        issue(
          RULE.sliceCardinality,
          'error',
          'structure',
          path,
          text(
            `Slice '${def.path}:${slice.sliceName}': a matching slice is required, but not found (from ${def.sd.url})`,
            `Slice '${def.path}:${slice.sliceName}': se requiere un elemento que coincida con el slice, pero no se encuentra (de ${def.sd.url})`,
          ),
        ),
      );
    } else if (n > slice.max) {
      scope.run.findings.push(
        issue(
          RULE.sliceCardinality,
          'error',
          'structure',
          path,
          text(
            `Slice '${def.path}:${slice.sliceName}': max allowed = ${slice.max}, but found ${n} (from ${def.sd.url})`,
            `Slice '${def.path}:${slice.sliceName}': máximo permitido = ${slice.max}, pero hay ${n} (de ${def.sd.url})`,
          ),
        ),
      );
    }
  }
}
