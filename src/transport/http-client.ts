import { randomUUID } from 'node:crypto';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BodyTap, streamedMessage } from '../journal/body-tap.ts';
import { type ExchangeEntry, type ExchangeMessage, type RawHeader, redactBody, redactHeaders, redactRawHeaders } from '../journal/exchange.ts';
import type { ExchangeJournal } from '../journal/journal.ts';
import { exchangeOnce, exchangeReading, type WireRequest } from './http-wire.ts';
import { type InfrastructureCause, InfrastructureError } from './infrastructure-error.ts';

/** The system under test (or a mock) could not be reached at all: an infrastructure error, not a conformance one. */
export class EndpointUnreachableError extends InfrastructureError {
  constructor(
    readonly url: string,
    reason: string,
    cause: InfrastructureCause = 'unreachable',
    exchangeId?: string,
  ) {
    super(url, cause, reason, exchangeId);
    this.name = 'EndpointUnreachableError';
  }
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is (malformed-input tests need that); anything else is sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
  /** Party names for the journal. */
  from: string;
  to: string;
  messageId?: string;
}

export interface HttpResponse {
  status: number;
  /** Names lower-cased, repeated values joined with ", " (as the journal's `headers`), unredacted. */
  headers: Record<string, string>;
  /** Every header line as it arrived, in order, repeats kept, unredacted. */
  rawHeaders: RawHeader[];
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
  /** The journal entry of this exchange, so a step can attach or inspect exactly what it caused. */
  exchange: ExchangeEntry;
}

/** requestMs when no target file sets one (reference runs). */
export const DEFAULT_REQUEST_MS = 10_000;
/** Pause before the one retry of a transient connection error: long enough for a listener to come back from a blip. */
export const RETRY_PAUSE_MS = 300;

/**
 * Identifies this process's requests. A Sello mock in the same process sees the same exchange its client already
 * journaled; it skips it by this user agent, so evidence lists each exchange once.
 */
export const SELLO_USER_AGENT = `sello (${randomUUID().slice(0, 8)})`;

/** Connection errors that a restarting or briefly overloaded peer gives before any answer: worth one retry. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface Failure {
  reason: string;
  cause: InfrastructureCause;
  transient: boolean;
}

/**
 * Journals every request it makes, with secrets redacted, whether or not an answer came back, and returns the entry
 * with the answer. Nothing is followed or merged on the way: a 302 is returned and journaled as the 302 it is, against
 * the URL that answered it, and repeated headers stay separate lines (`rawHeaders`). A transient connection
 * error before any answer is retried once after RETRY_PAUSE_MS; both attempts are journaled, the second with
 * `retryOf`. What still fails is an EndpointUnreachableError naming the cause and the last attempt's exchange.
 */
export async function sendHttp(journal: ExchangeJournal, request: HttpRequest): Promise<HttpResponse> {
  return sendRetrying(journal, request, exchangeOnce, ({ status, rawHeaders, text }, record) => {
    const responseHeaders = joinHeaders(rawHeaders);
    const json = text === '' ? undefined : parseJsonOrUndefined(text);
    const exchange = record(status, { headers: redactHeaders(responseHeaders), rawHeaders: redactRawHeaders(rawHeaders), body: redactBody(json ?? text) });
    return { status, headers: responseHeaders, rawHeaders, text, json, exchange };
  });
}

export interface StreamedHttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  /** What `read` made of the body. */
  read: T;
  /** The journal entry, its response body tapped to disk (see src/journal/body-tap.ts). */
  exchange: ExchangeEntry;
}

/**
 * As sendHttp, for answers too large to hold: `read` gets the body as a stream while a copy goes to the journal's
 * record byte for byte, so a judge reads exactly what the reader read. `read` should consume the whole stream; what it
 * leaves is drained so the record is complete.
 */
export async function sendHttpStreaming<T>(
  journal: ExchangeJournal,
  request: HttpRequest,
  read: (answer: { status: number; headers: Record<string, string>; body: Readable }) => Promise<T>,
): Promise<StreamedHttpResponse<T>> {
  const once = (wire: WireRequest) =>
    exchangeReading(wire, async (status, rawHeaders, body) => {
      // JSON reads back as structure, like any journaled body; NDJSON and the rest as text.
      const contentType = joinHeaders(rawHeaders)['content-type'] ?? '';
      const tap = new BodyTap(/json/i.test(contentType) && !/ndjson/i.test(contentType) ? 'json' : 'text');
      // The reader gets its own stream: one that stops early (or breaks out of a for-await, which destroys what it
      // reads) leaves the tap draining the rest onto the record.
      const forReader = new PassThrough();
      // Ended once the tap's readable side has given its last chunk, not when its writable side finished: a paused
      // tap may still hold the tail then, which a reader ended early would never get (the record would have it).
      pipeline(body, tap, (error) => error && forReader.destroy(error));
      tap.once('end', () => forReader.destroyed || forReader.end());
      tap.on('data', (chunk: Buffer) => {
        if (!forReader.destroyed && !forReader.write(chunk)) {
          tap.pause();
          forReader.once('drain', () => tap.resume());
        }
      });
      forReader.once('close', () => tap.resume());
      const value = await read({ status, headers: joinHeaders(rawHeaders), body: forReader });
      await finished(tap).catch(() => undefined);
      return { value, tapped: await tap.result };
    });
  return sendRetrying(journal, request, once, ({ status, rawHeaders, read: { value, tapped } }, record) => {
    const headers = joinHeaders(rawHeaders);
    const exchange = record(status, streamedMessage(redactHeaders(headers), tapped, redactRawHeaders(rawHeaders)));
    return { status, headers, read: value, exchange };
  });
}

/**
 * The one way a request is sent and journaled: a transient connection error before any answer is retried once;
 * an answer is journaled by `answered` through `record`.
 */
async function sendRetrying<A, R>(
  journal: ExchangeJournal,
  request: HttpRequest,
  once: (wire: WireRequest) => Promise<A>,
  answered: (answer: A, record: (status: number, response: ExchangeMessage) => ExchangeEntry) => R,
): Promise<R> {
  // Header names are case-insensitive: normalise so a caller's Content-Type replaces the default instead of doubling it.
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': SELLO_USER_AGENT };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload: string | undefined;
  if (request.body !== undefined) {
    payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = request.timeoutMs ?? DEFAULT_REQUEST_MS;
  const base = {
    protocol: 'http' as const,
    observedBy: 'client' as const,
    from: request.from,
    to: request.to,
    method: request.method,
    url: request.url,
    ...(request.messageId ? { messageId: request.messageId } : {}),
    request: { headers: redactHeaders(headers), body: redactBody(parseMaybeJson(payload)) },
  };
  let retryOf: string | undefined;
  for (;;) {
    const startedAt = new Date().toISOString();
    const entryBase = { ...base, startedAt, ...(retryOf ? { retryOf } : {}) };
    let answer: A;
    try {
      answer = await once({ method: request.method, url: request.url, headers, ...(payload !== undefined ? { body: payload } : {}), timeoutMs });
    } catch (error) {
      const failure = classify(error, timeoutMs);
      const status = (error as { status?: number }).status;
      const entry = journal.record({ ...entryBase, ...(status !== undefined ? { status } : {}), finishedAt: new Date().toISOString(), error: failure.reason });
      if (status !== undefined) {
        // An answer had begun: the request may have been acted on, so it is not sent again.
        throw new EndpointUnreachableError(request.url, failure.reason, failure.cause === 'unreachable' ? 'reset' : failure.cause, entry.id);
      }
      if (failure.transient && retryOf === undefined) {
        retryOf = entry.id;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
        continue;
      }
      throw new EndpointUnreachableError(request.url, failure.reason, failure.cause, entry.id);
    }
    return answered(answer, (status, response) => journal.record({ ...entryBase, status, finishedAt: new Date().toISOString(), response }));
  }
}

/** The lookup shape: lower-cased names, repeats joined in arrival order. */
function joinHeaders(raw: readonly RawHeader[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Journals show JSON as structure and anything else verbatim. */
function parseMaybeJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  return parseJsonOrUndefined(text) ?? text;
}

function classify(error: unknown, timeoutMs: number): Failure {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { reason: `no answer within ${timeoutMs} ms`, cause: 'timeout', transient: false };
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  const reason = code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const transient = code !== undefined && TRANSIENT.has(code);
  return { reason, cause: code === 'ECONNREFUSED' || !transient ? 'unreachable' : 'reset', transient };
}
