/**
 * ConfrontaSession cuts lines inside each chunk and clears most of them from their bytes; a line that straddles two
 * chunks goes through the engine's splitter. Whatever the chunking and line ends, its answer must be the one the
 * engine's parser and judge give line by line (the reference below), row for row and in the RESUMEN.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DelimitedParser, formatResultadoLine, headerLine, PADRON_LAYOUT, toLatin1 } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { type ConfrontaIndex, ConfrontaSession } from '../../../programs/mx-pgs/lib/confronta/match.ts';
import { altaTitularImss, generatePadronLines, mixedIsssteOptions, type PlantedCounts } from '../../../programs/mx-pgs/lib/confronta/padron-file.ts';
import { CentralIndex } from '../../../programs/mx-pgs/reference/central-index.ts';
import { generatePerson, SeededRandom } from '../../../src/identifiers/mx/index.ts';
import { fuzzRuns, mutatedText } from '../../fuzz/fuzz.ts';

const rng = new SeededRandom('session-bytes');
const known = Array.from({ length: 40 }, (_, i) => generatePerson(rng.fork(`known-${i}`)));
const index = new CentralIndex();
for (const p of known) index.apply(altaTitularImss(p));
const planted: PlantedCounts = { lineas: 0, curpInvalida: 0, curpGenerica: 0, datosDistintos: 0, conocidas: 0, nuevas: 0 };
/** Every kind of line, at shares high enough that 400 lines hold each many times. */
const LINES = [...generatePadronLines(rng.fork('lines'), 400, { ...mixedIsssteOptions(known), invalidCurpShare: 0.1, genericCurpShare: 0.1, mismatchShare: 0.1, doubleShare: 0.2 }, planted)];
/** Lines the byte reader refuses or must not clear: another institution's, malformed, too long, blank. */
const ODD = [LINES[0]!.replace('|ISSSTE|', '|IMSS|'), LINES[1]!.replace('|', '||'), `${LINES[2]!}|`, 'A'.repeat(5000), '', ' ', LINES[3]!.replace(/\|[^|]*$/, '|31/02/2020')];

/** What the engine's parser and the session's judge give line by line: the answer before the byte reader. */
function reference(text: Buffer, idx: ConfrontaIndex): { out: string[]; resumen: unknown } {
  const judge = new ConfrontaSession('ISSSTE', idx);
  const parser = new DelimitedParser(PADRON_LAYOUT);
  const out: string[] = [];
  for (const item of [...parser.push(text), ...parser.end()]) {
    const fila = judge.judge(item);
    if (fila) out.push(formatResultadoLine({ curp: fila.curp, resultados: fila.hallazgos.map((h) => h.resultado), detalles: fila.hallazgos.map((h) => h.detalle) }));
  }
  // The trailer is end()'s; the reference compares the rows and the counters.
  return { out, resumen: judge.resumen };
}

function session(chunks: Buffer[], idx: ConfrontaIndex): { out: string[]; resumen: unknown } {
  const s = new ConfrontaSession('ISSSTE', idx);
  const out = chunks.flatMap((c) => s.push(c));
  const rest = s.end();
  assert.ok(rest.at(-1)?.includes('|RESUMEN|'), 'the answer ends with its RESUMEN');
  // The file-level rows (the generic CURP's share, the RESUMEN) follow from the counters, which are compared.
  return { out: [...out, ...rest.filter((l) => !l.includes('|RESUMEN|') && !l.includes('|CURP_INVALIDA|archivo: '))], resumen: s.resumen };
}

const file = (lines: readonly string[], eol: string): Buffer => toLatin1([headerLine(PADRON_LAYOUT), ...lines].join(eol) + eol);
/** `b` cut at the given offsets. */
const cut = (b: Buffer, at: number[]): Buffer[] => {
  const offsets = [...new Set(at.map((a) => a % (b.length + 1)))].sort((x, y) => x - y);
  return [...offsets, b.length].map((end, i) => b.subarray(i === 0 ? 0 : offsets[i - 1], end));
};

test('the session answers a file as the line-by-line parser and judge do, with CRLF or LF, in one chunk or cut anywhere', () => {
  for (const eol of ['\r\n', '\n']) {
    const text = file([...LINES, ...ODD], eol);
    const want = reference(text, index);
    assert.ok(want.out.length > 100, 'the file has rows of every kind');
    assert.deepEqual(session([text], index), want, `one chunk, ${JSON.stringify(eol)}`);
    // Every line split across two chunks, including between CR and LF, and 1-byte chunks.
    assert.deepEqual(
      session(
        cut(
          text,
          Array.from({ length: 600 }, (_, i) => i * 97 + 1),
        ),
        index,
      ),
      want,
    );
    assert.deepEqual(
      session(
        Array.from(text, (_, i) => text.subarray(i, i + 1)),
        index,
      ),
      want,
    );
  }
});

test('a line split between CR and LF, and a last line without a line end, are read as whole lines', () => {
  const text = file(LINES.slice(0, 5), '\r\n');
  const cr = text.indexOf('\r\n', 200);
  const want = reference(text, index);
  assert.deepEqual(session([text.subarray(0, cr + 1), text.subarray(cr + 1)], index), want);
  const noEnd = text.subarray(0, text.length - 2);
  assert.deepEqual(session([noEnd.subarray(0, 300), noEnd.subarray(300)], index), reference(noEnd, index));
});

test('an index without the byte pre-filter gives the same answer (every clean line looked up by its string)', () => {
  const text = file(LINES, '\r\n');
  const plain: ConfrontaIndex = { lookup: (curp) => index.lookup(curp) };
  assert.deepEqual(session([text], plain), reference(text, index));
});

test('after a wrong header nothing is read, even lines the byte reader would clear', () => {
  const text = toLatin1([headerLine(PADRON_LAYOUT).replace('CURP', 'CURPS'), ...LINES].join('\r\n'));
  const s = new ConfrontaSession('ISSSTE', index);
  assert.deepEqual(s.push(text), []);
  assert.ok((s.header?.findings.length ?? 0) > 0);
  assert.equal(s.resumen.lineas, 0);
});

const runs = fuzzRuns(300);
test(`mutated padrón files, cut at random places, are answered as line by line ${runs.label}`, () => {
  const pieces = ['\r\n', '\n', '\r', '|', '&', ' ', 'Ñ', 'XXXX999999XXXXXX99', '|IMSS|', '31/02/2020', '\u0000'];
  fc.assert(
    fc.property(mutatedText([LINES.slice(0, 40).join('\r\n'), LINES.slice(40, 80).join('\n')], pieces, 6), fc.array(fc.nat(), { maxLength: 12 }), (body, at) => {
      const text = toLatin1(`${headerLine(PADRON_LAYOUT)}\r\n${body}`);
      assert.deepEqual(session(cut(text, at), index), reference(text, index));
    }),
    runs.params,
  );
});
