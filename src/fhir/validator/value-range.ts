/**
 * ElementDefinition.minValue[x] / maxValue[x] on instances (R4/elementdefinition-definitions.html#ElementDefinition.minValue_x_:
 * "the minimum allowed value for the element. The value is inclusive", for date, dateTime, instant, time, decimal,
 * integer and Quantity). Dates of different precisions are compared only where the precisions decide it (2022-06-30 is
 * neither before nor after 2022-06); quantities in other UCUM units are converted (ucum.ts). A limit that cannot be
 * applied — no units to compare, units this subset does not know — is a warning that it was not checked, as the HL7
 * validator warns; a Duration limit on a date is relative to now (R5's reading, which the HL7 validator applies to R4).
 */
import type { Severity } from '../../findings/finding.ts';
import type { ValueLimit, ValueRange } from './compile.ts';
import { isObject } from './json.ts';
import { issue, text } from './messages.ts';
import type { ResourceScope } from './scope.ts';
import { convertUcum } from './ucum.ts';

export const VALUE_RANGE_RULE = {
  /** A value below ElementDefinition.minValue[x] (Type_Specific_Checks_DT_*_LT, TYPE_SPECIFIC_CHECKS_DT_QTY_MIN_*). */
  min: 'FHIR-MIN-VALUE',
  /** A value above ElementDefinition.maxValue[x] (Type_Specific_Checks_DT_*_GT, TYPE_SPECIFIC_CHECKS_DT_QTY_MAX_*). */
  max: 'FHIR-MAX-VALUE',
} as const;

const UCUM = 'http://unitsofmeasure.org';
const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Count', 'Distance', 'Duration', 'SimpleQuantity', 'MoneyQuantity']);

/** -1, 0, 1, or undefined when the precisions leave the order open. */
export function compareDates(a: string, b: string): number | undefined {
  const ta = a.includes('T');
  const tb = b.includes('T');
  if (ta && tb) {
    const x = Date.parse(a);
    const y = Date.parse(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
    return Math.sign(x - y);
  }
  const da = a.slice(0, 10);
  const db = b.slice(0, 10);
  const n = Math.min(da.length, db.length);
  const pa = da.slice(0, n);
  const pb = db.slice(0, n);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return da.length === db.length && !ta && !tb ? 0 : undefined;
}

export function compareTimes(a: string, b: string): number {
  const x = a.padEnd(8, ':00');
  const y = b.padEnd(8, ':00');
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Now moved by a Duration (years and months by the calendar, the rest by UCUM seconds), or undefined. */
export function shiftedNow(duration: unknown, sign: 1 | -1, now = new Date()): Date | undefined {
  if (!isObject(duration) || typeof duration.value !== 'number' || duration.comparator !== undefined) return undefined;
  const code = typeof duration.code === 'string' ? duration.code : undefined;
  if (!code || (duration.system !== undefined && duration.system !== UCUM)) return undefined;
  const d = new Date(now.getTime());
  const n = duration.value * sign;
  if (code === 'a' && Number.isInteger(n)) d.setUTCFullYear(d.getUTCFullYear() + n);
  else if (code === 'mo' && Number.isInteger(n)) d.setUTCMonth(d.getUTCMonth() + n);
  else {
    const seconds = convertUcum(n, code, 's');
    if (seconds === undefined) return undefined;
    d.setTime(d.getTime() + seconds * 1000);
  }
  return d;
}

export interface QuantityComparison {
  /** -1, 0, 1 when comparable. */
  order?: number;
  /** Why not comparable. */
  reason?: 'no-units' | 'incompatible' | 'other-system';
}

/** Compares two Quantities: same system and code by value, UCUM codes after conversion, else why not. */
export function compareQuantities(value: Record<string, unknown>, limit: Record<string, unknown>): QuantityComparison {
  const v = value.value;
  const l = limit.value;
  if (typeof v !== 'number' || typeof l !== 'number') return { reason: 'no-units' };
  const vc = typeof value.code === 'string' ? value.code : undefined;
  const lc = typeof limit.code === 'string' ? limit.code : undefined;
  if (!vc || !lc || typeof value.system !== 'string' || typeof limit.system !== 'string') {
    // without coded units only the same written unit compares (5 Kg and 10 Kg), as a reader would
    if (!vc && !lc && typeof value.unit === 'string' && value.unit === limit.unit) return { order: Math.sign(v - l) };
    return { reason: 'no-units' };
  }
  if (value.system === limit.system && vc === lc) return { order: Math.sign(v - l) };
  if (value.system !== UCUM || limit.system !== UCUM) return { reason: 'other-system' };
  const converted = convertUcum(v, vc, lc);
  if (converted === undefined) return { reason: 'incompatible' };
  // conversion by factors is inexact in the last digits: equal within 1e-9 relative is equal
  const diff = converted - l;
  return { order: Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(l)) ? 0 : Math.sign(diff) };
}

export function describeQuantity(q: Record<string, unknown>): string {
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return `${String(q.value)}${unit ? ' ' + unit : ''}`;
}

function push(scope: ResourceScope, which: 'min' | 'max', severity: Severity, path: string, en: string, es: string): void {
  scope.run.findings.push(issue(VALUE_RANGE_RULE[which], severity, severity === 'error' ? 'value' : 'informational', path, text(en, es)));
}

function checkLimit(value: unknown, typeCode: string, limit: ValueLimit, which: 'min' | 'max', path: string, scope: ResourceScope): void {
  const sign = which === 'min' ? -1 : 1;
  const word = which === 'min' ? ['less than', 'minimum', 'menor que', 'mínimo'] : ['greater than', 'maximum', 'mayor que', 'máximo'];
  const fail = (shown: string): void =>
    push(scope, which, 'error', path, `The value ${shown} is ${word[0]} the permitted ${word[1]} value`, `El valor ${shown} es ${word[2]} el valor ${word[3]} permitido`);
  const l = limit.value;
  if (typeof value === 'number') {
    const n = typeof l === 'number' ? l : typeof l === 'string' && l.trim() !== '' ? Number(l) : Number.NaN;
    if (!Number.isNaN(n) && Math.sign(value - n) === sign) fail(`${value} (limit ${n})`);
    return;
  }
  if (typeof value === 'string') {
    if (typeCode === 'time') {
      if (typeof l === 'string' && compareTimes(value, l) === sign) fail(`${value} (limit ${l})`);
      return;
    }
    if (typeCode !== 'date' && typeCode !== 'dateTime' && typeCode !== 'instant') return;
    if (typeof l === 'string') {
      if (compareDates(value, l) === sign) fail(`${value} (limit ${l})`);
      return;
    }
    if (QUANTITY_TYPES.has(limit.type)) {
      // a Duration bounds a date relative to now: minValue that long before now, maxValue that long after
      const bound = shiftedNow(l, sign === -1 ? -1 : 1);
      if (!bound) {
        push(
          scope,
          which,
          'warning',
          path,
          `The ${word[1]} value ${JSON.stringify(l)} cannot be applied to a date (a Duration in UCUM units without comparator is needed), so it was not checked`,
          `El valor ${word[3]} ${JSON.stringify(l)} no se puede aplicar a una fecha, no se comprobó`,
        );
        return;
      }
      if (compareDates(value, bound.toISOString()) === sign || (!value.includes('T') && compareDates(value, bound.toISOString().slice(0, value.length)) === sign)) {
        fail(`${value} (limit ${describeQuantity(l as Record<string, unknown>)} ${which === 'min' ? 'before' : 'after'} now, ${bound.toISOString().slice(0, 10)})`);
      }
    }
    return;
  }
  if (isObject(value) && isObject(l) && QUANTITY_TYPES.has(typeCode)) {
    const c = compareQuantities(value, l);
    if (c.order === sign) fail(`${describeQuantity(value)} (limit ${describeQuantity(l)})`);
    else if (c.reason) {
      push(
        scope,
        which,
        'warning',
        path,
        `The quantity ${describeQuantity(value)} cannot be compared to the ${word[1]} value ${describeQuantity(l)} (${c.reason === 'no-units' ? 'no coded units' : c.reason === 'incompatible' ? 'units not convertible' : 'different unit systems'}), so it was not checked`,
        `La cantidad ${describeQuantity(value)} no se puede comparar con el valor ${word[3]} ${describeQuantity(l)}, no se comprobó`,
      );
    }
  }
}

/** Reports a value outside its element's minValue/maxValue; `typeCode` is the value's FHIR type. */
export function checkValueRange(value: unknown, range: ValueRange, typeCode: string, path: string, scope: ResourceScope): void {
  if (range.min) checkLimit(value, typeCode, range.min, 'min', path, scope);
  if (range.max) checkLimit(value, typeCode, range.max, 'max', path, scope);
}
