import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readLineBatchesFrom, readLinesFrom } from '../../src/util/read-lines.ts';
import { fuzzRuns } from '../fuzz/fuzz.ts';

type Line = { number: number; text: string } | { number: number; tooLongBytes: number };

/** Each line decoded alone: the bytes cut at each LF, a CR before it dropped, a line over the cap by its size. */
function expected(bytes: Buffer, max: number): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    out.push(line(bytes.subarray(start, nl), out.length + 1, max));
    start = nl + 1;
  }
  if (start < bytes.length) out.push(line(bytes.subarray(start), out.length + 1, max));
  return out;
}

const line = (p: Buffer, number: number, max: number): Line =>
  p.length > max ? { number, tooLongBytes: p.length } : { number, text: p.subarray(0, p.at(-1) === 0x0d ? -1 : undefined).toString('utf8') };

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of cuts) {
    const end = Math.min(bytes.length, at + cut);
    yield bytes.subarray(at, end);
    at = end;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

// Bytes from a small alphabet so that LF, CR, multi-byte and broken UTF-8 sequences meet at chunk edges often.
const ALPHABET = [0x0a, 0x0d, 0x7b, 0x22, 0x61, 0x20, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff];
const content = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 400, size: 'max' }).map((b) => Buffer.from(b));

const runs = fuzzRuns(300);
test(`lines decoded a chunk at a time are what decoding each line alone gives, for any chunking and cap ${runs.label}`, async () => {
  await fc.assert(
    fc.asyncProperty(content, fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40, size: 'max' }), fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(1 << 20)), async (bytes, cuts, max) => {
      const got: Line[] = [];
      for await (const l of readLinesFrom(pieces(bytes, cuts), max)) got.push(l);
      assert.deepEqual(got, expected(bytes, max));
    }),
    runs.params,
  );
});

test('a batch the consumer leaves unfinished is passed over: the next batch starts at the next chunk', async () => {
  const text = Buffer.from('a\nb\nc\nd\ne\nf\n');
  const seen: Line[] = [];
  for await (const batch of readLineBatchesFrom(pieces(text, [6, 6]), 100)) {
    for (const l of batch) {
      seen.push(l);
      break;
    }
  }
  assert.deepEqual(seen, [
    { number: 1, text: 'a' },
    { number: 4, text: 'd' },
  ]);
});
