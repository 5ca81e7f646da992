/**
 * An exchange as a scenario attaches it to the report: whole, except a body too large to be evidence a reader opens
 * (a 50,000-note record, a whole export file), which is named by its size and sha256 — the bytes judged are those.
 */
import { STREAMED_BODY_TEXT_LIMIT } from './body-tap.ts';
import type { ExchangeEntry, ExchangeMessage } from './exchange.ts';

export const EVIDENCE_BODY_BYTES = STREAMED_BODY_TEXT_LIMIT;

/**
 * A spilled body's `body` is a getter that reads the spill file and parses it: copied field by field, the placeholder
 * taking its place, so a body too large for the evidence is never read back to be thrown away.
 */
function evidenceMessage(message: ExchangeMessage | undefined): ExchangeMessage | undefined {
  const ref = message?.spilled;
  if (!message || !ref || ref.bytes <= EVIDENCE_BODY_BYTES) return message;
  const placeholder = `[body of ${ref.bytes} bytes, sha256 ${ref.sha256}: judged, not reproduced in the evidence]`;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(message)) out[key] = key === 'body' ? placeholder : (message as unknown as Record<string, unknown>)[key];
  if (!('body' in out)) out.body = placeholder;
  return out as unknown as ExchangeMessage;
}

export function exchangeEvidence(x: ExchangeEntry): string {
  const request = evidenceMessage(x.request);
  const response = evidenceMessage(x.response);
  return JSON.stringify({ ...x, ...(request ? { request } : {}), ...(response ? { response } : {}) });
}
