import { ConfigurationError } from '../../../src/config/errors.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { MocksRequest, RunningMocks } from '../../../src/programs/program.ts';
import { RIS_ROLES, type RisRole } from '../lib/constants.ts';
import type { PeRisTarget } from '../lib/target.ts';
import { startRisDeployment } from './deployment.ts';

const DEFAULT_BASE_PORT = 7200;

/**
 * `sello mocks --program pe-ris`: SIHCE (FHIR 7201, MLLP 7202), the engine (7203) and Qhali (7204) by default, wired
 * to each other; or with --role one of them as a stand-in for the target's SUT, wired to the target's `mocks.ports`
 * (where the run's own stand-ins will listen). SIHCE's MLLP port is --mllp-port, else the HTTP port + 1.
 */
export async function startPeRisMocks(request: MocksRequest): Promise<RunningMocks> {
  const target = request.target?.program === 'pe-ris' ? (request.target as PeRisTarget) : undefined;
  const role = request.role === undefined ? undefined : checkRole(request.role);
  const faults: Partial<Record<RisRole, string[]>> = {};
  for (const [r, list] of Object.entries(request.faults)) faults[checkRole(r)] = list;
  const base = request.port ?? DEFAULT_BASE_PORT;
  const mllpPort = request.extra['mllp-port'] === undefined ? undefined : Number(request.extra['mllp-port']);
  if (mllpPort !== undefined && (!Number.isInteger(mllpPort) || mllpPort < 0 || mllpPort > 65535)) throw new ConfigurationError('--mllp-port must be 0-65535');
  let ports: { sihce?: number; sihceMllp?: number; engine?: number; qhali?: number };
  if (role) {
    // The stand-in listens on --port; its peers are where the target file says the run's mocks will be.
    const peers = target?.mocks?.ports ?? {};
    const own = request.port ?? 0;
    ports = { ...peers, ...(role === 'sihce' ? { sihce: own, sihceMllp: mllpPort ?? (own === 0 ? 0 : own + 1) } : { [role]: own }) };
  } else {
    ports = { sihce: base + 1, sihceMllp: mllpPort ?? base + 2, engine: base + 3, qhali: base + 4 };
  }
  const deployment = await startRisDeployment({
    journal: new ExchangeJournal(),
    ...(role ? { only: [role] } : {}),
    ports,
    faults,
    ...(target?.mocks?.host ? { host: target.mocks.host } : {}),
  });
  const lines: string[] = [];
  const { sihce, engine, qhali } = deployment.local;
  if (sihce) lines.push(`SIHCE   FHIR ${sihce.fhirBaseUrl}   MLLP ${sihce.mllp.host}:${sihce.mllp.port}`);
  if (engine) lines.push(`engine  FHIR (triage in) ${engine.fhirBaseUrl}   SIHCE notifications ${engine.notificationUrl}`);
  if (qhali) lines.push(`Qhali   notifications ${qhali.notificationUrl}   test control ${qhali.controlUrl}`);
  return { lines, stop: () => deployment.stop() };
}

function checkRole(role: string): RisRole {
  const r = role.toLowerCase() as RisRole;
  if (!RIS_ROLES.includes(r)) throw new ConfigurationError(`unknown role '${role}' (${RIS_ROLES.join(', ')})`);
  return r;
}
