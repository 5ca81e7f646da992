/**
 * A GET whose answer is read as it arrives (a 50,000-note Bundle, a large NDJSON file): the engine's streaming client
 * copies every byte to the journal's record while the receiver reads, so the judges see exactly what it read.
 */
import type { Readable } from 'node:stream';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { sendHttpStreaming } from '../../../src/transport/http-client.ts';

export interface StreamGet {
  url: string;
  headers: Record<string, string>;
  from: string;
  to: string;
  timeoutMs: number;
}

export interface StreamedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

export async function streamGet<T>(journal: ExchangeJournal, request: StreamGet, consume: (answer: StreamedAnswer) => Promise<T>): Promise<T> {
  return (await sendHttpStreaming(journal, { method: 'GET', ...request }, consume)).read;
}

/** The whole answer as text, for the small ones (an OperationOutcome, a manifest) read on the same path. */
export async function readAll(body: Readable, limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += (chunk as Buffer).length;
    if (n > limit) throw new Error(`answer larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
