import Hapi from '@hapi/hapi';
import { redactBody, redactHeaders } from '../journal/exchange.ts';
import type { ExchangeJournal } from '../journal/journal.ts';
import { SELLO_USER_AGENT } from '../transport/http-client.ts';
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
}

export interface MockServer {
  server: Hapi.Server;
  url: string;
  stop(): Promise<void>;
}

const MAX_PAYLOAD_BYTES = 1024 * 1024;

export async function createMockServer(options: MockServerOptions): Promise<Hapi.Server> {
  const server = Hapi.server({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    routes: { payload: { maxBytes: MAX_PAYLOAD_BYTES } },
  });

  const errorShape = options.errorShape ?? jsonError(options.errorBody);
  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    if ('isBoom' in response && response.isBoom) {
      const status = response.output.statusCode;
      const message = status >= 500 ? 'internal error' : response.message;
      if (status >= 500) server.log(['error'], response);
      return h
        .response(errorShape.body(status, message, request))
        .code(errorShape.status?.(status) ?? status)
        .type(errorShape.contentType);
    }
    return h.continue;
  });

  const messageIdHeader = (options.messageIdHeader ?? 'x-message-id').toLowerCase();
  server.events.on('response', (request) => {
    const response = request.response as Hapi.ResponseObject | { isBoom: true } | null;
    if (!response || 'isBoom' in response) return;
    const requestHeaders = request.headers as Record<string, string>;
    if (requestHeaders['user-agent'] === SELLO_USER_AGENT) return;
    const responseHeaders = (response.headers ?? {}) as Record<string, string>;
    options.journal.record({
      protocol: 'http',
      observedBy: 'server',
      from: options.partyOf?.(request) ?? requestHeaders['x-institucion'] ?? requestHeaders['user-agent'] ?? 'client',
      to: options.name,
      method: request.method.toUpperCase(),
      url: request.url.href,
      status: response.statusCode,
      ...(requestHeaders[messageIdHeader] ? { messageId: requestHeaders[messageIdHeader] } : {}),
      startedAt: new Date(request.info.received).toISOString(),
      finishedAt: new Date(request.info.responded || Date.now()).toISOString(),
      request: { headers: redactHeaders(requestHeaders), body: redactBody(bodyForJournal(request.payload)) },
      response: { headers: redactHeaders(responseHeaders), body: redactBody(bodyForJournal(response.source)) },
    });
  });

  return server;
}

const isStream = (value: unknown): boolean => typeof (value as { pipe?: unknown } | null)?.pipe === 'function';

function bodyForJournal(payload: unknown): unknown {
  if (payload === null || payload === undefined) return undefined;
  // A streamed body (a confronta upload, a streamed answer) is neither bounded nor serialisable: the route journals a summary.
  if (isStream(payload)) return "[streamed body: see the route's summary]";
  if (Buffer.isBuffer(payload)) {
    if (payload.length === 0) return undefined;
    const text = payload.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return payload;
}

export async function startMockServer(options: MockServerOptions, register: (server: Hapi.Server) => Promise<void>): Promise<MockServer> {
  const server = await createMockServer(options);
  await register(server);
  await server.start();
  const address = server.listener.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return { server, url: `http://${host}:${port}`, stop: () => server.stop({ timeout: 2000 }) };
}
