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

type Node = unknown;
type Collection = unknown[];

export interface FastContext {
  resource: unknown;
  rootResource: unknown;
}

/** Returns the verdict, or undefined when the engine must decide. */
export type FastCheck = (node: Node, ctx: FastContext) => boolean | undefined;
export type GuardCheck = (node: Node) => boolean;

type Expr = (focus: Collection, env: Env) => Collection;

interface Env {
  thisItem: Collection;
  resource: unknown;
  rootResource: unknown;
}

class Bail extends Error {}
const BAIL = new Bail('not in the fast subset');
const bail = (): never => {
  throw BAIL;
};

const EXT_ONLY = Object.freeze({ __extensionOnly: true });

/**
 * The type suffixes of R4 choice elements (`valueQuantity`): without type information, this is how a
 * property is told to be a choice (so that `binding.value` does not find `binding.valueSet`).
 */
const CHOICE_TYPES = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer', 'Markdown',
  'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid', 'Address', 'Age', 'Annotation',
  'Attachment', 'CodeableConcept', 'Coding', 'ContactPoint', 'Count', 'Distance', 'Duration', 'HumanName',
  'Identifier', 'Money', 'Period', 'Quantity', 'Range', 'Ratio', 'Reference', 'SampledData', 'Signature', 'Timing',
  'ContactDetail', 'Contributor', 'DataRequirement', 'Expression', 'ParameterDefinition', 'RelatedArtifact',
  'TriggerDefinition', 'UsageContext', 'Dosage', 'Meta',
]);

/** Children named `name` of the nodes, flattening arrays; `value` also finds `valueString` etc. */
export function navigate(nodes: readonly Node[], name: string): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (n === null || typeof n !== 'object' || Array.isArray(n) || n === EXT_ONLY) continue;
    const obj = n as Record<string, unknown>;
    const v = obj[name];
    if (v !== undefined) {
      push(out, v, obj['_' + name]);
      continue;
    }
    const ext = obj['_' + name];
    if (ext !== undefined) {
      // a primitive present only through its `_name` part exists, without a value
      if (Array.isArray(ext)) {
        for (const x of ext) if (x !== null && x !== undefined) out.push(EXT_ONLY);
      } else if (ext !== null) out.push(EXT_ONLY);
      continue;
    }
    for (const key in obj) {
      if (key.length > name.length && key.startsWith(name) && CHOICE_TYPES.has(key.slice(name.length))) {
        push(out, obj[key], obj['_' + key]);
      }
    }
  }
  return out;
}

function push(out: Node[], v: unknown, ext: unknown): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && x !== undefined) out.push(x);
      else if (Array.isArray(ext) && ext[i] !== null && ext[i] !== undefined) out.push(EXT_ONLY);
    }
  } else if (v !== null) out.push(v);
}

const isPrimitiveValue = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Strings that FHIRPath may type as date/time, whose comparison rules the subset does not model. */
const DATE_LIKE = /^\d{4}(-\d{2}(-\d{2}(T.*)?)?)?$|^T?\d{2}:\d{2}/;

/** Singleton evaluation of a collection as a boolean (true / false / empty). */
function asBoolean(c: Collection): boolean | undefined {
  if (c.length === 0) return undefined;
  if (c.length > 1) bail();
  const v = c[0];
  if (typeof v !== 'boolean') bail();
  return v as boolean;
}

const TRUE: Collection = [true];
const FALSE: Collection = [false];
const NONE: Collection = [];
const bool = (b: boolean | undefined): Collection => (b === undefined ? NONE : b ? TRUE : FALSE);

function singletonPrimitive(c: Collection): string | number | boolean | undefined {
  if (c.length === 0) return undefined;
  if (c.length > 1) bail();
  const v = c[0];
  if (!isPrimitiveValue(v)) bail();
  return v as string | number | boolean;
}

function singletonString(c: Collection): string | undefined {
  const v = singletonPrimitive(c);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bail();
  return v as string;
}

// ---- tokenizer ----------------------------------------------------------------------------------------

/** `q`: a backquoted identifier, never a keyword (`div` in text.`div`). */
type Tok = { k: 'id' | 'str' | 'num' | 'op' | 'var'; v: string; q?: boolean };

function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && expr[i + 1] === '/') bail(); // comments: rare, leave to the engine
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (; j < expr.length && expr[j] !== "'"; j++) {
        if (expr[j] === '\\') {
          const n = expr[++j];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'f' ? '\f' : n === 'u' ? bail() : (n ?? '');
        } else s += expr[j];
      }
      if (j >= expr.length) bail();
      out.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const end = expr.indexOf('`', i + 1);
      if (end < 0) bail();
      out.push({ k: 'id', v: expr.slice(i + 1, end), q: true });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < expr.length && /[0-9]/.test(expr[j]!)) j++;
      if (expr[j] === '.' && /[0-9]/.test(expr[j + 1] ?? '')) {
        j++;
        while (j < expr.length && /[0-9]/.test(expr[j]!)) j++;
      }
      out.push({ k: 'num', v: expr.slice(i, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c) || c === '$' || c === '%') {
      let j = i + 1;
      while (j < expr.length && /[A-Za-z0-9_\-]/.test(expr[j]!)) {
        if (expr[j] === '-' && c !== '%') break;
        j++;
      }
      const word = expr.slice(i, j);
      if (c === '%') out.push({ k: 'var', v: word.slice(1) });
      else out.push({ k: 'id', v: word });
      i = j;
      continue;
    }
    const two = expr.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '!~') {
      out.push({ k: 'op', v: two });
      i += 2;
      continue;
    }
    if ('().,[]=<>|+-*/&~'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    bail();
  }
  return out;
}

// ---- parser -------------------------------------------------------------------------------------------

const KEYWORD_OPS = new Set(['and', 'or', 'xor', 'implies', 'in', 'contains', 'is', 'as', 'div', 'mod']);

class Parser {
  private i = 0;
  constructor(private readonly t: Tok[]) {}

  parse(): Expr {
    const e = this.implies();
    if (this.i !== this.t.length) bail();
    return e;
  }

  private peek(offset = 0): Tok | undefined {
    return this.t[this.i + offset];
  }

  private isWord(v: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'id' && !t.q && t.v === v;
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'op' && t.v === v;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) bail();
    this.i++;
  }

  private implies(): Expr {
    let left = this.or();
    while (this.isWord('implies')) {
      this.i++;
      const l = left;
      const r = this.or();
      left = (f, env) => {
        const a = asBoolean(l(f, env));
        if (a === false) return TRUE;
        const b = asBoolean(r(f, env));
        if (a === true) return bool(b);
        return b === true ? TRUE : NONE;
      };
    }
    return left;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or') || this.isWord('xor')) {
      const op = this.peek()!.v;
      this.i++;
      const l = left;
      const r = this.and();
      left =
        op === 'or'
          ? (f, env) => {
              const a = asBoolean(l(f, env));
              if (a === true) return TRUE;
              const b = asBoolean(r(f, env));
              if (b === true) return TRUE;
              return a === false && b === false ? FALSE : NONE;
            }
          : (f, env) => {
              const a = asBoolean(l(f, env));
              const b = asBoolean(r(f, env));
              return a === undefined || b === undefined ? NONE : bool(a !== b);
            };
    }
    return left;
  }

  private and(): Expr {
    let left = this.membership();
    while (this.isWord('and')) {
      this.i++;
      const l = left;
      const r = this.membership();
      left = (f, env) => {
        const a = asBoolean(l(f, env));
        if (a === false) return FALSE;
        const b = asBoolean(r(f, env));
        if (b === false) return FALSE;
        return a === true && b === true ? TRUE : NONE;
      };
    }
    return left;
  }

  private membership(): Expr {
    const left = this.equality();
    if (this.isWord('in') || this.isWord('contains')) bail();
    return left;
  }

  private equality(): Expr {
    let left = this.comparison();
    while (this.isOp('=') || this.isOp('!=') || this.isOp('~') || this.isOp('!~')) {
      const op = this.peek()!.v;
      if (op === '~' || op === '!~') bail();
      this.i++;
      const l = left;
      const r = this.comparison();
      const negate = op === '!=';
      left = (f, env) => {
        const a = singletonPrimitive(l(f, env));
        const b = singletonPrimitive(r(f, env));
        if (a === undefined || b === undefined) return NONE;
        if (typeof a === 'string' && typeof b === 'string' && a !== b && (DATE_LIKE.test(a) || DATE_LIKE.test(b))) bail();
        if (typeof a !== typeof b) bail();
        return bool((a === b) !== negate);
      };
    }
    return left;
  }

  private comparison(): Expr {
    let left = this.union();
    while (this.isOp('<') || this.isOp('>') || this.isOp('<=') || this.isOp('>=')) {
      const op = this.peek()!.v;
      this.i++;
      const l = left;
      const r = this.union();
      left = (f, env) => {
        const a = singletonPrimitive(l(f, env));
        const b = singletonPrimitive(r(f, env));
        if (a === undefined || b === undefined) return NONE;
        if (typeof a !== 'number' || typeof b !== 'number') bail();
        const x = a as number;
        const y = b as number;
        return bool(op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y);
      };
    }
    return left;
  }

  private union(): Expr {
    const left = this.typeOps();
    if (this.isOp('|')) bail();
    return left;
  }

  private typeOps(): Expr {
    const left = this.additive();
    if (this.isWord('is') || this.isWord('as')) bail();
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-') || this.isOp('&')) {
      const op = this.peek()!.v;
      if (op === '&') bail();
      this.i++;
      const l = left;
      const r = this.multiplicative();
      left = (f, env) => {
        const a = singletonPrimitive(l(f, env));
        const b = singletonPrimitive(r(f, env));
        if (a === undefined || b === undefined) return NONE;
        if (typeof a !== 'number' || typeof b !== 'number' || !Number.isInteger(a) || !Number.isInteger(b)) bail();
        return [op === '+' ? (a as number) + (b as number) : (a as number) - (b as number)];
      };
    }
    return left;
  }

  private multiplicative(): Expr {
    const left = this.unary();
    if (this.isOp('*') || this.isOp('/') || this.isWord('div') || this.isWord('mod')) bail();
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) bail();
    return this.invocation();
  }

  private invocation(): Expr {
    let e = this.term();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        e = this.member(e);
      } else if (this.isOp('[')) {
        this.i++;
        const index = this.peek();
        if (!index || index.k !== 'num') bail();
        this.i++;
        this.expectOp(']');
        const n = Number(index!.v);
        const inner = e;
        e = (f, env) => {
          const c = inner(f, env);
          return n < c.length ? [c[n]] : NONE;
        };
      } else return e;
    }
  }

  private term(): Expr {
    const t = this.peek();
    if (!t) bail();
    if (t!.k === 'str') {
      this.i++;
      const v = [t!.v];
      return () => v;
    }
    if (t!.k === 'num') {
      this.i++;
      const v = [Number(t!.v)];
      return () => v;
    }
    if (t!.k === 'var') {
      this.i++;
      if (t!.v === 'resource') return (_f, env) => [env.resource];
      if (t!.v === 'rootResource') return (_f, env) => [env.rootResource];
      return bail();
    }
    if (t!.k === 'op' && t!.v === '(') {
      this.i++;
      const e = this.implies();
      this.expectOp(')');
      return e;
    }
    if (t!.k === 'id') {
      if (t!.v === 'true' || t!.v === 'false') {
        this.i++;
        return t!.v === 'true' ? () => TRUE : () => FALSE;
      }
      if (t!.v === '$this') {
        this.i++;
        return (_f, env) => env.thisItem;
      }
      if (!t!.q && (t!.v.startsWith('$') || KEYWORD_OPS.has(t!.v))) bail();
      // a type name at the start (`Patient.name`) would need type information
      if (!t!.q && /^[A-Z]/.test(t!.v)) bail();
      // an identifier or a function applied to the focus
      return this.member((f) => f);
    }
    return bail();
  }

  /** `.name` or `.fn(args)` applied to the collection `base` evaluates to. */
  private member(base: Expr): Expr {
    const t = this.peek();
    if (!t || t.k !== 'id') return bail();
    this.i++;
    const name = t.v;
    if (!this.isOp('(')) {
      if (KEYWORD_OPS.has(name) && !t.q) bail();
      return (f, env) => navigate(base(f, env), name);
    }
    this.i++;
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.implies());
      while (this.isOp(',')) {
        this.i++;
        args.push(this.implies());
      }
    }
    this.expectOp(')');
    return fn(name, base, args);
  }
}

/** Evaluates `criteria` with each item as focus and $this. */
function eachItem(items: Collection, criteria: Expr, env: Env, keep: (r: boolean | undefined, item: unknown) => void): void {
  for (const item of items) {
    const one = [item];
    keep(asBoolean(criteria(one, { ...env, thisItem: one })), item);
  }
}

const regexCache = new Map<string, RegExp | null>();

function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    regexCache.set(source, re);
  }
  if (!re) bail();
  return re!;
}

function literalArg(args: Expr[], env: Env): string | undefined {
  if (args.length !== 1) bail();
  return singletonString(args[0]!(env.thisItem, env));
}

function fn(name: string, base: Expr, args: Expr[]): Expr {
  const noArgs = (): void => {
    if (args.length !== 0) bail();
  };
  switch (name) {
    case 'exists':
      if (args.length === 0) return (f, env) => bool(base(f, env).length > 0);
      if (args.length === 1) {
        const crit = args[0]!;
        return (f, env) => {
          let found = false;
          eachItem(base(f, env), crit, env, (r) => {
            if (r === true) found = true;
          });
          return bool(found);
        };
      }
      return bail();
    case 'empty':
      noArgs();
      return (f, env) => bool(base(f, env).length === 0);
    case 'count':
      noArgs();
      return (f, env) => [base(f, env).length];
    case 'not':
      noArgs();
      return (f, env) => {
        const b = asBoolean(base(f, env));
        return b === undefined ? NONE : bool(!b);
      };
    case 'hasValue':
      noArgs();
      return (f, env) => {
        const c = base(f, env);
        return bool(c.length === 1 && isPrimitiveValue(c[0]));
      };
    case 'where': {
      if (args.length !== 1) bail();
      const crit = args[0]!;
      return (f, env) => {
        const out: unknown[] = [];
        eachItem(base(f, env), crit, env, (r, item) => {
          if (r === true) out.push(item);
        });
        return out;
      };
    }
    case 'all': {
      if (args.length !== 1) bail();
      const crit = args[0]!;
      return (f, env) => {
        let all = true;
        eachItem(base(f, env), crit, env, (r) => {
          if (r !== true) all = false;
        });
        return bool(all);
      };
    }
    case 'select': {
      if (args.length !== 1) bail();
      const proj = args[0]!;
      return (f, env) => {
        const out: unknown[] = [];
        for (const item of base(f, env)) {
          const one = [item];
          out.push(...proj(one, { ...env, thisItem: one }));
        }
        return out;
      };
    }
    case 'first':
      noArgs();
      return (f, env) => {
        const c = base(f, env);
        return c.length > 0 ? [c[0]] : NONE;
      };
    case 'trace':
      return base;
    case 'matches':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return (f, env) => {
        const s = singletonString(base(f, env));
        if (s === undefined) return NONE;
        const arg = literalArg(args, env);
        if (arg === undefined) return NONE;
        if (name === 'matches') return bool(regex(arg).test(s));
        if (name === 'contains') return bool(s.includes(arg));
        if (name === 'startsWith') return bool(s.startsWith(arg));
        return bool(s.endsWith(arg));
      };
    case 'length':
      noArgs();
      return (f, env) => {
        const s = singletonString(base(f, env));
        return s === undefined ? NONE : [s.length];
      };
    default:
      return bail();
  }
}

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
