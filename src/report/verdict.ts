import { judgedBlocking, NOT_PASSED, selloBlocking, unexplainedFailure } from './assessment.ts';
import type { BehaviourReport, RequirementReport, RuleReport, ScenarioReport, SutInfo, Totals, Verdict, VerdictReason } from './model.ts';

/*
 * The run's verdict and the reason a reader gets for it, in both languages: what was violated first, then what stopped
 * the run from being judged, then what it left uncovered.
 */

export function list(items: readonly string[], max = 20): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} … (+${items.length - max})`;
}

/** Rule and requirement ids named by blocking findings against the SUT, catalogue order first. */
export function violatedIds(scenarios: readonly ScenarioReport[], rules: readonly RuleReport[], requirements: readonly RequirementReport[], sut: SutInfo): string[] {
  const named = new Set(scenarios.flatMap((s) => s.findings.filter((f) => judgedBlocking(f, sut)).map((f) => f.ruleId)));
  const failed = [...rules, ...requirements].filter((r) => r.verdict === 'failed' && named.has(r.id)).map((r) => r.id);
  const ordered = [...new Set([...failed, ...rules.map((r) => r.id).filter((id) => named.has(id)), ...requirements.map((r) => r.id).filter((id) => named.has(id))])];
  for (const id of [...named].sort()) if (!ordered.includes(id)) ordered.push(id);
  return ordered;
}

/**
 * NOT CERTIFIABLE when a rule or requirement failed (on findings, or on a failure nothing explains); else
 * INCONCLUSIVE when the weather or Sello's own mock stopped a scenario; else CERTIFIABLE only when everything ran,
 * passed and covered every SHALL requirement. The reason names what was actually violated first.
 */
export function computeVerdict(
  rules: readonly RuleReport[],
  requirements: readonly RequirementReport[],
  scenarios: readonly ScenarioReport[],
  totals: Totals,
  problems: readonly string[],
  cucumberSuccess: boolean | undefined,
  violated: readonly string[],
  sut: SutInfo,
  behaviours: readonly BehaviourReport[] = [],
): { verdict: Verdict; reason: VerdictReason } {
  const en: string[] = [];
  const es: string[] = [];

  if (violated.length > 0) {
    const ids = list(violated, Infinity);
    en.push(`Violated: ${ids}.`);
    es.push(`Incumplidas: ${ids}.`);
  }
  const failedRules = rules.filter((r) => r.verdict === 'failed');
  const unnamed = failedRules.filter((r) => !violated.includes(r.id));
  if (unnamed.length > 0) {
    const ids = list(
      unnamed.map((r) => `${r.id} (${r.strength})`),
      Infinity,
    );
    en.push(`Rules failed by a scenario that no finding explains (a failed assertion): ${ids}.`);
    es.push(`Reglas fallidas por un escenario que ningún hallazgo explica (una aserción fallida): ${ids}.`);
  }
  const failedConstraints = requirements.filter((r) => r.kind === 'profile' && r.verdict === 'failed');
  if (failedConstraints.length > 0) {
    const ids = list(
      failedConstraints.map((r) => `${r.id} (${r.severity})`),
      Infinity,
    );
    en.push(`Profile constraints failed: ${ids}.`);
    es.push(`Restricciones de perfil fallidas: ${ids}.`);
  }
  const notCertifiable = violated.length > 0 || failedRules.length > 0 || failedConstraints.length > 0 || scenarios.some(unexplainedFailure);

  const inconclusive = scenarios.filter((s) => s.status === 'inconclusive');
  const selloStopped = scenarios.filter((s) => NOT_PASSED.has(s.status) && !s.findings.some((f) => judgedBlocking(f, sut)) && s.findings.some((f) => selloBlocking(f, sut)));
  if (inconclusive.length > 0) {
    const causes = [...new Set(inconclusive.map((s) => s.infrastructure?.cause ?? 'unknown'))].join(', ');
    en.push(
      `Inconclusive: ${inconclusive.length} scenario(s) stopped by infrastructure errors (${causes}), not by the system under test: ${list(
        inconclusive.map((s) => s.id),
        5,
      )}.`,
    );
    es.push(
      `No concluyente: ${inconclusive.length} escenario(s) detenidos por errores de infraestructura (${causes}), no por el sistema bajo prueba: ${list(
        inconclusive.map((s) => s.id),
        5,
      )}.`,
    );
  }
  if (selloStopped.length > 0) {
    en.push(
      `Sello's own mock failed in ${selloStopped.length} scenario(s) (findings against a role Sello plays: a Sello bug, not counted against the system under test): ${list(
        selloStopped.map((s) => s.id),
        5,
      )}.`,
    );
    es.push(
      `El simulador de Sello falló en ${selloStopped.length} escenario(s) (hallazgos contra un rol que Sello simula: un error de Sello, no cuenta contra el sistema bajo prueba): ${list(
        selloStopped.map((s) => s.id),
        5,
      )}.`,
    );
  }
  const notAssessed = [...rules, ...requirements.filter((r) => r.kind === 'profile')].filter((r) => r.verdict === 'not-assessed');
  if (notAssessed.length > 0) {
    const ids = list([...new Set(notAssessed.map((r) => r.id))], 20);
    en.push(`Not assessed (blocked, see each reason): ${ids}.`);
    es.push(`No evaluadas (bloqueadas, ver cada motivo): ${ids}.`);
  }
  const inconclusiveRun = !notCertifiable && (inconclusive.length > 0 || selloStopped.length > 0);

  const uncovered = rules.filter((r) => r.strength === 'SHALL' && r.verdict === 'not-covered');
  if (uncovered.length > 0) {
    const ids = list(
      uncovered.map((r) => r.id),
      Infinity,
    );
    en.push(`SHALL rules not covered by any passed scenario: ${ids}.`);
    es.push(`Reglas SHALL sin ningún escenario aprobado que las cubra: ${ids}.`);
  }
  const uncoveredConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL' && r.verdict === 'not-covered');
  if (uncoveredConstraints.length > 0) {
    const ids = list(
      uncoveredConstraints.map((r) => r.id),
      Infinity,
    );
    en.push(`SHALL profile constraints not covered by any passed scenario that exchanged such a message: ${ids}.`);
    es.push(`Restricciones de perfil SHALL sin ningún escenario aprobado que intercambiara ese mensaje: ${ids}.`);
  }
  // Each role is judged on every SHALL behaviour binding it (roles Sello played are not-applicable, not counted).
  const uncoveredCells = behaviours.filter((b) => b.severity === 'SHALL').flatMap((b) => b.cells.filter((c) => c.verdict === 'not-covered').map((c) => `${b.id} ${c.role}`));
  if (uncoveredCells.length > 0) {
    const ids = list(uncoveredCells);
    en.push(`SHALL behaviours not exercised against a role they bind: ${ids}.`);
    es.push(`Comportamientos SHALL no ejercidos contra un rol al que obligan: ${ids}.`);
  }
  const notPassed = scenarios.filter((s) => NOT_PASSED.has(s.status));
  if (notPassed.length > 0) {
    const breakdown = (['failed', 'undefined', 'pending', 'ambiguous'] as const).filter((k) => totals[k] > 0);
    const esName = { failed: 'fallidos', undefined: 'indefinidos', pending: 'pendientes', ambiguous: 'ambiguos' } as const;
    en.push(`Scenarios not passed: ${notPassed.length} of ${totals.scenarios} (${breakdown.map((k) => `${k}: ${totals[k]}`).join(', ')}).`);
    es.push(`Escenarios no aprobados: ${notPassed.length} de ${totals.scenarios} (${breakdown.map((k) => `${esName[k]}: ${totals[k]}`).join(', ')}).`);
    const untagged = notPassed.filter((s) => s.rules.length === 0).map((s) => s.id);
    if (untagged.length > 0) {
      en.push(`Not passed without a rule tag: ${list(untagged)}.`);
      es.push(`No aprobados sin etiqueta de regla: ${list(untagged)}.`);
    }
  }
  if (totals.passed === 0) {
    en.push('No scenario passed.');
    es.push('Ningún escenario fue aprobado.');
  }
  if (problems.length > 0) {
    const p = list(problems, 5);
    en.push(`The run evidence is incomplete or unreliable: ${p}.`);
    es.push(`La evidencia de la ejecución está incompleta o no es confiable: ${p}.`);
  }
  if (en.length === 0 && cucumberSuccess === false) {
    en.push('Cucumber reported the run as unsuccessful.');
    es.push('Cucumber informó que la ejecución no fue exitosa.');
  }
  if (en.length > 0) {
    return { verdict: inconclusiveRun ? 'INCONCLUSIVE' : 'NOT CERTIFIABLE', reason: { en: en.join(' '), es: es.join(' ') } };
  }

  const shall = rules.filter((r) => r.strength === 'SHALL').length;
  const shallConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL').length;
  const extraEn = shallConstraints > 0 ? `, and all ${shallConstraints} SHALL profile constraints` : '';
  const extraEs = shallConstraints > 0 ? `, igual que las ${shallConstraints} restricciones de perfil SHALL` : '';
  return {
    verdict: 'CERTIFIABLE',
    reason: {
      en: `All ${totals.passed} executed scenarios passed and all ${shall} SHALL rules${extraEn} are covered and passed.`,
      es: `Los ${totals.passed} escenarios ejecutados fueron aprobados y las ${shall} reglas SHALL${extraEs} están cubiertas y aprobadas.`,
    },
  };
}

/**
 * The verdict of a run limited by --tags: what ran is judged as in a full run (violations, failures nothing explains,
 * unfinished scenarios, unreliable evidence, infrastructure), coverage is not asked — a partial run says nothing about
 * certification, so it is PASSED or FAILED (or INCONCLUSIVE), never CERTIFIABLE.
 */
export function partialVerdict(
  full: { verdict: Verdict; reason: VerdictReason },
  run: { rules: readonly RuleReport[]; requirements: readonly RequirementReport[]; scenarios: readonly ScenarioReport[]; violated: readonly string[]; problems: readonly string[]; sut: SutInfo },
  tags: string,
): { verdict: Verdict; reason: VerdictReason } {
  const prefix = { en: `Partial run (--tags ${tags}), not a certification verdict: `, es: `Ejecución parcial (--tags ${tags}), no es un veredicto de certificación: ` };
  const withPrefix = (verdict: Verdict): { verdict: Verdict; reason: VerdictReason } => ({ verdict, reason: { en: prefix.en + full.reason.en, es: prefix.es + (full.reason.es ?? full.reason.en) } });
  const selloStopped = (s: ScenarioReport): boolean => !s.findings.some((f) => judgedBlocking(f, run.sut)) && s.findings.some((f) => selloBlocking(f, run.sut));
  const failed =
    run.violated.length > 0 ||
    run.rules.some((r) => r.verdict === 'failed') ||
    run.requirements.some((r) => r.kind === 'profile' && r.verdict === 'failed') ||
    run.scenarios.some((s) => unexplainedFailure(s) || (NOT_PASSED.has(s.status) && !selloStopped(s))) ||
    run.problems.length > 0;
  if (failed) return withPrefix('FAILED');
  if (full.verdict === 'INCONCLUSIVE' || run.scenarios.some((s) => s.status === 'inconclusive' || (NOT_PASSED.has(s.status) && selloStopped(s)))) return withPrefix('INCONCLUSIVE');
  const passed = run.scenarios.filter((s) => s.status === 'passed').length;
  return {
    verdict: 'PASSED',
    reason: {
      en: `${prefix.en}all ${passed} selected scenarios passed, with no finding against a judged role.`,
      es: `${prefix.es}los ${passed} escenarios seleccionados fueron aprobados, sin hallazgos contra un rol juzgado.`,
    },
  };
}
