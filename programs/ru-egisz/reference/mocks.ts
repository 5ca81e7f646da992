import { ConfigurationError } from '../../../src/config/errors.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { MocksRequest, RunningMocks } from '../../../src/programs/program.ts';
import { RU_ROLES, type RuRole } from '../lib/contract.ts';
import type { RuEgiszTarget } from '../lib/target.ts';
import { type RuDeploymentOptions, startRuDeployment } from './deployment.ts';

const DEFAULT_BASE_PORT = 7300;

/**
 * `sello mocks --program ru-egisz`: REMD (7301, …/port/emdr), the gateway (7302) and the MIS (7303) by default, wired
 * to each other; or with --role one of them alone as a stand-in for the target's SUT, its peers where the target
 * file's `mocks.ports` say the run's own stand-ins will listen.
 */
export async function startRuEgiszMocks(request: MocksRequest): Promise<RunningMocks> {
  const target = request.target?.program === 'ru-egisz' ? (request.target as RuEgiszTarget) : undefined;
  const role = request.role === undefined ? undefined : checkRole(request.role);
  const faults: Partial<Record<RuRole, string[]>> = {};
  for (const [r, list] of Object.entries(request.faults)) faults[checkRole(r)] = list;
  const base = request.port ?? DEFAULT_BASE_PORT;
  const ports = role ? { ...target?.mocks?.ports, [role]: request.port ?? 0 } : { remd: base + 1, gateway: base + 2, mis: base + 3 };
  const deployment = await startRuDeployment({
    journal: new ExchangeJournal(),
    ...(role ? { only: [role] } : {}),
    ports,
    faults,
    ...(target?.mocks?.host ? { host: target.mocks.host } : {}),
    ...(target ? { peersOf: peersOf(target, role) } : {}),
  });
  const { remd, gateway, mis } = deployment.local;
  const lines: string[] = [];
  if (remd) lines.push(`REMD     ${remd.serviceUrl}`);
  if (gateway) lines.push(`gateway  ${gateway.serviceUrl}   callback and getDocumentFile ${gateway.callbackUrl}`);
  if (mis) lines.push(`MIS      callback and getDocumentFile ${mis.callbackUrl}   test control ${mis.controlUrl}   clientEntityId ${deployment.endpoints.mis.clientEntityId}`);
  return { lines, stop: () => deployment.stop() };
}

function checkRole(role: string): RuRole {
  const r = role.toLowerCase() as RuRole;
  if (!RU_ROLES.includes(r)) throw new ConfigurationError(`unknown role '${role}' (${RU_ROLES.join(', ')})`);
  return r;
}

/**
 * What a stand-in started alone needs of the target file: the timeouts, and whose identity it takes — the SUT's when
 * it stands in for the SUT itself (a MIS with the target's organization and clientEntityId, a gateway with its
 * clientEntityId), else that of Sello's own stand-ins.
 */
function peersOf(target: RuEgiszTarget, role: RuRole | undefined): NonNullable<RuDeploymentOptions['peersOf']> {
  const { sut } = target;
  const asSut = role !== undefined && role === sut.role;
  const sello = asSut && role === 'mis' ? { ...(sut.clientEntityId ? { clientEntityId: sut.clientEntityId } : {}), ...(sut.organization ? { organization: sut.organization } : {}) } : target.sello;
  return {
    ...(sello ? { sello } : {}),
    ...(target.timeouts ? { timeouts: target.timeouts } : {}),
    ...(asSut && role === 'gateway' && sut.clientEntityId ? { gatewayClientEntityId: sut.clientEntityId } : {}),
  };
}
