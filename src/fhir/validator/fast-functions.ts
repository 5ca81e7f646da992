/**
 * Functions of the fast FHIRPath subset (`where`, `exists`, `matches`, …) as closures.
 */
import { asBoolean, bail, bool, type Collection, type Env, type Expr, isPrimitiveValue, NONE, singletonString } from './fast-runtime.ts';

/** Evaluates `criteria` with each item as focus and $this. */
export function eachItem(items: Collection, criteria: Expr, env: Env, keep: (r: boolean | undefined, item: unknown) => void): void {
  for (const item of items) {
    const one = [item];
    keep(asBoolean(criteria(one, { ...env, thisItem: one })), item);
  }
}

export const regexCache = new Map<string, RegExp | null>();

export function regex(source: string): RegExp {
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

export function literalArg(args: Expr[], env: Env): string | undefined {
  if (args.length !== 1) bail();
  return singletonString(args[0]!(env.thisItem, env));
}

export function fn(name: string, base: Expr, args: Expr[]): Expr {
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
