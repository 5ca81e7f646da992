import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RewriteRules {
  /** The path forwarded upstream (e.g. without a secret prefix the client's URL carries); what `answer` and `response` see. */
  path?(path: string): string;
  /** Answer the request itself instead of forwarding it (e.g. a token endpoint that refuses body credentials). */
  answer?(request: ProxiedRequest): ProxiedResponse | undefined;
  /** Rewrite the upstream answer before the client sees it. */
  response?(request: ProxiedRequest, response: ProxiedResponse): ProxiedResponse;
}

const readAll = (stream: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/**
 * An HTTP proxy in front of a reference implementation that turns its answers into another reading the contract
 * allows (or into a defect): what a system written by someone else would put on the wire, without writing that system.
 */
export async function startRewritingProxy(upstream: string, rules: RewriteRules): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const base = new URL(upstream);
  const server: Server = createServer(async (incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const proxied: ProxiedRequest = { method: incoming.method ?? 'GET', path: rules.path?.(path) ?? path, headers: incoming.headers, body: await readAll(incoming) };
    const send = (answer: ProxiedResponse) => {
      outgoing.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      outgoing.end(answer.body);
    };
    const own = rules.answer?.(proxied);
    if (own) return send(own);
    const headers = { ...incoming.headers, host: base.host };
    const forwarded = httpRequest({ host: base.hostname, port: base.port, method: proxied.method, path: proxied.path, headers }, async (upstreamResponse) => {
      const body = await readAll(upstreamResponse);
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(upstreamResponse.headers)) {
        if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding') responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const answer = { status: upstreamResponse.statusCode ?? 502, headers: responseHeaders, body };
      send(rules.response ? rules.response(proxied, answer) : answer);
    });
    forwarded.on('error', () => send({ status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from('upstream unreachable') }));
    forwarded.end(proxied.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
