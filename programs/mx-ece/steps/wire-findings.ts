/**
 * The scenario's wire as the judges see it: judged once per exchange (a worker's judges remember jobs, manifests and
 * the padrón across its scenarios), each finding kept by the scenario that caused it, and reported once — by the Then
 * step whose rule it is, or by the After hook.
 */
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import type { JudgedFinding } from '../judges/judged.ts';
import type { RecordSummary } from '../judges/record-leg.ts';
import { type EceWire, findingKey, judgeWire, newEceWire } from '../judges/wire.ts';
import { ece } from './ece-context.ts';

/** What the wire has shown so far in this worker, shared by its scenarios. */
export const wire: EceWire = newEceWire();

interface ScenarioWire {
  findings: JudgedFinding[];
  reported: Set<string>;
}
const scenarios = new WeakMap<SelloWorld, ScenarioWire>();

/** Every finding of the scenario's exchanges so far (judging those not judged yet). */
export async function scenarioFindings(world: SelloWorld): Promise<JudgedFinding[]> {
  let own = scenarios.get(world);
  if (!own) scenarios.set(world, (own = { findings: [], reported: new Set(world.findings.map((f) => findingKey(f as JudgedFinding))) }));
  const { sutRole } = ece(world).deployment;
  if (sutRole) wire.sutRole = sutRole;
  own.findings.push(...(await judgeWire(ece(world).exchanges(), wire)));
  return own.findings;
}

function unreported(world: SelloWorld, findings: readonly JudgedFinding[]): JudgedFinding[] {
  const own = scenarios.get(world)!;
  const out: JudgedFinding[] = [];
  for (const f of findings) {
    const key = findingKey(f);
    if (!isBlocking(f) || own.reported.has(key)) continue;
    own.reported.add(key);
    out.push(f);
  }
  return out;
}

/** Blocking findings not reported yet, whoever's they are. */
export async function newWireFindings(world: SelloWorld): Promise<JudgedFinding[]> {
  return unreported(world, await scenarioFindings(world));
}

/** The wire's findings under one rule: a behaviour whose expectation is "what the role sent conforms to RE-nn". */
export async function wireFindingsUnder(world: SelloWorld, rule: string): Promise<JudgedFinding[]> {
  return unreported(
    world,
    (await scenarioFindings(world)).filter((f) => f.ruleId === rule),
  );
}

/** What a judged `$everything` answer held (entries by type, notes, the Patient's CURP). */
export async function judgedRecord(world: SelloWorld, x: ExchangeEntry): Promise<RecordSummary> {
  await scenarioFindings(world);
  const summary = wire.records.get(x.id);
  if (!summary) throw new Error(`the answer of ${x.method} ${x.url} (${x.status}) was not judged as a record`);
  return summary;
}
