import type { Finding } from '../findings/finding.ts';
import { assess, judgedBlocking } from './assessment.ts';
import type { BehaviourCell, BehaviourReport, ExchangeEntry, FindingRef, RequirementReport, RuleVerdict, ScenarioReport, SutInfo } from './model.ts';
import type { Requirement } from './requirements.ts';

/*
 * The behaviour × role matrix. Cell (B, R) is covered by a scenario tagged @B and @R that exchanged at least one
 * message with R on a real socket: a tag alone proves nothing. It fails on a blocking finding of B's requirement
 * against R (the finding's `role` when the judge named one, else the scenario's role tags), is not assessed when
 * its scenarios were stopped by something else, and passes when one ran to the end clean.
 */

const stripAt = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether journal party `party` is role `role`: `IMSS`, `SSA-indice`, `engine`, but not `sello (engine)`, which is
 * Sello playing the role: a message with Sello's stand-in proves nothing about the role.
 */
export function partyIsRole(party: string, role: string): boolean {
  const p = party.trim().toLowerCase();
  const r = role.toLowerCase();
  if (p.startsWith('sello')) return false;
  return p === r || (p.startsWith(r) && !/[a-z0-9]/.test(p[r.length] ?? ''));
}

export function exchangedWith(xs: readonly ExchangeEntry[], role: string): boolean {
  return xs.some((x) => partyIsRole(String(x.from ?? ''), role) || partyIsRole(String(x.to ?? ''), role));
}

/** The role a finding judges: the one the judge named, else every role the scenario is tagged for. */
const findingRoles = (f: Finding, s: ScenarioReport): string[] => (f.role ? [f.role] : s.roles);

export interface BehaviourInput {
  requirements: readonly Requirement[];
  /** The requirement rows already computed: their `findings` say which findings count against each requirement. */
  reports: readonly RequirementReport[];
  scenarios: readonly ScenarioReport[];
  /** Exchanges of the last attempt of each scenario, by scenario id. */
  exchanges: ReadonlyMap<string, readonly ExchangeEntry[]>;
  sut: SutInfo;
}

export function computeBehaviours(input: BehaviourInput): BehaviourReport[] {
  const { requirements, reports, scenarios, exchanges, sut } = input;
  const reportById = new Map(reports.map((r) => [r.id, r]));
  const scenarioById = new Map(scenarios.map((s) => [s.id, s]));
  const out: BehaviourReport[] = [];
  for (const req of requirements) {
    const counted = new Set<Finding>();
    const refOf = new Map<Finding, FindingRef>();
    for (const ref of reportById.get(req.id)?.findings ?? []) {
      const f = scenarioById.get(ref.scenarioId)?.findings[ref.index];
      if (f) {
        counted.add(f);
        refOf.set(f, ref);
      }
    }
    for (const b of req.behaviours ?? []) {
      const tagged = scenarios.filter((s) => s.tags.some((t) => stripAt(t) === b.id));
      const cells = b.roles.map((role): BehaviourCell => {
        const mine = tagged.filter((s) => s.roles.some((r) => same(r, role)));
        const covering = mine.filter((s) => exchangedWith(exchanges.get(s.id) ?? [], role));
        const declaredOnly = mine.filter((s) => !covering.includes(s)).map((s) => s.id);
        const judges = (f: Finding): boolean => counted.has(f) && (f.role === undefined || same(f.role, role));
        // Any scenario of the behaviour may hold the finding against this role (e.g. tagged for the other side).
        const against: FindingRef[] = [];
        for (const s of tagged) {
          for (const f of s.findings) {
            if (counted.has(f) && judgedBlocking(f, sut) && findingRoles(f, s).some((r) => same(r, role))) against.push(refOf.get(f)!);
          }
        }
        const a = assess(covering, against.length, judges, sut);
        const notApplicable = sut.kind === 'external' && !same(sut.role, role);
        const verdict: RuleVerdict = notApplicable ? 'not-applicable' : against.length > 0 ? 'failed' : a.verdict === 'none' ? 'not-covered' : a.verdict;
        const cell: BehaviourCell = { role, verdict, scenarios: covering.map((s) => s.id), declaredOnly, findings: against };
        if (verdict === 'not-assessed') cell.blockedBy = a.blocks;
        return cell;
      });
      out.push({
        id: b.id,
        requirement: b.requirement,
        sent: { ...b.sent },
        expected: { ...b.expected },
        source: b.source,
        severity: req.severity,
        cells,
      });
    }
  }
  return out;
}

/** What the behaviour matrix says of one role: SHALL behaviours not exercised against it, and those it failed. */
export function behaviourGaps(behaviours: readonly BehaviourReport[], role: string): { uncovered: string[]; failed: string[] } {
  const uncovered: string[] = [];
  const failed: string[] = [];
  for (const b of behaviours) {
    const cell = b.cells.find((c) => same(c.role, role));
    if (!cell) continue;
    if (cell.verdict === 'failed') failed.push(b.id);
    else if (b.severity === 'SHALL' && cell.verdict === 'not-covered') uncovered.push(b.id);
  }
  return { uncovered, failed };
}
