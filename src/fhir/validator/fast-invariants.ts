/**
 * Most FHIR invariants are tiny (`contained.contained.empty()`, `code.empty() or system.exists()`), yet
 * a general FHIRPath engine costs microseconds per call and they run on every element of every resource.
 * This module evaluates the small fragment most of them are written in (paths ending in
 * empty()/exists()/hasValue(), not(), and/or/xor/implies, boolean =/!=) directly on the JSON, and for the
 * rest finds a guard prefix (`X.empty() or …`, `X.exists() implies …`) that settles the common case where
 * X is absent. Anything else goes to the InvariantEvaluator.
 */

type Node = unknown;
export type FastCheck = (node: Node) => boolean;

/** Children named `name` of the nodes, flattening arrays; `value` also finds `valueString` etc. */
export function navigate(nodes: readonly Node[], name: string): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (n === null || typeof n !== 'object' || Array.isArray(n)) continue;
    const obj = n as Record<string, unknown>;
    let found = false;
    const v = obj[name];
    if (v !== undefined) {
      push(out, v);
      found = true;
    }
    // A primitive present only through its `_name` extension part still exists in FHIRPath.
    const ext = obj['_' + name];
    if (ext !== undefined && !found) {
      pushExt(out, ext);
      found = true;
    }
    if (!found) {
      for (const key in obj) {
        if (key.length > name.length && key.startsWith(name)) {
          const c = key.charCodeAt(name.length);
          if (c >= 65 && c <= 90) push(out, obj[key]);
        }
      }
    }
  }
  return out;
}

function push(out: Node[], v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && x !== undefined) out.push(x);
  } else if (v !== null) out.push(v);
}

function pushExt(out: Node[], v: unknown): void {
  // represent an extension-only primitive as an object with no value, so hasValue() is false
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && x !== undefined) out.push({ __extOnly: true });
  } else if (v !== null) out.push({ __extOnly: true });
}

const hasValue = (nodes: Node[]): boolean =>
  nodes.length === 1 && (typeof nodes[0] === 'string' || typeof nodes[0] === 'number' || typeof nodes[0] === 'boolean');

// ---- tokenizer -------------------------------------------------------------------------------------

type Token = { t: 'id' | 'op' | 'kw'; v: string };

function tokenize(expr: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '`') {
      const end = expr.indexOf('`', i + 1);
      if (end < 0) return undefined;
      out.push({ t: 'id', v: expr.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < expr.length && /[A-Za-z0-9_]/.test(expr[j]!)) j++;
      const word = expr.slice(i, j);
      if (expr.startsWith('()', j)) {
        out.push({ t: 'kw', v: word + '()' });
        j += 2;
      } else if (['and', 'or', 'xor', 'implies', 'true', 'false'].includes(word)) out.push({ t: 'kw', v: word });
      else out.push({ t: 'id', v: word });
      i = j;
      continue;
    }
    if (c === '!' && expr[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
      continue;
    }
    if (c === '=' || c === '(' || c === ')' || c === '.') {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    return undefined;
  }
  return out;
}

// ---- parser of the fragment ----------------------------------------------------------------------

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FastCheck | undefined {
    const e = this.implies();
    return e && this.i === this.tokens.length ? e : undefined;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isKw(v: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'kw' && t.v === v;
  }

  private implies(): FastCheck | undefined {
    const left = this.or();
    if (!left) return undefined;
    if (this.isKw('implies')) {
      this.i++;
      const right = this.or();
      if (!right) return undefined;
      return (n) => !left(n) || right(n);
    }
    return left;
  }

  private or(): FastCheck | undefined {
    let left: FastCheck | undefined = this.and();
    if (!left) return undefined;
    while (this.isKw('or') || this.isKw('xor')) {
      const op = this.peek()!.v;
      this.i++;
      const right = this.and();
      if (!right) return undefined;
      const l: FastCheck = left;
      left = op === 'or' ? (n) => l(n) || right(n) : (n) => l(n) !== right(n);
    }
    return left;
  }

  private and(): FastCheck | undefined {
    let left: FastCheck | undefined = this.cmp();
    if (!left) return undefined;
    while (this.isKw('and')) {
      this.i++;
      const right = this.cmp();
      if (!right) return undefined;
      const l: FastCheck = left;
      left = (n) => l(n) && right(n);
    }
    return left;
  }

  private cmp(): FastCheck | undefined {
    const left = this.unary();
    if (!left) return undefined;
    const t = this.peek();
    if (t && t.t === 'op' && (t.v === '=' || t.v === '!=')) {
      this.i++;
      const right = this.unary();
      if (!right) return undefined;
      return t.v === '=' ? (n) => left(n) === right(n) : (n) => left(n) !== right(n);
    }
    return left;
  }

  private unary(): FastCheck | undefined {
    let e: FastCheck | undefined = this.primary();
    if (!e) return undefined;
    while (this.peek()?.v === '.' && this.tokens[this.i + 1]?.v === 'not()') {
      this.i += 2;
      const inner: FastCheck = e;
      e = (n) => !inner(n);
    }
    return e;
  }

  private primary(): FastCheck | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.t === 'op' && t.v === '(') {
      this.i++;
      const e = this.implies();
      if (!e || this.peek()?.v !== ')') return undefined;
      this.i++;
      return e;
    }
    if (t.t === 'kw' && (t.v === 'true' || t.v === 'false')) {
      this.i++;
      const value = t.v === 'true';
      return () => value;
    }
    if (t.t !== 'id') return undefined;
    const path: string[] = [t.v];
    this.i++;
    while (this.peek()?.v === '.' && this.tokens[this.i + 1]?.t === 'id') {
      path.push(this.tokens[this.i + 1]!.v);
      this.i += 2;
    }
    if (this.peek()?.v !== '.') return undefined;
    const fn = this.tokens[this.i + 1];
    if (!fn || fn.t !== 'kw') return undefined;
    const select = (n: Node): Node[] => {
      let nodes: Node[] = [n];
      for (const p of path) nodes = navigate(nodes, p);
      return nodes;
    };
    this.i += 2;
    switch (fn.v) {
      case 'exists()':
        return (n) => select(n).length > 0;
      case 'empty()':
        return (n) => select(n).length === 0;
      case 'hasValue()':
        return (n) => hasValue(select(n));
      default:
        return undefined;
    }
  }
}

/** A direct implementation of `expression`, when it is written in the fragment. */
export function compileFast(expression: string): FastCheck | undefined {
  const tokens = tokenize(expression);
  if (!tokens) return undefined;
  try {
    return new Parser(tokens).parse();
  } catch {
    return undefined;
  }
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
export function compileGuard(expression: string): FastCheck | undefined {
  const m = GUARD.exec(expression);
  if (!m) return undefined;
  const [, pathText, fn, op] = m;
  if (!((fn === 'empty' && op === 'or') || (fn === 'exists' && op === 'implies'))) return undefined;
  const rest = expression.slice(m[0].length);
  if (hasTopLevel(rest, 'implies') || (op === 'or' && hasTopLevel(rest, 'xor'))) return undefined;
  const path = pathText!.split('.').map((p) => p.replace(/`/g, ''));
  return (n) => {
    let nodes: Node[] = [n];
    for (const p of path) nodes = navigate(nodes, p);
    return nodes.length === 0;
  };
}
