/**
 * FHIR R4 primitive types: JSON representation and lexical rules (the regexes of the specification,
 * plus the checks the HL7 validator adds on top of them: real calendar dates, 32-bit integer range,
 * base64 alphabet and padding, 1 MB string limit).
 */

export const PRIMITIVE_TYPES = new Set([
  'boolean',
  'integer',
  'string',
  'decimal',
  'uri',
  'url',
  'canonical',
  'base64Binary',
  'instant',
  'date',
  'dateTime',
  'time',
  'code',
  'oid',
  'id',
  'markdown',
  'unsignedInt',
  'positiveInt',
  'uuid',
  'xhtml',
]);

export const isPrimitiveType = (code: string): boolean => PRIMITIVE_TYPES.has(code);

export type JsonKind = 'boolean' | 'number' | 'string';

export function jsonKindOf(type: string): JsonKind {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'unsignedInt':
    case 'positiveInt':
    case 'decimal':
      return 'number';
    default:
      return 'string';
  }
}

const YEAR = '([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[1-2][0-9]|3[0-1])';
const TIME = '([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?';
const ZONE = '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))';

const RE = {
  date: new RegExp(`^${YEAR}(-${MONTH}(-${DAY})?)?$`),
  dateTime: new RegExp(`^${YEAR}(-${MONTH}(-${DAY}(T${TIME}${ZONE})?)?)?$`),
  dateTimeNoZone: new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}$`),
  instant: new RegExp(`^${YEAR}-${MONTH}-${DAY}T${TIME}${ZONE}$`),
  time: new RegExp(`^${TIME}$`),
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  code: /^[^\s]+(\s[^\s]+)*$/,
  oid: /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/,
  uuid: /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  base64: /^[A-Za-z0-9+/]*={0,2}$/,
  whitespace: /\s/,
};

/** 1 MB: the limit the specification puts on strings (and the HL7 validator enforces on every primitive). */
export const MAX_STRING_BYTES = 1024 * 1024;

export interface PrimitiveProblem {
  kind: 'type' | 'format';
  en: string;
  es: string;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Proleptic Gregorian, as Date computes it: every date of every resource passes here, so without building a Date. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The number the digits at `from`…`to` write (the regex has made sure they are digits). */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + value.charCodeAt(i) - 48;
  return n;
}

/** A date part that passes the regex can still name a day that does not exist (2023-02-30). */
function realDate(value: string): boolean {
  if (value.length < 10) return true;
  return digits(value, 8, 10) <= daysInMonth(digits(value, 0, 4), digits(value, 5, 7));
}

const problem = (kind: PrimitiveProblem['kind'], en: string, es: string): PrimitiveProblem => ({ kind, en, es });

/**
 * Checks the JSON value of a primitive. Returns undefined when valid. `value` is never null here: the
 * caller handles missing values (which are legal when the primitive has extensions).
 */
export function checkPrimitive(type: string, value: unknown): PrimitiveProblem | undefined {
  const kind = jsonKindOf(type);
  if (typeof value !== kind) {
    return problem(
      'type',
      `The value of a ${type} must be a JSON ${kind}, not ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}`,
      `El valor de un ${type} debe ser un ${kind === 'string' ? 'texto' : kind === 'number' ? 'número' : 'booleano'} JSON`,
    );
  }
  if (kind === 'number') return checkNumber(type, value as number);
  if (kind === 'boolean') return undefined;
  return checkString(type, value as string);
}

function checkNumber(type: string, n: number): PrimitiveProblem | undefined {
  if (!Number.isFinite(n)) return problem('format', `The value '${n}' is not a valid ${type}`, `El valor '${n}' no es un ${type} válido`);
  if (type === 'decimal') return undefined;
  if (!Number.isInteger(n)) {
    return problem('format', `The value '${n}' is not a valid integer`, `El valor '${n}' no es un entero válido`);
  }
  if (n < INT_MIN || n > INT_MAX) {
    return problem('format', `The value '${n}' is outside the range of a 32-bit integer`, `El valor '${n}' está fuera del rango de un entero de 32 bits`);
  }
  if (type === 'positiveInt' && n < 1) {
    return problem('format', `The value '${n}' must be a positive integer (1 or more)`, `El valor '${n}' debe ser un entero positivo (1 o más)`);
  }
  if (type === 'unsignedInt' && n < 0) {
    return problem('format', `The value '${n}' must not be negative`, `El valor '${n}' no debe ser negativo`);
  }
  return undefined;
}

function checkString(type: string, s: string): PrimitiveProblem | undefined {
  if (s.length === 0) {
    return problem('format', 'Primitive types must have a value that is not empty', 'Los tipos primitivos deben tener un valor no vacío');
  }
  // UTF-16 length is an upper bound of the UTF-8 size divided by 3, so only long strings need measuring.
  if (s.length > MAX_STRING_BYTES / 3 && Buffer.byteLength(s, 'utf8') > MAX_STRING_BYTES) {
    return problem('format', 'The value is longer than the permitted maximum length of 1 MB (1048576 bytes)', 'El valor supera la longitud máxima permitida de 1 MB (1048576 bytes)');
  }
  switch (type) {
    case 'string':
    case 'markdown':
    case 'xhtml':
      return undefined;
    case 'code':
      return RE.code.test(s) ? undefined : invalid(type, s);
    case 'id':
      return RE.id.test(s) ? undefined : invalid(type, s);
    case 'uri':
    case 'url':
    case 'canonical':
      if (RE.whitespace.test(s)) {
        return problem('format', `URI values cannot have whitespace ('${s}')`, `Los valores URI no pueden contener espacios ('${s}')`);
      }
      // OIDs and UUIDs as URIs are urn:oid: and urn:uuid: (datatypes.html#oid, #uuid); 'oid:' and 'uuid:' are no schemes
      if (s.startsWith('oid:')) return problem('format', `URI values cannot start with oid: ('${s}')`, `Los valores URI no pueden empezar por oid: ('${s}')`);
      if (s.startsWith('uuid:')) return problem('format', `URI values cannot start with uuid: ('${s}')`, `Los valores URI no pueden empezar por uuid: ('${s}')`);
      if (s.startsWith('urn:oid:') && !RE.oid.test(s)) return invalid('OID', s);
      if (s.startsWith('urn:uuid:') && !RE.uuid.test(s)) return invalid('UUID', s);
      return undefined;
    case 'oid':
      return RE.oid.test(s) ? undefined : invalid(type, s);
    case 'uuid':
      return RE.uuid.test(s) ? undefined : invalid(type, s);
    case 'date':
      return RE.date.test(s) && realDate(s) ? undefined : invalid(type, s);
    case 'dateTime':
      if (RE.dateTimeNoZone.test(s)) {
        return problem('format', 'If a date has a time, it must have a timezone', 'Si una fecha tiene hora, debe tener zona horaria');
      }
      return RE.dateTime.test(s) && realDate(s) ? undefined : invalid(type, s);
    case 'instant':
      return RE.instant.test(s) && realDate(s) ? undefined : invalid(type, s);
    case 'time':
      return RE.time.test(s) ? undefined : invalid(type, s);
    case 'base64Binary': {
      const compact = s.replace(/\s+/g, '');
      if (compact.length % 4 !== 0 || !RE.base64.test(compact)) {
        return problem('format', `The value '${clip(s)}' is not a valid Base64 value`, `El valor '${clip(s)}' no es un valor Base64 válido`);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

const clip = (s: string): string => (s.length > 60 ? s.slice(0, 57) + '...' : s);

function invalid(type: string, s: string): PrimitiveProblem {
  return problem('format', `The value '${clip(s)}' is not a valid ${type}`, `El valor '${clip(s)}' no es un ${type} válido`);
}

/** Resource ids follow the `id` rule; the HL7 validator words the two ways of breaking it separately. */
export function checkResourceId(id: string): PrimitiveProblem | undefined {
  if (id.length > 64) {
    return problem('format', `Invalid Resource id: Too long (${id.length} chars)`, `Id de recurso inválido: demasiado largo (${id.length} caracteres)`);
  }
  if (!RE.id.test(id)) {
    return problem('format', `Invalid Resource id: Invalid Characters ('${clip(id)}')`, `Id de recurso inválido: caracteres no permitidos ('${clip(id)}')`);
  }
  return undefined;
}

/** Decoded size in bytes of a base64 text (whitespace ignored). */
export function base64Size(s: string): number {
  const compact = s.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

/** A URI with a scheme (`http:`, `urn:` …), as opposed to a relative reference like `Patient/1`: /^[A-Za-z][A-Za-z0-9+.-]*:/. */
export function isAbsoluteUrl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (i === 0) {
      if (!letter) return false;
    } else if (c === 58) return true;
    else if (!letter && !(c >= 48 && c <= 57) && c !== 43 && c !== 46 && c !== 45) return false;
  }
  return false;
}
