import type { RuleMeta } from '../rules/rule.ts';
import { assess, describeBlocks, judgedBlocking } from './assessment.ts';
import type { RequirementReport, RuleReport, RuleVerdict, ScenarioReport, SutInfo, Totals, VerdictReason } from './model.ts';
import { list } from './verdict.ts';

/*
 * Totals, and the verdict of each rule of the catalogue: which scenarios covered it, whether a finding naming it
 * failed it, or what blocked it from being assessed.
 */

export function computeTotals(scenarios: readonly ScenarioReport[]): Totals {
  const t: Totals = { scenarios: 0, passed: 0, failed: 0, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: 0 };
  for (const s of scenarios) {
    t.scenarios++;
    t[s.status]++;
    t.findings += s.findings.length;
  }
  return t;
}

/** A rule bound to other roles than the external SUT's cannot be judged on it, and does not count for its verdict. */
function appliesTo(rule: RuleMeta, sut: SutInfo): boolean {
  return sut.kind !== 'external' || !rule.roles || rule.roles.includes(sut.role);
}

export function computeRules(catalogue: readonly RuleMeta[], scenarios: readonly ScenarioReport[], sut: SutInfo): RuleReport[] {
  const byRule = new Map<string, ScenarioReport[]>();
  const findingsByRule = new Map<string, { total: number; blocking: number }>();
  for (const s of scenarios) {
    for (const r of s.rules) {
      let list = byRule.get(r);
      if (!list) byRule.set(r, (list = []));
      list.push(s);
    }
    for (const f of s.findings) {
      const c = findingsByRule.get(f.ruleId) ?? { total: 0, blocking: 0 };
      c.total++;
      if (judgedBlocking(f, sut)) c.blocking++;
      findingsByRule.set(f.ruleId, c);
    }
  }
  return catalogue.map((rule): RuleReport => {
    const tagged = byRule.get(rule.id) ?? [];
    const counts = findingsByRule.get(rule.id) ?? { total: 0, blocking: 0 };
    const a = assess(tagged, counts.blocking, (f) => f.ruleId === rule.id, sut);
    const verdict: RuleVerdict = a.verdict !== 'none' ? a.verdict : appliesTo(rule, sut) ? 'not-covered' : 'not-applicable';
    return {
      id: rule.id,
      title: { ...rule.title },
      strength: rule.strength,
      verdict,
      scenarios: tagged.map((s) => s.id),
      findings: counts.total,
      reason: ruleReason(verdict, tagged.length, counts.blocking, a.unexplained, a.blocks.length > 0 ? describeBlocks(a.blocks) : undefined),
      ...(verdict === 'not-assessed' ? { blockedBy: a.blocks } : {}),
    };
  });
}

function ruleReason(verdict: RuleVerdict, tagged: number, blocking: number, unexplained: readonly string[], blocked: VerdictReason | undefined): VerdictReason {
  switch (verdict) {
    case 'failed': {
      const en: string[] = [];
      const es: string[] = [];
      if (blocking > 0) {
        en.push(`${blocking} blocking finding(s) name this rule.`);
        es.push(`${blocking} hallazgo(s) bloqueante(s) nombran esta regla.`);
      }
      if (unexplained.length > 0) {
        en.push(`Scenario(s) failed with no finding naming any rule (a failed assertion): ${list(unexplained, 5)}.`);
        es.push(`Escenario(s) fallidos sin ningún hallazgo que nombre una regla (una aserción fallida): ${list(unexplained, 5)}.`);
      }
      return { en: en.join(' '), es: es.join(' ') };
    }
    case 'not-assessed':
      return blocked ?? { en: 'Not assessed.', es: 'No evaluado.' };
    case 'passed':
      return { en: `Every one of the ${tagged} tagged scenario(s) that judged it passed.`, es: `Los ${tagged} escenario(s) etiquetados que la juzgaron fueron aprobados.` };
    case 'not-applicable':
      return { en: 'Binds another role than the system under test.', es: 'Obliga a otro rol que el del sistema bajo prueba.' };
    default:
      return { en: 'No scenario tagged for it ran.', es: 'No se ejecutó ningún escenario etiquetado para ella.' };
  }
}

/**
 * Requirements (rules and profile constraints) read the same way as rules: a requirement fails only on blocking
 * findings against the SUT that count against it, or on a failure nothing explains; a covering scenario stopped by
 * something else leaves it not assessed. The matrix is recomputed cell by cell from its own scenario lists.
 */
export function reassessRequirements(requirements: RequirementReport[], scenarios: readonly ScenarioReport[], sut: SutInfo): void {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  for (const r of requirements) {
    const counted = new Set(r.findings.map((ref) => byId.get(ref.scenarioId)?.findings[ref.index]).filter((f) => f !== undefined));
    const judges = (f: ScenarioReport['findings'][number]): boolean => counted.has(f);
    const judge = (ids: readonly string[]): ReturnType<typeof assess> => {
      const cov = ids.map((id) => byId.get(id)).filter((s): s is ScenarioReport => s !== undefined);
      const blocking = cov.reduce((n, s) => n + s.findings.filter((f) => judgedBlocking(f, sut) && judges(f)).length, 0);
      return assess(cov, blocking, judges, sut);
    };
    const whole = judge(r.scenarios);
    // Findings counted from scenarios outside the covering list (e.g. a message judged in another scenario) still fail it.
    const outside = r.findings.some((ref) => {
      const f = byId.get(ref.scenarioId)?.findings[ref.index];
      return f !== undefined && judgedBlocking(f, sut) && !r.scenarios.includes(ref.scenarioId);
    });
    const verdict: RuleVerdict = outside ? 'failed' : whole.verdict === 'none' ? (r.verdict === 'failed' ? 'not-covered' : r.verdict) : whole.verdict;
    if (verdict !== r.verdict) {
      r.verdict = verdict;
      if (verdict === 'not-assessed') r.reason = describeBlocks(whole.blocks);
      else if (verdict === 'failed' && whole.unexplained.length > 0 && !r.findings.length) {
        r.reason = ruleReason('failed', r.scenarios.length, 0, whole.unexplained, undefined);
      }
    }
    for (const cell of r.byRole) {
      if (cell.scenarios.length === 0) continue;
      const c = judge(cell.scenarios);
      if (c.verdict !== 'none') cell.verdict = c.verdict;
    }
  }
}
