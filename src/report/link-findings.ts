import type { Finding } from '../findings/finding.ts';
import { pointerTokens } from '../util/json-pointer.ts';
import type { ExchangeEntry, ReportFinding } from './model.ts';

/*
 * Steps attach findings (rule, JSON pointer) and, at the end of the scenario, the exchanges; neither names the
 * other. The offending message is recovered from time and shape: the newest exchange that had finished when
 * the finding was attached and whose body holds the finding's location. Sello's own calls are preferred, since
 * steps judge what Sello's client saw; node-to-node traffic (index notifications) is the fallback.
 */

/** Whether `pointer` names a value inside `doc` (the empty pointer names the whole document). */
export function resolvesIn(doc: unknown, pointer: string): boolean {
  const tokens = pointerTokens(pointer);
  if (!tokens) return false;
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(t) || Number(t) >= cur.length) return false;
      cur = cur[Number(t)];
    } else if (typeof cur === 'object' && cur !== null && Object.hasOwn(cur, t)) {
      cur = (cur as Record<string, unknown>)[t];
    } else {
      return false;
    }
  }
  return cur !== undefined;
}

/** Clock skew allowed between the process that journaled an exchange and the one that attached the finding. */
const SKEW_MS = 250;

const fromSello = (x: ExchangeEntry): boolean => typeof x.from === 'string' && x.from.startsWith('sello');

function bodyOf(x: ExchangeEntry, side: 'request' | 'response'): unknown {
  const m = side === 'request' ? x.request : x.response;
  return m && typeof m === 'object' ? m.body : undefined;
}

export function linkFinding(f: Finding, at: number | undefined, exchanges: readonly ExchangeEntry[]): ReportFinding {
  const out: ReportFinding = { ...f };
  // A step that knew which exchange it judged said so: that link stands when the exchange is in the scenario's evidence.
  const named = (f as ReportFinding).exchangeId;
  if (named !== undefined) {
    if (exchanges.some((x) => x.id === named)) return out;
    delete out.exchangeId;
    delete out.side;
  }
  if (exchanges.length === 0) return out;
  const finished = (x: ExchangeEntry): number => Date.parse(String(x.finishedAt ?? x.startedAt));
  const before = exchanges
    .map((x, i) => ({ x, i, t: finished(x) }))
    .filter(({ t }) => at === undefined || !Number.isFinite(t) || t <= at + SKEW_MS)
    // Newest first; attachment order breaks ties.
    .sort((a, b) => (Number.isFinite(b.t) ? b.t : 0) - (Number.isFinite(a.t) ? a.t : 0) || b.i - a.i)
    .map(({ x }) => x);
  // Without an id an exchange cannot be referenced from the report.
  const ordered = [...before.filter(fromSello), ...before.filter((x) => !fromSello(x))].filter((x) => typeof x.id === 'string' && x.id !== '');
  if (f.locationKind === 'json-pointer' && f.location !== '') {
    for (const x of ordered) {
      for (const side of ['response', 'request'] as const) {
        if (resolvesIn(bodyOf(x, side), f.location)) {
          out.exchangeId = x.id;
          out.side = side;
          return out;
        }
      }
    }
  }
  // The location is the whole message, or absent from every body (e.g. a missing field): the newest call it is.
  const newest = ordered[0];
  if (newest) {
    out.exchangeId = newest.id;
    if (f.locationKind === 'json-pointer') out.side = newest.response ? 'response' : 'request';
  }
  return out;
}

export function linkFindings(findings: readonly Finding[], times: readonly (number | undefined)[], exchanges: readonly ExchangeEntry[]): ReportFinding[] {
  return findings.map((f, i) => linkFinding(f, times[i], exchanges));
}
