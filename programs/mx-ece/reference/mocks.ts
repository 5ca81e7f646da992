import { ConfigurationError } from '../../../src/config/errors.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { MocksRequest, RunningMocks } from '../../../src/programs/program.ts';
import { DEFAULT_PORTS, ECE_ROLES, type EceRole } from '../lib/contract.ts';
import type { MxEceTarget } from '../lib/target.ts';
import { startEceDeployment } from './deployment.ts';

/**
 * `sello mocks --program mx-ece`: imss-ece (7401), issste (7402), imss-bienestar (7403) and ssa-pgs (7404) by default,
 * wired to each other; `--port B` puts them at B+1…B+4. With --role one of them alone, as a stand-in for the target's
 * SUT, its peers where the target file's `mocks.ports` say the run's own stand-ins will listen.
 */
export async function startMxEceMocks(request: MocksRequest): Promise<RunningMocks> {
  const target = request.target?.program === 'mx-ece' ? (request.target as MxEceTarget) : undefined;
  const role = request.role === undefined ? undefined : checkRole(request.role);
  const faults: Partial<Record<EceRole, string[]>> = {};
  for (const [r, list] of Object.entries(request.faults)) faults[checkRole(r)] = list;
  const ports: Partial<Record<EceRole, number>> = role
    ? { ...target?.mocks?.ports, [role]: request.port ?? DEFAULT_PORTS[role] }
    : Object.fromEntries(ECE_ROLES.map((r, i) => [r, request.port === undefined ? DEFAULT_PORTS[r] : request.port + i + 1]));
  const deployment = await startEceDeployment({
    journal: new ExchangeJournal(),
    ...(role ? { only: [role] } : {}),
    ports,
    faults,
    ...(target?.mocks?.host ? { host: target.mocks.host } : {}),
    ...(target?.timeouts ? { timeouts: target.timeouts } : {}),
  });
  const lines: string[] = [];
  if (deployment.imss) lines.push(`imss-ece        FHIR ${deployment.imss.fhirBaseUrl}   control ${deployment.imss.controlUrl}`);
  for (const [r, running] of Object.entries(deployment.receivers)) lines.push(`${r.padEnd(15)} control ${running.controlUrl}`);
  if (deployment.pgs) lines.push(`ssa-pgs         padrón ${deployment.pgs.url}/pgs/v1/beneficiarios/{curp}   Consent ${deployment.pgs.url}/fhir/Consent   control ${deployment.pgs.controlUrl}`);
  return { lines, stop: () => deployment.stop() };
}

function checkRole(role: string): EceRole {
  const r = role.toLowerCase() as EceRole;
  if (!ECE_ROLES.includes(r)) throw new ConfigurationError(`unknown role '${role}' (${ECE_ROLES.join(', ')})`);
  return r;
}
