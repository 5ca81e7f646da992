import { isBlocking } from '../findings/finding.ts';
import { selectorMatches } from './message-selector.ts';
import type { ExchangeEntry, FindingRef, RequirementReport, RoleCoverage, RuleVerdict, ScenarioReport, ScenarioStatus, SutInfo } from './model.ts';
import { type Requirement, stripAt } from './requirement-model.ts';

/*
 * Coverage of a requirement catalogue by a run: per requirement and role, which scenarios exercised it (by tag and,
 * for profile constraints, by a message they actually exchanged), and its verdict with the reason in both languages.
 */

const NOT_PASSED: ReadonlySet<ScenarioStatus> = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

export interface CoverageInput {
  requirements: readonly Requirement[];
  scenarios: readonly ScenarioReport[];
  /** Exchanges of the last attempt of each scenario, by scenario id. */
  exchanges: ReadonlyMap<string, readonly ExchangeEntry[]>;
  sut: SutInfo;
  /** Roles of the run, in display order (the matrix columns). */
  roles: readonly string[];
}

function appliesTo(req: Requirement, role: string): boolean {
  return !req.roles || req.roles.includes(role);
}

/** The requirements a finding counts against (by rule id and, for constraints, the offending message). */
export function requirementsOfFinding(reqs: readonly Requirement[], f: ScenarioReport['findings'][number], exchange: ExchangeEntry | undefined): Requirement[] {
  return reqs.filter((r) => {
    if (!r.judgedBy.includes(f.ruleId)) return false;
    if (r.kind === 'rule' || !r.messages || f.ruleId === r.id) return true;
    // The offending message is unknown: count it, rather than let a failure slip past the matrix.
    if (!exchange) return true;
    return r.messages.some((sel) => selectorMatches(sel, exchange, f.side, f.location));
  });
}

export interface CoverageResult {
  requirements: RequirementReport[];
  /** Requirement ids each scenario declares by tag, by scenario id. */
  declared: Map<string, string[]>;
}

export function computeCoverage(input: CoverageInput): CoverageResult {
  const { requirements, scenarios, exchanges, sut, roles } = input;
  const byTag = new Map<string, Requirement[]>();
  for (const r of requirements) {
    // A behaviour's tag declares its requirement too (the rule tag is meant to be kept beside it, but may be forgotten).
    for (const t of [...r.coveredBy, ...(r.behaviours ?? []).map((b) => b.id)]) {
      let l = byTag.get(t);
      if (!l) byTag.set(t, (l = []));
      l.push(r);
    }
  }
  const declared = new Map<string, string[]>();
  const covering = new Map<string, ScenarioReport[]>();
  const declaredOnly = new Map<string, string[]>();
  const findingRefs = new Map<string, (FindingRef & { blocking: boolean })[]>();
  /** Scenario id -> requirement ids its blocking findings are attributed to (explaining its failure). */
  const explained = new Map<string, Set<string>>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(v);
  };

  for (const s of scenarios) {
    const xs = exchanges.get(s.id) ?? [];
    const ids: string[] = [];
    for (const tag of s.tags) {
      for (const r of byTag.get(stripAt(tag)) ?? []) {
        if (ids.includes(r.id)) continue;
        ids.push(r.id);
        // A constraint is covered only where such a message was exchanged: a tag alone proves nothing.
        const exercised = !r.messages || xs.some((x) => r.messages!.some((sel) => selectorMatches(sel, x)));
        if (exercised) push(covering, r.id, s);
        else push(declaredOnly, r.id, s.id);
      }
    }
    declared.set(s.id, ids);
    const byId = new Map(xs.map((x) => [x.id, x]));
    s.findings.forEach((f, index) => {
      const x = f.exchangeId === undefined ? undefined : byId.get(f.exchangeId);
      for (const r of requirementsOfFinding(requirements, f, x)) {
        const ref: FindingRef & { blocking: boolean } = { scenarioId: s.id, index, blocking: isBlocking(f) };
        if (f.exchangeId !== undefined) ref.exchangeId = f.exchangeId;
        push(findingRefs, r.id, ref);
        if (ref.blocking) {
          let e = explained.get(s.id);
          if (!e) explained.set(s.id, (e = new Set()));
          e.add(r.id);
        }
      }
    });
  }

  const result = requirements.map((r): RequirementReport => {
    const cov = covering.get(r.id) ?? [];
    const refs = findingRefs.get(r.id) ?? [];
    const blocking = refs.filter((f) => f.blocking);
    // Rules fail with any scenario tagged for them that did not pass. A constraint shares its scenarios with
    // others, so it fails only on its own findings, or on a failure that no finding explains.
    const failedScenarios = cov.filter((s) => NOT_PASSED.has(s.status) && (r.kind === 'rule' || (explained.get(s.id)?.size ?? 0) === 0 || explained.get(s.id)?.has(r.id)));
    const passed = cov.filter((s) => s.status === 'passed');
    const applies = sut.kind !== 'external' || appliesTo(r, sut.role);
    const verdict: RuleVerdict = blocking.length > 0 || failedScenarios.length > 0 ? 'failed' : passed.length > 0 ? 'passed' : applies ? 'not-covered' : 'not-applicable';

    const byRole = roles.map((role): RoleCoverage => {
      const mine = cov.filter((s) => s.roles.includes(role));
      const mineIds = new Set(mine.map((s) => s.id));
      const bad = blocking.some((f) => mineIds.has(f.scenarioId)) || failedScenarios.some((s) => mineIds.has(s.id));
      const v: RuleVerdict = bad ? 'failed' : mine.some((s) => s.status === 'passed') ? 'passed' : appliesTo(r, role) ? 'not-covered' : 'not-applicable';
      return { role, verdict: v, scenarios: mine.map((s) => s.id) };
    });

    const reason = explain(
      r,
      verdict,
      cov.length,
      passed.length,
      blocking.length,
      failedScenarios.map((s) => s.id),
      declaredOnly.get(r.id) ?? [],
    );
    const report: RequirementReport = {
      id: r.id,
      kind: r.kind,
      title: { ...r.title },
      text: { ...r.text },
      source: r.source,
      severity: r.severity,
      coveredBy: [...r.coveredBy],
      verdict,
      scenarios: cov.map((s) => s.id),
      declaredOnly: declaredOnly.get(r.id) ?? [],
      byRole,
      findings: refs.map(({ blocking: _b, ...ref }) => ref),
      reason,
    };
    if (r.roles) report.roles = [...r.roles];
    if (r.schema) report.schema = r.schema;
    return report;
  });
  return { requirements: result, declared };
}

function explain(r: Requirement, verdict: RuleVerdict, covered: number, passed: number, blocking: number, failed: string[], declaredOnly: string[]): { es: string; en: string } {
  const tags = r.coveredBy.map((t) => `@${t}`).join(', ');
  switch (verdict) {
    case 'failed': {
      const en: string[] = [];
      const es: string[] = [];
      if (blocking > 0) {
        en.push(`${blocking} blocking finding(s) count against it.`);
        es.push(`${blocking} hallazgo(s) bloqueante(s) cuentan en su contra.`);
      }
      if (failed.length > 0) {
        en.push(`Covering scenario(s) not passed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ` (+${failed.length - 5})` : ''}.`);
        es.push(`Escenario(s) que lo cubren no aprobados: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ` (+${failed.length - 5})` : ''}.`);
      }
      return { en: en.join(' '), es: es.join(' ') };
    }
    case 'passed':
      return {
        en: `${passed} of ${covered} covering scenario(s) passed, with no blocking finding.`,
        es: `${passed} de ${covered} escenario(s) que lo cubren aprobados, sin hallazgos bloqueantes.`,
      };
    case 'not-applicable':
      return {
        en: `Binds only ${r.roles?.join(', ')}, not the system under test.`,
        es: `Solo obliga a ${r.roles?.join(', ')}, no al sistema bajo prueba.`,
      };
    default: {
      const extra =
        declaredOnly.length > 0
          ? {
              en: ` ${declaredOnly.length} scenario(s) are tagged for it but exchanged no such message.`,
              es: ` ${declaredOnly.length} escenario(s) llevan su etiqueta pero no intercambiaron ese mensaje.`,
            }
          : { en: '', es: '' };
      return {
        en: `No scenario tagged ${tags} ${r.messages ? 'that exchanged such a message ' : ''}passed.${extra.en}`,
        es: `Ningún escenario etiquetado ${tags} ${r.messages ? 'que intercambiara ese mensaje ' : ''}fue aprobado.${extra.es}`,
      };
    }
  }
}
