import { contentSecurityPolicy, readAsset } from './assets.ts';
import { renderBehaviourMatrix } from './html-behaviours.ts';
import { badge, embedJson, esc, filterAttr } from './html-escape.ts';
import { renderRequirementRows, roleVerdictLabel, verdictKey } from './html-requirements.ts';
import { MAX_BODY_CHARS, renderScenarioRow, SCENARIO_STATUSES, scriptLabels, statusLabel } from './html-scenarios.ts';
import { type Labels, labelsFor } from './labels.ts';
import type { ExchangeEntry, ReportModel } from './model.ts';

export { embedJson, esc, MAX_BODY_CHARS };

/*
 * report.html: one self-contained page, offline, readable by a vendor and printable by a regulator, in English and
 * the program's language (labels.ts).
 *
 * Everything rendered may come from the system under test (names, error messages, bodies, headers): it is
 * escaped without exception, and the page's CSP only lets our own inline style and script run (by hash), so
 * even a missed escape could not execute injected script.
 *
 * It stays fast at ~1,000 scenarios by rendering little up front: the verdict, the per-role summary, the
 * coverage matrix and one light row per scenario. A scenario's steps, findings, offending messages and
 * sequence diagram are built from its own JSON block (assets/report.js) the first time it is opened; filters only
 * toggle `hidden` on the rows.
 */

export interface RenderOptions {
  /** The program's locale (BCP 47, e.g. es-PE, ru-RU); its language is the page's second language. Default es. */
  readonly locale?: string;
}

/** The page header shared with the certification page: title, metadata list, verdict box. */
export function verdictBox(verdict: string, reason: { en: string; es?: string; ru?: string }, L: Labels, id = 'verdict'): string {
  const cls = verdict === 'CERTIFIABLE' || verdict === 'PASSED' ? 'ok' : verdict === 'INCONCLUSIVE' ? 'inc' : 'ko';
  const local = L.local(reason);
  return (
    `<section class="verdict ${cls}" id="${esc(id)}"><div class="big">${esc(verdict)}</div>` +
    (local !== undefined ? `<p lang="${esc(L.language)}">${esc(local)}</p>` : '') +
    `<p lang="en">${esc(reason.en)}</p></section>`
  );
}

export const metaList = (meta: readonly (readonly [string, string])[]): string => `<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;

function header(model: ReportModel, L: Labels): string {
  const t = model.totals;
  const meta: [string, string][] = [
    [L.t('program'), model.program],
    [L.t('profilesVersion'), `${model.programVersion} (${L.t('catalogue')} ${model.catalogue.version})`],
    [L.t('sut'), `${model.sut.role} (${model.sut.kind}) ${model.sut.baseUrl}`],
    [L.t('runId'), model.runId],
    [L.t('started'), model.startedAt],
    [L.t('finished'), model.finishedAt],
    [L.t('seed'), model.seed],
    ['Sello', model.sello.version],
    [L.t('schemaVersion'), model.schemaVersion],
  ];
  const sig = model.integrity.signature;
  const integrity =
    sig.key === 'ephemeral'
      ? `<div class="note warn">${esc(L.t('ephemeralSigned'))} (Ed25519, ${esc(sig.keyThumbprint)}): ${esc(L.t('ephemeralMeaning'))} <code>sello verify &lt;dir&gt;</code></div>`
      : `<div class="note">${esc(L.t('signed'))}: Ed25519, ${esc(L.t('key'))} ${esc(sig.keyThumbprint)} · <code>sello verify --public-key KEY &lt;dir&gt;</code></div>`;
  const redaction = model.redaction.applied
    ? `<div class="note">${esc(L.t('pseudonymized'))} (${esc((model.redaction.kinds ?? []).join(', '))}, ${model.redaction.values ?? 0}): ${esc(model.redaction.method ?? '')}.${model.redaction.rawFiles?.length ? ` ${esc(L.t('rawUntouched'))}.` : ''}</div>`
    : '';
  const total = (key: Parameters<Labels['t']>[0], n: number): string => `<span>${esc(L.t(key))}: <b>${n}</b></span>`;
  return (
    `<header><h1>${esc(`Sello · ${L.t('reportTitle')}`)}</h1>` +
    metaList(meta) +
    integrity +
    redaction +
    verdictBox(model.verdict, model.verdictReason, L) +
    '<div class="totals">' +
    total('scenarios', t.scenarios) +
    total('passed', t.passed) +
    total('failed', t.failed) +
    total('skipped', t.skipped) +
    total('undefined', t.undefined) +
    total('pending', t.pending) +
    total('ambiguous', t.ambiguous) +
    total('inconclusive', t.inconclusive) +
    total('findings', t.findings) +
    '</div></header>'
  );
}

function summary(model: ReportModel, L: Labels): string {
  const rows = model.summary
    .map(
      (s) =>
        `<tr><td>${esc(s.program)}</td><td><button type="button" class="linkish" data-filter="${filterAttr({ role: s.role })}">${esc(s.role)}</button></td>` +
        `<td>${badge(verdictKey(s.verdict), roleVerdictLabel(L, s.verdict))}</td><td>${s.scenarios}</td><td>${s.passed}</td>` +
        `<td>${s.notPassed > 0 ? `<button type="button" class="linkish" data-filter="${filterAttr({ role: s.role, st: 'not-passed' })}">${s.notPassed}</button>` : '0'}</td><td>${s.findings}</td>` +
        `<td>${esc(s.failedRequirements.join(', ') || '—')}</td><td>${s.uncoveredShall.length ? `<span class="flag">⚠</span> ${esc(s.uncoveredShall.join(', '))}` : '—'}` +
        `${s.uncoveredBehaviours?.length ? `<br><span class="small">${esc(`${L.t('behavioursLower')}: ${s.uncoveredBehaviours.join(', ')}`)}</span>` : ''}</td></tr>`,
    )
    .join('');
  const th = (...keys: Parameters<Labels['t']>[0][]): string => keys.map((k) => `<th>${esc(L.t(k))}</th>`).join('');
  return (
    `<section id="summary"><h2>${esc(L.t('perRole'))}</h2>` +
    `<p class="small">${esc(L.t('perRoleNote'))} ${esc(L.t('singleRoleNote'))}</p>` +
    `<table><thead><tr>${th('program', 'role', 'verdict', 'scenarios', 'passed', 'notPassed', 'findings', 'failedRequirements', 'shallNotCovered')}</tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function matrix(model: ReportModel, roles: readonly string[], L: Labels): string {
  const allScenarios = model.features.flatMap((f) => f.scenarios);
  const scenarioIndex = new Map(allScenarios.map((s, i) => [s.id, i]));
  const gaps = model.requirements.filter((r) => r.severity === 'SHALL' && r.verdict === 'not-covered');
  const rows = model.requirements.map((r, i) => renderRequirementRows(r, i, roles, scenarioIndex, allScenarios, L)).join('');
  return (
    `<section id="matrix"><h2>${esc(L.t('matrix'))}</h2>` +
    (gaps.length > 0
      ? `<div class="note warn" id="gaps"><span class="flag">⚠</span> ${esc(`${L.t('gapsListed')}: ${gaps.map((r) => r.id).join(', ')}`)}</div>`
      : `<div class="note" id="gaps">${esc(L.t('noGaps'))}</div>`) +
    `<p class="small">${esc(L.t('matrixHelp'))} ${esc(L.t('notAssessedHelp'))}</p>` +
    `<table id="matrix-table"><thead><tr><th>${esc(L.t('requirement'))}</th><th>${esc(L.t('kind'))}</th><th>${esc(L.t('severity'))}</th><th>${esc(L.t('verdict'))}</th>` +
    roles.map((r) => `<th>${esc(r)}</th>`).join('') +
    `<th>${esc(L.t('findings'))}</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function scenarios(model: ReportModel, roles: readonly string[], exchangesByScenario: ReadonlyMap<string, readonly ExchangeEntry[]>, L: Labels): string {
  const t = model.totals;
  let idx = 0;
  const features = model.features
    .map(
      (f) =>
        `<section class="feature"><h3>${esc(f.name)} <span class="small">${esc(f.uri)}</span></h3>` +
        f.scenarios.map((s) => renderScenarioRow(s, idx++, model.program, exchangesByScenario.get(s.id) ?? [], L)).join('') +
        '</section>',
    )
    .join('');
  const statusOptions = SCENARIO_STATUSES.map((s) => `<option value="${esc(s)}">${esc(statusLabel(L, s))} (${t[s]})</option>`).join('');
  const roleOptions = roles.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join('');
  const reqOptions = model.requirements.map((r) => `<option value="${esc(r.id)}">${esc(`${r.id} — ${L.local(r.title) ?? r.title.en}`)}</option>`).join('');
  const all = esc(L.t('all'));
  return (
    `<section id="scenarios"><h2>${esc(L.t('scenarios'))}</h2>` +
    '<div class="filters" role="search">' +
    `<select id="f-prog" aria-label="${esc(L.t('filterProgram'))}"><option value="">${esc(L.t('filterProgram'))}: ${all}</option><option value="${esc(model.program)}">${esc(model.program)}</option></select>` +
    `<select id="f-role" aria-label="${esc(L.t('role'))}"><option value="">${esc(L.t('role'))}: ${all}</option>${roleOptions}</select>` +
    `<select id="f-st" aria-label="${esc(L.t('verdict'))}"><option value="">${esc(L.t('verdict'))}: ${all}</option><option value="not-passed">${esc(L.t('notPassedLower'))} (${t.scenarios - t.passed})</option>${statusOptions}</select>` +
    `<select id="f-req" aria-label="${esc(L.t('ruleOrRequirement'))}"><option value="">${esc(L.t('filterRule'))}: ${esc(L.t('allFeminine'))}</option>${reqOptions}</select>` +
    `<input type="search" id="f-q" placeholder="${esc(L.t('searchHint'))}" aria-label="${esc(L.t('search'))}">` +
    `<button type="button" id="f-clear">${esc(L.t('clear'))}</button> <span id="f-count" class="small" aria-live="polite"></span></div>` +
    features +
    '</section>'
  );
}

function evidence(model: ReportModel, L: Labels): string {
  const list = (xs: ReportModel['evidence']): string => xs.map((e) => `<li><code>${esc(e.path)}</code> — ${esc(e.description)}</li>`).join('');
  return (
    `<section id="evidence"><h2>${esc(L.t('evidence'))}</h2><ul>${list(model.evidence)}</ul>` +
    `<h3>${esc(L.t('otherOutputs'))}</h3><ul>${list(model.outputs)}</ul>` +
    `<p class="small">${esc(`${L.t('signedNote')} ${L.t('verify')}: sello verify <dir>`)}</p></section>`
  );
}

export function renderHtml(model: ReportModel, exchangesByScenario: ReadonlyMap<string, readonly ExchangeEntry[]> = new Map(), options: RenderOptions = {}): string {
  const L = labelsFor(options.locale);
  const css = readAsset('report.css');
  const js = readAsset('report.js');
  const roles = model.summary.map((s) => s.role);
  return (
    `<!DOCTYPE html>\n<html lang="${esc(L.lang)}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(css, js))}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(`Sello · ${model.program} · ${model.runId} · ${model.verdict}`)}</title>` +
    `<style>${css}</style></head><body>` +
    header(model, L) +
    summary(model, L) +
    matrix(model, roles, L) +
    renderBehaviourMatrix(model, roles, L) +
    scenarios(model, roles, exchangesByScenario, L) +
    evidence(model, L) +
    `<script type="application/json" id="sello-labels">${embedJson(scriptLabels(L))}</script>` +
    `<script>${js}</script>` +
    '</body></html>\n'
  );
}
