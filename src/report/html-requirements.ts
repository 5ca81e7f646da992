import { badge, esc, filterAttr } from './html-escape.ts';
import type { Labels } from './labels.ts';
import type { RequirementReport, RoleSummary, RuleVerdict, ScenarioReport } from './model.ts';

/*
 * The requirement × role coverage matrix of report.html: requirement → scenarios per role (click to filter) →
 * verdict → evidence, with the evidence row built folded.
 */

export const verdictLabel = (L: Labels, v: RuleVerdict): string => L.t(`v.${v}`);

export function roleVerdictLabel(L: Labels, v: RoleSummary['verdict']): string {
  return v === 'INCONCLUSIVE' || v === 'PLAYED BY SELLO' ? L.t(`role.${v}`) : v;
}

/** A CSS-safe key of a verdict for its badge colour. */
export const verdictKey = (v: RoleSummary['verdict']): string => (v === 'NOT CERTIFIABLE' ? 'NOT' : v === 'PLAYED BY SELLO' ? 'PLAYED' : v === 'PASSED' || v === 'FAILED' ? v.toLowerCase() : v);

function cell(r: RequirementReport, role: string, L: Labels): string {
  const c = r.byRole.find((x) => x.role === role);
  if (!c) return '<td class="cell">—</td>';
  const label =
    c.verdict === 'not-applicable'
      ? 'n/a'
      : c.verdict === 'not-covered'
        ? r.severity === 'SHALL'
          ? '⚠ —'
          : '—'
        : `${c.verdict === 'passed' ? '✓' : c.verdict === 'not-assessed' ? '◌' : '✗'} ${c.scenarios.length}`;
  const inner =
    c.scenarios.length > 0
      ? `<button type="button" data-filter="${filterAttr({ req: r.id, role })}" title="${esc(`${r.id} · ${role}: ${verdictLabel(L, c.verdict)}`)}">${esc(label)}</button>`
      : esc(label);
  return `<td class="cell v-${esc(c.verdict)}">${inner}</td>`;
}

export function renderRequirementRows(r: RequirementReport, i: number, roles: readonly string[], scenarioIndex: ReadonlyMap<string, number>, all: readonly ScenarioReport[], L: Labels): string {
  const gap = r.severity === 'SHALL' && r.verdict === 'not-covered';
  const cls = [`rq-${r.verdict}`, gap ? 'gap' : ''].filter(Boolean).join(' ');
  const findings =
    r.findings
      .slice(0, 50)
      .map((f) => {
        const si = scenarioIndex.get(f.scenarioId);
        const s = si === undefined ? undefined : all[si];
        const finding = s?.findings[f.index];
        const text = finding ? `[${finding.severity}] ${finding.location || `(${L.t('message')})`}: ${L.local(finding.message) ?? finding.message.en}` : '';
        return `<li><button type="button" class="linkish" data-open="${si ?? ''}#${f.index}">${esc(f.scenarioId)}</button> ${esc(text)}</li>`;
      })
      .join('') + (r.findings.length > 50 ? `<li>… +${r.findings.length - 50}</li>` : '');
  const localText = L.local(r.text);
  const detail =
    `<tr class="rq-d" id="rq-d-${i}" hidden><td colspan="${5 + roles.length}">` +
    (localText !== undefined ? `<p lang="${esc(L.language)}">${esc(localText)}</p>` : '') +
    `<p lang="en" class="small">${esc(r.text.en)}</p>` +
    `<div class="small">${L.t('source')}: ${esc(r.source)}${r.schema ? ` · ${L.t('schema')}: <code>${esc(r.schema)}</code>` : ''}` +
    ` · ${L.t('tags')}: ${esc(r.coveredBy.map((t) => `@${t}`).join(' '))}${r.roles ? ` · roles: ${esc(r.roles.join(', '))}` : ''}</div>` +
    `<p><b>${esc(verdictLabel(L, r.verdict))}</b>: ${esc(L.local(r.reason) ?? '')} <span class="small">${esc(r.reason.en)}</span></p>` +
    (r.declaredOnly.length > 0 ? `<p class="small">${esc(`${L.t('declaredOnly')}: ${r.declaredOnly.length}`)}</p>` : '') +
    (r.scenarios.length > 0
      ? `<p><button type="button" class="linkish" data-filter="${filterAttr({ req: r.id })}">${esc(L.t('showScenarios').replaceAll('{n}', String(r.scenarios.length)))}</button></p>`
      : '') +
    (findings ? `<h4>${esc(L.t('evidenceFindings'))} (${r.findings.length})</h4><ul>${findings}</ul>` : '') +
    '</td></tr>';
  const localTitle = L.local(r.title);
  return (
    `<tr class="${esc(cls)}" data-req="${esc(r.id)}"><td><button type="button" class="tog" aria-expanded="false" aria-controls="rq-d-${i}">▸</button> ` +
    `<b>${esc(r.id)}</b> ${gap ? `<span class="flag" title="${esc(L.t('shallNotCovered'))}">⚠ ${esc(L.t('shallNotCovered'))}</span>` : ''}` +
    (localTitle !== undefined ? `<br><span lang="${esc(L.language)}">${esc(localTitle)}</span>` : '') +
    `<br><span lang="en" class="small">${esc(r.title.en)}</span></td>` +
    `<td>${esc(L.t(r.kind === 'rule' ? 'rule' : 'profile'))}</td><td>${esc(r.severity)}</td><td>${badge(r.verdict, verdictLabel(L, r.verdict))}</td>` +
    roles.map((role) => cell(r, role, L)).join('') +
    `<td>${r.findings.length}</td></tr>${detail}`
  );
}
