import type { ExchangeEntry, ReportModel } from './model.ts';
import type { Pseudonymizer } from './redact.ts';
import { collectUrl } from './redact-collect.ts';

/*
 * --redact applied to a report model: every text pseudonymized except the members that are references into the
 * evidence (ids, times, hashes), which must stay verbatim for the report to stay verifiable.
 */

/** Top-level members that hold no personal data and must stay verbatim (ids, hashes, times). */
const NEVER_REDACTED = new Set(['schemaVersion', 'runId', 'startedAt', 'finishedAt', 'program', 'programVersion', 'sello', 'seed', 'evidence', 'catalogue', 'integrity', 'redaction', 'outputs']);

/** Members anywhere that are references into the evidence, not data. */
const REFERENCE_KEYS = new Set(['id', 'exchangeId', 'exchangeIds', 'scenarioId', 'scenarios', 'declaredOnly', 'messageId', 'startedAt', 'finishedAt', 'uri']);

const isReference = (x: unknown): boolean => typeof x === 'string' || (Array.isArray(x) && x.every((i) => typeof i === 'string'));

export function redactModel(model: ReportModel, exchanges: Map<string, ExchangeEntry[]>, p: Pseudonymizer): void {
  for (const xs of exchanges.values()) {
    p.collect(xs.map((x) => [x.request?.body, x.response?.body]));
    for (const x of xs) collectUrl(x.url, (kind, v) => p.remember(kind, v));
  }
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return typeof v === 'string' ? p.text(v) : v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = REFERENCE_KEYS.has(k) && isReference(x) ? x : walk(x);
    return out;
  };
  const m = model as unknown as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!NEVER_REDACTED.has(key)) m[key] = walk(m[key]);
  for (const [id, xs] of exchanges) {
    exchanges.set(
      id,
      xs.map((x) => {
        const { id: xid, messageId, startedAt, finishedAt, ...rest } = x;
        const red = p.redact(rest);
        return { ...red, id: xid, ...(messageId !== undefined ? { messageId } : {}), startedAt, finishedAt } as ExchangeEntry;
      }),
    );
  }
}
