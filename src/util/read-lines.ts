import { createReadStream } from 'node:fs';

/** One line of a file: its text, or how long it was when it exceeded the limit (its bytes are not kept). */
export type FileLine = { number: number; text: string } | { number: number; tooLongBytes: number };

/**
 * The lines of a file, read chunk by chunk: memory holds one line at a time and never more than `maxLineBytes` of
 * it, whatever the file's size. readline cannot bound a line (a 600 MB file without a newline becomes one string and
 * fails with "Invalid string length"); a line past the limit is skipped to its end and reported by its size.
 * Lines end at LF; a CR before it is dropped.
 */
export function readLines(file: string, maxLineBytes: number): AsyncGenerator<FileLine> {
  return readLinesFrom(createReadStream(file), maxLineBytes);
}

/**
 * The same over any source of chunks (an HTTP response, a file stream): the source is pulled one chunk at a time, so
 * a slow consumer holds the producer back (a socket stops reading) instead of queueing what it has not judged yet.
 */
export async function* readLinesFrom(source: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<FileLine> {
  for await (const lines of readLineBatchesFrom(source, maxLineBytes)) yield* lines;
}

/**
 * The same, the lines of each chunk of the source as one synchronous iterable: no promise per line for a caller that
 * takes a chunk's lines together. Each line is cut when it is asked for, so only the line in hand is held besides
 * the chunk. The lines wholly inside a chunk are decoded as one string and cut there: a decode per line cost more
 * than the rest of the reading (LF is never part of a UTF-8 sequence, so each line's text is what decoding it alone
 * gives).
 */
export async function* readLineBatchesFrom(source: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<Iterable<FileLine>> {
  let parts: Buffer[] = [];
  let held = 0;
  let overflow = 0;
  let number = 0;
  const finish = (): FileLine => {
    number++;
    if (overflow > 0) {
      const line = { number, tooLongBytes: held + overflow };
      parts = [];
      held = 0;
      overflow = 0;
      return line;
    }
    // A line within one chunk is a view of it: decoded as it is, not copied first.
    let buffer = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, held);
    if (buffer.length > 0 && buffer[buffer.length - 1] === 0x0d) buffer = buffer.subarray(0, buffer.length - 1);
    parts = [];
    held = 0;
    return { number, text: buffer.toString('utf8') };
  };
  const take = (piece: Buffer): void => {
    if (overflow > 0 || held + piece.length > maxLineBytes) {
      overflow += piece.length;
      return;
    }
    parts.push(piece);
    held += piece.length;
  };
  function* linesOf(bytes: Buffer, first: number, last: number): Generator<FileLine> {
    // The first line may have begun in an earlier chunk.
    take(bytes.subarray(0, first));
    yield finish();
    if (last > first && last - first - 1 <= maxLineBytes) {
      // Every line between the first and last LF is within the limit: decoded at once, cut at each LF.
      const text = bytes.toString('utf8', first + 1, last);
      for (let start = 0; ; ) {
        const newline = text.indexOf('\n', start);
        const end = newline === -1 ? text.length : newline;
        number++;
        yield { number, text: text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end) };
        if (newline === -1) break;
        start = newline + 1;
      }
    } else {
      for (let start = first + 1; start <= last; ) {
        const newline = bytes.indexOf(0x0a, start);
        take(bytes.subarray(start, newline));
        yield finish();
        start = newline + 1;
      }
    }
    if (last + 1 < bytes.length) take(Buffer.from(bytes.subarray(last + 1)));
  }
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const first = bytes.indexOf(0x0a);
    if (first === -1) {
      if (bytes.length > 0) take(Buffer.from(bytes));
      continue;
    }
    const lines = linesOf(bytes, first, bytes.lastIndexOf(0x0a));
    // An iterator without return(): a consumer that stops early does not close it, and what it left is passed over
    // here, so that the lines after it keep their numbers and the next chunk's first line starts where it should.
    yield { [Symbol.iterator]: () => ({ next: () => lines.next() }) };
    for (const _ of lines);
  }
  if (held > 0 || overflow > 0) yield [finish()];
}
