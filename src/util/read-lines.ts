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
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = bytes.indexOf(0x0a, start); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
      take(bytes.subarray(start, newline));
      yield finish();
      start = newline + 1;
    }
    if (start < bytes.length) take(Buffer.from(bytes.subarray(start)));
  }
  if (held > 0 || overflow > 0) yield finish();
}
