import { randomUUID } from 'node:crypto';
import type { ExchangeJournal } from '../journal/journal.ts';
import { redactBody, redactHeaders } from '../journal/exchange.ts';
import { InfrastructureError, type InfrastructureCause } from './infrastructure-error.ts';

/** The system under test (or a mock) could not be reached at all: an infrastructure error, not a conformance one. */
export class EndpointUnreachableError extends InfrastructureError {
  constructor(readonly url: string, reason: string, cause: InfrastructureCause = 'unreachable', exchangeId?: string) {
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
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Identifies this process's requests. A Sello mock in the same process sees the same exchange its client already
 * journaled; it skips it by this user agent, so evidence lists each exchange once.
 */
export const SELLO_USER_AGENT = `sello (${randomUUID().slice(0, 8)})`;

/** Journals every request it makes, with secrets redacted, whether or not an answer came back. */
export async function sendHttp(journal: ExchangeJournal, request: HttpRequest): Promise<HttpResponse> {
  // Header names are case-insensitive: normalise so a caller's Content-Type replaces the default instead of doubling it.
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': SELLO_USER_AGENT };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload: string | undefined;
  if (request.body !== undefined) {
    payload = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const startedAt = new Date().toISOString();
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = {
    protocol: 'http' as const,
    observedBy: 'client' as const,
    from: request.from,
    to: request.to,
    method: request.method,
    url: request.url,
    ...(request.messageId ? { messageId: request.messageId } : {}),
    startedAt,
    request: { headers: redactHeaders(headers), body: redactBody(parseMaybeJson(payload)) },
  };
  let response: Response;
  let text: string;
  try {
    // One deadline covers the headers and the body: a server that stalls mid-body is as unreachable as a silent one.
    response = await fetch(request.url, {
      method: request.method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const reason = describeFetchError(error, timeoutMs);
    journal.record({ ...base, finishedAt: new Date().toISOString(), error: reason });
    throw new EndpointUnreachableError(request.url, reason);
  }
  const responseHeaders = Object.fromEntries(response.headers.entries());
  const json = text === '' ? undefined : parseJsonOrUndefined(text);
  journal.record({
    ...base,
    status: response.status,
    finishedAt: new Date().toISOString(),
    response: { headers: redactHeaders(responseHeaders), body: redactBody(json ?? text) },
  });
  return { status: response.status, headers: responseHeaders, text, json };
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

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
