/**
 * The padrón layout's shortcut for well-formed lines (Layout.readValid): one pass of byte checks over the line
 * instead of a split, a trim and a regex per field, which is what a 10 M-line confronta spends its time on.
 * It accepts a line only when every column check of PADRON_LAYOUT would pass, and then returns the record toRecord
 * would build; anything else — a space at a field's edge, an accent it does not list, a wrong date — is left to the
 * column-by-column checks, which name the fault. So it can be stricter than the layout, never looser
 * (test/mx-pgs/confronta/padron-line.test.ts compares the two on generated and mutated lines).
 *
 * It works on Latin-1 bytes (one byte a character), so the confronta session can judge a line where it lies in
 * the upload's chunk (scanPadronLine) and build strings only for the few lines that need a record.
 */
import type { EstatusAfiliacion, Institucion, Sexo, TipoAfiliacion } from '../types.ts';

/** One padrón line as the node declares it (dates as YYYY-MM-DD, as in the online API). */
export interface PadronLinea {
  curp: string;
  nombre: string;
  primerApellido: string;
  /** `XX` when the person has a single surname (an empty field is read as XX, as the online record writes it). */
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: Sexo;
  institucion: Institucion;
  /** The current number first; earlier ones (re-affiliation) after it, `&`-joined in the file. */
  numerosAfiliacion: string[];
  tipo: TipoAfiliacion;
  estatus: EstatusAfiliacion;
  vigenciaInicio: string;
  vigenciaFin?: string;
}

const PIPE = 0x7c;
const AMP = 0x26;
const SPACE = 0x20;
const SLASH = 0x2f;
const FIELDS = 12;
/** The fields by position, as PADRON_COLUMNS orders them. */
export const CAMPO = { CURP: 0, INSTITUCION: 6 } as const;
/** NAME_RE's limit: a name is at most 50 characters. */
const MAX_NAME = 50;
const MAX_NUMERO = 20;

/** NAME_RE's letters: A-Z, a-z, À-Ö, Ø-ö, ø-ÿ. Â and Ã are left out: next to a C1 byte they are UTF-8 read as Latin-1. */
function isLetter(c: number): boolean {
  if (c < 0xc0) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return c !== 0xd7 && c !== 0xf7 && c !== 0xc2 && c !== 0xc3;
}

/**
 * Each field reader starts where its field does and returns where it stops (the `|` after it, or the line's end for
 * the last), or -1 when the field would fail its column check. No field a check accepts holds a `|`, so reading the
 * fields one after another is the split and the checks in one pass over the line.
 */

/** A name checkName accepts: a letter, then letters, space, period, apostrophe or hyphen; no space at the end (trim). */
function name(b: Uint8Array, from: number, to: number): number {
  if (from >= to || !isLetter(b[from]!)) return -1;
  let i = from + 1;
  for (; i < to; i++) {
    const c = b[i]!;
    if (c === PIPE) break;
    if (!isLetter(c) && c !== SPACE && c !== 0x2e && c !== 0x27 && c !== 0x2d) return -1;
  }
  return i - from > MAX_NAME || b[i - 1] === SPACE ? -1 : i;
}

/** An optional name: empty (SEGUNDO_APELLIDO, read as XX) or a name. */
const optionalName = (b: Uint8Array, from: number, to: number): number => (from < to && b[from] === PIPE ? from : name(b, from, to));

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isUpperOrDigit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);

/** dd/mm/aaaa that is a real day (parseFecha's rule), ten bytes from `from`. */
function fecha(b: Uint8Array, from: number, to: number): number {
  if (from + 10 > to || b[from + 2] !== SLASH || b[from + 5] !== SLASH) return -1;
  for (let i = from; i < from + 10; i++) if (i !== from + 2 && i !== from + 5 && !isDigit(b[i]!)) return -1;
  const day = (b[from]! - 0x30) * 10 + b[from + 1]! - 0x30;
  const month = (b[from + 3]! - 0x30) * 10 + b[from + 4]! - 0x30;
  const year = (b[from + 6]! - 0x30) * 1000 + (b[from + 7]! - 0x30) * 100 + (b[from + 8]! - 0x30) * 10 + b[from + 9]! - 0x30;
  if (month < 1 || month > 12 || day < 1) return -1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days ? from + 10 : -1;
}

/** NUMERO_AFILIACION: one or more [A-Z0-9]{1,20} joined by single `&`. */
function numeros(b: Uint8Array, from: number, to: number): number {
  let start = from;
  for (let i = from; ; i++) {
    const c = i === to ? PIPE : b[i]!;
    if (c === AMP || c === PIPE) {
      if (i === start || i - start > MAX_NUMERO) return -1;
      if (c === PIPE) return i;
      start = i + 1;
    } else if (!isUpperOrDigit(c)) {
      return -1;
    }
  }
}

/** Upper-case letters and digits only: the shape of every CURP, the generic one included. */
function curp(b: Uint8Array, from: number, to: number): number {
  if (from + 18 > to) return -1;
  for (let i = from; i < from + 18; i++) if (!isUpperOrDigit(b[i]!)) return -1;
  return from + 18;
}

/** Latin-1 bytes of each accepted value, as numbers, so a field is compared without a string. */
const codes = (values: readonly string[]): readonly (readonly number[])[] => values.map((v) => [...v].map((c) => c.charCodeAt(0)));
const SEXOS: readonly Sexo[] = ['H', 'M', 'X'];
const INSTITUCIONES: readonly Institucion[] = ['IMSS', 'ISSSTE', 'SSA'];
const TIPOS: readonly TipoAfiliacion[] = ['TITULAR', 'BENEFICIARIO'];
const ESTATUS: readonly EstatusAfiliacion[] = ['VIGENTE', 'BAJA', 'SUSPENDIDO'];
const SEXO_CODES = codes(SEXOS);
const INSTITUCION_CODES = codes(INSTITUCIONES);
const TIPO_CODES = codes(TIPOS);
const ESTATUS_CODES = codes(ESTATUS);

/** The bytes from..to are exactly `value`'s. */
export function bytesEqual(b: Uint8Array, from: number, to: number, value: readonly number[]): boolean {
  if (to - from !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (b[from + i] !== value[i]) return false;
  return true;
}

/** The index in `values` of the one the field at `from` spells, up to its `|` or the line's end; -1 if none. */
function oneOf(b: Uint8Array, from: number, to: number, values: readonly (readonly number[])[]): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const end = from + v.length;
    if (end <= to && (end === to || b[end] === PIPE) && bytesEqual(b, from, end, v)) return i;
  }
  return -1;
}

/** Where each field starts and stops in the line last scanned; reused line after line (nothing here runs reentrantly). */
const starts = new Int32Array(FIELDS);
const ends = new Int32Array(FIELDS);
/** What scanPadronLine found in the enumerated fields, for padronRecord. */
const picked = new Int8Array(FIELDS);

/** Where field `i` of the line last accepted by scanPadronLine starts and stops. */
export const fieldStart = (i: number): number => starts[i]!;
export const fieldEnd = (i: number): number => ends[i]!;

/**
 * Whether the Latin-1 line in b[from, to) (no line end) passes every PADRON_LAYOUT check; when it does, its field
 * offsets are kept until the next call, for fieldStart/fieldEnd and padronRecord.
 */
export function scanPadronLine(b: Uint8Array, from: number, to: number): boolean {
  line = b;
  at = from;
  lineEnd = to;
  return (
    field(0, curp(b, at, to)) &&
    field(1, name(b, at, to)) &&
    field(2, name(b, at, to)) &&
    field(3, optionalName(b, at, to)) &&
    field(4, fecha(b, at, to)) &&
    pick(5, SEXO_CODES) &&
    pick(6, INSTITUCION_CODES) &&
    field(7, numeros(b, at, to)) &&
    pick(8, TIPO_CODES) &&
    pick(9, ESTATUS_CODES) &&
    field(10, fecha(b, at, to)) &&
    field(11, at === to ? at : fecha(b, at, to))
  );
}

/** The line being scanned and where its next field starts (module state, not closures: this runs per line). */
let line: Uint8Array = new Uint8Array(0);
let at = 0;
let lineEnd = 0;

/** Records field `i` as ending at `end` (-1: refused) and steps over its `|`; false when the line is refused. */
function field(i: number, end: number): boolean {
  if (end < 0) return false;
  starts[i] = at;
  ends[i] = end;
  if (i === FIELDS - 1) return end === lineEnd;
  if (end >= lineEnd || line[end] !== PIPE) return false;
  at = end + 1;
  return true;
}

/** An enumerated field: which of `values` it is, kept for padronRecord. */
function pick(i: number, values: readonly (readonly number[])[]): boolean {
  const k = oneOf(line, at, lineEnd, values);
  picked[i] = k;
  return k >= 0 && field(i, at + values[k]!.length);
}

const text = (b: Buffer, from: number, to: number): string => b.toString('latin1', from, to);
/** YYYY-MM-DD of the dd/mm/aaaa a scan accepted at `from`. */
const iso = (b: Buffer, from: number): string => `${text(b, from + 6, from + 10)}-${text(b, from + 3, from + 5)}-${text(b, from, from + 2)}`;

/** The record of the line scanPadronLine last accepted in `b`; the key order is toRecord's. */
export function padronRecord(b: Buffer): PadronLinea {
  const numerosAfiliacion: string[] = [];
  for (let start = starts[7]!, i = start; i <= ends[7]!; i++) {
    if (i === ends[7] || b[i] === AMP) {
      numerosAfiliacion.push(text(b, start, i));
      start = i + 1;
    }
  }
  const record: PadronLinea = {
    curp: text(b, starts[0]!, ends[0]!),
    nombre: text(b, starts[1]!, ends[1]!),
    primerApellido: text(b, starts[2]!, ends[2]!),
    segundoApellido: starts[3] === ends[3] ? 'XX' : text(b, starts[3]!, ends[3]!),
    fechaNacimiento: iso(b, starts[4]!),
    sexo: SEXOS[picked[5]!]!,
    institucion: INSTITUCIONES[picked[6]!]!,
    numerosAfiliacion,
    tipo: TIPOS[picked[8]!]!,
    estatus: ESTATUS[picked[9]!]!,
    vigenciaInicio: iso(b, starts[10]!),
  };
  // Added, not spread: a spread in the literal is a generic copy on every line.
  if (starts[11] !== ends[11]) record.vigenciaFin = iso(b, starts[11]!);
  return record;
}

/** Outside Latin-1: Buffer.from(…, 'latin1') would keep only the low byte and could turn it into a valid letter. */
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

/** The record of a line every PADRON_LAYOUT check accepts, or undefined to have the line checked field by field. */
export function readPadronLine(t: string): PadronLinea | undefined {
  if (NOT_LATIN1.test(t)) return undefined;
  const b = Buffer.from(t, 'latin1');
  return scanPadronLine(b, 0, b.length) ? padronRecord(b) : undefined;
}
