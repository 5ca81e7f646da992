/**
 * Writing a delimited file: values made safe for the format, lines joined into single-byte (Latin-1) chunks so a
 * big file is not one write per line.
 */
import type { DelimitedFormat } from './layout.ts';

export interface LineWriter {
  /**
   * A field value made safe: the separators, line breaks and anything outside Latin-1 become `?`, so an answer
   * that echoes what a sender wrote cannot shift the columns.
   */
  cleanValue(value: string): string;
  formatLine(fields: readonly (string | readonly string[])[]): string;
}

const escapeRe = (s: string): string => s.replace(/[\\\]^-]/g, '\\$&');

export function lineWriter(format: DelimitedFormat): LineWriter {
  // UTF-16 units, not code points: an astral character becomes `??`, which is as unreadable in Latin-1 as `?`.
  const reserved = `[${escapeRe(format.fieldSeparator)}${escapeRe(format.repeatSeparator)}\\r\\n\\u0100-\\uffff]`;
  const test = new RegExp(reserved);
  const all = new RegExp(reserved, 'g');
  const cleanValue = (value: string): string => (test.test(value) ? value.replace(all, '?') : value);
  return {
    cleanValue,
    formatLine: (fields) => fields.map((f) => (typeof f === 'string' ? cleanValue(f) : f.map(cleanValue).join(format.repeatSeparator))).join(format.fieldSeparator),
  };
}

/** Latin-1 bytes; a LineWriter already turned anything outside Latin-1 into `?`, so nothing is silently truncated. */
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
