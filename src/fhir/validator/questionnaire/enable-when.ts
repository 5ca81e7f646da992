/**
 * Questionnaire.item.enableWhen (R4/questionnaire-definitions.html#Questionnaire.item.enableWhen): an item is enabled
 * when its conditions hold — all of them, or any with enableBehavior `any`. A condition's question is the nearest
 * occurrence of its linkId, looked for from the answering item outwards (the ancestor axis first, as R4 says); an
 * unanswered question satisfies only `exists = false`.
 */
import { deepEqual, isObject } from '../json.ts';
import { compareDates, compareQuantities, compareTimes } from '../value-range.ts';

type Obj = Record<string, unknown>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value[x] of an answer or enableWhen: its type suffix and value. */
export function choiceValue(obj: Obj, stem: string): { type: string; value: unknown } | undefined {
  for (const key in obj) {
    if (key.length > stem.length && key.startsWith(stem)) {
      const c = key.charCodeAt(stem.length);
      if (c >= 65 && c <= 90) return { type: key.slice(stem.length), value: obj[key] };
    }
  }
  return undefined;
}

function findItem(items: unknown[], linkId: string): Obj | undefined {
  for (const it of items) {
    if (!isObject(it)) continue;
    if (it.linkId === linkId) return it;
    const nested =
      findItem(list(it.item), linkId) ??
      findItem(
        list(it.answer).flatMap((a) => (isObject(a) ? list(a.item) : [])),
        linkId,
      );
    if (nested) return nested;
  }
  return undefined;
}

function compare(type: string, a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') {
    if (type === 'Date' || type === 'DateTime') return compareDates(a, b);
    if (type === 'Time') return compareTimes(a, b);
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (type === 'Quantity' && isObject(a) && isObject(b)) return compareQuantities(a, b).order;
  return undefined;
}

function equalAnswer(type: string, a: unknown, b: unknown): boolean {
  if (type === 'Coding' && isObject(a) && isObject(b)) return a.code === b.code && (a.system === undefined || b.system === undefined || a.system === b.system);
  if (type === 'Reference' && isObject(a) && isObject(b)) return a.reference === b.reference;
  if (type === 'Quantity' && isObject(a) && isObject(b)) return compareQuantities(a, b).order === 0;
  return deepEqual(a, b);
}

function conditionHolds(condition: Obj, ancestors: unknown[][]): boolean {
  const question = typeof condition.question === 'string' ? condition.question : undefined;
  const expected = choiceValue(condition, 'answer');
  if (!question || !expected) return false;
  let item: Obj | undefined;
  for (let i = ancestors.length - 1; i >= 0 && !item; i--) item = findItem(ancestors[i]!, question);
  const answers = item ? list(item.answer).flatMap((a) => (isObject(a) ? [choiceValue(a, 'value')].filter((x) => x !== undefined) : [])) : [];
  const op = condition.operator;
  if (op === 'exists') return answers.length > 0 === (expected.value === true);
  if (answers.length === 0) return false;
  const same = answers.filter((a) => a.type === expected.type);
  switch (op) {
    case '=':
      return same.some((a) => equalAnswer(expected.type, a.value, expected.value));
    case '!=':
      return !same.some((a) => equalAnswer(expected.type, a.value, expected.value));
    case '>':
      return same.some((a) => compare(expected.type, a.value, expected.value) === 1);
    case '<':
      return same.some((a) => compare(expected.type, a.value, expected.value) === -1);
    case '>=':
      return same.some((a) => {
        const c = compare(expected.type, a.value, expected.value);
        return c === 1 || c === 0;
      });
    case '<=':
      return same.some((a) => {
        const c = compare(expected.type, a.value, expected.value);
        return c === -1 || c === 0;
      });
    default:
      return false;
  }
}

/** Whether a Questionnaire item is enabled, given the QR item lists from the root down to where it would be answered. */
export function isEnabled(qItem: Obj, ancestors: unknown[][]): boolean {
  const conditions = list(qItem.enableWhen).filter(isObject);
  if (conditions.length === 0) return true;
  const holds = conditions.map((c) => conditionHolds(c, ancestors));
  return qItem.enableBehavior === 'any' ? holds.some(Boolean) : holds.every(Boolean);
}
