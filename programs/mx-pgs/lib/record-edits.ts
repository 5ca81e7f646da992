import { addDays } from '../../../src/util/dates.ts';

export const REMOVE = '(sin valor)';

/** `hoy`, `hoy-30`, `hoy+365`: dates relative to the run's today, so features do not rot. */
export function resolveDateToken(value: string, today: string): string {
  const match = /^hoy(?:([+-])(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const days = match[2] ? Number(match[2]) * (match[1] === '-' ? -1 : 1) : 0;
  return addDays(today, days);
}

/**
 * Sets a dotted path (`afiliacion.vigenciaFin`) in a record. `(sin valor)` removes the field;
 * `json:123` sets a typed JSON value, so wrong-type inputs can be planted; anything else is a string
 * (an NSS like 84966311213 must stay text).
 */
export function setField(record: object, path: string, rawValue: string, today: string): void {
  const keys = path.split('.');
  let node = record as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (rawValue === REMOVE) {
    delete node[last];
    return;
  }
  node[last] = parseValue(resolveDateToken(rawValue, today));
}

function parseValue(value: string): unknown {
  return value.startsWith('json:') ? JSON.parse(value.slice('json:'.length)) : value;
}
