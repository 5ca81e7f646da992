/**
 * Streamed bodies on the record. A body that is streamed (a 50,000-note record, an NDJSON export file) is never held
 * whole: its bytes are copied chunk by chunk into a spill file of its own while they cross the socket, so the journal
 * keeps the exact evidence and a judge reads it back as a stream, in memory that does not grow with its size.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ExchangeMessage, RawHeader } from './exchange.ts';
import { type SpilledBody, SpillFile } from './spill.ts';

/** A streamed body past this many bytes is not kept (its entry says so): the disk a single answer may cost. */
export const TAP_MAX_BYTES = 1024 ** 3;
/**
 * A streamed body larger than this reads back through `body` as its summary (bytes and sha256), never as text:
 * evidence attachments and careless readers would otherwise pull a whole export into the heap. Judges read
 * `bodyStream(message)`.
 */
export const STREAMED_BODY_TEXT_LIMIT = 4 * 1024 * 1024;

export type TapResult = { ref: SpilledBody } | { omitted: string; bytes: number };

/** Copies what passes through it into its own spill file; `result` settles when the stream ends or fails. */
export class BodyTap extends Transform {
  readonly #file = new SpillFile();
  readonly #hash = createHash('sha256');
  #bytes = 0;
  #overflow = false;
  #done = false;
  readonly result: Promise<TapResult>;
  #settle!: (r: TapResult) => void;

  constructor(private readonly kind: SpilledBody['kind'] = 'text') {
    super();
    this.result = new Promise((resolve) => {
      this.#settle = resolve;
    });
    // A peer that hangs up mid-body still leaves what arrived on the record.
    this.once('error', () => this.#finish());
    this.once('close', () => this.#finish());
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#bytes += bytes.length;
    if (!this.#overflow && this.#bytes <= TAP_MAX_BYTES) {
      this.#hash.update(bytes);
      this.#file.append(bytes);
    } else this.#overflow = true;
    callback(null, bytes);
  }

  override _flush(callback: TransformCallback): void {
    this.#finish();
    callback();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#overflow) {
      this.#settle({ omitted: `streamed body of ${this.#bytes} bytes not kept: more than ${TAP_MAX_BYTES} bytes`, bytes: this.#bytes });
      return;
    }
    const file = this.#file.path;
    if (!file) {
      this.#settle({ omitted: 'empty streamed body', bytes: 0 });
      return;
    }
    this.#settle({ ref: { file, offset: 0, bytes: this.#bytes, sha256: this.#hash.digest('hex'), kind: this.kind } });
  }
}

/** A message whose body was tapped: `spilled` names the bytes; `body` reads them back only when they are small. */
export function streamedMessage(headers: Record<string, string>, tapped: TapResult, rawHeaders?: RawHeader[]): ExchangeMessage {
  const message: ExchangeMessage = { headers, ...(rawHeaders ? { rawHeaders } : {}), body: undefined };
  if ('omitted' in tapped) {
    if (tapped.bytes > 0) message.bodyOmitted = tapped.omitted;
    return message;
  }
  const ref = tapped.ref;
  Object.defineProperty(message, 'spilled', { value: ref, enumerable: false, configurable: true });
  Object.defineProperty(message, 'body', {
    get: () => (ref.bytes > STREAMED_BODY_TEXT_LIMIT ? `[streamed body of ${ref.bytes} bytes, sha256 ${ref.sha256}: judged as a stream, not reproduced here]` : readSpilledText(ref, ref.kind)),
    enumerable: true,
    configurable: true,
  });
  return message;
}

function readSpilledText(ref: SpilledBody, kind: SpilledBody['kind']): unknown {
  const text = readFileRange(ref);
  if (kind !== 'json') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readFileRange(ref: SpilledBody): string {
  // Small by construction (STREAMED_BODY_TEXT_LIMIT): a synchronous read keeps `body` a plain property for readers.
  try {
    const fd = openSync(ref.file, 'r');
    try {
      const data = Buffer.alloc(ref.bytes);
      let done = 0;
      while (done < ref.bytes) {
        const n = readSync(fd, data, done, ref.bytes - done, ref.offset + done);
        if (n === 0) break;
        done += n;
      }
      return data.subarray(0, done).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return `[streamed body of ${ref.bytes} bytes: its spill file is gone]`;
  }
}

/**
 * The body of a message as a stream of its bytes: from its spill file when it was spilled or tapped, else its text.
 * What every judge of a possibly large body reads.
 */
export function bodyStream(message: ExchangeMessage | undefined): Readable {
  const ref = message?.spilled;
  if (ref) return ref.bytes === 0 ? Readable.from([]) : createReadStream(ref.file, { start: ref.offset, end: ref.offset + ref.bytes - 1 });
  const body = message?.body;
  if (body === undefined || body === null) return Readable.from([]);
  return Readable.from([Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))]);
}
