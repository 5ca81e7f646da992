import Boom from '@hapi/boom';
import Hapi from '@hapi/hapi';
import { BodyTap, streamedMessage } from '../journal/body-tap.ts';
import { type ExchangeMessage, redactBody, redactHeaders } from '../journal/exchange.ts';
import { isoTime } from '../journal/iso-time.ts';
import type { ExchangeJournal, NewExchange } from '../journal/journal.ts';
import { type BodyText, journaledText, journaledValue, textBodyMessage } from '../journal/text-body.ts';
import { SELLO_USER_AGENT } from '../transport/http-client.ts';
import { asListenError } from '../transport/listen-error.ts';
import { jsonTextTooDeep, jsonValueTooDeep, TOO_DEEP_MESSAGE } from '../util/json-depth.ts';
import { type ErrorShape, jsonError } from './error-shape.ts';

export interface MockServerOptions {
  /** Party name in the journal, e.g. `IMSS`. */
  name: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  journal: ExchangeJournal;
  /**
   * The protocol's error for failures hapi raises itself (unknown route, malformed or oversized body, bad media
   * type, a handler's Boom or crash), so a client always gets its protocol's error rather than hapi's: a JSON body by
   * default, or fhirOperationOutcome(), soapFault('1.1' | '1.2') of ./error-shape.ts.
   */
  errorShape?: ErrorShape;
  /** Shorthand for `errorShape: jsonError(errorBody)`: a JSON error body of the program's own. */
  errorBody?: (status: number, message: string, request: Hapi.Request) => object;
  /** Header that carries the message id, for the journal. */
  messageIdHeader?: string;
  /** Who sent a request, for the journal (default: the X-Institucion header, else the user agent). */
  partyOf?: (request: Hapi.Request) => string | undefined;
  /**
   * Who answered, for the journal, when it is not `name`: a stand-in answering with a deliberate stimulus (a defect
   * the scenario plants to see how the role under test reacts) journals it under another party, which no judge binds.
   */
  answeringParty?: (request: Hapi.Request) => string | undefined;
}

export interface MockServer {
  server: Hapi.Server;
  url: string;
  stop(): Promise<void>;
}

/**
 * Largest request body a mock reads (hapi answers 413 with the protocol's error past it). The largest message of a
 * certification is a triage Bundle of ~20 KiB; 1 MiB is fifty of them. A route may set its own (confronta streams GBs).
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * A route whose handler checks depth itself, after its own earlier checks (a PGS node answers a bad token 401
 * before it looks at the body): `options: { app: JSON_DEPTH_CHECKED_BY_HANDLER }`.
 */
export const JSON_DEPTH_CHECKED_BY_HANDLER = { jsonDepth: 'handler' } as const;

/** Whether a request body (parsed, or raw bytes of a JSON media type) nests deeper than MAX_JSON_DEPTH. */
export function payloadTooDeep(request: Hapi.Request): boolean {
  const payload = request.payload as unknown;
  if (Buffer.isBuffer(payload)) {
    const type = String(request.headers['content-type'] ?? 'application/json');
    return /json/i.test(type) && jsonTextTooDeep(payload);
  }
  return typeof payload === 'object' && payload !== null && !isStream(payload) && jsonValueTooDeep(payload);
}

const UNAUTHENTICATED = Symbol('unauthenticated');

/**
 * Says that `request` was refused by an authentication or authorisation check: if it is answered 401 or 403, the
 * journal keeps its headers but not its body (a stranger's upload is no evidence, and would cost memory).
 */
export function markUnauthenticated(request: Hapi.Request): void {
  (request.app as Record<symbol, boolean>)[UNAUTHENTICATED] = true;
}

const MESSAGE_ID = Symbol('messageId');

/** The message id of a request that carries it in its body (a SOAP wsa:MessageID), for the journal; else the header's. */
export function setJournalMessageId(request: Hapi.Request, id: string): void {
  (request.app as Record<symbol, string>)[MESSAGE_ID] = id;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Methods with a route at `path` (HEAD wherever GET is, as hapi serves it); empty for an unknown path. */
function allowedMethods(server: Hapi.Server, path: string): string[] {
  const allowed = METHODS.filter((m) => {
    // match throws "Invalid path" on a broken percent-escape in a segment a route would capture (GET
    // /beneficiarios/%E0%A4%A/baja): such a path matches no route, and its 404 must not become a 500.
    try {
      return server.match(m, path) !== null;
    } catch {
      return false;
    }
  });
  return allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
}

export async function createMockServer(options: MockServerOptions): Promise<Hapi.Server> {
  const server = Hapi.server({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: { payload: { maxBytes: MAX_PAYLOAD_BYTES } },
  });

  const errorShape = options.errorShape ?? jsonError(options.errorBody);
  // Before any handler, validator or journal walks the body (some recurse).
  server.ext('onPostAuth', (request, h) => {
    if ((request.route.settings.app as { jsonDepth?: string } | undefined)?.jsonDepth === 'handler') return h.continue;
    return payloadTooDeep(request) ? Boom.badRequest(TOO_DEEP_MESSAGE) : h.continue;
  });
  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    if ('isBoom' in response && response.isBoom) {
      let status = response.output.statusCode;
      // RFC 9110 §15.5.6: a path that exists, asked with a method it does not serve, is 405 with Allow, not 404.
      const allow = status === 404 && (request.route.method as string) === '_special' ? allowedMethods(server, request.path) : [];
      if (allow.length > 0) status = 405;
      const message = status >= 500 ? 'internal error' : status === 405 ? `method ${request.method.toUpperCase()} not allowed on ${request.path}` : response.message;
      if (status >= 500) server.log(['error'], response);
      const answer = h
        .response(errorShape.body(status, message, request))
        .code(errorShape.status?.(status) ?? status)
        .type(errorShape.contentType);
      return allow.length > 0 ? answer.header('allow', allow.join(', ')) : answer;
    }
    return h.continue;
  });

  const messageIdHeader = (options.messageIdHeader ?? 'x-message-id').toLowerCase();
  // Built field by field (no conditional spreads, timestamps and method names shared): a loaded mock records an entry
  // per answer, and this listener was a fifth of its CPU. The fields and their order are the entry's, as always.
  server.events.on('response', (request) => {
    const response = request.response as Hapi.ResponseObject | { isBoom: true } | null;
    if (!response || 'isBoom' in response) return;
    const requestHeaders = request.headers as Record<string, string>;
    if (requestHeaders['user-agent'] === SELLO_USER_AGENT) return;
    const messageId = (request.app as Record<symbol, string | undefined>)[MESSAGE_ID] ?? requestHeaders[messageIdHeader];
    // A connection dropped before the answer went out (a peer gone, or a mock told to withhold its answer): the
    // record says no answer came, not the status hapi had prepared.
    const unanswered = request.raw.req.socket?.destroyed === true && !request.raw.res.writableFinished;
    const status = response.statusCode;
    const entry = {
      protocol: 'http',
      observedBy: 'server',
      from: options.partyOf?.(request) ?? requestHeaders['x-institucion'] ?? requestHeaders['user-agent'] ?? 'client',
      to: options.answeringParty?.(request) ?? options.name,
      method: upperMethod(request.method),
      url: journalUrl(server, request),
    } as NewExchange;
    if (unanswered) entry.error = 'the connection was closed before an answer was sent';
    else entry.status = status;
    if (messageId) entry.messageId = messageId;
    entry.startedAt = isoTime(request.info.received);
    entry.finishedAt = isoTime(request.info.responded || Date.now());
    entry.request = unauthenticated(request, status)
      ? { headers: redactHeaders(requestHeaders), body: undefined, bodyOmitted: `refused by the authentication check (${status}): body not journaled` }
      : journaledMessage(redactHeaders(requestHeaders), request.payload);
    const responseHeaders = redactHeaders((response.headers ?? {}) as Record<string, string>);
    // A streamed answer copied as it went out (BodyTap): on the record once its last byte is in the spill file.
    if (response.source instanceof BodyTap) {
      void response.source.result.then((tapped) => recordEntry(options.journal, entry, unanswered, streamedMessage(responseHeaders, tapped)));
      return;
    }
    const sent = sentJson(response);
    const message = sent === undefined ? journaledMessage(responseHeaders, response.source) : textBodyMessage({ headers: responseHeaders }, journaledText(sent, true));
    recordEntry(options.journal, entry, unanswered, message);
  });

  return server;
}

/** A module function, not a closure per answer: each closure tsx's keep-names transform makes costs a defineProperty. */
function recordEntry(journal: ExchangeJournal, entry: NewExchange, unanswered: boolean, response: ExchangeMessage): void {
  if (!unanswered) entry.response = response;
  journal.record(entry);
}

const unauthenticated = (request: Hapi.Request, status: number): boolean => (status === 401 || status === 403) && (request.app as Record<symbol, boolean>)[UNAUTHENTICATED] === true;

const isStream = (value: unknown): boolean => typeof (value as { pipe?: unknown } | null)?.pipe === 'function';

const UPPER_METHODS: Record<string, string> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', options: 'OPTIONS', head: 'HEAD' };
const upperMethod = (method: string): string => UPPER_METHODS[method] ?? method.toUpperCase();

const JSON_TEXT = Symbol('jsonText');

/**
 * An answer whose body is JSON text the handler already has (a stored resource's serialisation): sent as it is, with
 * `contentType`, and journaled as the JSON value it is, exactly as if the handler had answered the parsed value.
 * `text` must be what JSON.stringify gives for that value.
 */
export function jsonTextResponse(h: Hapi.ResponseToolkit, text: string, contentType = 'application/json; charset=utf-8'): Hapi.ResponseObject {
  const response = h.response(text).type(contentType);
  (response.app as Record<symbol, boolean>)[JSON_TEXT] = true;
  return response;
}

/** What hapi's `request.url.href` says (the host asked, the path and query sent), without parsing a URL per request. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;
const PLAIN_HOST = /^[a-z0-9.-]+(:\d+)?$/;
function journalUrl(server: Hapi.Server, request: Hapi.Request): string {
  const raw = request.raw.req.url ?? '';
  const host = request.info.host;
  // Anything WHATWG URL parsing would rewrite (dot segments, a fragment, characters it escapes, an odd host): hapi's.
  if (!PLAIN_PATH.test(raw) || raw.includes('/.') || !host || !PLAIN_HOST.test(host)) return request.url?.href ?? raw;
  return `${server.info.protocol}://${host}${raw}`;
}

/**
 * The JSON text hapi sent for a handler's plain value: hapi keeps it on the response once serialised (its payload's
 * data), so the journal need not serialise the value a second time; or the text of a jsonTextResponse. Undefined for
 * anything else (a string, a buffer, a stream, a hapi that keeps it elsewhere): then the value is serialised here.
 */
function sentJson(response: Hapi.ResponseObject): string | undefined {
  const source = response.source as unknown;
  if (typeof source === 'string') return (response.app as Record<symbol, boolean>)[JSON_TEXT] === true && source !== '' ? source : undefined;
  if (typeof source !== 'object' || source === null || Buffer.isBuffer(source) || isStream(source)) return undefined;
  const data = (response as unknown as { _payload?: { _data?: unknown } })._payload?._data;
  return typeof data === 'string' && data !== '' ? data : undefined;
}

/** A message as the journal keeps it: its body as the text it serialises to (src/journal/text-body.ts), redacted. */
function journaledMessage(headers: Record<string, string>, payload: unknown): ExchangeMessage {
  const body = journalBody(payload);
  return body && 'text' in body ? textBodyMessage({ headers }, body) : { headers, body: body?.value };
}

function journalBody(payload: unknown): BodyText | { value: unknown } | undefined {
  if (payload === null || payload === undefined) return undefined;
  // A streamed body (a confronta upload, a streamed answer) is neither bounded nor serialisable: the route journals a summary.
  if (isStream(payload)) return { value: "[streamed body: see the route's summary]" };
  if (Buffer.isBuffer(payload)) {
    if (payload.length === 0) return undefined;
    // Refused as too deep: journaled as the text it was, never parsed into something deep.
    return journaledText(payload.toString('utf8'), true, () => jsonTextTooDeep(payload));
  }
  // A handler's text answer (XML, a form) reads back as the string it was.
  if (typeof payload === 'string') return payload === '' ? { value: '' } : journaledText(payload, false);
  if (typeof payload === 'object') return journaledValue(payload) ?? { value: redactBody(payload) };
  return { value: payload };
}

export async function startMockServer(options: MockServerOptions, register: (server: Hapi.Server) => Promise<void>): Promise<MockServer> {
  const server = await createMockServer(options);
  await register(server);
  try {
    await server.start();
  } catch (error) {
    throw asListenError(error, `the ${options.name} mock`, options.host ?? '127.0.0.1', options.port);
  }
  const address = server.listener.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return { server, url: `http://${host}:${port}`, stop: () => server.stop({ timeout: 2000 }) };
}
