import { randomBytes } from 'node:crypto';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { PgsEndpoint } from '../lib/endpoints.ts';
import type { ClientSecretPair, MxPgsTarget as TargetFile } from '../lib/target.ts';
import { INSTITUCIONES, type Institucion } from '../lib/types.ts';
import { type RunningPgsNode, startPgsNode } from './start-node.ts';

export type { PgsEndpoint } from '../lib/endpoints.ts';

export interface PgsDeployment {
  endpoints: Record<Institucion, PgsEndpoint>;
  credentials: Record<Institucion, ClientSecretPair>;
  /** The institution the vendor's system plays, when a target file says so. */
  sutRole?: Institucion;
  local: Partial<Record<Institucion, RunningPgsNode>>;
  stop(): Promise<void>;
}

export const roleToInstitucion = (role: string): Institucion => role.toUpperCase() as Institucion;

/** Throwaway secrets for the reference run: nothing to configure, nothing that could leak. */
export function ephemeralCredentials(): Record<Institucion, ClientSecretPair> {
  return Object.fromEntries(INSTITUCIONES.map((inst) => [inst, { clientId: `sello-${inst.toLowerCase()}`, clientSecret: randomBytes(18).toString('base64url') }])) as Record<
    Institucion,
    ClientSecretPair
  >;
}

export function credentialsFor(target: TargetFile | undefined): Record<Institucion, ClientSecretPair> {
  const generated = ephemeralCredentials();
  return Object.fromEntries(INSTITUCIONES.map((inst) => [inst, target?.credentials?.[inst] ?? generated[inst]])) as Record<Institucion, ClientSecretPair>;
}

export interface DeploymentOptions {
  target?: TargetFile;
  /** Default: the target's credentials, else ephemeral ones. */
  credentials?: Record<Institucion, ClientSecretPair>;
  journal: ExchangeJournal;
  /** Planted defects per institution, for the reference nodes only. */
  faults?: Partial<Record<Institucion, string[]>>;
  /** Which institutions to start; default: every one the SUT does not play. */
  only?: readonly Institucion[];
  /** Port overrides (the target's mocks.ports win for mocks). */
  ports?: Partial<Record<Institucion, number>>;
  centralIndexUrl?: string;
}

/**
 * Starts what a run needs on loopback: the SSA node first (it hosts the central index the others report to),
 * then IMSS and ISSSTE. With a target, the SUT's role is not started and its peers point at the SUT.
 */
export async function startPgsDeployment(options: DeploymentOptions): Promise<PgsDeployment> {
  const { target, journal } = options;
  const sutRole = target ? roleToInstitucion(target.sut.role) : undefined;
  const credentials = options.credentials ?? credentialsFor(target);
  const clients = INSTITUCIONES.map((inst) => ({ ...credentials[inst], party: inst }));
  const toStart = (options.only ?? INSTITUCIONES).filter((inst) => inst !== sutRole);
  const local: Partial<Record<Institucion, RunningPgsNode>> = {};
  const endpoints = {} as Record<Institucion, PgsEndpoint>;
  if (target && sutRole) {
    endpoints[sutRole] = {
      institucion: sutRole,
      baseUrl: target.sut.baseUrl.replace(/\/$/, ''),
      tokenUrl: target.sut.tokenUrl,
      kind: 'external',
      ...(target.sut.tokenClientAuth ? { tokenClientAuth: target.sut.tokenClientAuth } : {}),
    };
  }
  const ordered = [...toStart].sort((a, b) => (a === 'SSA' ? -1 : b === 'SSA' ? 1 : 0));
  try {
    for (const institucion of ordered) {
      const ssa = endpoints.SSA;
      const indexBase = options.centralIndexUrl ?? ssa?.baseUrl;
      const indexToken = options.centralIndexUrl ? options.centralIndexUrl.replace(/\/pgs\/v1\/?$/, '/oauth/token') : ssa?.tokenUrl;
      const port = target?.mocks?.ports?.[institucion] ?? options.ports?.[institucion];
      const running = await startPgsNode({
        institucion,
        clients,
        journal,
        ...(port !== undefined ? { port } : {}),
        ...(target?.mocks?.host ? { host: target.mocks.host } : {}),
        ...(options.faults?.[institucion] ? { faults: options.faults[institucion] } : {}),
        ...(institucion !== 'SSA' && indexBase && indexToken ? { centralIndex: { baseUrl: indexBase, tokenUrl: indexToken, ...credentials[institucion] } } : {}),
      });
      local[institucion] = running;
      endpoints[institucion] = {
        institucion,
        baseUrl: running.baseUrl,
        tokenUrl: running.tokenUrl,
        kind: sutRole ? 'mock' : 'reference',
      };
    }
  } catch (error) {
    await stopInOrder(local);
    throw error;
  }
  return {
    endpoints,
    credentials,
    ...(sutRole ? { sutRole } : {}),
    local,
    stop: () => stopInOrder(local),
  };
}

/**
 * The nodes that report to the central index go first: a node drains its in-flight index events when it stops, and
 * with the SSA node already gone each of them would be retried into a closed port until its backoff ran out (~5 s).
 */
async function stopInOrder(local: Partial<Record<Institucion, RunningPgsNode>>): Promise<void> {
  const { SSA: ssa, ...reporters } = local;
  await Promise.allSettled(Object.values(reporters).map((node) => node.stop()));
  await ssa?.stop();
}
