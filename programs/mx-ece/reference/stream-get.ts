/**
 * A GET whose answer is read as it arrives (a 50,000-note Bundle, a large NDJSON file) and is journaled like every
 * other exchange: headers as on the wire, the body kept when it is small, else a summary of what streamed. The shared
 * client (src/transport/http-client.ts) reads a whole answer into one string, which a large record must never be.
 */
import http from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import { headerLines, redactBody, redactHeaders, redactRawHeaders } from '../../../src/journal/exchange.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { EndpointUnreachableError, SELLO_USER_AGENT } from '../../../src/transport/http-client.ts';

/** Bodies up to this size are journaled whole; past it, only their size. */
const JOURNALED_BODY_BYTES = 256 * 1024;

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
  const url = new URL(request.url);
  const headers = { 'user-agent': SELLO_USER_AGENT, ...request.headers };
  const startedAt = new Date().toISOString();
  const base = { protocol: 'http' as const, observedBy: 'client' as const, from: request.from, to: request.to, method: 'GET', url: request.url, startedAt };
  const controller = AbortSignal.timeout(request.timeoutMs);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: 'GET', headers, signal: controller }, resolve);
    req.once('error', reject);
    req.end();
  }).catch((error: Error) => {
    const entry = journal.record({ ...base, finishedAt: new Date().toISOString(), request: { headers: redactHeaders(headers), body: undefined }, error: error.message });
    throw new EndpointUnreachableError(request.url, error.message, error.name === 'AbortError' ? 'timeout' : 'unreachable', entry.id);
  });
  const kept: Buffer[] = [];
  let bytes = 0;
  const tee = new PassThrough();
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes <= JOURNALED_BODY_BYTES) kept.push(chunk);
  });
  res.pipe(tee);
  res.once('error', (error) => tee.destroy(error));
  const rawHeaders = headerLines(res.rawHeaders);
  const answerHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
  const journalIt = (error?: string): void => {
    const text = bytes <= JOURNALED_BODY_BYTES ? Buffer.concat(kept).toString('utf8') : undefined;
    journal.record({
      ...base,
      status: res.statusCode ?? 0,
      finishedAt: new Date().toISOString(),
      request: { headers: redactHeaders(headers), body: undefined },
      response: {
        headers: redactHeaders(answerHeaders),
        rawHeaders: redactRawHeaders(rawHeaders),
        ...(text !== undefined ? { body: redactBody(parsed(text)) } : { body: undefined, bodyOmitted: `streamed: ${bytes} bytes read as they arrived, not held` }),
      },
      ...(error ? { error } : {}),
    });
  };
  try {
    const result = await consume({ status: res.statusCode ?? 0, headers: answerHeaders, body: tee });
    // What the consumer left unread still crosses the socket: drain it so the journal's size is the answer's.
    tee.resume();
    if (!res.complete) await new Promise<void>((resolve) => res.once('close', () => resolve()));
    journalIt();
    return result;
  } catch (error) {
    res.destroy();
    journalIt(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
