/**
 * Parser of the fast FHIRPath subset: builds closures over the JSON, bails out on anything outside it.
 */
import { fn } from './fast-functions.ts';
import { asBoolean, bail, bool, DATE_LIKE, type Expr, FALSE, NONE, navigate, singletonPrimitive, TRUE } from './fast-runtime.ts';
import type { Tok } from './fast-tokenizer.ts';

export const KEYWORD_OPS = new Set(['and', 'or', 'xor', 'implies', 'in', 'contains', 'is', 'as', 'div', 'mod']);

export class Parser {
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
