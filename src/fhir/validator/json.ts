/** JSON value helpers shared by the validator: deep equality and FHIR pattern matching. */

import { isObject } from '../../util/is-object.ts';

export { isObject };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * ElementDefinition.pattern[x] semantics: every property the pattern has must be in the value with a
 * matching value; for arrays, every pattern item must match some item of the value.
 */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return value === pattern;
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : [value];
    return pattern.every((p) => values.some((v) => matchesPattern(v, p)));
  }
  if (!isObject(value)) return false;
  for (const key of Object.keys(pattern)) {
    const pv = (pattern as Record<string, unknown>)[key];
    const vv = value[key];
    if (vv === undefined) return false;
    if (Array.isArray(pv) && !Array.isArray(vv)) {
      if (!matchesPattern([vv], pv)) return false;
    } else if (!matchesPattern(vv, pv)) return false;
  }
  return true;
}

export function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}
