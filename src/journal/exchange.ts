import type { SpilledBody } from './spill.ts';

/** A header as it was on the wire: name as spelled, one value, in the order sent. */
export type RawHeader = [name: string, value: string];

export interface ExchangeMessage {
  /** Names lower-cased, repeated values joined with ", ": the shape readers look values up in. */
  headers: Record<string, string>;
  /** Every header line in wire order, repeats kept (two Set-Cookie stay two), secrets redacted. Absent when the
   * writer did not see the raw lines. */
  rawHeaders?: RawHeader[];
  body: unknown;
  /** Why `body` is absent though the message had one: e.g. a request refused by an authentication check. */
  bodyOmitted?: string;
  /** Set (not enumerable) when the body lives in the journal's spill file: `body` reads it back on access. */
  spilled?: SpilledBody;
}

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
  request: ExchangeMessage;
  response?: ExchangeMessage;
  /** Which end wrote this entry: Sello's client, or the server side of a Sello mock. */
  observedBy?: 'client' | 'server';
  /** Transport failure (refused, timeout…) instead of a response. */
  error?: string;
  /** Id of the failed exchange this one retries (a transient connection error is retried once, on the record). */
  retryOf?: string;
}

// What counts as a secret and how it is replaced is one policy, shared with the report.
import { redactHeaderValue } from '../util/redaction.ts';

export { redactBody, redactHeaders } from '../util/redaction.ts';

/** node:http's flat `rawHeaders` ([name, value, name, value…]) as header lines. */
export function headerLines(flat: readonly string[]): RawHeader[] {
  const out: RawHeader[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** Raw header lines with each credential value redacted, order and repeats kept. */
export const redactRawHeaders = (raw: readonly RawHeader[]): RawHeader[] => raw.map(([name, value]) => [name, redactHeaderValue(name, value)]);
