/**
 * The padrón layout's one-pass reader (readPadronLine, PADRON_LAYOUT.readValid) must never change what a confronta
 * reads: on every line, the parser with it gives exactly the items the column-by-column checks give without it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CONFRONTA_FORMAT, formatPadronLine, headerLine, PADRON_LAYOUT, type PadronLinea } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { generatePadronLines, type PlantedCounts } from '../../../programs/mx-pgs/lib/confronta/padron-file.ts';
import { readPadronLine } from '../../../programs/mx-pgs/lib/confronta/padron-line.ts';
import { DelimitedParser, type ParsedItem } from '../../../src/delimited/index.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { fuzzRuns, mutatedText } from '../../fuzz/fuzz.ts';

const CHECKED_ONLY = { ...PADRON_LAYOUT, readValid: undefined };

function read(layout: typeof PADRON_LAYOUT, line: string): ParsedItem<PadronLinea>[] {
  const parser = new DelimitedParser(layout, CONFRONTA_FORMAT);
  return [...parser.push(Buffer.from(`${headerLine(PADRON_LAYOUT)}\r\n${line}\r\n`, 'latin1')), ...parser.end()];
}

const planted: PlantedCounts = { lineas: 0, curpInvalida: 0, curpGenerica: 0, datosDistintos: 0, conocidas: 0, nuevas: 0 };
const GENERATED = [...generatePadronLines(new SeededRandom('padron-line'), 300, { institucion: 'IMSS', today: '2025-06-15', invalidCurpShare: 0.1, genericCurpShare: 0.1 }, planted)];

const base: PadronLinea = {
  curp: 'GOMA800101HDFRRN09',
  nombre: 'MARÍA JOSÉ',
  primerApellido: 'PEÑA',
  segundoApellido: "O'BRIEN-DÍAZ",
  fechaNacimiento: '1980-01-01',
  sexo: 'M',
  institucion: 'IMSS',
  numerosAfiliacion: ['12345678901', 'AB12'],
  tipo: 'TITULAR',
  estatus: 'BAJA',
  vigenciaInicio: '2000-02-29',
  vigenciaFin: '2024-12-31',
};
/** Lines at the edges of each check: accepted, refused, or accepted only once trimmed. */
const EDGES = [
  formatPadronLine(base),
  formatPadronLine({ ...base, segundoApellido: '', vigenciaFin: undefined as unknown as string }).replace(/\|XX\|/, '||'),
  formatPadronLine(base).replace('PEÑA', 'PEÑA '),
  formatPadronLine(base).replace('PEÑA', ' PEÑA'),
  formatPadronLine(base).replace('PEÑA', 'PEÃ\u0091A'),
  formatPadronLine(base).replace('PEÑA', 'PE×A'),
  formatPadronLine(base).replace('PEÑA', 'A'.repeat(50)),
  formatPadronLine(base).replace('PEÑA', 'A'.repeat(51)),
  formatPadronLine(base).replace('29/02/2000', '29/02/1900'),
  formatPadronLine(base).replace('29/02/2000', '31/04/2000'),
  formatPadronLine(base).replace('29/02/2000', '1/02/2000'),
  formatPadronLine(base).replace('12345678901&AB12', '12345678901& AB12'),
  formatPadronLine(base).replace('12345678901&AB12', '12345678901&&AB12'),
  formatPadronLine(base).replace('12345678901&AB12', '1'.repeat(21)),
  formatPadronLine(base).replace('|M|', '|m|'),
  formatPadronLine(base).replace('|IMSS|', '|IMSS&IMSS|'),
  formatPadronLine(base).replace('GOMA', 'goma'),
  formatPadronLine(base).replace('GOMA800101HDFRRN09', 'XXXX999999XXXXXX99'),
  `${formatPadronLine(base)}|`,
  formatPadronLine(base).replace(/\|[^|]*$/, ''),
];

test('the one-pass reader accepts the well-formed lines a confronta is made of, so the shortcut is taken', () => {
  assert.ok(GENERATED.every((l) => readPadronLine(l) !== undefined));
  assert.deepEqual(readPadronLine(EDGES[0]!), base);
});

test('a character outside Latin-1 is never read as the byte it would be cut to', () => {
  // U+0141 (Ł) cut to its low byte is 0x41, an A: a reader on bytes would accept the name.
  const line = formatPadronLine(base).replace('PEÑA', 'PE\u0141A');
  assert.equal(readPadronLine(line), undefined);
  assert.equal(readPadronLine(formatPadronLine(base).replace('PEÑA', 'PEAA'))?.primerApellido, 'PEAA');
});

test('with or without the one-pass reader, the parser reads every generated and edge line the same', () => {
  for (const line of [...GENERATED, ...EDGES]) assert.deepEqual(read(PADRON_LAYOUT, line), read(CHECKED_ONLY, line), line);
});

/** What a padrón line is made of, and what sits at the edge of a check (trim, accents, C1 bytes, impossible days). */
const PIECES = ['|', '&', '&&', ' ', '\t', '\u00a0', 'Ñ', 'é', 'Ã\u0091', 'Â', '×', '÷', '.', "'", '-', '/', '0', '9', 'XX', 'x', '29/02/1900', '31/12/1999', 'TITULAR', 'SSA'];
const runs = fuzzRuns(3000);
test(`with or without the one-pass reader, the parser reads mutated padrón lines the same ${runs.label}`, () => {
  fc.assert(
    fc.property(mutatedText([...GENERATED.slice(0, 20), ...EDGES.slice(0, 2)], PIECES, 3), (line) => {
      assert.deepEqual(read(PADRON_LAYOUT, line), read(CHECKED_ONLY, line));
    }),
    runs.params,
  );
});
