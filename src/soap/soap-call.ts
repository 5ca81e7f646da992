/**
 * A SOAP 1.2 request over Sello's HTTP client: the journal keeps exactly what crossed the wire, no redirect is
 * followed; the answer is read with readEnvelope and, when the request had a MessageID, checked to relate to it.
 */

import type { Finding } from '../findings/finding.ts';
import type { ExchangeEntry } from '../journal/exchange.ts';
import type { ExchangeJournal } from '../journal/journal.ts';
import { type HttpResponse, sendHttp } from '../transport/http-client.ts';
import { checkRelatesTo } from './addressing.ts';
import { soap12ContentType } from './content-type.ts';
import { type ReadEnvelopeOptions, readEnvelope, type SoapEnvelope } from './envelope-read.ts';

export interface SoapCallOptions {
  journal: ExchangeJournal;
  /** Party names for the journal. */
  from: string;
  to: string;
  timeoutMs?: number;
  /** Extra HTTP headers (Content-Type and Accept are the SOAP 1.2 ones unless given here). */
  headers?: Record<string, string>;
  /** How the answer is read; by default WS-Addressing optional, UUID MessageIDs. */
  read?: ReadEnvelopeOptions;
}

export interface SoapCallResult {
  status: number;
  /** The answer read; `fault` set when it is a SOAP Fault. */
  answer: SoapEnvelope;
  /** The answer's findings, plus WSA-RELATESTO when it does not relate to the request's MessageID. */
  findings: Finding[];
  /** The request's wsa:MessageID and wsa:Action, as read from the envelope sent. */
  messageId?: string;
  action?: string;
  http: HttpResponse;
  exchange: ExchangeEntry;
}

/**
 * Posts `envelope` (exact text) to `url`. The Content-Type carries the envelope's wsa:Action as its `action`
 * parameter (RFC 3902). Throws only what sendHttp throws (EndpointUnreachableError: no answer at all).
 */
export async function soapCall(url: string, envelope: string, options: SoapCallOptions): Promise<SoapCallResult> {
  // Our own envelope is read back (not re-written) for its MessageID and Action: what is sent stays the caller's text.
  const sent = readEnvelope(envelope, 'application/soap+xml');
  const { messageId, action } = sent.addressing;
  const http = await sendHttp(options.journal, {
    method: 'POST',
    url,
    headers: { 'content-type': soap12ContentType(action), accept: 'application/soap+xml', ...options.headers },
    body: envelope,
    from: options.from,
    to: options.to,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(messageId ? { messageId } : {}),
  });
  const answer = readEnvelope(http.text, http.headers['content-type'], options.read ?? {});
  const findings = [...answer.findings];
  if (messageId && answer.version === '1.2') findings.push(...checkRelatesTo(messageId, answer.addressing));
  return { status: http.status, answer, findings, ...(messageId ? { messageId } : {}), ...(action ? { action } : {}), http, exchange: http.exchange };
}
