import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import { generatePersonPe, type SyntheticPersonPe } from '../../../src/identifiers/pe/person.ts';
import { generateRenipress } from '../../../src/identifiers/pe/renipress.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { RunConfig } from '../../../src/run/run-config.ts';
import type { JudgedFinding } from '../judges/expectations.ts';
import { findingKey, judgeWire } from '../judges/wire.ts';
import type { RisRole } from '../lib/constants.ts';
import { RisClient, SELLO } from '../lib/ris-client.ts';
import type { PeRisTarget } from '../lib/target.ts';
import type { TriageFacts } from '../lib/v2-messages.ts';
import { type RisDeployment, startRisDeployment } from '../reference/deployment.ts';

/** One journal and one deployment per worker process: scenarios share the roles, never the people. */
export const journal = new ExchangeJournal();
let deployment: Promise<RisDeployment> | undefined;

export function risDeployment(run: RunConfig): Promise<RisDeployment> {
  deployment ??= startRisDeployment({
    journal,
    ...(run.target?.program === 'pe-ris' ? { target: run.target as PeRisTarget } : {}),
    ...(run.faults ? { faults: run.faults as Partial<Record<RisRole, string[]>> } : {}),
  });
  return deployment;
}

export async function stopRisDeployment(): Promise<void> {
  const running = deployment;
  deployment = undefined;
  if (running) await (await running).stop();
}

const SELLO_PARTIES: ReadonlySet<string> = new Set(Object.values(SELLO));

/**
 * `wakeOn` for a wait on the roles' traffic: each exchange a role records (a notification delivered or refused, an
 * MLLP message answered) wakes the wait at once. Sello's own calls do not: a probe that asks a role makes one.
 */
export const onRoleExchange = (wake: () => void): (() => void) =>
  journal.onRecord((entry) => {
    if (!SELLO_PARTIES.has(entry.from)) wake();
  });

/** A synthetic citizen of the scenario, and what happened to her or him. */
export interface Citizen {
  alias: string;
  person: SyntheticPersonPe;
  /** Qhali's follow-up id of the (last) triage. */
  followUpId?: string;
  /** How many times Qhali was asked to triage her or him in this scenario. */
  triages?: number;
  facts?: TriageFacts;
  /** The follow-up Task's statuses as SIHCE set them, in order: what Qhali must tell, once each. */
  statuses: string[];
  /** SIHCE's id of a Patient Sello created for CRUD, and the resource as stored. */
  patientId?: string;
  patient?: Record<string, unknown>;
}

export class RisScenario {
  readonly #citizens = new Map<string, Citizen>();
  readonly renipress: string;
  /** Sello's stand-in engine repeats and reorders on purpose (to test Qhali): its redeliveries are not judged. */
  chaos = false;
  /** The citizen the scenario last triaged. */
  lastAlias?: string;
  /** The exchange the last When step judged or made. */
  last?: ExchangeEntry;
  previous?: ExchangeEntry;
  /** CRUD: the resource under test as sent and as stored. */
  resource?: { type: string; sent: Record<string, unknown>; stored?: Record<string, unknown>; id?: string; version?: string };

  constructor(
    readonly world: SelloWorld,
    readonly deployment: RisDeployment,
    readonly client: RisClient,
    readonly rng: SeededRandom,
    readonly mark: number,
  ) {
    this.renipress = generateRenipress(rng.fork('ipress'));
  }

  static async create(world: SelloWorld, scenarioKey: string, mark: number): Promise<RisScenario> {
    const running = await risDeployment(world.run);
    const client = new RisClient(journal, running.endpoints, world.run.target?.timeouts?.requestMs ?? 10_000);
    return new RisScenario(world, running, client, new SeededRandom(world.run.seed).fork(scenarioKey), mark);
  }

  /** Bound on every wait for something to arrive elsewhere (notifications, the engine's messages). */
  get propagationMs(): number {
    return this.world.run.target?.timeouts?.propagationMs ?? 5000;
  }

  get sutRole(): RisRole | undefined {
    return this.deployment.sutRole;
  }

  /** The scenario's citizen `alias`: the same synthetic person for the same seed; `sexo` as the step says. */
  citizen(alias: string, sexo?: 'female' | 'male'): Citizen {
    let c = this.#citizens.get(alias);
    if (!c) {
      let person: SyntheticPersonPe | undefined;
      for (let i = 0; !person || (sexo && person.sexo !== sexo); i++) {
        person = generatePersonPe(this.rng.fork(`persona:${alias}:${i}`), { dniCheck: 'letter', born: { from: '1950-01-01', to: '2004-12-31' } });
      }
      c = { alias, person, statuses: [] };
      this.#citizens.set(alias, c);
    }
    return c;
  }

  /** Exchanges of this scenario so far, from every party. */
  exchanges(): readonly ExchangeEntry[] {
    return journal.since(this.mark);
  }

  #ids = 0;
  /**
   * A message id Sello writes in this scenario (MSH-10 ≤ 20 characters): drawn from the scenario's seeded stream, in
   * the order the scenario asks, so `--seed` replays the same ids.
   */
  messageId(prefix = 'SELLO'): string {
    return `${prefix}${this.rng
      .fork(`message-id:${++this.#ids}`)
      .uuid()
      .replace(/-/g, '')
      .toUpperCase()}`.slice(0, 20);
  }

  lastExchange(): ExchangeEntry {
    if (!this.last) throw new Error('no exchange has been made in this scenario yet');
    return this.last;
  }
}

const contexts = new WeakMap<SelloWorld, RisScenario>();

export function ris(world: SelloWorld): RisScenario {
  const context = contexts.get(world);
  if (!context) throw new Error('pe-ris steps used in a scenario not tagged @pe-ris');
  return context;
}

export function setRis(world: SelloWorld, context: RisScenario): void {
  contexts.set(world, context);
}

/** Records findings that may name the exchange they were judged on (see src/report/link-findings.ts). */
export function report(world: SelloWorld, findings: readonly JudgedFinding[]): void {
  world.report(findings);
}

/** What the wire of the scenario so far shows that is wrong and was not reported yet (blocking findings only). */
export function newWireFindings(world: SelloWorld): JudgedFinding[] {
  const seen = new Set(world.findings.map((f) => findingKey(f as JudgedFinding)));
  const out: JudgedFinding[] = [];
  for (const f of judgeWire(ris(world).exchanges())) {
    const key = findingKey(f);
    if (!isBlocking(f) || seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/**
 * A consequence (a refused triage, a message or a notification that never came) is reported only when the wire shows
 * no cause: a defective message on the way is the finding, under the rule it breaks, not the journey it broke.
 */
export function reportRootCause(world: SelloWorld, consequences: readonly JudgedFinding[]): void {
  if (!consequences.some(isBlocking)) {
    report(world, consequences);
    return;
  }
  const wire = newWireFindings(world);
  report(world, wire.length > 0 ? wire : consequences);
}
