/**
 * Synthetic padrón files for confronta scenarios and the bounded-memory check: well-formed lines whose CURPs and
 * names are drawn to plant known shares of confronta results, generated while the stream is read.
 */
import { Readable } from 'node:stream';
import { latin1ChunksSync } from '../../../../src/delimited/index.ts';
import { curpCheckDigit, GENERIC_CURP, generateNss, generatePerson, type SeededRandom } from '../../../../src/identifiers/mx/index.ts';
import type { EventoIndice, Institucion, Sexo } from '../types.ts';
import { daysInMonth, formatPadronLine, headerLine, PADRON_LAYOUT, type PadronLinea } from './format.ts';

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
        curp: who.curp,
        nombre: who.nombre,
        primerApellido: who.primerApellido,
        segundoApellido: who.segundoApellido,
        fechaNacimiento: who.fechaNacimiento,
        sexo: who.sexo,
        tipo: 'TITULAR',
        estatus: 'VIGENTE',
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

/**
 * The central-index event that makes a known person TITULAR VIGENTE at IMSS: an ISSSTE padrón line with their CURP
 * is then a DOBLE_AFILIACION (and a MISMA_CURP_DATOS_DISTINTOS when it names them otherwise).
 */
export function altaTitularImss(p: PersonaConocida, ocurridoEn = '2025-01-01T00:00:00Z'): EventoIndice {
  const { curp, nombre, primerApellido, segundoApellido, fechaNacimiento, sexo } = p;
  return { evento: 'ALTA', institucion: 'IMSS', curp, tipo: 'TITULAR', estatus: 'VIGENTE', vigenciaInicio: '2020-01-01', nombre, primerApellido, segundoApellido, fechaNacimiento, sexo, ocurridoEn };
}

/**
 * An ISSSTE padrón with every kind of confronta result planted against `known` (registered with altaTitularImss):
 * 1 % invalid CURPs, 1 % the generic CURP, 2 % known people as the index has them, 0.5 % under another name.
 * The bench and the bounded-memory test read the same mix.
 */
export function mixedIsssteOptions(known: readonly PersonaConocida[]): PadronFileOptions {
  return { institucion: 'ISSSTE', today: '2025-06-15', invalidCurpShare: 0.01, genericCurpShare: 0.01, mismatchShare: 0.005, doubleShare: 0.02, known };
}
