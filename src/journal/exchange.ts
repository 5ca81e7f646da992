/** One message exchange as seen on the wire: the evidence a regulator reads. */
export interface ExchangeEntry {
  id: string;
  protocol: 'http' | 'mllp';
  /** Logical party names, e.g. `sello`, `IMSS`, `SSA-indice`. */
  from: string;
  to: string;
  method?: string;
  url?: string;
  status?: number;
  messageId?: string;
  startedAt: string;
  finishedAt: string;
  request: { headers: Record<string, string>; body: unknown };
  response?: { headers: Record<string, string>; body: unknown };
  /** Which end wrote this entry: Sello's client, or the server side of a Sello mock. */
  observedBy?: 'client' | 'server';
  /** Transport failure (refused, timeout…) instead of a response. */
  error?: string;
  /** Id of the failed exchange this one retries (a transient connection error is retried once, on the record). */
  retryOf?: string;
}

// What counts as a secret and how it is replaced is one policy, shared with the report.
export { redactBody, redactHeaders } from '../util/redaction.ts';
