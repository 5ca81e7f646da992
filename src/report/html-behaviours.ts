import { esc } from './html-escape.ts';
import { type Labels, labelsFor } from './labels.ts';
import type { BehaviourReport, ReportModel, RuleVerdict } from './model.ts';

/*
 * The behaviour × role matrix of report.html: behaviour rows grouped under their requirement, one column per role,
 * and per role how many of the behaviours binding it a scenario exercised against it ("covered n/m").
 */

const MARK: Record<RuleVerdict, string> = { passed: '✓', failed: '✗', 'not-assessed': '◌', 'not-covered': '—', 'not-applicable': 'n/a' };

function cell(b: BehaviourReport, role: string, L: Labels): string {
  const c = b.cells.find((x) => x.role === role);
  if (!c) return '<td class="cell"></td>';
  const gap = c.verdict === 'not-covered' && b.severity === 'SHALL';
  const label = `${gap ? '⚠ ' : ''}${MARK[c.verdict]}${c.scenarios.length > 0 ? ` ${c.scenarios.length}` : ''}`;
  const title = [
    `${b.id} · ${role}: ${c.verdict}`,
    ...c.scenarios.slice(0, 10),
    ...(c.declaredOnly.length > 0 ? [`${L.t('taggedNothingExchanged')}: ${c.declaredOnly.length}`] : []),
    ...(c.blockedBy ?? []).slice(0, 3).map((x) => `${L.t('blockedBy')} ${x.ruleId ?? x.cause ?? x.kind} (${x.scenarioId})`),
  ].join('\n');
  return `<td class="cell v-${esc(c.verdict)}" title="${esc(title)}">${esc(label)}</td>`;
}

export function renderBehaviourMatrix(model: ReportModel, roles: readonly string[], L: Labels = labelsFor(undefined)): string {
  const behaviours = model.behaviours;
  if (!behaviours || behaviours.length === 0) return '';
  const counts = roles.map((role) => {
    const mine = behaviours.flatMap((b) => b.cells.filter((c) => c.role === role));
    return { role, covered: mine.filter((c) => c.scenarios.length > 0).length, total: mine.filter((c) => c.verdict !== 'not-applicable').length };
  });
  const byRequirement = new Map<string, BehaviourReport[]>();
  for (const b of behaviours) byRequirement.set(b.requirement, [...(byRequirement.get(b.requirement) ?? []), b]);
  const titles = new Map(model.requirements.map((r) => [r.id, r.title]));
  const rows = [...byRequirement]
    .map(([req, list]) => {
      const t = titles.get(req);
      const head = `<tr class="rq-d"><td colspan="${2 + roles.length}"><b>${esc(req)}</b> ${esc((t && L.local(t)) ?? t?.en ?? '')}</td></tr>`;
      return (
        head +
        list
          .map((b) => {
            const failed = b.cells.some((c) => c.verdict === 'failed');
            const gap = b.severity === 'SHALL' && b.cells.some((c) => c.verdict === 'not-covered');
            return (
              `<tr class="${failed ? 'rq-failed' : gap ? 'gap' : ''}" data-behaviour="${esc(b.id)}"><td><b>${esc(b.id)}</b> <span class="small">${esc(b.severity)}</span></td>` +
              `<td><span lang="${esc(L.language)}">${esc(L.local(b.sent) ?? b.sent.en)} → ${esc(L.local(b.expected) ?? b.expected.en)}</span><br>` +
              `<span lang="en" class="small">${esc(b.sent.en)} → ${esc(b.expected.en)}</span></td>` +
              roles.map((role) => cell(b, role, L)).join('') +
              '</tr>'
            );
          })
          .join('')
      );
    })
    .join('');
  const legend = `✓ ${L.t('v.passed')} · ✗ ${L.t('v.failed')} · ◌ ${L.t('v.not-assessed')} · ⚠ — ${L.t('v.not-covered')} (n = ${L.t('scenarios')})`;
  return (
    `<section id="behaviours"><h2>${esc(L.t('behaviours'))}</h2>` +
    `<p class="small">${esc(`${L.t('behavioursHelp')} ${legend}.`)}</p>` +
    `<table id="behaviour-table"><thead><tr><th>${esc(L.t('behaviour'))}</th><th>${esc(L.t('sentExpected'))}</th>` +
    counts.map((c) => `<th>${esc(c.role)}<br><span class="small">${esc(`${L.t('covered')} ${c.covered}/${c.total}`)}</span></th>`).join('') +
    `</tr></thead><tbody>${rows}</tbody></table></section>`
  );
}
