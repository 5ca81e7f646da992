/**
 * What an mx-ece run needs on loopback: imss-ece, both receivers and ssa-pgs, wired as CONTRACT.md draws them, the
 * source and the registry seeded with the same scene. With a target file the SUT's role is not started: its peers
 * point at the SUT's endpoints and listen where the target's `mocks.ports` say.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { DEFAULT_PORTS, ECE_ROLES, type EceRole, INSTITUTION_OF, PATH, RECEIVER_ROLES, type ReceiverRole } from '../lib/contract.ts';
import type { MxEceTarget } from '../lib/target.ts';
import { type RunningImssEce, startImssEce } from './imss-ece.ts';
import { type RunningReceiver, startReceiver } from './receiver.ts';
import { DEFAULT_SEED, seedScene } from './seed-scene.ts';
import { type RunningSsaPgs, startSsaPgs } from './ssa-pgs.ts';

export interface EceDeploymentOptions {
  journal: ExchangeJournal;
  target?: MxEceTarget;
  faults?: Partial<Record<EceRole, string[]>>;
  /** Which roles to start; default every one the SUT does not play. */
  only?: readonly EceRole[];
  /** Ports by role; 0 (or absent) picks a free one. */
  ports?: Partial<Record<EceRole, number>>;
  host?: string;
  seed?: string;
  /** A stand-in started alone takes the target file's timeouts (its SUT role is not this process's business). */
  timeouts?: MxEceTarget['timeouts'];
  /** imss-ece's in-progress status answers before a manifest. */
  exportPolls?: number;
}

export interface EceDeployment {
  sutRole?: EceRole;
  imss?: RunningImssEce;
  pgs?: RunningSsaPgs;
  receivers: Partial<Record<ReceiverRole, RunningReceiver>>;
  /** Where each role is reached: its FHIR base (imss-ece), its base (ssa-pgs), its control API (all). */
  endpoints: { fhirBaseUrl: string; pgsUrl: string; control: Partial<Record<EceRole, string>> };
  stop(): Promise<void>;
}

export async function startEceDeployment(options: EceDeploymentOptions): Promise<EceDeployment> {
  const { target, journal } = options;
  const sutRole = target?.sut.role;
  const toStart = new Set<EceRole>((options.only ?? ECE_ROLES).filter((r) => r !== sutRole));
  const host = target?.mocks?.host ?? options.host ?? '127.0.0.1';
  const ports = { ...options.ports, ...target?.mocks?.ports };
  const timeouts = target?.timeouts ?? options.timeouts;
  const timeoutMs = timeouts?.requestMs ?? 10_000;
  const at = (role: EceRole, path = ''): string => `http://${host}:${ports[role] ?? DEFAULT_PORTS[role]}${path}`;
  const external = sutRole ? { externalParty: INSTITUTION_OF[sutRole] } : {};
  const scene = seedScene(options.seed ?? DEFAULT_SEED, new Date());
  const deployment: EceDeployment = { ...(sutRole ? { sutRole } : {}), receivers: {}, endpoints: { fhirBaseUrl: '', pgsUrl: '', control: {} }, stop: async () => {} };
  const stop = async (): Promise<void> => {
    await Promise.allSettled([deployment.imss?.stop(), deployment.pgs?.stop(), ...Object.values(deployment.receivers).map((r) => r.stop())]);
  };
  deployment.stop = stop;
  const common = (role: EceRole) => ({
    journal,
    host,
    timeoutMs,
    ...(ports[role] !== undefined ? { port: ports[role] } : {}),
    ...(options.faults?.[role] ? { faults: options.faults[role] } : {}),
    ...external,
  });
  try {
    if (toStart.has('ssa-pgs')) deployment.pgs = await startSsaPgs({ ...common('ssa-pgs'), beneficiarios: scene.beneficiarios, consents: scene.consents });
    const pgsUrl = deployment.pgs?.url ?? (sutRole === 'ssa-pgs' ? target!.sut.baseUrl! : at('ssa-pgs'));
    if (toStart.has('imss-ece')) {
      deployment.imss = await startImssEce({ ...common('imss-ece'), pgsUrl, records: scene.records, ...(options.exportPolls !== undefined ? { exportPolls: options.exportPolls } : {}) });
    }
    for (const role of RECEIVER_ROLES)
      if (toStart.has(role)) deployment.receivers[role] = await startReceiver({ ...common(role), role, pgsUrl, ...(timeouts?.exportMs ? { exportMs: timeouts.exportMs } : {}) });
    const control: Partial<Record<EceRole, string>> = {};
    for (const role of ECE_ROLES) control[role] = role === sutRole ? target!.sut.controlUrl! : at(role, PATH.control);
    if (deployment.imss) control['imss-ece'] = deployment.imss.controlUrl;
    if (deployment.pgs) control['ssa-pgs'] = deployment.pgs.controlUrl;
    for (const [role, r] of Object.entries(deployment.receivers)) control[role as ReceiverRole] = r.controlUrl;
    deployment.endpoints = { fhirBaseUrl: deployment.imss?.fhirBaseUrl ?? (sutRole === 'imss-ece' ? target!.sut.fhirBaseUrl! : at('imss-ece', PATH.fhir)), pgsUrl, control };
    return deployment;
  } catch (error) {
    await stop();
    throw error;
  }
}
