/**
 * FHIRPath invariants (ElementDefinition.constraint) for the FHIR R4 validator.
 *
 * Verdicts follow the HL7 validator:
 * - An invariant passes only when its result converts to true (the HL7 engine's convertToBoolean): a single
 *   boolean is its value, any other non-empty result is true, and an EMPTY result FAILS. The FHIR
 *   constraint rule is that the expression evaluates to true, and the HL7 validator (and Firely's since 2022)
 *   treat empty as not met; the base invariants that would be empty on valid content are the ones fixes.ts
 *   rewrites, as the HL7 validator does.
 * - An expression that does not parse or throws is `{ passed: 'error' }`, never an exception.
 *
 * Evaluation is typed: the node becomes a fhirpath.js ResourceNode with the FHIR type and element path of the
 * context, so `is`/`as`/`ofType`, choice elements (`value` for `valueQuantity`) and primitive conversions
 * (dates) work on a part of a resource. A primitive-typed node is its JSON value; to bring its `_field`
 * sibling along (ele-1 on a primitive that only has extensions), pass `{ ...json._field, value: json.field }`,
 * i.e. the element form `{ value?, id?, extension? }`.
 *
 * Context: `%resource` is the resource holding the node (a contained resource for its own elements) and
 * `%rootResource` the outermost one (its container); a resource in a Bundle entry is its own root, as in the
 * HL7 validator, so ref-1 and dom-3 look at that resource's `contained`. `%context` is the node, `%ucum` is set.
 *
 * Each expression is compiled once and cached by its text; ele-1, ext-1, dom-2…6, ref-1 and txt-2 run as
 * plain JavaScript (native.ts).
 */
import type { OptionVariants, UserInvocationTable } from 'fhirpath';
import type { Invariant, InvariantContext, InvariantEvaluator, InvariantOutcome, TerminologyService } from '../contracts.ts';
import { fhirpathEngine } from './engine.ts';
import { effectiveExpression } from './fixes.ts';
import { hasNarrativeContent, withPlaceholderContent } from './narrative.ts';
import { NATIVE_INVARIANTS, type NativeCheck, type PrimitiveView } from './native.ts';

export { fhirpathEngine } from './engine.ts';
export { EXPRESSION_FIXES, effectiveExpression } from './fixes.ts';

const syntaxChecked = new Map<string, string | undefined>();

/**
 * Why a FHIRPath expression does not parse (first line of fhirpath.js's message), or undefined when it does.
 * Goes through the same lazily loaded fhirpath.js as the evaluator, so the process holds one copy.
 */
export function fhirpathSyntaxError(expression: string): string | undefined {
  if (!syntaxChecked.has(expression)) {
    let error: string | undefined;
    try {
      fhirpathEngine().fhirpath.parse(expression);
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    }
    syntaxChecked.set(expression, error);
  }
  return syntaxChecked.get(expression);
}
export { NATIVE_INVARIANTS } from './native.ts';

export interface InvariantEvaluatorOptions {
  /** Answers `memberOf()` offline; without it memberOf() is an evaluation error (fhirpath.js needs a server). */
  terminology?: TerminologyService;
  /**
   * 'node' (default): the node is handed to fhirpath.js as one of its own typed nodes, which carries a
   * primitive's `_field` data. 'base': fhirpath.js's documented `{ base, expression }` form only, compiled
   * per (type, expression), without `_field` data. 'node' falls back to 'base' by itself if the installed
   * fhirpath.js no longer behaves as expected.
   */
  typing?: 'node' | 'base';
}

export interface InvariantStats {
  /** Distinct expressions compiled, and the milliseconds spent compiling them. */
  compiled: number;
  compileMs: number;
  /** Evaluations answered by native.ts, and by fhirpath.js. */
  native: number;
  fhirpath: number;
}

export interface SelloInvariantEvaluator extends InvariantEvaluator {
  stats(): InvariantStats;
}

export const FHIR_PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
  'integer64',
]);

const PASS: InvariantOutcome = { passed: true };
const FAIL: InvariantOutcome = { passed: false };

/** fhirpath.js's internal node class, reached through a value it returns (it is not exported). */
interface ResourceNodeLike {
  data: unknown;
  ctx: { model: unknown; getDecimal: (v: unknown) => unknown };
}
type ResourceNodeClass = new (
  ctx: unknown,
  data: unknown,
  parent: unknown,
  path: string | null,
  _data: unknown,
  fhirNodeDataType: string | null,
  propName?: string | null,
  index?: number | null,
) => ResourceNodeLike;

interface Bridge {
  Node: ResourceNodeClass;
  nodeCtx: { model: unknown; getDecimal: (v: unknown) => unknown };
}

type Evaluate = (data: unknown, env: Record<string, unknown>) => unknown[];
type Compiled = { run: Evaluate } | { error: string };

const noTrace = (): void => {};

const MAX_ERROR = 500;

/** fhirpath.js quotes whole collections in its errors; a report needs the gist. */
function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > MAX_ERROR ? `${m.slice(0, MAX_ERROR)}…` : m;
}

/** The HL7 engine's convertToBoolean. */
function truthy(result: unknown[]): boolean {
  if (result.length === 0) return false;
  if (result.length === 1) {
    const item = result[0] as { data?: unknown } | boolean;
    const value = typeof item === 'object' && item !== null && 'data' in item ? item.data : item;
    if (typeof value === 'boolean') return value;
  }
  return true;
}

function primitiveView(node: unknown): PrimitiveView {
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    const { value, ...element } = node as Record<string, unknown>;
    return { value, element };
  }
  return { value: node, element: undefined };
}

let modelPathsElsewhere: string[] | undefined;

/** The path fhirpath.js itself would use as base: `Questionnaire.item.item` is `Questionnaire.item`. */
function normalizePath(path: string): string {
  const { model } = fhirpathEngine();
  modelPathsElsewhere ??= Object.keys(model.pathsDefinedElsewhere);
  let p = path.replace(/\[\d*]/g, '').replace(/\[x]$/, '');
  for (let guard = 0; guard < 20; guard++) {
    const prefix = modelPathsElsewhere.find((candidate) => p.startsWith(candidate));
    if (!prefix) break;
    p = (model.pathsDefinedElsewhere[prefix] as string) + p.slice(prefix.length);
  }
  return p;
}

interface Typing {
  path: string;
  type: string | null;
  propName: string | null;
}

export function createInvariantEvaluator(options: InvariantEvaluatorOptions = {}): SelloInvariantEvaluator {
  const compiled = new Map<string, Compiled>();
  const typings = new Map<string, Typing>();
  // Keyed by expression first: looking up the invariant's own expression string needs no concatenation.
  const natives = new Map<string, Map<string, NativeCheck>>();
  for (const n of NATIVE_INVARIANTS) {
    // A caller may hand over the published text or the already-fixed one (effectiveExpression is idempotent).
    for (const e of n.expressions.flatMap((published) => [published, effectiveExpression(n.key, published)])) {
      const byKey = natives.get(e) ?? new Map<string, NativeCheck>();
      byKey.set(n.key, n.check);
      natives.set(e, byKey);
    }
  }
  const stats: InvariantStats = { compiled: 0, compileMs: 0, native: 0, fhirpath: 0 };
  let bridge: Bridge | null | undefined;

  const userInvocationTable: UserInvocationTable = {
    // fhirpath.js's resolve() is asynchronous (it fetches); invariants only ever need local resolution.
    resolve: { fn: resolveLocally, arity: { 0: [] }, internalStructures: true },
  };
  if (options.terminology) userInvocationTable.memberOf = memberOfTable(options.terminology);
  const compileOptions: OptionVariants = { resolveInternalTypes: false, traceFn: noTrace, userInvocationTable };

  function compile(expression: string): Compiled {
    let c = compiled.get(expression);
    if (c === undefined) {
      const t0 = performance.now();
      try {
        const { fhirpath, model } = fhirpathEngine();
        const fn = fhirpath.compile(expression, model, compileOptions);
        c = { run: fn as unknown as Evaluate };
      } catch (e) {
        c = { error: `cannot parse '${expression}': ${message(e)}` };
      }
      stats.compiled++;
      stats.compileMs += performance.now() - t0;
      compiled.set(expression, c);
    }
    return c;
  }

  function getBridge(): Bridge | null {
    if (bridge !== undefined) return bridge;
    bridge = null;
    if (options.typing === 'base') return bridge;
    try {
      const { fhirpath, model } = fhirpathEngine();
      const probe = fhirpath.compile({ base: 'Quantity', expression: 'value' }, model, { resolveInternalTypes: false })({ value: 1 }) as unknown[];
      const node = probe[0] as ResourceNodeLike | undefined;
      if (node && typeof node.ctx?.getDecimal === 'function') {
        const candidate: Bridge = { Node: node.constructor as ResourceNodeClass, nodeCtx: { model, getDecimal: node.ctx.getDecimal } };
        // The node class is internal API: use it only if it still behaves as this module expects.
        const ele1 = compile('hasValue() or (children().count() > id.count())');
        const typed = compile("$this is HumanName and given.first() = 'A'");
        const withExtension = new candidate.Node(candidate.nodeCtx, null, null, 'date', { extension: [{ url: 'u', valueCode: 'c' }] }, 'date', 'birthDate');
        const idOnly = new candidate.Node(candidate.nodeCtx, null, null, 'date', { id: 'x' }, 'date', 'birthDate');
        const name = new candidate.Node(candidate.nodeCtx, { given: ['A'] }, null, 'HumanName', null, 'HumanName', 'name');
        if ('run' in ele1 && 'run' in typed && truthy(ele1.run(withExtension, {})) && !truthy(ele1.run(idOnly, {})) && truthy(typed.run(name, {}))) {
          bridge = candidate;
        }
      }
    } catch {
      bridge = null;
    }
    return bridge;
  }

  function typingOf(context: InvariantContext): Typing {
    const cacheKey = `${context.type}\u0000${context.path}`;
    let t = typings.get(cacheKey);
    if (!t) {
      const r4 = fhirpathEngine().model;
      const path = normalizePath(context.path);
      const propName = path.includes('.') ? (path.split('.').pop() as string) : null;
      const generic = context.type === 'BackboneElement' || context.type === 'Element' || !context.type;
      if (generic) {
        t = { path, type: context.type || (r4.path2Type[path] ?? null), propName };
      } else if (r4.availableTypes.has(context.type) || FHIR_PRIMITIVE_TYPES.has(context.type)) {
        t = { path: context.type, type: context.type, propName };
      } else {
        // A profile name or a type the model does not know: fall back on what the path says.
        const byPath = r4.path2Type[path];
        t = byPath && byPath !== 'BackboneElement' && byPath !== 'Element' ? { path: byPath, type: byPath, propName } : { path, type: byPath ?? null, propName };
      }
      typings.set(cacheKey, t);
    }
    return t;
  }

  /** Without the node class (a future fhirpath.js), the documented `{ base, expression }` form: `_field` data is lost. */
  const baseCompiled = new Map<string, Compiled>();
  function evaluateWithBase(expression: string, typing: Typing, data: unknown, env: Record<string, unknown>): unknown[] {
    const k = `${typing.path}\u0000${expression}`;
    let c = baseCompiled.get(k);
    if (!c) {
      try {
        const { fhirpath, model } = fhirpathEngine();
        const fn = fhirpath.compile({ base: typing.path, expression }, model, compileOptions);
        c = { run: fn as unknown as Evaluate };
      } catch (e) {
        c = { error: `cannot parse '${expression}': ${message(e)}` };
      }
      baseCompiled.set(k, c);
    }
    if ('error' in c) throw new Error(c.error);
    return c.run(data, env);
  }

  function run(expression: string, node: unknown, context: InvariantContext, primitive: PrimitiveView | undefined): InvariantOutcome {
    const c = compile(expression);
    if ('error' in c) return { passed: 'error', error: c.error };
    stats.fhirpath++;
    const typing = typingOf(context);
    const env = { resource: context.resource ?? null, rootResource: context.rootResource ?? context.resource ?? null };
    const b = getBridge();
    let result: unknown[];
    if (b) {
      const root = primitive
        ? new b.Node(b.nodeCtx, primitive.value ?? null, null, typing.path, primitive.element ?? null, typing.type, typing.propName)
        : new b.Node(b.nodeCtx, node, null, typing.path, null, typing.type, typing.propName);
      result = c.run(root, env);
    } else {
      result = evaluateWithBase(expression, typing, primitive ? primitive.value : node, env);
    }
    return truthy(result) ? PASS : FAIL;
  }

  /** txt-1 without txt-2's content rule (fhirpath.js's htmlChecks() tests both). */
  function txt1(node: unknown, context: InvariantContext, primitive: PrimitiveView | undefined): InvariantOutcome {
    const div = primitive?.value;
    const first = run('htmlChecks()', node, context, primitive);
    if (first.passed !== false || typeof div !== 'string' || hasNarrativeContent(div)) return first;
    const filled = withPlaceholderContent(div);
    return filled === undefined ? FAIL : run('htmlChecks()', filled, context, { value: filled, element: primitive?.element });
  }

  return {
    evaluate(invariant: Invariant, node: unknown, context: InvariantContext): InvariantOutcome {
      try {
        const primitive = FHIR_PRIMITIVE_TYPES.has(context.type) ? primitiveView(node) : undefined;
        const native = natives.get(invariant.expression)?.get(invariant.key);
        if (native) {
          const verdict = native(node, context, primitive);
          if (verdict !== undefined) {
            stats.native++;
            return verdict ? PASS : FAIL;
          }
        }
        if (invariant.key === 'txt-1' && invariant.expression === 'htmlChecks()') return txt1(node, context, primitive);
        return run(effectiveExpression(invariant.key, invariant.expression), node, context, primitive);
      } catch (e) {
        return { passed: 'error', error: message(e) };
      }
    },
    stats: () => ({ ...stats }),
  };
}

type FhirpathCtx = { vars?: Record<string, unknown>; model?: unknown; getDecimal?: unknown };

/**
 * resolve() for invariants: `#id` in the root resource's `contained`, `#` for the root resource itself, and,
 * when the root is a Bundle, its entries by fullUrl or `Type/id`. Anything else resolves to nothing, as in
 * the HL7 validator when a target is not in the instance.
 */
function resolveLocally(this: FhirpathCtx, coll: unknown[]): unknown[] {
  const root = (this.vars?.rootResource ?? null) as Record<string, unknown> | null;
  const NodeClass = (coll.find((i) => typeof i === 'object' && i !== null && 'data' in i) as ResourceNodeLike | undefined)?.constructor as ResourceNodeClass | undefined;
  const out: unknown[] = [];
  for (const item of coll) {
    const value = typeof item === 'object' && item !== null && 'data' in item ? (item as ResourceNodeLike).data : item;
    const ref = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { reference?: unknown }).reference : undefined;
    if (typeof ref !== 'string' || !root) continue;
    const target = findLocal(root, ref);
    if (target) out.push(NodeClass ? new NodeClass(this, target, null, null, null, null) : target);
  }
  return out;
}

function findLocal(root: Record<string, unknown>, ref: string): Record<string, unknown> | undefined {
  if (ref === '#') return root;
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    const contained = Array.isArray(root.contained) ? (root.contained as Record<string, unknown>[]) : [];
    return contained.find((c) => c && c.id === id);
  }
  if (root.resourceType === 'Bundle' && Array.isArray(root.entry)) {
    for (const e of root.entry as { fullUrl?: string; resource?: Record<string, unknown> }[]) {
      const r = e?.resource;
      if (!r) continue;
      if (e.fullUrl === ref || (e.fullUrl?.endsWith(`/${ref}`) ?? false) || `${String(r.resourceType)}/${String(r.id)}` === ref) return r;
    }
  }
  return undefined;
}

function memberOfTable(terminology: TerminologyService): UserInvocationTable[string] {
  return {
    fn: (coll: unknown[], valueSet: string): boolean[] => {
      if (coll.length !== 1) return [];
      const v = coll[0];
      const checks: ('member' | 'not-member' | 'unknown')[] = [];
      if (typeof v === 'string') checks.push(terminology.checkCode(valueSet, undefined, v).result);
      else if (typeof v === 'object' && v !== null) {
        const o = v as { system?: string; code?: string; coding?: { system?: string; code?: string }[] };
        const codings = Array.isArray(o.coding) ? o.coding : [o];
        for (const c of codings) if (typeof c?.code === 'string') checks.push(terminology.checkCode(valueSet, c.system, c.code).result);
      }
      if (checks.includes('member')) return [true];
      if (checks.includes('unknown') || checks.length === 0) return [];
      return [false];
    },
    arity: { 1: ['String'] },
  };
}
