/**
 * Bytes to lines for single-byte delimited files (ISO-8859-1 and the like): cut on LF (an optional CR before it
 * is dropped), each line decoded alone, a line longer than the cap reported by size instead of kept, so a file
 * with no line breaks at all never sits in memory.
 */

export type RawLine = { line: number; text: string } | { line: number; tooLongBytes: number };

/**
 * Splits a byte stream into Latin-1 lines (LF, with an optional CR before it). Latin-1 is one byte per character,
 * so lines are cut on bytes and each is decoded alone. A final line without LF still counts.
 */
export class LineSplitter {
  #carry: Buffer | undefined;
  #skipped = -1;
  #line = 0;

  constructor(private readonly maxLineBytes: number) {}

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
