/**
 * The batch confronta files, Sello reference contract v1 (profiles/confronta.md): DGIS GIIS-style pipe-delimited
 * text in ISO-8859-1, a header row, `|` between fields, `&` between repeats, dates dd/mm/aaaa, CRLF or LF. The
 * reading and writing is the engine's (src/delimited/, line by line so that a 10 M-line padrón never sits in
 * memory); here are the confronta format, its two layouts and their field checks.
 */

import {
  type DelimitedFormat,
  type ParsedItem as GenericItem,
  DelimitedParser as GenericParser,
  LineSplitter as GenericSplitter,
  formatFinding as genericFinding,
  parseDelimited as genericParse,
  headerRow,
  type Layout,
  lineWriter,
  oneOf,
  type RawLine,
} from '../../../../src/delimited/index.ts';
import type { Finding, LocalizedText } from '../../../../src/findings/finding.ts';
import type { EstatusAfiliacion, Institucion, Sexo, TipoAfiliacion } from '../types.ts';
import { type PadronLinea, readPadronLine } from './padron-line.ts';

export { type ColumnSpec, type Layout, latin1Chunks, latin1ChunksSync, type RawLine, toLatin1 } from '../../../../src/delimited/index.ts';
export type { PadronLinea } from './padron-line.ts';

export const FIELD_SEPARATOR = '|';
export const REPEAT_SEPARATOR = '&';
export const FORMAT_RULE = 'CONFRONTA-FORMAT';
export const CONFRONTA_CONTENT_TYPE = 'text/plain; charset=ISO-8859-1';
/**
 * A padrón line is about 150 bytes. The cap is what keeps memory bounded on a file with no line breaks at all
 * (a CR-only export, a binary upload): past it the parser skips to the next LF instead of accumulating.
 */
export const MAX_LINE_BYTES = 4096;

export const CONFRONTA_FORMAT: DelimitedFormat = {
  fieldSeparator: FIELD_SEPARATOR,
  repeatSeparator: REPEAT_SEPARATOR,
  maxLineBytes: MAX_LINE_BYTES,
  ruleId: FORMAT_RULE,
  location: (line, column) => (column ? `linea ${line}, campo ${column}` : `linea ${line}`),
};

// ---------------------------------------------------------------------------------------------
// Layouts

const NAME_RE = /^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ .'-]*$/;
// UTF-8 bytes read as Latin-1: Ñ arrives as "Ã\u0091", é as "Ã©". Named apart because it is the usual export mistake.
const UTF8_AS_LATIN1_RE = /[ÂÃ][\u0080-\u00bf]/;
const DATE_RE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const NUMERO_RE = /^[A-Z0-9]{1,20}$/;

function checkName(value: string): LocalizedText | undefined {
  if (UTF8_AS_LATIN1_RE.test(value)) {
    return { es: `"${value}" parece texto UTF-8; el archivo debe venir en ISO-8859-1`, en: `"${value}" looks like UTF-8 text; the file must be ISO-8859-1` };
  }
  if (value.length > 50 || !NAME_RE.test(value)) {
    return {
      es: `"${value}" no es un nombre válido (letras ISO-8859-1, espacio, punto, apóstrofo o guion; hasta 50)`,
      en: `"${value}" is not a valid name (ISO-8859-1 letters, space, period, apostrophe or hyphen; up to 50)`,
    };
  }
  return undefined;
}

function checkDate(value: string): LocalizedText | undefined {
  return parseFecha(value) ? undefined : { es: `"${value}" no es una fecha dd/mm/aaaa real`, en: `"${value}" is not a real dd/mm/yyyy date` };
}

/** dd/mm/aaaa → YYYY-MM-DD, or undefined when the text is not a real day. Arithmetic, not Date: it runs 3 times a line. */
export function parseFecha(value: string): string | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** YYYY-MM-DD → dd/mm/aaaa. */
export function formatFecha(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

export const PADRON_COLUMNS = [
  'CURP',
  'NOMBRE',
  'PRIMER_APELLIDO',
  'SEGUNDO_APELLIDO',
  'FECHA_NACIMIENTO',
  'SEXO',
  'INSTITUCION',
  'NUMERO_AFILIACION',
  'TIPO',
  'ESTATUS',
  'VIGENCIA_INICIO',
  'VIGENCIA_FIN',
] as const;

const first = (fields: readonly (readonly string[])[], i: number): string => fields[i]?.[0] ?? '';
/** dd/mm/aaaa → YYYY-MM-DD for a value checkDate already accepted. */
const isoOf = (checked: string): string => (checked ? `${checked.slice(6, 10)}-${checked.slice(3, 5)}-${checked.slice(0, 2)}` : '');

export const PADRON_LAYOUT: Layout<PadronLinea> = {
  name: 'padrón',
  columns: [
    // CURP validity is a confronta result (CURP_INVALIDA), not a format error: the line is still read.
    { name: 'CURP', required: true, repeatable: false },
    { name: 'NOMBRE', required: true, repeatable: false, check: checkName },
    { name: 'PRIMER_APELLIDO', required: true, repeatable: false, check: checkName },
    { name: 'SEGUNDO_APELLIDO', required: false, repeatable: false, check: checkName },
    { name: 'FECHA_NACIMIENTO', required: true, repeatable: false, check: checkDate },
    { name: 'SEXO', required: true, repeatable: false, check: oneOf(['H', 'M', 'X']) },
    { name: 'INSTITUCION', required: true, repeatable: false, check: oneOf(['IMSS', 'ISSSTE', 'SSA']) },
    {
      name: 'NUMERO_AFILIACION',
      required: true,
      repeatable: true,
      check: (v) => (NUMERO_RE.test(v) ? undefined : { es: `"${v}" no es un número de afiliación (A-Z, 0-9, hasta 20)`, en: `"${v}" is not an affiliation number (A-Z, 0-9, up to 20)` }),
    },
    { name: 'TIPO', required: true, repeatable: false, check: oneOf(['TITULAR', 'BENEFICIARIO']) },
    { name: 'ESTATUS', required: true, repeatable: false, check: oneOf(['VIGENTE', 'BAJA', 'SUSPENDIDO']) },
    { name: 'VIGENCIA_INICIO', required: true, repeatable: false, check: checkDate },
    { name: 'VIGENCIA_FIN', required: false, repeatable: false, check: checkDate },
  ],
  toRecord(fields) {
    const fin = first(fields, 11);
    return {
      curp: first(fields, 0),
      nombre: first(fields, 1),
      primerApellido: first(fields, 2),
      segundoApellido: first(fields, 3) || 'XX',
      fechaNacimiento: isoOf(first(fields, 4)),
      sexo: first(fields, 5) as Sexo,
      institucion: first(fields, 6) as Institucion,
      numerosAfiliacion: [...(fields[7] ?? [])],
      tipo: first(fields, 8) as TipoAfiliacion,
      estatus: first(fields, 9) as EstatusAfiliacion,
      vigenciaInicio: isoOf(first(fields, 10)),
      ...(fin ? { vigenciaFin: isoOf(fin) } : {}),
    };
  },
  readValid: readPadronLine,
};

/** Per-line results; RESUMEN is the trailer only. */
export const RESULTADOS = ['FORMATO_INVALIDO', 'CURP_INVALIDA', 'DOBLE_AFILIACION', 'DUPLICIDAD_SSA', 'MISMA_CURP_DATOS_DISTINTOS'] as const;
export type Resultado = (typeof RESULTADOS)[number];
export const RESUMEN = 'RESUMEN';

export interface ResultadoLinea {
  /** Empty in the RESUMEN trailer and when a malformed line had nothing readable as a CURP. */
  curp: string;
  resultados: string[];
  /** One per resultado, same order. */
  detalles: string[];
}

export const RESULTADO_COLUMNS = ['CURP', 'RESULTADO', 'DETALLE'] as const;

export const RESULTADO_LAYOUT: Layout<ResultadoLinea> = {
  name: 'resultado',
  columns: [
    { name: 'CURP', required: false, repeatable: false },
    { name: 'RESULTADO', required: true, repeatable: true, check: oneOf([...RESULTADOS, RESUMEN]) },
    { name: 'DETALLE', required: true, repeatable: true },
  ],
  toRecord: (fields) => ({ curp: first(fields, 0), resultados: [...(fields[1] ?? [])], detalles: [...(fields[2] ?? [])] }),
};

export const headerLine = (layout: Layout<unknown>): string => headerRow(layout, CONFRONTA_FORMAT);

// ---------------------------------------------------------------------------------------------
// Reading

/** Splits Latin-1 bytes into lines, at most `maxLineBytes` each (the confronta cap by default). */
export class LineSplitter extends GenericSplitter {
  constructor(maxLineBytes = MAX_LINE_BYTES) {
    super(maxLineBytes);
  }
}

export type ParsedItem<T> =
  | Exclude<GenericItem<T>, { type: 'invalid' }>
  /** A data line that cannot be read; `curp` is its first field, as written, for the answer. */
  | { type: 'invalid'; line: number; curp: string; findings: Finding[] };

const withCurp = <T>(item: GenericItem<T>): ParsedItem<T> => (item.type === 'invalid' ? { type: 'invalid', line: item.line, curp: item.key, findings: item.findings } : item);

export function formatFinding(line: number, column: string | undefined, message: LocalizedText): Finding {
  return genericFinding(CONFRONTA_FORMAT, line, column, message);
}

/** The engine's streaming parser in the confronta format; an unreadable line is named by its CURP field. */
export class DelimitedParser<T> {
  readonly #parser: GenericParser<T>;

  constructor(
    readonly layout: Layout<T>,
    maxLineBytes = MAX_LINE_BYTES,
  ) {
    this.#parser = new GenericParser(layout, maxLineBytes === MAX_LINE_BYTES ? CONFRONTA_FORMAT : { ...CONFRONTA_FORMAT, maxLineBytes });
  }

  push(chunk: Uint8Array): ParsedItem<T>[] {
    return this.#parser.push(chunk).map(withCurp);
  }

  /** One line the caller cut itself (see the engine's DelimitedParser.line); not to be mixed with push(). */
  line(raw: RawLine): ParsedItem<T> | undefined {
    const item = this.#parser.line(raw);
    return item && withCurp(item);
  }

  end(): ParsedItem<T>[] {
    return this.#parser.end().map(withCurp);
  }
}

/** Async iteration over a byte stream (a Readable of Buffers): the header item first, then one item per data line. */
export async function* parseDelimited<T>(source: AsyncIterable<Uint8Array | string>, layout: Layout<T>): AsyncGenerator<ParsedItem<T>> {
  for await (const item of genericParse(source, layout, CONFRONTA_FORMAT)) yield withCurp(item);
}

export const parsePadron = (source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ParsedItem<PadronLinea>> => parseDelimited(source, PADRON_LAYOUT);
export const parseResultado = (source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ParsedItem<ResultadoLinea>> => parseDelimited(source, RESULTADO_LAYOUT);

/** The counters of a RESUMEN trailer (`LINEAS=10&SIN_HALLAZGOS=7&…`). */
export function parseResumen(detalles: readonly string[]): Record<string, number> {
  return Object.fromEntries(
    detalles.map((d) => {
      const [key, value] = d.split('=');
      return [key ?? '', Number(value)];
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Writing

const writer = lineWriter(CONFRONTA_FORMAT);
/** A field value made safe for the format (answers echo what a node sent: a malformed CURP may hold `&`). */
export const cleanValue = writer.cleanValue;
export const formatLine = writer.formatLine;

export function formatPadronLine(r: PadronLinea): string {
  return formatLine([
    r.curp,
    r.nombre,
    r.primerApellido,
    r.segundoApellido,
    formatFecha(r.fechaNacimiento),
    r.sexo,
    r.institucion,
    r.numerosAfiliacion,
    r.tipo,
    r.estatus,
    formatFecha(r.vigenciaInicio),
    r.vigenciaFin ? formatFecha(r.vigenciaFin) : '',
  ]);
}

export function formatResultadoLine(r: ResultadoLinea): string {
  return formatLine([r.curp, r.resultados, r.detalles]);
}
