/**
 * The padrón layout's shortcut for well-formed lines (Layout.readValid): one pass of indexOf and charCodeAt over the
 * line instead of a split, a trim and a regex per field, which is what a 10 M-line confronta spends its time on.
 * It accepts a line only when every column check of PADRON_LAYOUT would pass, and then returns the record toRecord
 * would build; anything else — a space at a field's edge, an accent it does not list, a wrong date — is left to the
 * column-by-column checks, which name the fault. So it can be stricter than the layout, never looser
 * (test/mx-pgs/confronta/padron-line.test.ts compares the two on generated and mutated lines).
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

const AMP = 0x26;
const SPACE = 0x20;
const FIELDS = 12;
/** NAME_RE's limit: a name is at most 50 characters. */
const MAX_NAME = 50;
const MAX_NUMERO = 20;

/** NAME_RE's letters: A-Z, a-z, À-Ö, Ø-ö, ø-ÿ. Â and Ã are left out: next to a C1 byte they are UTF-8 read as Latin-1. */
function isLetter(c: number): boolean {
  if (c < 0xc0) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return c !== 0xd7 && c !== 0xf7 && c !== 0xc2 && c !== 0xc3 && c <= 0xff;
}

/** A name checkName accepts: a letter, then letters, space, period, apostrophe or hyphen; no space at the end (trim). */
function isName(t: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 1 || n > MAX_NAME || !isLetter(t.charCodeAt(from)) || t.charCodeAt(to - 1) === SPACE) return false;
  for (let i = from + 1; i < to; i++) {
    const c = t.charCodeAt(i);
    if (!isLetter(c) && c !== SPACE && c !== 0x2e && c !== 0x27 && c !== 0x2d) return false;
  }
  return true;
}

function digit(t: string, i: number): number {
  return t.charCodeAt(i) - 0x30;
}
function isDigit(t: string, i: number): boolean {
  const d = t.charCodeAt(i);
  return d >= 0x30 && d <= 0x39;
}

/** dd/mm/aaaa that is a real day (parseFecha's rule), as YYYY-MM-DD; undefined otherwise. */
function fecha(t: string, from: number, to: number): string | undefined {
  if (to - from !== 10 || t.charCodeAt(from + 2) !== 0x2f || t.charCodeAt(from + 5) !== 0x2f) return undefined;
  for (let i = from; i < to; i++) if (i !== from + 2 && i !== from + 5 && !isDigit(t, i)) return undefined;
  const day = digit(t, from) * 10 + digit(t, from + 1);
  const month = digit(t, from + 3) * 10 + digit(t, from + 4);
  const year = digit(t, from + 6) * 1000 + digit(t, from + 7) * 100 + digit(t, from + 8) * 10 + digit(t, from + 9);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > days) return undefined;
  return `${t.slice(from + 6, to)}-${t.slice(from + 3, from + 5)}-${t.slice(from, from + 2)}`;
}

/** NUMERO_AFILIACION: one or more [A-Z0-9]{1,20} joined by single `&`; the repeats, or undefined. */
function numeros(t: string, from: number, to: number): string[] | undefined {
  const out: string[] = [];
  let start = from;
  for (let i = from; i <= to; i++) {
    const c = i === to ? AMP : t.charCodeAt(i);
    if (c === AMP) {
      if (i === start || i - start > MAX_NUMERO) return undefined;
      out.push(t.slice(start, i));
      start = i + 1;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) {
      return undefined;
    }
  }
  return out;
}

/** Upper-case letters and digits only: the shape of every CURP, the generic one included. */
function isCurpShaped(t: string, to: number): boolean {
  if (to !== 18) return false;
  for (let i = 0; i < to; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

function oneOf<T extends string>(t: string, from: number, to: number, values: readonly T[]): T | undefined {
  const n = to - from;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v.length === n && t.startsWith(v, from)) return v;
  }
  return undefined;
}
const SEXOS: readonly Sexo[] = ['H', 'M', 'X'];
const INSTITUCIONES: readonly Institucion[] = ['IMSS', 'ISSSTE', 'SSA'];
const TIPOS: readonly TipoAfiliacion[] = ['TITULAR', 'BENEFICIARIO'];
const ESTATUS: readonly EstatusAfiliacion[] = ['VIGENTE', 'BAJA', 'SUSPENDIDO'];

/** Where each field starts and stops; reused line after line (readPadronLine never runs reentrantly). */
const starts = new Int32Array(FIELDS);
const ends = new Int32Array(FIELDS);

/** The record of a line every PADRON_LAYOUT check accepts, or undefined to have the line checked field by field. */
export function readPadronLine(t: string): PadronLinea | undefined {
  let field = 0;
  starts[0] = 0;
  for (let at = t.indexOf('|'); at !== -1; at = t.indexOf('|', at + 1)) {
    if (field === FIELDS - 1) return undefined;
    ends[field] = at;
    starts[++field] = at + 1;
  }
  if (field !== FIELDS - 1) return undefined;
  ends[field] = t.length;

  if (!isCurpShaped(t, ends[0]!)) return undefined;
  if (!isName(t, starts[1]!, ends[1]!) || !isName(t, starts[2]!, ends[2]!)) return undefined;
  const segundoVacio = starts[3] === ends[3];
  if (!segundoVacio && !isName(t, starts[3]!, ends[3]!)) return undefined;
  const fechaNacimiento = fecha(t, starts[4]!, ends[4]!);
  const sexo = oneOf(t, starts[5]!, ends[5]!, SEXOS);
  const institucion = oneOf(t, starts[6]!, ends[6]!, INSTITUCIONES);
  const numerosAfiliacion = numeros(t, starts[7]!, ends[7]!);
  const tipo = oneOf(t, starts[8]!, ends[8]!, TIPOS);
  const estatus = oneOf(t, starts[9]!, ends[9]!, ESTATUS);
  const vigenciaInicio = fecha(t, starts[10]!, ends[10]!);
  const finVacio = starts[11] === ends[11];
  const vigenciaFin = finVacio ? undefined : fecha(t, starts[11]!, ends[11]!);
  if (!fechaNacimiento || !sexo || !institucion || !numerosAfiliacion || !tipo || !estatus || !vigenciaInicio || (!finVacio && !vigenciaFin)) return undefined;
  // A pipe is never inside a field here, so no record value needs cleaning; the key order is toRecord's.
  const record: PadronLinea = {
    curp: t.slice(0, 18),
    nombre: t.slice(starts[1], ends[1]),
    primerApellido: t.slice(starts[2], ends[2]),
    segundoApellido: segundoVacio ? 'XX' : t.slice(starts[3], ends[3]),
    fechaNacimiento,
    sexo,
    institucion,
    numerosAfiliacion,
    tipo,
    estatus,
    vigenciaInicio,
  };
  // Added, not spread: a spread in the literal is a generic copy on every line.
  if (vigenciaFin) record.vigenciaFin = vigenciaFin;
  return record;
}
