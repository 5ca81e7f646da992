/**
 * One HTTP request and its answer exactly as they crossed the socket. node:http rather than fetch: fetch follows
 * redirects unless told otherwise, sorts header names, folds repeated headers and adds an Accept-Encoding the caller
 * never journaled; node:http hands back the raw header lines and does nothing it was not asked to.
 */
import http from 'node:http';
import https from 'node:https';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { headerLines, type RawHeader } from '../journal/exchange.ts';

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface WireResponse {
  status: number;
  rawHeaders: RawHeader[];
  /** The body decoded as UTF-8, after undoing a Content-Encoding the server applied unasked. */
  text: string;
}

/** The deadline passed: named like AbortSignal.timeout's error so that callers classify both alike. */
export class WireTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Sends once, no retry, no redirect. One deadline covers the headers and the body: a server that stalls mid-body is
 * as unreachable as a silent one. An error after the status line arrived carries that `status`, so the caller knows
 * the request may have been acted on.
 */
export function exchangeOnce(request: WireRequest): Promise<WireResponse> {
  return exchangeReading(request, async (_status, _rawHeaders, body) => ({ text: await readText(body) })).then(({ status, rawHeaders, read }) => ({ status, rawHeaders, text: read.text }));
}

/**
 * As exchangeOnce, but the body goes to `read` as a stream (decoded) instead of being collected: for answers too large
 * to hold (a whole clinical record, an export file). The deadline still covers the whole body.
 */
export function exchangeReading<T>(request: WireRequest, read: (status: number, rawHeaders: RawHeader[], body: Readable) => Promise<T>): Promise<{ status: number; rawHeaders: RawHeader[]; read: T }> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    let expired = false;
    const fail = (error: Error): void => {
      clearTimeout(timer);
      const named = expired ? new WireTimeoutError(request.timeoutMs) : error;
      if (status !== undefined) Object.assign(named, { status });
      reject(named);
    };
    const req = client.request(url, { method: request.method, headers: request.headers });
    const timer = setTimeout(() => {
      expired = true;
      req.destroy(new WireTimeoutError(request.timeoutMs));
    }, request.timeoutMs);
    req.once('error', fail);
    req.once('response', (res) => {
      status = res.statusCode ?? 0;
      const rawHeaders = headerLines(res.rawHeaders);
      read(status, rawHeaders, decoded(res, res.headers['content-encoding'])).then((value) => {
        clearTimeout(timer);
        resolve({ status: status!, rawHeaders, read: value });
      }, fail);
    });
    req.end(request.body);
  });
}

/** Errors of the socket reach the reader through the pipeline, whichever stream it reads. */
function decoded(body: Readable, encoding: string | undefined): Readable {
  const decoder = DECODERS[encoding?.trim().toLowerCase() ?? ''];
  if (!decoder) return body;
  return pipeline(body, decoder(), () => {});
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
