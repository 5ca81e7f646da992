import type { LocalizedText } from '../findings/finding.ts';
import { isObject } from '../util/is-object.ts';
import type { Behaviour, Requirement } from './requirements.ts';

/*
 * The planted-defect self-test, judging side (pure: scripts/planted-defects.ts spawns the runs). Each entry of
 * profiles/<program>/planted-defects.json names a fault the reference implementation of a role honours, the rule
 * it violates and the behaviour it breaks. A run with that fault planted must fail with exactly that rule, and the
 * (behaviour, role) cell must be failed: caught under another rule, or failing other rules as well, is a false
 * positive, which a vendor would be blamed for wrongly.
 */

export interface PlantedDefect {
  role: string;
  fault: string;
  rule: string;
  behaviour: string;
  description: LocalizedText;
  /** Cucumber tag expression of the run; default `@<role> and @<behaviour>`. */
  tags?: string;
}

export const tagsOf = (d: PlantedDefect): string => d.tags ?? `@${d.role} and @${d.behaviour}`;

/** Reads a planted-defects.json body; throws with the entry to fix. */
export function parsePlantedDefects(data: unknown, file: string): PlantedDefect[] {
  if (!Array.isArray(data)) throw new Error(`${file} must be a list of planted defects`);
  return data.map((x, i): PlantedDefect => {
    const where = `${file}[${i}]`;
    if (!isObject(x)) throw new Error(`${where} must be an object`);
    for (const k of ['role', 'fault', 'rule', 'behaviour'] as const) {
      if (typeof x[k] !== 'string' || x[k] === '') throw new Error(`${where}: ${k} is required`);
    }
    const d = x.description;
    if (!isObject(d) || typeof d.en !== 'string') throw new Error(`${where}: description needs at least en`);
    if (x.tags !== undefined && typeof x.tags !== 'string') throw new Error(`${where}: tags must be a tag expression`);
    const out: PlantedDefect = {
      role: x.role as string,
      fault: x.fault as string,
      rule: x.rule as string,
      behaviour: x.behaviour as string,
      description: d as unknown as LocalizedText,
    };
    if (typeof x.tags === 'string') out.tags = x.tags;
    return out;
  });
}

/** The part of report.json the judge reads. */
export interface JudgedReport {
  violated?: string[];
  rules?: { id: string; verdict: string }[];
  requirements?: { id: string; verdict: string }[];
  behaviours?: { id: string; cells: { role: string; verdict: string }[] }[];
}

export type Outcome = 'caught' | 'false-positive' | 'missed';

export interface Judgement {
  outcome: Outcome;
  /** Rules and requirements failed besides the planted one (and the constraints it judges). */
  others: string[];
  /** Why it is not `caught`, in one line (empty when caught). */
  why: string;
}

/**
 * Judges one planted-defect run. `judgedBy` gives, for each profile constraint id, the rule and check ids its verdict
 * is made of: a constraint whose judgedBy names the planted rule may fail alongside it (the same violation, seen
 * through the message it governs, e.g. a value of the wrong type breaks RP-05 and the triage Bundle's profile), and
 * so may the validator checks it is judged by; any other failed rule or requirement, or a blocking finding no failed
 * requirement accounts for, is a false positive. A report missing means the run broke (missed).
 */
export function judgePlantedRun(defect: PlantedDefect, exitCode: number | null, report: JudgedReport | undefined, judgedBy: ReadonlyMap<string, readonly string[]>): Judgement {
  if (!report) return { outcome: 'missed', others: [], why: `no report.json (exit ${exitCode ?? 'killed'})` };
  const rows = [...(report.rules ?? []), ...(report.requirements ?? [])];
  const known = new Set(rows.map((r) => r.id));
  const failedRows = [...new Set(rows.filter((r) => r.verdict === 'failed').map((r) => r.id))];
  // A finding id that is no requirement (a validator check such as FHIR-CARDINALITY-MIN) stands for the failed
  // constraint(s) judging it; one that no failed requirement accounts for is reported as it is.
  const failed = new Set(failedRows);
  for (const id of report.violated ?? []) {
    if (known.has(id)) {
      failed.add(id);
      continue;
    }
    const owners = failedRows.filter((r) => (judgedBy.get(r) ?? []).includes(id));
    if (owners.length === 0) failed.add(id);
  }
  const others = [...failed].filter((id) => id !== defect.rule && !(judgedBy.get(id) ?? []).includes(defect.rule)).sort();
  const cell = report.behaviours?.find((b) => b.id === defect.behaviour)?.cells.find((c) => c.role.toLowerCase() === defect.role.toLowerCase());
  const problems: string[] = [];
  if (exitCode !== 3) problems.push(`exit ${exitCode ?? 'killed'}, expected 3`);
  if (!failed.has(defect.rule)) problems.push(`${defect.rule} not failed`);
  if (!cell) problems.push(`no cell ${defect.behaviour} × ${defect.role} in the report`);
  else if (cell.verdict !== 'failed') problems.push(`cell ${defect.behaviour} × ${defect.role} ${cell.verdict}`);
  if (others.length > 0) {
    return { outcome: 'false-positive', others, why: [`also failed ${others.join(', ')}`, ...problems].join('; ') };
  }
  return problems.length === 0 ? { outcome: 'caught', others, why: '' } : { outcome: 'missed', others, why: problems.join('; ') };
}

/** Constraint id → the rule ids it is judged by, from a loaded catalogue. */
export function judgedByMap(requirements: readonly Requirement[]): Map<string, string[]> {
  return new Map(requirements.filter((r) => r.kind === 'profile').map((r) => [r.id, r.judgedBy.filter((id) => id !== r.id)]));
}

/**
 * Entry problems a run would not reveal: an unknown behaviour, a role it does not bind, a rule that is neither the
 * behaviour's requirement nor a rule judging it (a profile constraint's behaviour is violated under its rule).
 */
export function entryProblems(d: PlantedDefect, behaviours: readonly Behaviour[], judgedBy: ReadonlyMap<string, readonly string[]> = new Map()): string[] {
  const b = behaviours.find((x) => x.id === d.behaviour);
  if (!b) return [`behaviour ${d.behaviour} is not in the catalogue`];
  const out: string[] = [];
  if (!b.roles.includes(d.role)) out.push(`behaviour ${d.behaviour} does not bind ${d.role}`);
  if (b.requirement !== d.rule && !(judgedBy.get(b.requirement) ?? []).includes(d.rule)) {
    out.push(`behaviour ${d.behaviour} belongs to ${b.requirement}, the entry names ${d.rule}`);
  }
  return out;
}

/** `<behaviour> <role>` cells of the catalogue, and those no planted defect exercises. */
export function defectCoverage(behaviours: readonly Behaviour[], defects: readonly PlantedDefect[]): { cells: string[]; missing: string[] } {
  const planted = new Set(defects.map((d) => `${d.behaviour} ${d.role}`));
  const cells = behaviours.flatMap((b) => b.roles.map((r) => `${b.id} ${r}`));
  return { cells, missing: cells.filter((c) => !planted.has(c)) };
}
