/**
 * The confronta matching (Sello reference contract v1, profiles/mx-pgs/confronta.md): each padrón line is judged
 * alone, against the central index as it is when the line is read. Nothing is kept per line, so memory follows
 * the index, not the file; duplicates inside one file are therefore not looked for (RN-05 covers them online).
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { GENERIC_CURP, parseCurp, validateCurp } from '../../../../src/identifiers/mx/index.ts';
import { type CoberturaAfiliacion, classifyCoverage } from '../../judges/rules/index.ts';
import { CONTRIBUTIVAS, type Institucion } from '../types.ts';
import { isGenericCurpAt, isValidCurpAt } from './curp-bytes.ts';
import {
  DelimitedParser,
  formatFecha,
  formatResultadoLine,
  headerLine,
  LineSplitter,
  MAX_LINE_BYTES,
  PADRON_LAYOUT,
  type PadronLinea,
  type ParsedItem,
  type RawLine,
  RESULTADO_LAYOUT,
  RESULTADOS,
  RESUMEN,
  type Resultado,
} from './format.ts';
import { bytesEqual, CAMPO, fieldEnd, fieldStart, padronRecord, scanPadronLine } from './padron-line.ts';

/** DGIS accepts the generic CURP in a batch up to this share of its lines (identifiers.md). */
export const GENERIC_CURP_MAX_SHARE = 0.15;
/** A malformed line's first field is echoed as its CURP; a garbage line must not produce a garbage-sized answer. */
const MAX_ECHO = 40;

/** The identity an institution reported for a CURP (the central index keeps it from the RN-09 events). */
export interface PersonaIndice {
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
}

/** What the matching needs from the central index; CentralIndex provides it. */
export interface ConfrontaIndex {
  /** Every institution's coverage of a CURP and the identity each reported; undefined when no one reported it. */
  lookup(curp: string): { afiliaciones: ReadonlyMap<Institucion, CoberturaAfiliacion>; personas: ReadonlyMap<Institucion, PersonaIndice> } | undefined;
  /**
   * False only when lookup would find nothing for the CURP in Latin-1 bytes b[from, to): lets the session clear
   * most lines without a string. Without it every line is looked up.
   */
  mayHoldCurp?(b: Uint8Array, from: number, to: number): boolean;
}

export interface Hallazgo {
  resultado: Resultado;
  /** Spanish, Latin-1, starting with `linea N`. */
  detalle: string;
}

export interface FilaConfronta {
  linea: number;
  curp: string;
  /** At most one per resultado, in RESULTADOS order. */
  hallazgos: Hallazgo[];
}

export interface ResumenConfronta {
  /** Data lines read (the header is not one). */
  lineas: number;
  sinHallazgos: number;
  conHallazgos: number;
  curpGenerica: number;
  /** Lines whose row carries each resultado. */
  porResultado: Record<Resultado, number>;
}

const listaEs = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} y ${items[items.length - 1]}`);

/** Case and spacing are transcription noise; accents and Ñ are not, they are the name variants a confronta is for. */
const normalizeName = (value: string): string => value.toUpperCase().trim().replace(/\s+/g, ' ');
const normalizeSurname = (value: string): string => {
  const n = normalizeName(value);
  return n === '' || n === 'X' ? 'XX' : n;
};

function coverage(record: PadronLinea, line: number, institucion: Institucion, afiliaciones: ReadonlyMap<Institucion, CoberturaAfiliacion>): Hallazgo[] {
  const others = [...afiliaciones.values()].filter((a) => a.institucion !== institucion);
  // The uploaded line stands for the uploader's affiliation: the file is its current padrón, the index may lag.
  const combined: CoberturaAfiliacion[] = [...others, { institucion, tipo: record.tipo, estatus: record.estatus }];
  const vigentes = combined.filter((a) => a.estatus === 'VIGENTE');
  return classifyCoverage(combined).map((alerta) => {
    if (alerta === 'DOBLE_AFILIACION') {
      const titular = vigentes.filter((a) => a.tipo === 'TITULAR' && CONTRIBUTIVAS.includes(a.institucion)).map((a) => a.institucion);
      return { resultado: alerta, detalle: `linea ${line}: TITULAR VIGENTE en ${listaEs(titular)}` };
    }
    const contributivas = vigentes.filter((a) => CONTRIBUTIVAS.includes(a.institucion)).map((a) => `${a.institucion} (${a.tipo})`);
    return { resultado: alerta, detalle: `linea ${line}: cobertura VIGENTE de la SSA junto con ${listaEs(contributivas)}` };
  });
}

function sameIdentity(record: PadronLinea, line: number, personas: ReadonlyMap<Institucion, PersonaIndice>): Hallazgo[] {
  const differences: string[] = [];
  for (const [institucion, p] of personas) {
    const fields: string[] = [];
    if (normalizeName(p.nombre) !== normalizeName(record.nombre)) fields.push(`NOMBRE=${p.nombre}`);
    if (normalizeName(p.primerApellido) !== normalizeName(record.primerApellido)) fields.push(`PRIMER_APELLIDO=${p.primerApellido}`);
    if (normalizeSurname(p.segundoApellido) !== normalizeSurname(record.segundoApellido)) fields.push(`SEGUNDO_APELLIDO=${p.segundoApellido}`);
    if (p.fechaNacimiento !== record.fechaNacimiento) fields.push(`FECHA_NACIMIENTO=${formatFecha(p.fechaNacimiento)}`);
    if (fields.length > 0) differences.push(`${institucion} registra ${fields.join(', ')}`);
  }
  if (differences.length === 0) return [];
  const fromCurp = parseCurp(record.curp)?.fechaNacimiento;
  const hint = fromCurp && differences.some((d) => d.includes('FECHA_NACIMIENTO=')) ? ` (la CURP indica ${formatFecha(fromCurp)})` : '';
  return [{ resultado: 'MISMA_CURP_DATOS_DISTINTOS', detalle: `linea ${line}: ${differences.join('; ')}${hint}` }];
}

/**
 * The results for one well-formed line uploaded by `institucion`. The generic CURP gets none here (it names no
 * one, so it matches no one); its share of the file is judged by ConfrontaSession at the end.
 */
export function matchLine(record: PadronLinea, line: number, institucion: Institucion, index: ConfrontaIndex): Hallazgo[] {
  if (record.institucion !== institucion) {
    return [{ resultado: 'FORMATO_INVALIDO', detalle: `linea ${line}, campo INSTITUCION: ${institucion} solo confronta su propio padrón; la línea es de ${record.institucion}` }];
  }
  if (record.curp === GENERIC_CURP) return [];
  const curpFindings = validateCurp(record.curp, { allowGeneric: true });
  if (curpFindings.length > 0) {
    return [{ resultado: 'CURP_INVALIDA', detalle: `linea ${line}: ${curpFindings.map((f) => `${f.message.es ?? f.message.en} (${f.ruleId})`).join('; ')}` }];
  }
  // An invalid CURP is never matched: the index only holds CURPs that passed RN-01, so any hit would be a coincidence.
  const entry = index.lookup(record.curp);
  // Most lines name someone no institution reported: nothing to cross, and one Map lookup is all they cost.
  if (!entry) return [];
  return [...coverage(record, line, institucion, entry.afiliaciones), ...sameIdentity(record, line, entry.personas)];
}

/** A line the parser could not read: one FORMATO_INVALIDO whose detail lists every field at fault. */
function unreadable(findings: readonly Finding[]): Hallazgo[] {
  return [{ resultado: 'FORMATO_INVALIDO', detalle: findings.map((f) => `${f.location}: ${f.message.es ?? f.message.en}`).join('; ') }];
}

const ORDER = new Map<string, number>(RESULTADOS.map((r, i) => [r, i]));

const LF = 0x0a;
const CR = 0x0d;

/**
 * One confronta upload: bytes in, result-file lines out (without line ends), in input order. Synchronous per
 * chunk, so the caller decides the pacing (backpressure) and nothing waits per line.
 *
 * Lines are cut in the chunk itself, and a well-formed line of the uploader's with a valid CURP the index has
 * never heard of — most of a padrón — is counted there, from its bytes, with nothing allocated. Every other line
 * becomes a record or a parser item as before; a line that straddles two chunks goes through the engine's splitter.
 */
export class ConfrontaSession {
  readonly #parser = new DelimitedParser(PADRON_LAYOUT);
  /** Joins the lines that straddle chunks and bounds them; its own line numbers are not used, the session counts. */
  readonly #edges = new LineSplitter();
  #line = 0;
  readonly #institucionBytes: readonly number[];
  readonly #resumen: ResumenConfronta = {
    lineas: 0,
    sinHallazgos: 0,
    conHallazgos: 0,
    curpGenerica: 0,
    porResultado: Object.fromEntries(RESULTADOS.map((r) => [r, 0])) as Record<Resultado, number>,
  };
  #header: { line: number; findings: Finding[] } | undefined;
  #ended = false;

  constructor(
    readonly institucion: Institucion,
    private readonly index: ConfrontaIndex,
  ) {
    this.#institucionBytes = [...institucion].map((c) => c.charCodeAt(0));
  }

  /** Set once the first line is read: findings not empty means the file is not a padrón file. */
  get header(): { line: number; findings: Finding[] } | undefined {
    return this.#header;
  }

  get resumen(): ResumenConfronta {
    return structuredClone(this.#resumen);
  }

  /** The result file's own header row, to write before the first push's lines. */
  static readonly RESULT_HEADER = headerLine(RESULTADO_LAYOUT);

  push(chunk: Uint8Array): string[] {
    const out: string[] = [];
    // After a wrong header nothing else is read (the parser would return nothing either).
    if (this.#header && this.#header.findings.length > 0) return out;
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const first = b.indexOf(LF);
    if (first === -1) {
      this.#cut(this.#edges.push(b), out);
      return out;
    }
    // The chunk's first line may finish one the previous chunk started; the splitter holds that part.
    this.#cut(this.#edges.push(b.subarray(0, first + 1)), out);
    // The header is read by now (it is the first line, which always comes through the splitter).
    if (this.#header?.findings.length !== 0) return out;
    let start = first + 1;
    for (let nl = b.indexOf(LF, start); nl !== -1; nl = b.indexOf(LF, start)) {
      this.#inChunk(b, start, nl, out);
      start = nl + 1;
    }
    if (start < b.length) this.#edges.push(b.subarray(start));
    return out;
  }

  /** The rows still pending, the file-level generic-CURP row when the share is exceeded, and the RESUMEN trailer. */
  end(): string[] {
    if (this.#ended) return [];
    this.#ended = true;
    const out: string[] = [];
    this.#cut(this.#edges.end(), out);
    for (const item of this.#parser.end()) this.#take(item, out);
    if (this.#header?.findings.length !== 0) return out;
    const r = this.#resumen;
    if (r.curpGenerica > GENERIC_CURP_MAX_SHARE * r.lineas) {
      const share = ((100 * r.curpGenerica) / r.lineas).toFixed(1).replace('.', ',');
      out.push(
        formatResultadoLine({
          curp: GENERIC_CURP,
          resultados: ['CURP_INVALIDA'],
          detalles: [`archivo: ${r.curpGenerica} de ${r.lineas} lineas (${share} %) usan la CURP genérica; el máximo en lote es ${GENERIC_CURP_MAX_SHARE * 100} %`],
        }),
      );
    }
    out.push(
      formatResultadoLine({
        curp: '',
        resultados: [RESUMEN],
        detalles: [
          `LINEAS=${r.lineas}`,
          `SIN_HALLAZGOS=${r.sinHallazgos}`,
          `CON_HALLAZGOS=${r.conHallazgos}`,
          `CURP_GENERICA=${r.curpGenerica}`,
          ...RESULTADOS.map((res) => `${res}=${r.porResultado[res]}`),
        ],
      }),
    );
    return out;
  }

  /** The row for one parsed item, or undefined for a line without findings; exposed for tests and tools. */
  judge(item: ParsedItem<PadronLinea>): FilaConfronta | undefined {
    if (item.type === 'header') return undefined;
    const hallazgos = item.type === 'invalid' ? unreadable(item.findings) : matchLine(item.record, item.line, this.institucion, this.index);
    if (item.type === 'row' && item.record.curp === GENERIC_CURP && item.record.institucion === this.institucion) this.#resumen.curpGenerica++;
    this.#resumen.lineas++;
    if (hallazgos.length === 0) {
      this.#resumen.sinHallazgos++;
      return undefined;
    }
    hallazgos.sort((a, b) => (ORDER.get(a.resultado) ?? 0) - (ORDER.get(b.resultado) ?? 0));
    this.#resumen.conHallazgos++;
    for (const h of hallazgos) this.#resumen.porResultado[h.resultado]++;
    const curp = item.type === 'row' ? item.record.curp : item.curp.slice(0, MAX_ECHO);
    return { linea: item.line, curp, hallazgos };
  }

  /** Lines the engine's splitter completed, numbered in the session's count. */
  #cut(raws: RawLine[], out: string[]): void {
    for (const raw of raws) this.#take(this.#parser.line({ ...raw, line: ++this.#line }), out);
  }

  /** The line in b[from, lf) (lf is its LF), read where it lies in the chunk. */
  #inChunk(b: Buffer, from: number, lf: number, out: string[]): void {
    const line = ++this.#line;
    if (lf - from > MAX_LINE_BYTES) {
      this.#take(this.#parser.line({ line, tooLongBytes: lf - from }), out);
      return;
    }
    const to = lf > from && b[lf - 1] === CR ? lf - 1 : lf;
    if (!scanPadronLine(b, from, to)) {
      this.#take(this.#parser.line({ line, text: b.toString('latin1', from, to) }), out);
      return;
    }
    if (this.#clean(b, from)) {
      this.#resumen.lineas++;
      this.#resumen.sinHallazgos++;
      return;
    }
    this.#take({ type: 'row', line, record: padronRecord(b) }, out);
  }

  /**
   * The line scanPadronLine just accepted gives matchLine nothing: the uploader's own, and either the generic CURP
   * (counted here, as judge does) or a valid CURP unknown to the index. Only a CURP the index's pre-filter cannot
   * rule out costs a string, for the lookup itself.
   */
  #clean(b: Buffer, curpAt: number): boolean {
    if (!bytesEqual(b, fieldStart(CAMPO.INSTITUCION), fieldEnd(CAMPO.INSTITUCION), this.#institucionBytes)) return false;
    if (isGenericCurpAt(b, curpAt)) {
      this.#resumen.curpGenerica++;
      return true;
    }
    if (!isValidCurpAt(b, curpAt)) return false;
    const index = this.index;
    if (index.mayHoldCurp?.(b, curpAt, curpAt + 18) === false) return true;
    return index.lookup(b.toString('latin1', curpAt, curpAt + 18)) === undefined;
  }

  #take(item: ParsedItem<PadronLinea> | undefined, out: string[]): void {
    if (!item) return;
    if (item.type === 'header') {
      this.#header = { line: item.line, findings: item.findings };
      return;
    }
    const fila = this.judge(item);
    if (fila) out.push(formatResultadoLine({ curp: fila.curp, resultados: fila.hallazgos.map((h) => h.resultado), detalles: fila.hallazgos.map((h) => h.detalle) }));
  }
}
