/**
 * Sello's client for `POST /pgs/v1/confronta`. Not fetch: the answer streams back while the padrón is still going
 * up, and a client that only reads after sending (fetch's half duplex) would deadlock with a server that waits
 * for it to read. node:http reads the response as soon as its headers arrive.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { headerLines, redactHeaders, redactRawHeaders } from '../../../../src/journal/exchange.ts';
import type { ExchangeJournal } from '../../../../src/journal/journal.ts';
import { EndpointUnreachableError } from '../../../../src/transport/http-client.ts';
import { CONFRONTA_CONTENT_TYPE, toLatin1 } from './format.ts';

export interface ConfrontaUpload {
  /** The SSA node's API base, `…/pgs/v1`. */
  baseUrl: string;
  /** Bearer token; omitted to test the 401. */
  token?: string;
  /** X-Institucion: whose padrón this is. */
  institucion: string;
  messageId?: string;
  /** The padrón file: bytes as they are, or a string written as Latin-1. */
  body: Readable | AsyncIterable<Uint8Array> | Uint8Array | string;
  contentType?: string;
  /** Sends the file gzip-compressed (`Content-Encoding: gzip`); a padrón compresses about 4:1. */
  gzip?: boolean;
  /** Idle time without any byte either way before giving up. */
  idleTimeoutMs?: number;
  journal?: ExchangeJournal;
  from?: string;
  to?: string;
}

export interface ConfrontaReply {
  status: number;
  headers: Record<string, string>;
  /** The X-Message-Id sent. */
  messageId: string;
  /** The answer, to be read once: the result file (Latin-1) on 200, an acuse JSON otherwise. */
  body: Readable;
  /** Upload bytes (before any compression) written so far; final once the body has ended. */
  uploadedBytes(): number;
}

/** What the journal keeps of an answer: enough to read a small result file, never a 10 M-line one. */
const JOURNAL_EXCERPT_BYTES = 16 * 1024;

export function sendConfronta(upload: ConfrontaUpload): Promise<ConfrontaReply> {
  const url = new URL(`${upload.baseUrl.replace(/\/$/, '')}/confronta`);
  const messageId = upload.messageId ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': upload.contentType ?? CONFRONTA_CONTENT_TYPE,
    'x-message-id': messageId,
    'x-institucion': upload.institucion,
    accept: `${CONFRONTA_CONTENT_TYPE}, application/json`,
  };
  if (upload.token) headers.authorization = `Bearer ${upload.token}`;
  const fixed = typeof upload.body === 'string' ? toLatin1(upload.body) : upload.body instanceof Uint8Array ? upload.body : undefined;
  if (upload.gzip) headers['content-encoding'] = 'gzip';
  else if (fixed) headers['content-length'] = String(fixed.byteLength);
  const source = fixed ? Readable.from([fixed]) : upload.body instanceof Readable ? upload.body : Readable.from(upload.body as AsyncIterable<Uint8Array>);
  const startedAt = new Date().toISOString();
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      done(null, chunk);
    },
  });

  return new Promise<ConfrontaReply>((resolve, reject) => {
    let answered = false;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers });
    const idle = upload.idleTimeoutMs ?? 30_000;
    request.setTimeout(idle, () => request.destroy(new Error(`no byte either way for ${idle} ms`)));
    const fail = (error: unknown): void => {
      if (answered) return;
      const reason = error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
      const entry = upload.journal?.record({
        protocol: 'http',
        observedBy: 'client',
        from: upload.from ?? upload.institucion,
        to: upload.to ?? 'SSA',
        method: 'POST',
        url: url.href,
        messageId,
        startedAt,
        finishedAt: new Date().toISOString(),
        request: { headers: redactHeaders(headers), body: { confronta: 'padrón ISO-8859-1', bytesEnviados: sent } },
        error: reason,
      });
      reject(new EndpointUnreachableError(url.href, reason, 'unreachable', entry?.id));
    };
    request.on('error', fail);
    request.on('response', (response) => {
      answered = true;
      const responseHeaders = redactHeaders(response.headers as Record<string, string | string[] | undefined>);
      const excerpt: Buffer[] = [];
      let received = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (received < JOURNAL_EXCERPT_BYTES) excerpt.push(chunk.subarray(0, JOURNAL_EXCERPT_BYTES - received));
          received += chunk.length;
          done(null, chunk);
        },
      });
      const journal = (error?: string): void => {
        const text = Buffer.concat(excerpt).toString(responseHeaders['content-type']?.includes('json') ? 'utf8' : 'latin1');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          if (received > JOURNAL_EXCERPT_BYTES) body = `${text}\n[… ${received} bytes en total]`;
        }
        upload.journal?.record({
          protocol: 'http',
          observedBy: 'client',
          from: upload.from ?? upload.institucion,
          to: upload.to ?? 'SSA',
          method: 'POST',
          url: url.href,
          messageId,
          status: response.statusCode ?? 0,
          startedAt,
          finishedAt: new Date().toISOString(),
          request: { headers: redactHeaders(headers), body: { confronta: 'padrón ISO-8859-1', bytesEnviados: sent } },
          response: { headers: responseHeaders, rawHeaders: redactRawHeaders(headerLines(response.rawHeaders)), body },
          ...(error ? { error } : {}),
        });
      };
      pipeline(response, tap).then(
        () => journal(),
        (e: Error) => journal(e.message),
      );
      resolve({ status: response.statusCode ?? 0, headers: responseHeaders, messageId, body: tap, uploadedBytes: () => sent });
    });
    // Once answered, a failing upload is the server having stopped reading (an early 400/401): the answer stands.
    (upload.gzip ? pipeline(source, counter, createGzip(), request) : pipeline(source, counter, request)).catch(fail);
  });
}

/** The whole answer as text; for acuse answers and small result files only. */
export async function readAll(reply: ConfrontaReply): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of reply.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString(reply.headers['content-type']?.includes('json') ? 'utf8' : 'latin1');
}
