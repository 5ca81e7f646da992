import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { CONFRONTA_FORMAT, headerLine, PADRON_LAYOUT } from '../../programs/mx-pgs/lib/confronta/format.ts';
import { generatePadronLines, type PlantedCounts } from '../../programs/mx-pgs/lib/confronta/padron-file.ts';
import { DelimitedParser, type ParsedItem } from '../../src/delimited/index.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { readLines } from '../../src/util/read-lines.ts';
import { tempDir } from '../support/temp-dir.ts';
import { fuzzRuns, mutatedText } from './fuzz.ts';

const planted: PlantedCounts = { lineas: 0, curpInvalida: 0, curpGenerica: 0, datosDistintos: 0, conocidas: 0, nuevas: 0 };
/** A valid padrón file of 12 lines, some with invalid or generic CURPs (still well-formed lines). */
const PADRON = [
  headerLine(PADRON_LAYOUT),
  ...generatePadronLines(new SeededRandom('fuzz-padron'), 12, { institucion: 'IMSS', today: '2025-06-15', invalidCurpShare: 0.2, genericCurpShare: 0.1 }, planted),
]
  .map((l) => `${l}\r\n`)
  .join('');
/** The format's syntax, a UTF-8 byte order mark and UTF-8 read as Latin-1, NUL, a line past the 4,096-byte cap. */
const PIECES = ['|', '&', '&&', '\r', '\n', '\r\n', '\r\r', 'ï»¿', 'Ã\u0091', '\u0000', 'Ñ', ' ', '||||', 'x'.repeat(5000)];

/** Mutated padrón files as Latin-1 bytes, or random bytes, cut at random places into chunks. */
const chunkedInput = fc.tuple(
  fc.oneof(
    { weight: 4, arbitrary: mutatedText([PADRON], PIECES).map((t) => Buffer.from(t, 'latin1')) },
    fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)),
  ),
  fc.array(fc.nat(), { maxLength: 10 }),
);

function parseAll(bytes: Buffer, cuts: number[]): ParsedItem<unknown>[] {
  const parser = new DelimitedParser(PADRON_LAYOUT, CONFRONTA_FORMAT);
  const items: ParsedItem<unknown>[] = [];
  let from = 0;
  for (const cut of cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b)) {
    items.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  items.push(...parser.push(bytes.subarray(from)), ...parser.end());
  return items;
}

const parser = fuzzRuns(1000);
test(`the delimited reader (confronta's padrón layout) never throws on mutated files and random bytes, however they are cut into chunks ${parser.label}`, () => {
  assert.ok(
    parseAll(Buffer.from(PADRON, 'latin1'), []).every((i) => i.type !== 'invalid' && (i.type !== 'header' || i.findings.length === 0)),
    'the seed file is valid',
  );
  fc.assert(
    fc.property(chunkedInput, ([bytes, cuts]) => {
      const items = parseAll(bytes, cuts);
      assert.deepEqual(items, parseAll(bytes, []), 'chunking changed what was read');
      const [header, ...rest] = items;
      assert.equal(header?.type, 'header', 'the header item comes first');
      if (header?.type === 'header' && header.findings.length > 0) assert.deepEqual(rest, [], 'nothing is read after a wrong header');
      let line = header?.line ?? 0;
      for (const item of rest) {
        assert.ok(item.line > line, 'lines in order, each once');
        line = item.line;
        if (item.type === 'invalid') assert.ok(item.findings.length > 0 && item.findings.every((f) => f.ruleId === CONFRONTA_FORMAT.ruleId && f.location.startsWith(`linea ${item.line}`)));
      }
    }),
    parser.params,
  );
});

/** What readLines must yield: the bytes cut at each LF, a CR before it dropped, a line over the cap by its size (CR included). */
function expectedLines(bytes: Buffer, max: number): ({ number: number; text: string } | { number: number; tooLongBytes: number })[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    pieces.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces.map((p, i) => (p.length > max ? { number: i + 1, tooLongBytes: p.length } : { number: i + 1, text: p.subarray(0, p.at(-1) === 0x0d ? -1 : undefined).toString('utf8') }));
}

const lines = fuzzRuns(300);
test(`readLines never throws on random files and yields every line, or its size past the cap, across read chunks ${lines.label}`, async () => {
  const dir = await tempDir('sello-fuzz-lines-');
  let n = 0;
  const small = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    mutatedText([PADRON], PIECES).map((t) => Buffer.from(t, 'latin1')),
  );
  // Past 64 KiB a file is read in several chunks: lines then straddle chunk boundaries.
  const bytes = fc.oneof(
    { weight: 5, arbitrary: small },
    small.filter((b) => b.length > 0).map((b) => Buffer.concat(Array.from({ length: Math.ceil(70_000 / b.length) }, () => b))),
  );
  await fc.assert(
    fc.asyncProperty(bytes, fc.integer({ min: 1, max: 5000 }), async (content, max) => {
      const file = join(dir, `lines-${++n}.txt`);
      await writeFile(file, content);
      const got: unknown[] = [];
      for await (const line of readLines(file, max)) got.push(line);
      assert.deepEqual(got, expectedLines(content, max));
    }),
    lines.params,
  );
});
