/**
 * Raw HTTP requests for the socket fuzz tests: any method, path, header set and body bytes, over node:http rather than
 * fetch (which refuses methods such as TRACE, forbids some headers, and rewrites others) or Sello's journaling client.
 */
import http from 'node:http';
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded where needed. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
  json?: unknown;
}

export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, ...(json !== undefined ? { json } : {}) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within 10 s to ${request.method} ${request.path}`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * Methods a server serves and methods it does not. Not a made-up one: Node's HTTP parser refuses a method it does not
 * know with a bare 400 before any route or error shape is reached (the framing layer, not the protocol's).
 */
export const METHODS = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'MKCOL');

/** Path segments a fuzzer tries: traversal, encoded NUL and slashes, broken escapes, Unicode, a long one, nothing. */
export const SEGMENT = fc.oneof(
  fc.constantFrom('', '..', '%2E%2E', '%00', '%2F', '%E0%A4%A', '%', encodeURIComponent('ÑÚÑEZ😀\u202e'), 'A'.repeat(600), '_history', '$everything', '*'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

/** A query string of known and unknown parameters, repeated or empty. */
export function query(names: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 }).map(encodeURIComponent)), fc.oneof(SEGMENT, fc.constantFrom('1', '-1', '0', 'abc', '100000'))), { maxLength: 3 })
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
}

/** Content types right, nearly right and wrong. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/fhir+json',
  'application/fhir+json; charset=UTF-8',
  'application/json; charset=iso-8859-1',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=',
  '*/*',
  'json',
];

/** A header value node:http will send: printable Latin-1 and tabs only. */
const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));

/**
 * A set of valid headers with each one kept, dropped or replaced, plus a content type from CONTENT_TYPES or random,
 * and sometimes an extra header of the fuzzer's own.
 */
export function headers(valid: Record<string, string>): fc.Arbitrary<Record<string, string>> {
  const names = Object.keys(valid);
  return fc
    .tuple(
      fc.array(fc.constantFrom('keep', 'keep', 'keep', 'drop', 'replace'), { minLength: names.length, maxLength: names.length }),
      fc.array(headerValue, { minLength: names.length, maxLength: names.length }),
      fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue), { nil: undefined }),
      fc.option(fc.tuple(fc.constantFrom('x-forwarded-for', 'accept', 'accept-charset', 'prefer', 'if-match', 'x-http-method-override'), headerValue), { nil: undefined }),
    )
    .map(([ops, values, contentType, extra]) => {
      const out: Record<string, string> = {};
      names.forEach((name, i) => {
        if (ops[i] === 'keep') out[name] = valid[name] as string;
        else if (ops[i] === 'replace') out[name] = values[i] as string;
      });
      if (contentType !== undefined) out['content-type'] = contentType;
      if (extra) out[extra[0]] = extra[1];
      return out;
    });
}

/** A request body: mutated JSON text, random bytes, or none. */
export function body(json: fc.Arbitrary<string>): fc.Arbitrary<Buffer | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: json.map((t) => Buffer.from(t, 'utf8')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}
