import { propagationMsOf, requestMsOf } from '../../../src/cucumber/timeouts.ts';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { RunConfig } from '../../../src/run/run-config.ts';
import { todayInMexico } from '../../../src/util/dates.ts';
import { type PgsCall, PgsClient, type PgsResult } from '../lib/pgs-client.ts';
import { syntheticBeneficiario } from '../lib/synthetic.ts';
import type { MxPgsTarget } from '../lib/target.ts';
import type { Beneficiario, Institucion, TipoAfiliacion } from '../lib/types.ts';
import { type PgsDeployment, startPgsDeployment } from '../reference/deployment.ts';

/** One journal and one deployment per worker process: scenarios share the nodes, never the people. */
export const journal = new ExchangeJournal();
let deployment: Promise<PgsDeployment> | undefined;

export function pgsDeployment(run: RunConfig): Promise<PgsDeployment> {
  deployment ??= startPgsDeployment({
    journal,
    ...(run.target?.program === 'mx-pgs' ? { target: run.target as MxPgsTarget } : {}),
    ...(run.faults ? { faults: Object.fromEntries(Object.entries(run.faults).map(([role, list]) => [role.toUpperCase(), list])) as Partial<Record<Institucion, string[]>> } : {}),
  });
  return deployment;
}

/**
 * `wakeOn` for a wait on what the nodes do (a report to the central index): each exchange a node records wakes it at
 * once. Sello's own calls (`sello:…`) do not: the probe that asks the index makes one.
 */
export const onNodeExchange = (wake: () => void): (() => void) =>
  journal.onRecord((entry) => {
    if (!entry.from.startsWith('sello:')) wake();
  });

export async function stopPgsDeployment(): Promise<void> {
  const running = deployment;
  // Reset first: a later run in the same process (sello run over every program) starts afresh.
  deployment = undefined;
  if (running) await (await running).stop();
}

interface Identity {
  alias: string;
  /** The record as first generated; institution-specific records are derived from it. */
  base: Beneficiario;
  former: string[];
}

/** Per-scenario state: the synthetic people by alias and the last call made. */
export class PgsScenario {
  readonly #people = new Map<string, Identity>();
  /** Records as last sent per (institution, alias), so later steps update what was stored. */
  readonly #sent = new Map<string, Beneficiario>();
  readonly today = todayInMexico();
  last?: PgsResult;
  previous?: PgsResult;
  /** Message ids replay with --seed like the people do, so a failed run's evidence can be compared line by line. */
  readonly #messageIds: SeededRandom;

  constructor(
    readonly world: SelloWorld,
    readonly deployment: PgsDeployment,
    readonly client: PgsClient,
    readonly rng: SeededRandom,
  ) {
    this.#messageIds = rng.fork('message-ids');
  }

  nextMessageId(): string {
    return this.#messageIds.uuid();
  }

  /** A call that checks state without becoming the scenario's last answer (what `send` records). */
  request(call: PgsCall): Promise<PgsResult> {
    return this.client.send({ ...call, messageId: call.messageId ?? this.nextMessageId() });
  }

  static async create(world: SelloWorld, scenarioKey: string): Promise<PgsScenario> {
    const running = await pgsDeployment(world.run);
    const timeoutMs = requestMsOf(world.run);
    const client = new PgsClient(journal, running.endpoints, running.credentials, timeoutMs);
    return new PgsScenario(world, running, client, new SeededRandom(world.run.seed).fork(scenarioKey));
  }

  get propagationMs(): number {
    return propagationMsOf(this.world.run);
  }

  identity(alias: string): Beneficiario {
    let identity = this.#people.get(alias);
    if (!identity) {
      identity = { alias, former: [], base: syntheticBeneficiario(this.rng.fork(`person:${alias}`), { institucion: 'IMSS', today: this.today }) };
      this.#people.set(alias, identity);
    }
    return identity.base;
  }

  /** A fresh record for `alias` at `institucion`: same identity everywhere, institution-specific affiliation. */
  recordFor(alias: string, institucion: Institucion, tipo: TipoAfiliacion = 'TITULAR', titularAlias?: string, parentesco?: string): Beneficiario {
    const identity = this.identity(alias);
    const affiliation = syntheticBeneficiario(this.rng.fork(`afiliacion:${alias}:${institucion}`), {
      institucion,
      tipo,
      today: this.today,
      ...(titularAlias ? { titularCurp: this.curpOf(titularAlias) } : {}),
      ...(parentesco ? { parentesco } : {}),
    });
    // Contract v1.1: an IMSS BENEFICIARIO carries its titular's NSS.
    if (institucion === 'IMSS' && tipo === 'BENEFICIARIO' && titularAlias) {
      affiliation.afiliacion.numeroAfiliacion = (this.storedRecord('IMSS', titularAlias) ?? this.recordFor(titularAlias, 'IMSS')).afiliacion.numeroAfiliacion;
    }
    return { ...structuredClone(identity), afiliacion: affiliation.afiliacion, unidadAdscripcion: affiliation.unidadAdscripcion };
  }

  /** Every CURP this scenario's people had, a reassigned one's old CURP included. */
  curps(): Set<string> {
    return new Set([...this.#people.values()].flatMap((identity) => [identity.base.curp, ...identity.former]));
  }

  curpOf(alias: string): string {
    return this.identity(alias).curp;
  }

  /** Changes the identity's CURP (RENAPO reassignment), keeping everything else. */
  reassignCurp(alias: string, curp: string): void {
    this.#people.get(alias)?.former.push(this.identity(alias).curp);
    this.identity(alias).curp = curp;
  }

  storedRecord(institucion: Institucion, alias: string): Beneficiario | undefined {
    return this.#sent.get(`${institucion}/${alias}`);
  }

  async send(call: PgsCall, remember?: { alias: string; record: Beneficiario }): Promise<PgsResult> {
    this.previous = this.last;
    this.last = await this.request(call);
    if (remember && this.last.acuse?.estatus === 'ACEPTADO') this.#sent.set(`${call.at}/${remember.alias}`, remember.record);
    // Contract violations (schema, message id echo, status) fail whatever step made the call.
    this.world.report(this.last.findings);
    return this.last;
  }

  lastResult(): PgsResult {
    if (!this.last) throw new Error('no PGS call has been made in this scenario yet');
    return this.last;
  }
}

const contexts = new WeakMap<SelloWorld, PgsScenario>();

export function pgs(world: SelloWorld): PgsScenario {
  const context = contexts.get(world);
  if (!context) throw new Error('mx-pgs steps used in a scenario not tagged @mx-pgs');
  return context;
}

/** The scenario's context, or undefined when its Before hook failed before creating it. */
export function pgsIfStarted(world: SelloWorld): PgsScenario | undefined {
  return contexts.get(world);
}

export function setPgs(world: SelloWorld, context: PgsScenario): void {
  contexts.set(world, context);
}
