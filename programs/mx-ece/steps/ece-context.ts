/**
 * One mx-ece scenario: the deployment it runs on (one per worker), the role it tests, the patients it set up and what
 * it last caused on the wire. Every scene is set through the roles' control APIs (CONTRACT.md "Control APIs"), so the
 * same steps drive Sello's reference roles and a vendor's system alike.
 */
import { createHash } from 'node:crypto';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { RunConfig } from '../../../src/run/run-config.ts';
import { type HttpRequest, type HttpResponse, sendHttp } from '../../../src/transport/http-client.ts';
import { ECE_ROLES, type EceRole, type Institution, roleOfInstitution } from '../lib/contract.ts';
import type { Beneficiario, PatientRecord } from '../lib/record.ts';
import type { MxEceTarget } from '../lib/target.ts';
import { type EceDeployment, startEceDeployment } from '../reference/deployment.ts';

/** One journal and one deployment per worker process: scenarios share the roles, never the patients. */
export const journal = new ExchangeJournal();
let deployment: Promise<EceDeployment> | undefined;

export function eceDeployment(run: RunConfig): Promise<EceDeployment> {
  deployment ??= startEceDeployment({
    journal,
    seed: run.seed,
    ...(run.target?.program === 'mx-ece' ? { target: run.target as MxEceTarget } : {}),
    ...(run.faults ? { faults: run.faults as Partial<Record<EceRole, string[]>> } : {}),
  });
  return deployment;
}

export async function stopEceDeployment(): Promise<void> {
  const running = deployment;
  deployment = undefined;
  if (running) await (await running).stop();
}

/** Sello's own calls (control APIs, deliberate stimuli) journal under this party: no judge binds them. */
export const SELLO = 'sello';
export const selloAs = (institution: Institution): string => `sello (${roleOfInstitution(institution) ?? institution})`;

export interface ScenarioPatient {
  alias: string;
  record: PatientRecord;
  curp: string;
  /** The padrón record registered at ssa-pgs (absent when the scenario keeps the padrón unaware of it). */
  beneficiario?: Beneficiario;
  /** Consent ids registered for it, by recipient. */
  consents: Map<Institution, string>;
  /** When the source got it (its resources' meta.lastUpdated is at least this). */
  loadedAt: Date;
}

export class EceScenario {
  readonly patients = new Map<string, ScenarioPatient>();
  /** Consents this scenario registered: revoked when it ends, so later exports' cohorts do not carry its patients. */
  readonly consents: Array<{ patient: ScenarioPatient; to: Institution; id: string }> = [];
  /** The exchange the last When step made: what a following Then about "the answer" reads. */
  last?: ExchangeEntry;
  lastBatch: ExchangeEntry[] = [];
  /** The instant a step noted ("Sello anota el instante presente"). */
  noted?: string;
  /** What the last control command to a receiver answered. */
  outcome?: { status: number; body: unknown; exchange: ExchangeEntry };
  /** The mark of the last export the scenario ran or asked for: its exchanges are those after it. */
  exportMark?: number;
  /** The Content-Location of the export Sello itself kicked off. */
  statusUrl?: string;

  constructor(
    readonly world: SelloWorld,
    readonly deployment: EceDeployment,
    readonly role: EceRole,
    readonly key: string,
    readonly mark: number,
  ) {}

  static async create(world: SelloWorld, role: EceRole, key: string, mark: number): Promise<EceScenario> {
    return new EceScenario(world, await eceDeployment(world.run), role, key, mark);
  }

  get target(): MxEceTarget | undefined {
    return this.world.run.target?.program === 'mx-ece' ? (this.world.run.target as MxEceTarget) : undefined;
  }

  get requestMs(): number {
    return this.target?.timeouts?.requestMs ?? 10_000;
  }

  /** The bound on a whole Bulk export: kick-off, polls Retry-After apart, files. */
  get exportMs(): number {
    return this.target?.timeouts?.exportMs ?? 60_000;
  }

  get fhirBaseUrl(): string {
    return this.deployment.endpoints.fhirBaseUrl.replace(/\/$/, '');
  }

  control(role: EceRole): string {
    const url = this.deployment.endpoints.control[role];
    if (!url) throw new Error(`no control URL for ${role}: the target file must give sut.controlUrl`);
    return url.replace(/\/$/, '');
  }

  /** A seeded generator for one of the scenario's patients: the same seed and scenario give the same person. */
  rng(alias: string): SeededRandom {
    return new SeededRandom(`${this.world.run.seed}:${this.key}:${alias}`);
  }

  /** An id for something this scenario registers (consents), unique per run and valid as a FHIR id. */
  idFor(...parts: string[]): string {
    return `s-${createHash('sha256')
      .update([this.world.run.runId, this.key, ...parts].join('|'))
      .digest('hex')
      .slice(0, 32)}`;
  }

  patient(alias: string): ScenarioPatient {
    const p = this.patients.get(alias);
    if (!p) throw new Error(`patient "${alias}" was not set up in this scenario`);
    return p;
  }

  send(request: Omit<HttpRequest, 'timeoutMs'> & { timeoutMs?: number }): Promise<HttpResponse> {
    return sendHttp(journal, { timeoutMs: this.requestMs, ...request });
  }

  exchanges(since = this.mark): readonly ExchangeEntry[] {
    return journal.since(since);
  }
}

const contexts = new WeakMap<SelloWorld, EceScenario>();

export function ece(world: SelloWorld): EceScenario {
  const context = contexts.get(world);
  if (!context) throw new Error('mx-ece steps used in a scenario not tagged @mx-ece');
  return context;
}

export function setEce(world: SelloWorld, context: EceScenario): void {
  contexts.set(world, context);
}

export const roleOfTags = (tags: readonly string[]): EceRole | undefined => ECE_ROLES.find((r) => tags.includes(`@${r}`));
