/**
 * Sello's own FHIR REST calls (as a user of a FHIR server under test, or as a reference role's stand-in): JSON over
 * HTTP with `application/fhir+json`, journaled by the shared HTTP client. A reference implementation may use a real
 * FHIR client library instead, as a vendor's system would.
 */
import type { ExchangeJournal } from '../journal/journal.ts';
import { type HttpResponse, sendHttp } from './http-client.ts';

export interface FhirCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL, or relative to `base`. */
  path: string;
  base: string;
  /** An object is sent as JSON; a string verbatim (malformed-input tests). */
  body?: unknown;
  from: string;
  to: string;
  timeoutMs?: number;
  contentType?: string;
  /** More request headers (e.g. `authorization`). */
  headers?: Record<string, string>;
}

export async function fhirRequest(journal: ExchangeJournal, call: FhirCall): Promise<HttpResponse> {
  const url = /^https?:/.test(call.path) ? call.path : `${call.base.replace(/\/$/, '')}/${call.path.replace(/^\//, '')}`;
  return sendHttp(journal, {
    method: call.method,
    url,
    headers: { accept: 'application/fhir+json', ...(call.body !== undefined ? { 'content-type': call.contentType ?? 'application/fhir+json' } : {}), ...call.headers },
    ...(call.body !== undefined ? { body: call.body } : {}),
    from: call.from,
    to: call.to,
    ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
  });
}
