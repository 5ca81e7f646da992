import { ConfigurationError } from '../../../src/config/errors.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { MocksRequest, RunningMocks } from '../../../src/programs/program.ts';
import type { MxPgsTarget } from '../lib/target.ts';
import { INSTITUCIONES, type Institucion } from '../lib/types.ts';
import { credentialsFor, roleToInstitucion, startPgsDeployment } from './deployment.ts';

const DEFAULT_BASE_PORT = 7100;
const PORT_OFFSET: Record<Institucion, number> = { IMSS: 1, ISSSTE: 2, SSA: 3 };

/**
 * `sello mocks --program mx-pgs`: the three reference nodes (ports 7101-7103 by default), or with --role one node as a
 * stand-in for the target's SUT, with the target's credentials.
 */
export async function startMxPgsMocks(request: MocksRequest): Promise<RunningMocks> {
  const target = request.target?.program === 'mx-pgs' ? (request.target as MxPgsTarget) : undefined;
  const only = request.role ? [checkRole(request.role)] : undefined;
  const port = request.port;
  const ports = only ? { [only[0]!]: port ?? 0 } : Object.fromEntries(INSTITUCIONES.map((inst) => [inst, (port ?? DEFAULT_BASE_PORT) + PORT_OFFSET[inst]]));
  const faults: Partial<Record<Institucion, string[]>> = {};
  for (const [role, list] of Object.entries(request.faults)) faults[checkRole(role)] = list;
  const centralIndex = request.extra['central-index'];
  // With --role the node is a stand-in for the target's SUT: only the target's credentials apply to it.
  const deployment = await startPgsDeployment({
    journal: new ExchangeJournal(),
    ...(target && !only ? { target } : {}),
    credentials: credentialsFor(target),
    ...(only ? { only } : {}),
    ports,
    faults,
    ...(centralIndex ? { centralIndexUrl: centralIndex } : centralIndexFromTarget(target, only)),
  });
  const lines: string[] = [];
  for (const [institucion, node] of Object.entries(deployment.local)) {
    lines.push(`${institucion.padEnd(7)} ${node.baseUrl}   token: ${node.tokenUrl}`);
  }
  if (!target?.credentials) {
    lines.push('', 'OAuth2 clients (ephemeral, valid while these mocks run):');
    for (const [institucion, credential] of Object.entries(deployment.credentials)) {
      lines.push(`  ${institucion.padEnd(7)} client_id=${credential.clientId} client_secret=${credential.clientSecret}`);
    }
  } else {
    lines.push('', 'OAuth2 clients: as in the target file');
  }
  return { lines, stop: () => deployment.stop() };
}

function checkRole(role: string): Institucion {
  const institucion = roleToInstitucion(role);
  if (!INSTITUCIONES.includes(institucion)) throw new ConfigurationError(`unknown role '${role}' (imss, issste, ssa)`);
  return institucion;
}

function centralIndexFromTarget(target: MxPgsTarget | undefined, only: Institucion[] | undefined): { centralIndexUrl?: string } {
  const ssaPort = target?.mocks?.ports?.SSA;
  if (!only || only.includes('SSA') || ssaPort === undefined) return {};
  return { centralIndexUrl: `http://${target?.mocks?.host ?? '127.0.0.1'}:${ssaPort}/pgs/v1` };
}
