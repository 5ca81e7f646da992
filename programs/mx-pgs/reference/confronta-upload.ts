/**
 * The confronta upload as the route reads it: the raw bytes, inflated only once the caller is authenticated, and
 * never past a bound, so a small gzip bomb costs neither memory nor minutes of CPU.
 */
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/**
 * Inflated bytes one upload may yield: the same 4 GiB a plain upload may announce (a 10 M-line padrón is ~1.5 GB).
 * A gzip body inflates up to ~1000:1, so the compressed size says nothing of the work: the inflated one is counted.
 */
export const MAX_INFLATED_BYTES = 4 * 1024 ** 3;

export class InflatedTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the compressed body inflates past ${limit} bytes`);
  }
}

export class BadCompression extends Error {}

export interface Upload {
  /** The file's bytes, inflated when the body was compressed; throws InflatedTooLarge or BadCompression. */
  chunks: AsyncIterator<Buffer>;
  /** Reads and drops the rest of the body as it came on the wire (no inflating); the number of bytes read. */
  drain(): Promise<number>;
}

/** `raw`: the request body as sent; `encoding`: its Content-Encoding (gzip, x-gzip and deflate are inflated). */
export function openUpload(raw: Readable, encoding: string | undefined, maxInflated = MAX_INFLATED_BYTES): Upload {
  const coding = encoding?.trim().toLowerCase();
  if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate') {
    const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    return {
      chunks,
      drain: async () => {
        let bytes = 0;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) bytes += next.value.length;
        return bytes;
      },
    };
  }
  const inflater = coding === 'deflate' ? createInflate() : createGunzip();
  // Errors reach the reader through the iterator; this only keeps one before the first read from going uncaught.
  inflater.on('error', () => undefined);
  // pipe() does not carry the source's failure: an upload cut short must end the inflater, or its reader waits for ever.
  raw.once('error', (error) => inflater.destroy(error));
  raw.once('close', () => {
    if (!raw.readableEnded) inflater.destroy(new Error('the upload was cut short'));
  });
  raw.pipe(inflater);
  async function* counted(): AsyncGenerator<Buffer> {
    let total = 0;
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxInflated) throw new InflatedTooLarge(maxInflated);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof InflatedTooLarge) throw error;
      throw new BadCompression(`the body is not valid ${coding}: ${(error as Error).message}`);
    }
  }
  return {
    chunks: counted(),
    drain: async () => {
      raw.unpipe(inflater);
      inflater.destroy();
      let bytes = 0;
      if (raw.readableEnded) return bytes;
      for await (const chunk of raw as AsyncIterable<Buffer>) bytes += chunk.length;
      return bytes;
    },
  };
}
