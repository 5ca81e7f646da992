/**
 * Enough of UCUM (https://ucum.org/ucum) to compare two quantities whose codes differ: metric prefixes on the
 * metric base units, the common customary and time units, products, quotients and integer exponents. A code outside
 * that subset is unknown (undefined), and callers then say the comparison could not be made rather than guess;
 * units with an offset (Cel, [degF]) are left unknown on purpose, a factor cannot convert them.
 */

/** Dimension exponents: mass, length, time, amount of substance, temperature, electric current, luminous intensity. */
type Dim = [number, number, number, number, number, number, number];

interface Unit {
  factor: number;
  dim: Dim;
}

const D = (m = 0, l = 0, t = 0, n = 0, k = 0, i = 0, c = 0): Dim => [m, l, t, n, k, i, c];

/** Atoms that take a metric prefix, in base units (g, m, s, mol, K, A, cd). */
const METRIC: Record<string, Unit> = {
  g: { factor: 1, dim: D(1) },
  m: { factor: 1, dim: D(0, 1) },
  s: { factor: 1, dim: D(0, 0, 1) },
  mol: { factor: 6.02214076e23, dim: D() },
  K: { factor: 1, dim: D(0, 0, 0, 0, 1) },
  A: { factor: 1, dim: D(0, 0, 0, 0, 0, 1) },
  cd: { factor: 1, dim: D(0, 0, 0, 0, 0, 0, 1) },
  L: { factor: 0.001, dim: D(0, 3) },
  l: { factor: 0.001, dim: D(0, 3) },
  Pa: { factor: 1000, dim: D(1, -1, -2) },
  Hz: { factor: 1, dim: D(0, 0, -1) },
  N: { factor: 1000, dim: D(1, 1, -2) },
  J: { factor: 1000, dim: D(1, 2, -2) },
  W: { factor: 1000, dim: D(1, 2, -3) },
  eq: { factor: 6.02214076e23, dim: D() },
  bar: { factor: 1e8, dim: D(1, -1, -2) },
};

/** Atoms without prefixes. */
const PLAIN: Record<string, Unit> = {
  min: { factor: 60, dim: D(0, 0, 1) },
  h: { factor: 3600, dim: D(0, 0, 1) },
  d: { factor: 86400, dim: D(0, 0, 1) },
  wk: { factor: 604800, dim: D(0, 0, 1) },
  mo: { factor: 2629800, dim: D(0, 0, 1) },
  a: { factor: 31557600, dim: D(0, 0, 1) },
  '[in_i]': { factor: 0.0254, dim: D(0, 1) },
  '[ft_i]': { factor: 0.3048, dim: D(0, 1) },
  '[yd_i]': { factor: 0.9144, dim: D(0, 1) },
  '[mi_i]': { factor: 1609.344, dim: D(0, 1) },
  '[lb_av]': { factor: 453.59237, dim: D(1) },
  '[oz_av]': { factor: 28.349523125, dim: D(1) },
  '[stone_av]': { factor: 6350.29318, dim: D(1) },
  'mm[Hg]': { factor: 133322.387415, dim: D(1, -1, -2) },
  '%': { factor: 0.01, dim: D() },
  '1': { factor: 1, dim: D() },
};

const PREFIXES: Record<string, number> = {
  Y: 1e24,
  Z: 1e21,
  E: 1e18,
  P: 1e15,
  T: 1e12,
  G: 1e9,
  M: 1e6,
  k: 1e3,
  h: 1e2,
  da: 1e1,
  d: 1e-1,
  c: 1e-2,
  m: 1e-3,
  u: 1e-6,
  n: 1e-9,
  p: 1e-12,
  f: 1e-15,
};

function atom(symbol: string): Unit | undefined {
  const plain = PLAIN[symbol] ?? METRIC[symbol];
  if (plain) return plain;
  for (const p of ['da', ...Object.keys(PREFIXES)]) {
    if (symbol.length > p.length && symbol.startsWith(p)) {
      const base = METRIC[symbol.slice(p.length)];
      if (base) return { factor: base.factor * PREFIXES[p]!, dim: base.dim };
    }
  }
  return undefined;
}

function term(text: string): Unit | undefined {
  // annotations ({beats}) are dimensionless; a trailing integer is the exponent (m2, s-1)
  const stripped = text.replace(/\{[^}]*\}/g, '');
  if (stripped === '') return { factor: 1, dim: D() };
  if (/^\d+$/.test(stripped)) return { factor: Number(stripped), dim: D() };
  const m = /^(.*?[^\d+-])([+-]?\d+)?$/.exec(stripped);
  if (!m) return undefined;
  const base = atom(m[1]!);
  if (!base) return undefined;
  const exp = m[2] ? Number(m[2]) : 1;
  return { factor: base.factor ** exp, dim: base.dim.map((x) => x * exp) as Dim };
}

const cache = new Map<string, Unit | null>();

/** A UCUM code's factor to base units and its dimension, or undefined outside the subset above. */
export function ucumUnit(code: string): Unit | undefined {
  const hit = cache.get(code);
  if (hit !== undefined) return hit ?? undefined;
  let result: Unit | undefined = { factor: 1, dim: D() };
  // terms are joined by '.' (product) and '/' (quotient); brackets keep their own dots ([in_i] has none, mm[Hg] neither)
  const parts = code.split(/([./])/);
  let divide = false;
  for (const part of parts) {
    if (part === '.' || part === '/') {
      divide = part === '/';
      continue;
    }
    if (part === '' && parts.length > 1) continue;
    const u = term(part);
    if (!u || !result) {
      result = undefined;
      break;
    }
    result = { factor: divide ? result.factor / u.factor : result.factor * u.factor, dim: result.dim.map((x, i) => (divide ? x - u.dim[i]! : x + u.dim[i]!)) as Dim };
  }
  if (cache.size < 1000) cache.set(code, result ?? null);
  return result;
}

/** `value` in unit `from` expressed in unit `to`: undefined when either is unknown or their dimensions differ. */
export function convertUcum(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  const a = ucumUnit(from);
  const b = ucumUnit(to);
  if (!a || !b || a.dim.some((x, i) => x !== b.dim[i])) return undefined;
  return (value * a.factor) / b.factor;
}

/** Both codes known to this subset and of different dimensions: they can never be compared. */
export function ucumIncompatible(from: string, to: string): boolean {
  const a = ucumUnit(from);
  const b = ucumUnit(to);
  return !!a && !!b && a.dim.some((x, i) => x !== b.dim[i]);
}
