import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { RunConfig } from '../../../src/run/run-config.ts';
import { awaitCorrelated } from '../../../src/soap/index.ts';
import { WaitTimeoutError } from '../../../src/util/wait.ts';
import { fail, type Judged, type JudgedFinding } from '../judges/expectations.ts';
import { judgeWire, newWireState, type WireState } from '../judges/wire.ts';
import { RU_ROLES, type RuRole } from '../lib/contract.ts';
import type { RegisterDocumentMetadata } from '../lib/register-document.ts';
import type { RuEgiszTarget } from '../lib/target.ts';
import { REFERENCE_CALLBACK_MS, REFERENCE_REQUESTS_PER_SECOND, type RuDeployment, startRuDeployment } from '../reference/deployment.ts';
import type { ServingDefect } from '../reference/mis.ts';

/** One journal and one deployment per worker process: scenarios share the roles, never the documents. */
export const journal = new ExchangeJournal();
let deployment: Promise<RuDeployment> | undefined;

export function ruDeployment(run: RunConfig): Promise<RuDeployment> {
  const started =
    deployment ??
    startRuDeployment({
      journal,
      documentSeed: run.seed,
      ...(run.target?.program === 'ru-egisz' ? { target: run.target as RuEgiszTarget } : {}),
      ...(run.faults ? { faults: run.faults as Partial<Record<RuRole, string[]>> } : {}),
    });
  deployment = started;
  return started;
}

export async function stopRuDeployment(): Promise<void> {
  const running = deployment;
  deployment = undefined;
  if (running) await (await running).stop();
}

/** A document of the scenario, by its alias in the feature. */
export interface ScenarioDocument {
  alias: string;
  localUid?: string;
  /** The registering MIS's MessageIDs, in order (a RATE_LIMIT repeat adds one). */
  messageIds: string[];
  metadata?: RegisterDocumentMetadata;
  /** The registration as the registering MIS sent it (the first attempt). */
  request?: ExchangeEntry;
  sentAt?: string;
}

export class RuScenario {
  readonly documents = new Map<string, ScenarioDocument>();
  /** The exchange the last When step made or judged: what a following Then about "the answer" reads. */
  last?: ExchangeEntry;
  /** Several exchanges of one step (a burst over the rate limit, a callback sent twice). */
  lastBatch: ExchangeEntry[] = [];
  /** A serving stimulus (withheld or 503 acknowledgement) for the next registration of the stand-in MIS. */
  nextServing?: ServingDefect;

  constructor(
    readonly world: SelloWorld,
    readonly deployment: RuDeployment,
    /** The role this scenario tests (its @mis / @gateway / @remd tag). */
    readonly role: RuRole,
    readonly mark: number,
  ) {}

  static async create(world: SelloWorld, role: RuRole, mark: number): Promise<RuScenario> {
    return new RuScenario(world, await ruDeployment(world.run), role, mark);
  }

  get target(): RuEgiszTarget | undefined {
    return this.world.run.target?.program === 'ru-egisz' ? (this.world.run.target as RuEgiszTarget) : undefined;
  }

  get requestMs(): number {
    return this.target?.timeouts?.requestMs ?? 10_000;
  }

  get callbackMs(): number {
    return this.target?.timeouts?.callbackMs ?? REFERENCE_CALLBACK_MS;
  }

  /** Bound on a wait for what happens after an answer: REMD pulling the file, checking it and calling back. */
  get propagationMs(): number {
    return Math.max(this.target?.timeouts?.propagationMs ?? 5000, 2 * this.callbackMs + this.requestMs);
  }

  /**
   * RR-16's limit, read one way by every step: what REMD enforces. Sello's own REMD enforces the reference figure; a
   * REMD under test, what its target file declares. One that declares none has no limit Sello could hold it to.
   */
  get remdRequestsPerSecond(): number | undefined {
    if (this.deployment.local.remd) return REFERENCE_REQUESTS_PER_SECOND;
    return this.target?.sut.limits?.requestsPerSecond;
  }

  /** The role under test runs outside Sello: only what the target file gives reaches it. */
  get external(): boolean {
    return this.deployment.sutRole === this.role && this.deployment.local[this.role] === undefined;
  }

  /** Who the rule of an expectation binds, for the findings of a step. */
  judged(rule = this.world.primaryRequirement, role: RuRole = this.role): Judged {
    return { rule, role };
  }

  document(alias: string): ScenarioDocument {
    let d = this.documents.get(alias);
    if (!d) this.documents.set(alias, (d = { alias, messageIds: [] }));
    return d;
  }

  registered(alias: string): ScenarioDocument & { localUid: string } {
    const d = this.documents.get(alias);
    if (!d?.localUid) throw new Error(`document "${alias}" was not registered in this scenario`);
    return d as ScenarioDocument & { localUid: string };
  }

  exchanges(): readonly ExchangeEntry[] {
    return journal.since(this.mark);
  }

  /** The first exchange of this scenario (present or arriving within `timeoutMs`) that `match` accepts, else undefined. */
  async awaitExchange(match: (x: ExchangeEntry) => boolean, timeoutMs: number, what: string): Promise<ExchangeEntry | undefined> {
    // Only this scenario's exchanges: those recorded since its mark, and those still to come.
    const scenario = { all: () => this.exchanges(), onRecord: (listener: (x: ExchangeEntry) => void) => journal.onRecord(listener) };
    try {
      return await awaitCorrelated(scenario, match, timeoutMs, what);
    } catch (error) {
      if (error instanceof WaitTimeoutError) return undefined;
      throw error;
    }
  }

  /** A reference role Sello plays in this scenario (a stand-in), or the role under test when it runs in process. */
  local<K extends RuRole>(role: K): NonNullable<RuDeployment['local'][K]> {
    const running = this.deployment.local[role];
    if (!running) throw new Error(`${role} is the system under test and runs outside Sello: this step cannot drive it`);
    return running as NonNullable<RuDeployment['local'][K]>;
  }
}

const contexts = new WeakMap<SelloWorld, RuScenario>();

export function ru(world: SelloWorld): RuScenario {
  const context = contexts.get(world);
  if (!context) throw new Error('ru-egisz steps used in a scenario not tagged @ru-egisz');
  return context;
}

export function setRu(world: SelloWorld, context: RuScenario): void {
  contexts.set(world, context);
}

export const roleOfTags = (tags: readonly string[]): RuRole | undefined => RU_ROLES.find((r) => tags.includes(`@${r}`));

import { findingKey } from '../judges/wire.ts';

/** What the wire has shown so far in this worker (MessageIDs, registrations, callbacks), shared by its scenarios. */
let wireState: WireState | undefined;

/**
 * What the scenario's wire shows that is wrong and was not reported yet (blocking only), whoever sent it: each finding
 * names the role whose message it is, so it counts against that role, not against the scenario's tags.
 */
export async function newWireFindings(world: SelloWorld): Promise<JudgedFinding[]> {
  const context = ru(world);
  const { registers, books, sutRole } = context.deployment;
  wireState ??= newWireState({ registers, books, ...(sutRole ? { sutRole } : {}) });
  const seen = new Set(world.findings.map((f) => findingKey(f as JudgedFinding)));
  const out: JudgedFinding[] = [];
  for (const f of await judgeWire(context.exchanges(), wireState)) {
    const key = findingKey(f);
    if (!isBlocking(f) || seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

/** The wire's findings under one rule: a behaviour whose expectation is "what the SUT sent conforms to RR-nn". */
export async function wireFindingsUnder(world: SelloWorld, rule: string): Promise<JudgedFinding[]> {
  return (await newWireFindings(world)).filter((f) => f.ruleId === rule);
}

/**
 * A consequence (no callback, a refusal) is reported only when the wire shows no cause: a defective message on the way
 * is the finding, under the rule it breaks.
 */
export async function reportRootCause(world: SelloWorld, consequences: readonly JudgedFinding[]): Promise<void> {
  if (!consequences.some(isBlocking)) {
    world.report(consequences);
    return;
  }
  const wire = await newWireFindings(world);
  world.report(wire.length > 0 ? wire : consequences);
}

export const notFound = (j: Judged, ru: string, en: string): JudgedFinding => fail(j, 'not-found', '/soap:Envelope/soap:Body', ru, en);
