import { badge, embedJson, esc } from './html-escape.ts';
import type { Labels } from './labels.ts';
import type { ExchangeEntry, ExchangeMessage, ScenarioReport, ScenarioStatus } from './model.ts';

/*
 * One light row per scenario in report.html. What the scenario holds (steps, findings, exchanges) travels as its own
 * JSON block and is only turned into DOM by the page script the first time the scenario is opened, which is what
 * keeps a report of ~1,000 scenarios fast.
 */

export const MAX_BODY_CHARS = 100_000;

export const SCENARIO_STATUSES: readonly ScenarioStatus[] = ['passed', 'failed', 'skipped', 'undefined', 'pending', 'ambiguous', 'inconclusive'];

export const statusLabel = (L: Labels, s: ScenarioStatus): string => L.t(`st.${s}`);

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function truncatedBody(body: unknown): unknown {
  if (typeof body === 'string') {
    return body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}\n… [truncated at ${MAX_BODY_CHARS} characters; full body in evidence/exchanges.ndjson]` : body;
  }
  if (body === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch {
    return String(body);
  }
  if (text !== undefined && text.length > MAX_BODY_CHARS) {
    return `${text.slice(0, MAX_BODY_CHARS)}\n… [truncated at ${MAX_BODY_CHARS} characters; full body in evidence/exchanges.ndjson]`;
  }
  return body;
}

function message(m: ExchangeMessage | undefined): unknown {
  if (typeof m !== 'object' || m === null) return undefined;
  return { headers: m.headers, body: truncatedBody(m.body) };
}

/** What the page needs of one scenario, parsed only when the scenario is opened. */
function scenarioData(s: ScenarioReport, exchanges: readonly ExchangeEntry[]): unknown {
  return {
    steps: s.steps.map((st) => ({ keyword: st.keyword, text: st.text, status: st.status, ms: fmtMs(st.durationMs), ...(st.error ? { error: st.error } : {}) })),
    findings: s.findings,
    exchanges: exchanges.map((x) => ({
      id: typeof x.id === 'string' ? x.id : String(x.id ?? ''),
      protocol: x.protocol,
      from: String(x.from ?? '?'),
      to: String(x.to ?? '?'),
      method: x.method,
      url: x.url,
      status: x.status,
      messageId: x.messageId,
      startedAt: x.startedAt,
      finishedAt: x.finishedAt,
      observedBy: x.observedBy,
      error: x.error,
      request: message(x.request),
      response: message(x.response),
    })),
  };
}

export function renderScenarioRow(s: ScenarioReport, i: number, program: string, exchanges: readonly ExchangeEntry[], L: Labels): string {
  const search = [s.id, s.name, s.status, ...s.tags, ...s.findings.map((f) => f.ruleId)].join(' ').toLowerCase();
  const blocking = s.findings.filter((f) => f.severity === 'error' || f.severity === 'fatal').length;
  const info = [
    s.id,
    fmtMs(s.durationMs),
    s.roles.length ? `roles: ${s.roles.join(', ')}` : '',
    s.findings.length ? `${L.t('findingsLower')}: ${s.findings.length}${blocking ? ` (${blocking} ${L.t('blocking')})` : ''}` : '',
    exchanges.length ? `${L.t('exchangesLower')}: ${exchanges.length}` : '',
    s.attempts > 1 ? `${L.t('attempts')}: ${s.attempts}` : '',
    s.infrastructure ? `${L.t('infrastructure')}: ${s.infrastructure.cause} — ${s.infrastructure.message}${s.infrastructure.exchangeId ? ` (${s.infrastructure.exchangeId})` : ''}` : '',
    s.selloFindings ? `${L.t('selloFindings')}: ${s.selloFindings}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    `<article class="sc st-${esc(s.status)}" id="s-${i}" data-i="${i}" data-st="${esc(s.status)}" data-roles=" ${esc(s.roles.join(' '))} "` +
    ` data-reqs=" ${esc([...new Set([...s.requirements, ...s.rules])].join(' '))} " data-prog="${esc(program)}" data-q="${esc(search)}">` +
    `<button type="button" class="sc-h" aria-expanded="false">${badge(s.status, SCENARIO_STATUSES.includes(s.status) ? statusLabel(L, s.status) : s.status)} <b>${esc(s.name)}</b>` +
    `<br><span class="small">${esc(info)}</span> ${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</button>` +
    '<div class="sc-b" hidden></div>' +
    `<script type="application/json" id="d-${i}">${embedJson(scenarioData(s, exchanges))}</script>` +
    '</article>'
  );
}

/** The words the page script needs, in the page's language pair. */
export function scriptLabels(L: Labels): Record<string, unknown> {
  return {
    findings: L.t('js.findings'),
    steps: L.t('js.steps'),
    sequence: L.t('js.sequence'),
    exchanges: L.t('js.exchanges'),
    request: L.t('js.request'),
    response: L.t('js.response'),
    exchange: L.t('js.exchange'),
    missing: L.t('js.missing'),
    noExchange: L.t('js.noExchange'),
    noBody: `(${L.t('js.noBody')})`,
    empty: L.t('js.empty'),
    wholeMessage: `(${L.t('js.wholeMessage')})`,
    status: Object.fromEntries(SCENARIO_STATUSES.map((s) => [s, statusLabel(L, s)])),
  };
}
