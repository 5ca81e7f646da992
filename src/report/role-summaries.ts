import { judgedBlocking, NOT_PASSED, stopped, unexplainedFailure } from './assessment.ts';
import { behaviourGaps } from './behaviours.ts';
import type { BehaviourReport, RequirementReport, RoleSummary, ScenarioReport, SutInfo } from './model.ts';

export const stripTag = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);

/*
 * The per-role summary: each role of the run judged on its own scenarios, requirements and behaviours.
 */

/** The run's roles in the order the caller lists them (the matrix columns), or in order of appearance. */
export function runRoles(scenarios: readonly ScenarioReport[], roleTags: readonly string[] | undefined): string[] {
  const present = new Set(scenarios.flatMap((s) => s.roles));
  const ordered = roleTags ? roleTags.map(stripTag).filter((r) => present.has(r)) : [];
  for (const s of scenarios) for (const r of s.roles) if (!ordered.includes(r)) ordered.push(r);
  return ordered;
}

export function roleSummaries(
  program: string,
  roles: readonly string[],
  scenarios: readonly ScenarioReport[],
  requirements: readonly RequirementReport[],
  sut: SutInfo,
  behaviours?: readonly BehaviourReport[],
): RoleSummary[] {
  return roles.map((role): RoleSummary => {
    const mine = scenarios.filter((s) => s.roles.includes(role));
    const notPassed = mine.filter((s) => NOT_PASSED.has(s.status)).length;
    const cells = requirements.map((r) => ({ r, cell: r.byRole.find((c) => c.role === role) }));
    // A role is certifiable only when every behaviour binding it was exercised against it and passed: a behaviour's
    // gap names its requirement here, and the behaviour ids below.
    const gaps = behaviours ? behaviourGaps(behaviours, role) : { uncovered: [], failed: [] };
    const reqOf = (id: string): string => behaviours?.find((b) => b.id === id)?.requirement ?? id;
    const failedRequirements = [...new Set([...cells.filter(({ cell }) => cell?.verdict === 'failed').map(({ r }) => r.id), ...gaps.failed.map(reqOf)])];
    const uncoveredShall = [...new Set([...cells.filter(({ r, cell }) => r.severity === 'SHALL' && cell?.verdict === 'not-covered').map(({ r }) => r.id), ...gaps.uncovered.map(reqOf)])].filter(
      (id) => !failedRequirements.includes(id),
    );
    const ok = notPassed === 0 && failedRequirements.length === 0 && uncoveredShall.length === 0 && mine.some((s) => s.status === 'passed');
    return {
      program,
      role,
      verdict: roleVerdict(role, sut, ok, failedRequirements.length > 0 || mine.some((s) => unexplainedFailure(s) || s.findings.some((f) => judgedBlocking(f, sut))), mine.some(stopped)),
      scenarios: mine.length,
      passed: mine.filter((s) => s.status === 'passed').length,
      notPassed,
      findings: mine.reduce((n, s) => n + s.findings.length, 0),
      failedRequirements,
      uncoveredShall,
      ...(behaviours ? { uncoveredBehaviours: gaps.uncovered, failedBehaviours: gaps.failed } : {}),
    };
  });
}

/**
 * A single-role run judges only the SUT's role: the others are played by Sello's mocks. A role with a failure is
 * NOT CERTIFIABLE; one whose only trouble is a stopped scenario (weather, Sello's mock) is INCONCLUSIVE.
 */
function roleVerdict(role: string, sut: SutInfo, ok: boolean, failed: boolean, stoppedAny: boolean): RoleSummary['verdict'] {
  if (sut.kind === 'external' && role.toLowerCase() !== sut.role.toLowerCase()) return 'PLAYED BY SELLO';
  if (failed) return 'NOT CERTIFIABLE';
  if (stoppedAny) return 'INCONCLUSIVE';
  return ok ? 'CERTIFIABLE' : 'NOT CERTIFIABLE';
}
