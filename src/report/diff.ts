import { isObject } from '../util/is-object.ts';
import type { RuleVerdict } from './model.ts';

/*
 * `sello diff A B`: which requirements changed verdict from run A (the baseline) to run B. A SHALL requirement
 * that passed in A and failed in B is a regression, the CI gate. Reports of schema 1.0.0 have no requirements
 * list; their rules are read instead, so a baseline made before the catalogue still compares.
 */

export type DiffVerdict = RuleVerdict | 'absent';

export interface ComparableRequirement {
  id: string;
  severity: 'SHALL' | 'SHOULD';
  verdict: RuleVerdict;
  title?: { en: string; es?: string };
}

export interface ComparableReport {
  runId: string;
  program: string;
  verdict: string;
  requirements: ComparableRequirement[];
}

export interface RequirementChange {
  id: string;
  severity: 'SHALL' | 'SHOULD';
  title?: { en: string; es?: string };
  from: DiffVerdict;
  to: DiffVerdict;
  /** SHALL, passed in A, failed in B. */
  regression: boolean;
  /** passed in A, not covered or gone in B: not a regression of conformance, but the evidence thinned. */
  coverageLost: boolean;
  /** failed or not covered in A, passed in B. */
  improvement: boolean;
  /**
   * One side was not assessed (blocked) or its run was INCONCLUSIVE: the weather, not the system, may have changed,
   * so the change says nothing about conformance and is never a regression.
   */
  notComparable: boolean;
}

export interface ReportDiff {
  a: { runId: string; verdict: string };
  b: { runId: string; verdict: string };
  program: string;
  changes: RequirementChange[];
  unchanged: number;
  regressions: RequirementChange[];
  /** False when either run is INCONCLUSIVE: its requirements are listed but no regression is counted. */
  comparable: boolean;
}

export class DiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffError';
  }
}

/** Reads report.json content of any schema version into what diff compares. */
export function toComparable(raw: unknown, label: string): ComparableReport {
  if (!isObject(raw) || typeof raw.runId !== 'string' || typeof raw.program !== 'string') {
    throw new DiffError(`${label} is not a Sello report.json (no runId/program)`);
  }
  const list = Array.isArray(raw.requirements) ? raw.requirements : Array.isArray(raw.rules) ? raw.rules : undefined;
  if (!list) throw new DiffError(`${label} has neither requirements nor rules`);
  const requirements = list.filter(isObject).map((r): ComparableRequirement => {
    const severity = (r.severity ?? r.strength) === 'SHOULD' ? 'SHOULD' : 'SHALL';
    const out: ComparableRequirement = { id: String(r.id), severity, verdict: String(r.verdict) as RuleVerdict };
    if (isObject(r.title) && typeof r.title.en === 'string') out.title = { en: r.title.en, ...(typeof r.title.es === 'string' ? { es: r.title.es } : {}) };
    return out;
  });
  return { runId: raw.runId, program: raw.program, verdict: String(raw.verdict), requirements };
}

export function diffReports(a: ComparableReport, b: ComparableReport): ReportDiff {
  if (a.program !== b.program) throw new DiffError(`the runs are of different programs (${a.program} vs ${b.program})`);
  const before = new Map(a.requirements.map((r) => [r.id, r]));
  const after = new Map(b.requirements.map((r) => [r.id, r]));
  const ids = [...new Set([...a.requirements.map((r) => r.id), ...b.requirements.map((r) => r.id)])];
  const changes: RequirementChange[] = [];
  let unchanged = 0;
  const comparable = a.verdict !== 'INCONCLUSIVE' && b.verdict !== 'INCONCLUSIVE';
  for (const id of ids) {
    const x = before.get(id);
    const y = after.get(id);
    const from: DiffVerdict = x?.verdict ?? 'absent';
    const to: DiffVerdict = y?.verdict ?? 'absent';
    if (from === to) {
      unchanged++;
      continue;
    }
    const severity = y?.severity ?? x?.severity ?? 'SHALL';
    const title = y?.title ?? x?.title;
    const notComparable = !comparable || from === 'not-assessed' || to === 'not-assessed';
    changes.push({
      id,
      severity,
      ...(title ? { title } : {}),
      from,
      to,
      regression: !notComparable && severity === 'SHALL' && from === 'passed' && to === 'failed',
      coverageLost: !notComparable && from === 'passed' && (to === 'not-covered' || to === 'absent'),
      improvement: !notComparable && to === 'passed' && from !== 'passed',
      notComparable,
    });
  }
  return {
    a: { runId: a.runId, verdict: a.verdict },
    b: { runId: b.runId, verdict: b.verdict },
    program: a.program,
    changes,
    unchanged,
    regressions: changes.filter((c) => c.regression),
    comparable,
  };
}

export function formatDiff(d: ReportDiff): string {
  const lines = [`Sello diff ${d.program}: ${d.a.runId} (${d.a.verdict}) → ${d.b.runId} (${d.b.verdict})`];
  if (!d.comparable) {
    lines.push('Not comparable: an INCONCLUSIVE run (infrastructure errors) gives no verdict on conformance; no change below is counted as a regression.');
  }
  if (d.changes.length === 0) {
    lines.push(`No requirement changed verdict (${d.unchanged} compared).`);
    return lines.join('\n');
  }
  const width = Math.max(...d.changes.map((c) => c.id.length));
  for (const c of d.changes) {
    const mark = c.regression ? 'REGRESSION' : c.notComparable ? 'not comparable' : c.coverageLost ? 'coverage lost' : c.improvement ? 'improved' : 'changed';
    lines.push(`  ${c.id.padEnd(width)}  ${c.severity.padEnd(6)} ${c.from} → ${c.to}  [${mark}]${c.title ? `  ${c.title.en}` : ''}`);
  }
  lines.push(
    `${d.changes.length} changed, ${d.unchanged} unchanged; ${d.regressions.length} SHALL requirement(s) went from passed to failed${d.regressions.length ? `: ${d.regressions.map((r) => r.id).join(', ')}` : ''}.`,
  );
  return lines.join('\n');
}
