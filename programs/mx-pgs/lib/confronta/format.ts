/**
 * The batch confronta files, Sello reference contract v1 (profiles/mx-pgs/confronta.md): DGIS GIIS-style
 * pipe-delimited text in ISO-8859-1, a header row, `|` between fields, `&` between repeats, dates dd/mm/aaaa,
 * CRLF or LF. Everything here works line by line so that a 10 M-line padrón never sits in memory.
 */
import { Readable } from 'node:stream';
import { finding, type Finding, type LocalizedText } from '../../../../src/findings/finding.ts';
import { GENERIC_CURP, curpCheckDigit, generateNss, generatePerson, type SeededRandom } from '../../../../src/identifiers/mx/index.ts';
import type { EstatusAfiliacion, Institucion, Sexo, TipoAfiliacion } from '../types.ts';

export const FIELD_SEPARATOR = '|';
export const REPEAT_SEPARATOR = '&';
export const FORMAT_RULE = 'CONFRONTA-FORMAT';
export const CONFRONTA_CONTENT_TYPE = 'text/plain; charset=ISO-8859-1';
/**
 * A padrón line is about 150 bytes. The cap is what keeps memory bounded on a file with no line breaks at all
 * (a CR-only export, a binary upload): past it the parser skips to the next LF instead of accumulating.
 */
export const MAX_LINE_BYTES = 4096;

// ---------------------------------------------------------------------------------------------
// Layouts

export interface ColumnSpec {
  name: string;
  required: boolean;
  repeatable: boolean;
  /** Judges one non-empty value; returns why it is wrong. */
  check?: (value: string) => LocalizedText | undefined;
}

export interface Layout<T> {
  name: string;
  columns: readonly ColumnSpec[];
  /** Builds the typed record from fields that passed their checks (one array of repeats per column). */
  toRecord(fields: readonly (readonly string[])[]): T;
}

const NAME_RE = /^[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ .'-]*$/;
// UTF-8 bytes read as Latin-1: Ñ arrives as "Ã\u0091", é as "Ã©". Named apart because it is the usual export mistake.
const UTF8_AS_LATIN1_RE = /[ÂÃ][\u0080-\u00bf]/;
const DATE_RE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const NUMERO_RE = /^[A-Z0-9]{1,20}$/;

function oneOf(values: readonly string[]): (value: string) => LocalizedText | undefined {
  return (value) =>
    values.includes(value) ? undefined : { es: `debe ser ${values.join(', ')}; llegó "${value}"`, en: `must be ${values.join(', ')}; got "${value}"` };
}

function checkName(value: string): LocalizedText | undefined {
  if (UTF8_AS_LATIN1_RE.test(value)) {
    return { es: `"${value}" parece texto UTF-8; el archivo debe venir en ISO-8859-1`, en: `"${value}" looks like UTF-8 text; the file must be ISO-8859-1` };
  }
  if (value.length > 50 || !NAME_RE.test(value)) {
    return { es: `"${value}" no es un nombre válido (letras ISO-8859-1, espacio, punto, apóstrofo o guion; hasta 50)`, en: `"${value}" is not a valid name (ISO-8859-1 letters, space, period, apostrophe or hyphen; up to 50)` };
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

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** YYYY-MM-DD → dd/mm/aaaa. */
export function formatFecha(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

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

export const PADRON_COLUMNS = [
  'CURP', 'NOMBRE', 'PRIMER_APELLIDO', 'SEGUNDO_APELLIDO', 'FECHA_NACIMIENTO', 'SEXO', 'INSTITUCION',
  'NUMERO_AFILIACION', 'TIPO', 'ESTATUS', 'VIGENCIA_INICIO', 'VIGENCIA_FIN',
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

export const headerLine = (layout: Layout<unknown>): string => layout.columns.map((c) => c.name).join(FIELD_SEPARATOR);

// ---------------------------------------------------------------------------------------------
// Reading

export type RawLine = { line: number; text: string } | { line: number; tooLongBytes: number };

/**
 * Splits a byte stream into Latin-1 lines (LF, with an optional CR before it). Latin-1 is one byte per character,
 * so lines are cut on bytes and each is decoded alone. A final line without LF still counts.
 */
export class LineSplitter {
  #carry: Buffer | undefined;
  #skipped = -1;
  #line = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Uint8Array): RawLine[] {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: RawLine[] = [];
    let start = 0;
    for (let nl = buffer.indexOf(0x0a, start); nl !== -1; nl = buffer.indexOf(0x0a, start)) {
      out.push(this.#complete(buffer.subarray(start, nl)));
      start = nl + 1;
    }
    if (start < buffer.length) this.#keep(buffer.subarray(start));
    return out;
  }

  end(): RawLine[] {
    if (this.#carry === undefined && this.#skipped < 0) return [];
    return [this.#complete(Buffer.alloc(0))];
  }

  #keep(rest: Buffer): void {
    if (this.#skipped >= 0) {
      this.#skipped += rest.length;
      return;
    }
    // Copied, not sliced: a slice would pin the whole 64 KiB socket chunk for a few bytes.
    this.#carry = this.#carry ? Buffer.concat([this.#carry, rest]) : Buffer.from(rest);
    if (this.#carry.length > this.maxLineBytes) {
      this.#skipped = this.#carry.length;
      this.#carry = undefined;
    }
  }

  #complete(piece: Buffer): RawLine {
    const line = ++this.#line;
    if (this.#skipped >= 0) {
      const tooLongBytes = this.#skipped + piece.length;
      this.#skipped = -1;
      return { line, tooLongBytes };
    }
    const bytes = this.#carry ? Buffer.concat([this.#carry, piece]) : piece;
    this.#carry = undefined;
    if (bytes.length > this.maxLineBytes) return { line, tooLongBytes: bytes.length };
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { line, text: bytes.toString('latin1', 0, end) };
  }
}

export type ParsedItem<T> =
  /** Always the first item: an empty findings list means the header row is the layout's. */
  | { type: 'header'; line: number; findings: Finding[] }
  | { type: 'row'; line: number; record: T }
  /** A data line that cannot be read; `curp` is its first field, as written, for the answer. */
  | { type: 'invalid'; line: number; curp: string; findings: Finding[] };

export function formatFinding(line: number, column: string | undefined, message: LocalizedText): Finding {
  return finding(FORMAT_RULE, 'error', 'structure', column ? `linea ${line}, campo ${column}` : `linea ${line}`, message, 'text-line');
}

/**
 * Streaming parser of one layout: push bytes, get items. Synchronous per chunk so a route can interleave
 * reading and answering without an await per line. After a wrong header nothing else is read.
 */
export class DelimitedParser<T> {
  readonly #splitter: LineSplitter;
  #header: 'pending' | 'ok' | 'bad' = 'pending';

  constructor(readonly layout: Layout<T>, maxLineBytes = MAX_LINE_BYTES) {
    this.#splitter = new LineSplitter(maxLineBytes);
  }

  push(chunk: Uint8Array): ParsedItem<T>[] {
    return this.#items(this.#splitter.push(chunk));
  }

  end(): ParsedItem<T>[] {
    const items = this.#items(this.#splitter.end());
    if (this.#header === 'pending') {
      this.#header = 'bad';
      items.push({ type: 'header', line: 1, findings: [formatFinding(1, undefined, { es: `archivo vacío: falta la fila de encabezado ${headerLine(this.layout)}`, en: `empty file: the header row ${headerLine(this.layout)} is missing` })] });
    }
    return items;
  }

  #items(lines: RawLine[]): ParsedItem<T>[] {
    const items: ParsedItem<T>[] = [];
    for (const raw of lines) {
      if (this.#header === 'bad') break;
      if (this.#header === 'pending') {
        const findings = this.#checkHeader(raw);
        this.#header = findings.length === 0 ? 'ok' : 'bad';
        items.push({ type: 'header', line: raw.line, findings });
        continue;
      }
      items.push(this.#dataLine(raw));
    }
    return items;
  }

  #checkHeader(raw: RawLine): Finding[] {
    const expected = headerLine(this.layout);
    if (!('text' in raw)) return [formatFinding(raw.line, undefined, { es: `la fila de encabezado excede ${MAX_LINE_BYTES} bytes`, en: `the header row exceeds ${MAX_LINE_BYTES} bytes` })];
    if (raw.text.startsWith('ï»¿')) {
      return [formatFinding(raw.line, undefined, { es: 'el archivo empieza con la marca BOM de UTF-8; debe venir en ISO-8859-1 sin BOM', en: 'the file starts with a UTF-8 byte order mark; it must be ISO-8859-1 without BOM' })];
    }
    if (raw.text === expected) return [];
    const names = raw.text.split(FIELD_SEPARATOR);
    const findings: Finding[] = [];
    if (names.length !== this.layout.columns.length) {
      findings.push(formatFinding(raw.line, undefined, {
        es: `el encabezado tiene ${names.length} columnas; se esperaban ${this.layout.columns.length}: ${expected}`,
        en: `the header has ${names.length} columns; expected ${this.layout.columns.length}: ${expected}`,
      }));
    }
    this.layout.columns.forEach((column, i) => {
      const got = names[i];
      if (got !== undefined && got !== column.name) {
        // Cut and cleaned: a binary or compressed upload would otherwise put its bytes in the acuse.
        const shown = got.slice(0, 40).replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
        findings.push(formatFinding(raw.line, column.name, { es: `la columna ${i + 1} del encabezado es "${shown}"; se esperaba ${column.name}`, en: `header column ${i + 1} is "${shown}"; expected ${column.name}` }));
      }
    });
    return findings;
  }

  #dataLine(raw: RawLine): ParsedItem<T> {
    if (!('text' in raw)) {
      return { type: 'invalid', line: raw.line, curp: '', findings: [formatFinding(raw.line, undefined, { es: `la línea excede ${MAX_LINE_BYTES} bytes (${raw.tooLongBytes})`, en: `the line exceeds ${MAX_LINE_BYTES} bytes (${raw.tooLongBytes})` })] };
    }
    const { line, text } = raw;
    const parts = text.split(FIELD_SEPARATOR);
    const curp = (parts[0] ?? '').trim();
    const columns = this.layout.columns;
    if (text.trim() === '') {
      return { type: 'invalid', line, curp: '', findings: [formatFinding(line, undefined, { es: 'línea vacía', en: 'empty line' })] };
    }
    if (parts.length !== columns.length) {
      return {
        type: 'invalid',
        line,
        curp,
        findings: [formatFinding(line, undefined, { es: `la línea tiene ${parts.length} campos; se esperaban ${columns.length}`, en: `the line has ${parts.length} fields; expected ${columns.length}` })],
      };
    }
    const findings: Finding[] = [];
    const fields: string[][] = [];
    // Plain loops: this runs once per field of every line of a 10 M-line file.
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = (parts[i] ?? '').trim();
      const repeats = value === '' ? [] : value.includes(REPEAT_SEPARATOR) ? value.split(REPEAT_SEPARATOR).map((r) => r.trim()) : [value];
      fields.push(repeats);
      if (repeats.length === 0) {
        if (column.required) findings.push(formatFinding(line, column.name, { es: 'campo obligatorio vacío', en: 'required field is empty' }));
        continue;
      }
      if (repeats.length > 1 && !column.repeatable) {
        findings.push(formatFinding(line, column.name, { es: `el campo no admite repeticiones (${REPEAT_SEPARATOR})`, en: `the field does not allow repeats (${REPEAT_SEPARATOR})` }));
        continue;
      }
      for (let r = 0; r < repeats.length; r++) {
        const repeat = repeats[r]!;
        const where = repeats.length > 1 ? `${column.name}[${r + 1}]` : column.name;
        if (repeat === '') {
          findings.push(formatFinding(line, where, { es: `repetición vacía (${REPEAT_SEPARATOR}${REPEAT_SEPARATOR} o ${REPEAT_SEPARATOR} al borde)`, en: `empty repeat (${REPEAT_SEPARATOR}${REPEAT_SEPARATOR} or ${REPEAT_SEPARATOR} at an edge)` }));
          continue;
        }
        const problem = column.check?.(repeat);
        if (problem) findings.push(formatFinding(line, where, problem));
      }
    }
    if (findings.length > 0) return { type: 'invalid', line, curp, findings };
    return { type: 'row', line, record: this.layout.toRecord(fields) };
  }
}

/** Async iteration over a byte stream (a Readable of Buffers): the header item first, then one item per data line. */
export async function* parseDelimited<T>(source: AsyncIterable<Uint8Array | string>, layout: Layout<T>): AsyncGenerator<ParsedItem<T>> {
  const parser = new DelimitedParser(layout);
  for await (const chunk of source) {
    yield* parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }
  yield* parser.end();
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

/**
 * A field value made safe for the format: the separators, line breaks and anything outside Latin-1 become `?`.
 * Answers echo what a node sent (a malformed CURP may hold `&`), and an echo must not shift the columns.
 */
export function cleanValue(value: string): string {
  return RESERVED_RE.test(value) ? value.replace(RESERVED_GLOBAL_RE, '?') : value;
}

// UTF-16 units, not code points: an astral character becomes `??`, which is as unreadable in Latin-1 as `?`.
const RESERVED_RE = /[|&\r\n\u0100-\uffff]/;
const RESERVED_GLOBAL_RE = /[|&\r\n\u0100-\uffff]/g;

export function formatLine(fields: readonly (string | readonly string[])[]): string {
  return fields.map((f) => (typeof f === 'string' ? cleanValue(f) : f.map(cleanValue).join(REPEAT_SEPARATOR))).join(FIELD_SEPARATOR);
}

export function formatPadronLine(r: PadronLinea): string {
  return formatLine([
    r.curp, r.nombre, r.primerApellido, r.segundoApellido, formatFecha(r.fechaNacimiento), r.sexo, r.institucion,
    r.numerosAfiliacion, r.tipo, r.estatus, formatFecha(r.vigenciaInicio), r.vigenciaFin ? formatFecha(r.vigenciaFin) : '',
  ]);
}

export function formatResultadoLine(r: ResultadoLinea): string {
  return formatLine([r.curp, r.resultados, r.detalles]);
}

/** Latin-1 bytes; cleanValue already turned anything outside Latin-1 into `?`, so nothing is silently truncated. */
export const toLatin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Joins lines with `eol` into Latin-1 chunks of about `chunkBytes`, so a big file is not one write per line. */
export async function* latin1Chunks(lines: AsyncIterable<string>, eol = '\r\n', chunkBytes = 64 * 1024): AsyncGenerator<Buffer> {
  let pending = '';
  for await (const line of lines) {
    pending += line + eol;
    if (pending.length >= chunkBytes) {
      yield toLatin1(pending);
      pending = '';
    }
  }
  if (pending) yield toLatin1(pending);
}

/** latin1Chunks for lines that are already there: no await per line, which matters at 10 M lines. */
export function* latin1ChunksSync(lines: Iterable<string>, eol = '\r\n', chunkBytes = 64 * 1024): Generator<Buffer> {
  let pending = '';
  for (const line of lines) {
    pending += line + eol;
    if (pending.length >= chunkBytes) {
      yield toLatin1(pending);
      pending = '';
    }
  }
  if (pending) yield toLatin1(pending);
}

// ---------------------------------------------------------------------------------------------
// Synthetic padrón files

/** Someone the central index already knows (e.g. registered at IMSS), to plant confronta hits. */
export interface PersonaConocida {
  curp: string;
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: Sexo;
}

export interface PadronFileOptions {
  /** Whose padrón: the INSTITUCION of every line. */
  institucion: Institucion;
  /** Vigencias are drawn around it (YYYY-MM-DD). */
  today: string;
  /** Share of lines with a CURP whose check digit is wrong (→ CURP_INVALIDA). */
  invalidCurpShare?: number;
  /** Share of lines with the generic CURP XXXX999999XXXXXX99 (allowed up to 15 % of a file). */
  genericCurpShare?: number;
  /** Share of lines with a known person's CURP under another given name (→ MISMA_CURP_DATOS_DISTINTOS). */
  mismatchShare?: number;
  /** Share of lines that are a known person exactly as the index has them, as TITULAR VIGENTE (→ RN-08 alerts). */
  doubleShare?: number;
  /** Where mismatch and double lines take their people from; required when those shares are not 0. */
  known?: readonly PersonaConocida[];
  lineEnding?: '\r\n' | '\n';
}

/** What a generated file holds, counted as lines are produced: final once the stream has ended. */
export interface PlantedCounts {
  lineas: number;
  curpInvalida: number;
  curpGenerica: number;
  datosDistintos: number;
  conocidas: number;
  /** Lines of fresh synthetic people with valid CURPs, unknown to the index. */
  nuevas: number;
}

const NUMERO_PREFIX: Record<Institucion, string> = { IMSS: '', ISSSTE: 'IS', SSA: 'SS' };
/**
 * Name sets drawn once per file. Each line re-dates one of them (new birth date, differentiator and check digit)
 * instead of deriving a CURP from scratch: the RENAPO name rules are the slow part, and 10 M lines must stay cheap.
 */
const POOL_SIZE = 2048;

function numeroAfiliacion(rng: SeededRandom, institucion: Institucion): string {
  return institucion === 'IMSS' ? generateNss(rng) : `${NUMERO_PREFIX[institucion]}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A real day between two years, as YYYY-MM-DD; arithmetic only (Date costs microseconds a call). */
function randomDay(rng: SeededRandom, fromYear: number, toYear: number): string {
  const year = rng.int(fromYear, toYear);
  const month = rng.int(1, 12);
  return `${year}-${pad2(month)}-${pad2(rng.int(1, daysInMonth(year, month)))}`;
}

/**
 * Synthetic padrón lines (no header), drawn one at a time: nothing grows with n. Every line is well formed;
 * the shares only decide whose CURP and name it carries. Known people's lines are TITULAR VIGENTE.
 */
export function* generatePadronLines(rng: SeededRandom, n: number, opts: PadronFileOptions, planted: PlantedCounts): Generator<string> {
  const invalid = opts.invalidCurpShare ?? 0;
  const generic = invalid + (opts.genericCurpShare ?? 0);
  const mismatch = generic + (opts.mismatchShare ?? 0);
  const double = mismatch + (opts.doubleShare ?? 0);
  const known = opts.known ?? [];
  if (double - generic > 0 && known.length === 0) throw new RangeError('generatePadronLines: mismatch and double shares need known people');
  if (double > 1) throw new RangeError('generatePadronLines: shares add up to more than 1');
  const poolRng = rng.fork('pool');
  const pool = Array.from({ length: POOL_SIZE }, () => generatePerson(poolRng));
  const thisYear = Number(opts.today.slice(0, 4));
  for (let i = 0; i < n; i++) {
    const draw = rng.next();
    const base = rng.pick(pool);
    const fechaNacimiento = randomDay(rng, 1930, thisYear - 1);
    const year = Number(fechaNacimiento.slice(0, 4));
    const differentiator = year < 2000 ? String(rng.int(0, 9)) : String.fromCharCode(65 + rng.int(0, 25));
    const first17 = `${base.curp.slice(0, 4)}${fechaNacimiento.slice(2, 4)}${fechaNacimiento.slice(5, 7)}${fechaNacimiento.slice(8, 10)}${base.curp.slice(10, 16)}${differentiator}`;
    const line: PadronLinea = {
      curp: first17 + curpCheckDigit(first17),
      nombre: base.nombre,
      primerApellido: base.primerApellido,
      segundoApellido: base.segundoApellido,
      fechaNacimiento,
      sexo: base.sexo,
      institucion: opts.institucion,
      numerosAfiliacion: [numeroAfiliacion(rng, opts.institucion)],
      tipo: rng.next() < 0.8 ? 'TITULAR' : 'BENEFICIARIO',
      estatus: 'VIGENTE',
      vigenciaInicio: randomDay(rng, 2000, thisYear - 1),
    };
    const status = rng.next();
    if (status < 0.05) {
      line.estatus = 'BAJA';
      const fin = randomDay(rng, 2000, thisYear - 1);
      if (fin < line.vigenciaInicio) [line.vigenciaInicio, line.vigenciaFin] = [fin, line.vigenciaInicio];
      else line.vigenciaFin = fin;
    } else if (status < 0.08) {
      line.estatus = 'SUSPENDIDO';
    } else if (status < 0.5) {
      line.vigenciaFin = randomDay(rng, thisYear + 1, thisYear + 10);
    }
    // Re-affiliated people keep their earlier number after the current one.
    if (rng.next() < 0.03) line.numerosAfiliacion.push(numeroAfiliacion(rng, opts.institucion));

    if (draw < invalid) {
      const right = Number(line.curp.charAt(17));
      line.curp = line.curp.slice(0, 17) + String((right + rng.int(1, 9)) % 10);
      planted.curpInvalida++;
    } else if (draw < generic) {
      line.curp = GENERIC_CURP;
      planted.curpGenerica++;
    } else if (draw < double) {
      const who = rng.pick(known);
      Object.assign(line, {
        curp: who.curp, nombre: who.nombre, primerApellido: who.primerApellido, segundoApellido: who.segundoApellido,
        fechaNacimiento: who.fechaNacimiento, sexo: who.sexo, tipo: 'TITULAR', estatus: 'VIGENTE',
      });
      delete line.vigenciaFin;
      if (draw < mismatch) {
        // Homonym-style: same CURP, birth date and sex, another given name.
        let other = rng.pick(pool).nombre;
        while (other === who.nombre) other = rng.pick(pool).nombre;
        line.nombre = other;
        planted.datosDistintos++;
      } else {
        planted.conocidas++;
      }
    } else {
      planted.nuevas++;
    }
    planted.lineas++;
    yield formatPadronLine(line);
  }
}

/**
 * A synthetic padrón file as a Latin-1 byte stream (header row first), generated while it is read, so a
 * 10 M-line file costs no more memory than a 10-line one. `planted` fills in as the stream is consumed.
 */
export function generatePadronFile(rng: SeededRandom, n: number, opts: PadronFileOptions): { stream: Readable; planted: PlantedCounts } {
  const planted: PlantedCounts = { lineas: 0, curpInvalida: 0, curpGenerica: 0, datosDistintos: 0, conocidas: 0, nuevas: 0 };
  function* lines(): Generator<string> {
    yield headerLine(PADRON_LAYOUT);
    yield* generatePadronLines(rng, n, opts, planted);
  }
  return { stream: Readable.from(latin1ChunksSync(lines(), opts.lineEnding ?? '\r\n'), { objectMode: false }), planted };
}
