import { contentSecurityPolicy, readAsset } from './assets.ts';
import type { Certification, CertificationProgram } from './certification.ts';
import { metaList, verdictBox } from './html.ts';
import { badge, esc } from './html-escape.ts';
import { verdictKey } from './html-requirements.ts';
import { type Labels, labelsFor } from './labels.ts';

/*
 * index.html of a certification across programs: the overall verdict and one row per program linking its
 * report.html. It wears the reports' stylesheet and header so a regulator moves between them without a change of
 * look; it needs no script, so its CSP allows none.
 */

export interface CertificationHtmlOptions {
  /** Locale whose language joins English on the page (BCP 47). Default es. */
  readonly locale?: string;
}

function programRow(p: CertificationProgram, L: Labels): string {
  const name = p.verdict === 'SKIPPED' ? esc(p.program) : `<a href="${esc(`${encodeURI(p.directory)}/report.html`)}">${esc(p.program)}</a>`;
  const label = p.verdict === 'SKIPPED' ? L.t('notRun') : p.verdict === 'INCONCLUSIVE' ? L.t('role.INCONCLUSIVE') : p.verdict;
  const cls = p.verdict === 'SKIPPED' ? 'skipped' : verdictKey(p.verdict);
  const local = L.local(p.verdictReason);
  return (
    `<tr><td>${name}</td><td>${badge(cls, label)}</td>` +
    `<td>${p.totals ? `${p.totals.passed}/${p.totals.scenarios}` : '—'}</td><td>${p.totals ? p.totals.findings : '—'}</td>` +
    `<td>${local !== undefined ? `<span lang="${esc(L.language)}">${esc(local)}</span><br>` : ''}<span lang="en" class="small">${esc(p.verdictReason.en)}</span></td>` +
    `<td>${p.verdict === 'SKIPPED' ? '—' : `<a href="${esc(`${encodeURI(p.directory)}/report.html`)}">${esc(L.t('report'))}</a>`}` +
    `${p.reportSha256 ? `<br><span class="small tag" title="SHA-256 report.json">${esc(p.reportSha256.slice(0, 16))}…</span>` : ''}</td></tr>`
  );
}

export function certificationHtml(cert: Certification, options: CertificationHtmlOptions = {}): string {
  const L = labelsFor(options.locale);
  const css = readAsset('report.css');
  const t = cert.totals;
  const total = (key: Parameters<Labels['t']>[0], n: number): string => `<span>${esc(L.t(key))}: <b>${n}</b></span>`;
  return (
    `<!DOCTYPE html>\n<html lang="${esc(L.lang)}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(css))}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(`Sello · ${cert.runId} · ${cert.verdict}`)}</title>` +
    `<style>${css}</style></head><body>` +
    `<header><h1>${esc(`Sello · ${L.t('certificationTitle')}`)}</h1>` +
    metaList([
      [L.t('runId'), cert.runId],
      [L.t('started'), cert.startedAt],
      [L.t('finished'), cert.finishedAt],
      [L.t('seed'), cert.seed],
      [L.t('schemaVersion'), cert.schemaVersion],
    ]) +
    verdictBox(cert.verdict, cert.verdictReason, L) +
    '<div class="totals">' +
    total('scenarios', t.scenarios) +
    total('passed', t.passed) +
    total('failed', t.failed) +
    total('inconclusive', t.inconclusive) +
    total('findings', t.findings) +
    '</div></header>' +
    `<section id="programs"><h2>${esc(L.t('programs'))}</h2><p class="small">${esc(L.t('certificationNote'))}</p>` +
    `<table><thead><tr><th>${esc(L.t('program'))}</th><th>${esc(L.t('verdict'))}</th><th>${esc(L.t('scenarios'))}</th>` +
    `<th>${esc(L.t('findings'))}</th><th>${esc(L.t('reason'))}</th><th>${esc(L.t('report'))}</th></tr></thead>` +
    `<tbody>${cert.programs.map((p) => programRow(p, L)).join('')}</tbody></table>` +
    `<p class="small">${esc(`${L.t('certificationSigned')} ${L.t('verify')}: sello verify <dir>`)}</p></section>` +
    '</body></html>\n'
  );
}
