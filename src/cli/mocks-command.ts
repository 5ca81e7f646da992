import { resolve } from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { loadTarget } from '../config/target.ts';
import { ExchangeJournal } from '../journal/journal.ts';
import { credentialsFor, roleToInstitucion, startPgsDeployment } from '../programs/mx-pgs/deployment.ts';
import { INSTITUCIONES, type Institucion } from '../programs/mx-pgs/types.ts';

export interface MocksOptions {
  program?: string;
  target?: string;
  role?: string;
  port?: string;
  'central-index'?: string;
  'plant-fault'?: string[];
}

const DEFAULT_BASE_PORT = 7100;
const PORT_OFFSET: Record<Institucion, number> = { IMSS: 1, ISSSTE: 2, SSA: 3 };

/**
 * Starts reference nodes and keeps them up until interrupted: a vendor develops against them,
 * or runs a second copy of one node as the "SUT" of a target file.
 */
export async function mocksCommand(options: MocksOptions): Promise<number> {
  if ((options.program ?? 'mx-pgs') !== 'mx-pgs') throw new ConfigurationError(`unknown program '${options.program}'`);
  const target = options.target ? await loadTarget(resolve(options.target)) : undefined;
  const only = options.role ? [checkRole(options.role)] : undefined;
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new ConfigurationError('--port must be 0-65535');
  const ports = only
    ? { [only[0]!]: port ?? 0 }
    : Object.fromEntries(INSTITUCIONES.map((inst) => [inst, (port ?? DEFAULT_BASE_PORT) + PORT_OFFSET[inst]]));
  const faults: Partial<Record<Institucion, string[]>> = {};
  for (const spec of options['plant-fault'] ?? []) {
    const [inst, fault] = spec.split(':', 2);
    if (!inst || !fault) throw new ConfigurationError(`--plant-fault takes INSTITUTION:fault, got '${spec}'`);
    (faults[checkRole(inst)] ??= []).push(fault);
  }
  // With --role the node is a stand-in for the target's SUT: only the target's credentials apply to it.
  const deployment = await startPgsDeployment({
    journal: new ExchangeJournal(),
    ...(target && !only ? { target } : {}),
    credentials: credentialsFor(target),
    ...(only ? { only } : {}),
    ports,
    faults,
    ...(options['central-index'] ? { centralIndexUrl: options['central-index'] } : centralIndexFromTarget(target, only)),
  });
  for (const [institucion, node] of Object.entries(deployment.local)) {
    console.log(`${institucion.padEnd(7)} ${node.baseUrl}   token: ${node.tokenUrl}`);
  }
  if (!target?.credentials) {
    console.log('\nOAuth2 clients (ephemeral, valid while these mocks run):');
    for (const [institucion, credential] of Object.entries(deployment.credentials)) {
      console.log(`  ${institucion.padEnd(7)} client_id=${credential.clientId} client_secret=${credential.clientSecret}`);
    }
  } else {
    console.log('\nOAuth2 clients: as in the target file');
  }
  console.log('\nPress Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await deployment.stop();
  return EXIT.passed;
}

function checkRole(role: string): Institucion {
  const institucion = roleToInstitucion(role);
  if (!INSTITUCIONES.includes(institucion)) throw new ConfigurationError(`unknown role '${role}' (imss, issste, ssa)`);
  return institucion;
}

function centralIndexFromTarget(target: Awaited<ReturnType<typeof loadTarget>> | undefined, only: Institucion[] | undefined): { centralIndexUrl?: string } {
  const ssaPort = target?.mocks?.ports?.SSA;
  if (!only || only.includes('SSA') || ssaPort === undefined) return {};
  return { centralIndexUrl: `http://${target?.mocks?.host ?? '127.0.0.1'}:${ssaPort}/pgs/v1` };
}
