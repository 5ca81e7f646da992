/**
 * A direct evaluator for the common subset of FHIRPath that invariants are written in.
 *
 * Invariants run on every element of every resource, and a general FHIRPath engine costs tens of
 * microseconds per call, which would dominate validation time. Most invariants only navigate, filter
 * (`where`, `all`, `exists(…)`), count, compare primitives with literals and combine booleans; those are
 * compiled here into closures over the JSON. Whatever has semantics this subset does not model exactly
 * (dates, types, `resolve()`, unions, terminology…) is refused when compiling, or bails out at run time,
 * and then goes to the InvariantEvaluator (fhirpath.js) — so the fast path never decides a case it does not
 * model. For expressions refused outright, a guard (`X.empty() or …`, `X.exists() implies …`) still
 * settles the common case where X is absent without calling the engine.
 */
import { Parser } from './fast-parser.ts';
import { BAIL, type FastCheck, type GuardCheck, type Node, navigate } from './fast-runtime.ts';
import { tokenize } from './fast-tokenizer.ts';

export type { FastCheck, FastContext, GuardCheck } from './fast-runtime.ts';
export { navigate } from './fast-runtime.ts';

const compiled = new Map<string, FastCheck | null>();

/** The direct implementation of `expression`, or undefined when it is outside the subset. */
export function compileFast(expression: string): FastCheck | undefined {
  const hit = compiled.get(expression);
  if (hit !== undefined) return hit ?? undefined;
  let check: FastCheck | null = null;
  try {
    const expr = new Parser(tokenize(expression)).parse();
    check = (node, ctx) => {
      try {
        const focus = [node];
        const r = expr(focus, { thisItem: focus, resource: ctx.resource, rootResource: ctx.rootResource });
        if (r.length !== 1 || typeof r[0] !== 'boolean') return undefined;
        return r[0] as boolean;
      } catch (error) {
        if (error === BAIL) return undefined;
        throw error;
      }
    };
  } catch (error) {
    if (error !== BAIL) throw error;
  }
  compiled.set(expression, check);
  return check ?? undefined;
}

/** Whether `expr` has `word` (an operator keyword) outside parentheses and strings. */
function hasTopLevel(expr: string, word: string): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && expr.startsWith(` ${word} `, i)) return true;
  }
  return false;
}

const GUARD = /^\s*((?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`))*)\.(empty|exists)\(\)\s+(or|implies)\s+/;

/**
 * For `X.empty() or …` / `X.exists() implies …`, a check that returns true when the invariant certainly
 * holds because X is absent. Undefined when the expression has no such guard.
 */
export function compileGuard(expression: string): GuardCheck | undefined {
  const m = GUARD.exec(expression);
  if (!m) return undefined;
  const [, pathText, f, op] = m;
  if (!((f === 'empty' && op === 'or') || (f === 'exists' && op === 'implies'))) return undefined;
  const rest = expression.slice(m[0].length);
  if (hasTopLevel(rest, 'implies') || (op === 'or' && hasTopLevel(rest, 'xor'))) return undefined;
  const path = pathText!.split('.').map((p) => p.replace(/`/g, ''));
  return (n) => {
    let nodes: Node[] = [n];
    for (const p of path) nodes = navigate(nodes, p);
    return nodes.length === 0;
  };
}
