import { createHash } from 'node:crypto';
import type { Finding } from '../findings/finding.ts';
import type { ExchangeEntry, ExchangeMessage, ReportModel, ScenarioReport, ScenarioStatus, StepReport } from './model.ts';

/*
 * Everything rendered here may come from the system under test (names, error messages, bodies,
 * headers): it is escaped without exception, and the page's CSP only lets our own inline style
 * and script run (by hash), so even a missed escape could not execute injected script.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// C0 controls are not allowed in HTML text either; show them rather than let the parser mangle them.
const HTML_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function esc(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return s
    .replace(HTML_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON inside <script type="application/json">: `<` is escaped so no `</script>` or `<!--` can end
 * the element early; `>`/`&` and the JS line separators for good measure. The result is still JSON.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const MAX_BODY_CHARS = 100_000;

const STATUS_LABEL: Record<ScenarioStatus, string> = {
  passed: 'aprobado / passed',
  failed: 'fallido / failed',
  skipped: 'omitido / skipped',
  undefined: 'indefinido / undefined',
  pending: 'pendiente / pending',
  ambiguous: 'ambiguo / ambiguous',
};

const CSS = `
:root{--ok:#1a7f37;--ko:#cf222e;--warn:#9a6700;--mut:#57606a;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;margin:0 auto;max-width:1200px;padding:16px 24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:16px;margin:18px 0 6px}h4{font-size:14px;margin:0 0 4px}h5{margin:8px 0 2px;font-size:12px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:var(--mut)}dl.meta dd{margin:0;word-break:break-all}
.verdict{border-radius:8px;padding:14px 18px;margin:12px 0;color:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.verdict.ok{background:var(--ok)}.verdict.ko{background:var(--ko)}
.verdict .big{font-size:30px;font-weight:700;letter-spacing:.5px}.verdict p{margin:4px 0}
.totals span{display:inline-block;margin-right:14px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg2)}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--mut);-webkit-print-color-adjust:exact;print-color-adjust:exact}
.b-passed{background:var(--ok)}.b-failed,.b-ambiguous{background:var(--ko)}.b-undefined,.b-pending{background:var(--warn)}.b-not-covered{background:var(--warn)}.b-not-applicable{background:#888}
.b-fatal,.b-error{background:var(--ko)}.b-warning{background:var(--warn)}.b-information{background:var(--mut)}
.scenario{border:1px solid var(--line);border-left:6px solid var(--mut);border-radius:6px;padding:8px 12px;margin:8px 0;break-inside:avoid}
.scenario.s-passed{border-left-color:var(--ok)}.scenario.s-failed,.scenario.s-ambiguous{border-left-color:var(--ko)}
.scenario.s-undefined,.scenario.s-pending{border-left-color:var(--warn)}
.small{color:var(--mut);font-size:12px}.tag{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;margin-right:6px}
ol.steps{margin:4px 0;padding-left:22px}ol.steps li.st-failed,ol.steps li.st-ambiguous{color:var(--ko)}ol.steps li.st-undefined,ol.steps li.st-pending{color:var(--warn)}
ol.steps li.st-skipped{color:var(--mut)}
pre{background:var(--bg2);border:1px solid var(--line);padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0;font-size:12px;max-height:480px;overflow:auto}
details{border:1px solid var(--line);border-radius:4px;padding:4px 8px;margin:4px 0}summary{cursor:pointer;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.filters{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid var(--line);z-index:1}
.filters input{width:320px;max-width:60%;padding:4px 6px}.filters select{padding:4px}
[hidden]{display:none!important}
@media print{.filters{display:none}body{max-width:none;padding:0}pre{max-height:none;overflow:visible}details{break-inside:avoid}}
`;

const JS = `
(function(){
  var q=document.getElementById('sello-q'),st=document.getElementById('sello-status'),count=document.getElementById('sello-count');
  var items=[].slice.call(document.querySelectorAll('article.scenario'));
  var feats=[].slice.call(document.querySelectorAll('section.feature'));
  function apply(){
    var text=q.value.trim().toLowerCase(),s=st.value,n=0;
    items.forEach(function(el){
      var ok=(!s||el.getAttribute('data-status')===s)&&(!text||(el.getAttribute('data-search')||'').indexOf(text)!==-1);
      el.hidden=!ok;if(ok)n++;
    });
    feats.forEach(function(f){f.hidden=!f.querySelector('article.scenario:not([hidden])');});
    count.textContent=n+' / '+items.length;
  }
  q.addEventListener('input',apply);st.addEventListener('change',apply);apply();
  var opened=[];
  window.addEventListener('beforeprint',function(){
    items.concat(feats).forEach(function(el){el.hidden=false;});
    [].slice.call(document.querySelectorAll('details:not([open])')).forEach(function(d){d.open=true;opened.push(d);});
  });
  window.addEventListener('afterprint',function(){opened.forEach(function(d){d.open=false;});opened=[];apply();});
})();
`;

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const badge = (cls: string, label: string): string => `<span class="badge b-${esc(cls)}">${esc(label)}</span>`;

function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function bodyText(body: unknown): string {
  let text: string;
  if (typeof body === 'string') {
    // HL7 v2 over MLLP separates segments with CR only, which browsers would not break on.
    text = body.replace(/\r\n?/g, '\n');
  } else if (body === undefined) {
    text = '';
  } else {
    try {
      text = JSON.stringify(body, null, 2) ?? '';
    } catch {
      text = String(body);
    }
  }
  return text.length > MAX_BODY_CHARS
    ? `${text.slice(0, MAX_BODY_CHARS)}\n… [truncated at ${MAX_BODY_CHARS} characters; full body in evidence/exchanges.ndjson]`
    : text;
}

function headersText(headers: unknown): string {
  if (typeof headers !== 'object' || headers === null) return '';
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

function renderMessage(title: string, m: ExchangeMessage | undefined): string {
  if (typeof m !== 'object' || m === null) return '';
  const headers = headersText(m.headers);
  return `<h5>${esc(title)}</h5>${headers ? `<pre>${esc(headers)}</pre>` : ''}<pre>${esc(bodyText(m.body))}</pre>`;
}

function renderExchange(x: ExchangeEntry): string {
  const started = Date.parse(String(x.startedAt));
  const finished = Date.parse(String(x.finishedAt));
  const took = Number.isFinite(started) && Number.isFinite(finished) ? ` · ${fmtMs(finished - started)}` : '';
  const outcome = x.status !== undefined ? String(x.status) : x.error !== undefined ? 'error' : '—';
  const summary = `${x.method ?? String(x.protocol ?? '').toUpperCase()} ${x.url ?? ''} → ${outcome}`
    + `${x.messageId ? ` · messageId ${x.messageId}` : ''} · ${x.from ?? '?'} → ${x.to ?? '?'}${took}`;
  return `<details><summary>${esc(summary)}</summary>`
    + `<div class="small">${esc(`id ${x.id ?? '?'} · ${x.protocol ?? '?'} · ${x.startedAt ?? ''} – ${x.finishedAt ?? ''}`)}</div>`
    + (x.error !== undefined ? `<pre>${esc(x.error)}</pre>` : '')
    + renderMessage('Petición / Request', x.request)
    + renderMessage('Respuesta / Response', x.response)
    + '</details>';
}

function renderStep(st: StepReport): string {
  return `<li class="st-${esc(st.status)}"><b>${esc(st.keyword)}</b> ${esc(st.text)} `
    + `<span class="small">${esc(STATUS_LABEL[st.status] ?? st.status)} · ${esc(fmtMs(st.durationMs))}</span>`
    + (st.error ? `<pre>${esc(st.error)}</pre>` : '')
    + '</li>';
}

function renderFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const rows = findings.map((f) => `<tr><td>${esc(f.ruleId)}</td><td>${badge(f.severity, f.severity)}</td><td>${esc(f.code)}</td>`
    + `<td><code>${esc(f.location)}</code> <span class="small">${esc(f.locationKind)}</span></td>`
    + `<td lang="es">${esc(f.message.es ?? '')}</td><td lang="en">${esc(f.message.en)}</td></tr>`).join('');
  return '<h5>Hallazgos / Findings</h5><table><thead><tr><th>Regla / Rule</th><th>Severidad / Severity</th><th>Código / Code</th>'
    + `<th>Ubicación / Location</th><th>ES</th><th>EN</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderScenario(s: ScenarioReport, exchanges: readonly ExchangeEntry[]): string {
  const search = [s.id, s.name, s.status, ...s.tags, ...s.findings.map((f) => f.ruleId)].join(' ').toLowerCase();
  const exchangeHtml = exchanges.length > 0
    ? `<h5>Intercambios / Exchanges (${exchanges.length})</h5>${exchanges.map(renderExchange).join('')}`
    : '';
  return `<article class="scenario s-${esc(s.status)}" data-status="${esc(s.status)}" data-search="${esc(search)}">`
    + `<h4>${badge(s.status, STATUS_LABEL[s.status] ?? s.status)} ${esc(s.name)}</h4>`
    + `<div>${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</div>`
    + `<div class="small">${esc(s.id)} · ${esc(fmtMs(s.durationMs))} · ${esc(`intentos / attempts: ${s.attempts}`)}`
    + `${s.roles.length ? ` · ${esc(`roles: ${s.roles.join(', ')}`)}` : ''}</div>`
    + `<ol class="steps">${s.steps.map(renderStep).join('')}</ol>`
    + renderFindings(s.findings)
    + exchangeHtml
    + '</article>';
}

export function renderHtml(model: ReportModel, exchangesByScenario: ReadonlyMap<string, readonly ExchangeEntry[]> = new Map()): string {
  const ok = model.verdict === 'CERTIFIABLE';
  const csp = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(JS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const t = model.totals;
  const meta: [string, string][] = [
    ['Programa / Program', model.program],
    ['Versión de perfiles / Profiles version', model.programVersion],
    ['Sistema bajo prueba / SUT', `${model.sut.role} (${model.sut.kind}) ${model.sut.baseUrl}`],
    ['Ejecución / Run id', model.runId],
    ['Inicio / Started', model.startedAt],
    ['Fin / Finished', model.finishedAt],
    ['Semilla / Seed', model.seed],
    ['Sello', model.sello.version],
    ['Esquema / Schema', model.schemaVersion],
  ];
  const ruleRows = model.rules.map((r) => `<tr><td>${esc(r.id)}</td><td lang="es">${esc(r.title.es ?? '')}</td><td lang="en">${esc(r.title.en)}</td>`
    + `<td>${esc(r.strength)}</td><td>${badge(r.verdict, r.verdict)}</td><td>${r.scenarios.length}</td><td>${r.findings}</td></tr>`).join('');
  const features = model.features.map((f) => `<section class="feature"><h3>${esc(f.name)} <span class="small">${esc(f.uri)}</span></h3>`
    + f.scenarios.map((s) => renderScenario(s, exchangesByScenario.get(s.id) ?? [])).join('')
    + '</section>').join('');
  const statusOptions = (Object.keys(STATUS_LABEL) as ScenarioStatus[])
    .map((s) => `<option value="${esc(s)}">${esc(STATUS_LABEL[s])}</option>`).join('');
  const evidence = model.evidence.map((e) => `<li><code>${esc(e.path)}</code> — ${esc(e.description)}</li>`).join('');

  return '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<title>${esc(`Sello · ${model.program} · ${model.runId} · ${model.verdict}`)}</title>`
    + `<style>${CSS}</style></head><body>`
    + '<header><h1>Sello · Informe de certificación / Certification report</h1>'
    + `<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
    + `<section class="verdict ${ok ? 'ok' : 'ko'}" id="verdict"><div class="big">${esc(model.verdict)}</div>`
    + `<p lang="es">${esc(model.verdictReason.es)}</p><p lang="en">${esc(model.verdictReason.en)}</p></section>`
    + `<div class="totals"><span>Escenarios / Scenarios: <b>${t.scenarios}</b></span><span>Aprobados / Passed: <b>${t.passed}</b></span>`
    + `<span>Fallidos / Failed: <b>${t.failed}</b></span><span>Omitidos / Skipped: <b>${t.skipped}</b></span>`
    + `<span>Indefinidos / Undefined: <b>${t.undefined}</b></span><span>Pendientes / Pending: <b>${t.pending}</b></span>`
    + `<span>Ambiguos / Ambiguous: <b>${t.ambiguous}</b></span><span>Hallazgos / Findings: <b>${t.findings}</b></span></div></header>`
    + '<section id="rules"><h2>Reglas / Rules</h2><table><thead><tr><th>Id</th><th>Título (es)</th><th>Title (en)</th><th>Fuerza / Strength</th>'
    + `<th>Veredicto / Verdict</th><th>Escenarios / Scenarios</th><th>Hallazgos / Findings</th></tr></thead><tbody>${ruleRows}</tbody></table></section>`
    + '<section id="scenarios"><h2>Escenarios / Scenarios</h2>'
    + '<div class="filters"><input type="search" id="sello-q" placeholder="Filtrar / Filter (nombre, etiqueta, regla / name, tag, rule)" aria-label="Filtrar / Filter"> '
    + `<select id="sello-status" aria-label="Estado / Status"><option value="">Todos / All</option>${statusOptions}</select> <span id="sello-count" class="small"></span></div>`
    + features + '</section>'
    + `<section id="evidence"><h2>Evidencia / Evidence</h2><ul>${evidence}</ul></section>`
    + `<script type="application/json" id="sello-report-data">${embedJson(model)}</script>`
    + `<script>${JS}</script>`
    + '</body></html>\n';
}
