/**
 * What a ru-egisz run needs on loopback: Sello's reference REMD (with FRMO/FRMR), a regional gateway and a clinic's
 * MIS, wired as v1.1 draws them — the MIS registers at REMD directly or through the gateway; REMD pulls the file from
 * whoever registered and calls it back. With a target file the SUT's role is not started: its peers point at the
 * SUT's endpoints and listen where the target's `mocks.ports` say, so the vendor's system can be pointed at them.
 */
import { readFile } from 'node:fs/promises';
import { generateSnils } from '../../../src/identifiers/ru/index.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { PARTY, type RuRole } from '../lib/contract.ts';
import { ReferenceBooks } from '../lib/reference-books.ts';
import { type Registers, registersFor } from '../lib/registers.ts';
import { type Signer, type TestSigners, testSigners } from '../lib/signatures.ts';
import { type SyntheticClinic, sisterOrganizationOid, syntheticClinic } from '../lib/synthetic.ts';
import type { PemPair, RuEgiszTarget, TargetOrganization } from '../lib/target.ts';
import { GATEWAY_CALLBACK_PATH, type RunningGateway, startGateway } from './gateway.ts';
import { MIS_CALLBACK_PATH, type RunningMis, startMis } from './mis.ts';
import { type RunningRemd, startRemd } from './remd.ts';

/** Sello's own systems' GUIDs at REMD, when the target file names none (a SUT REMD must register them: README). */
export const SELLO_MIS_CLIENT = '7c3f1b52-0d4e-4f8a-9b6c-1e2d3a4b5c6d';
export const SELLO_GATEWAY_CLIENT = '2a9d8c7b-6e5f-4a3b-8c1d-0e9f8a7b6c5d';

/** Reference runs: how long REMD waits for an acknowledgement before repeating a callback, and the least spacing. */
export const REFERENCE_CALLBACK_MS = 1000;
/** Reference REMD's declared limit (RR-16), per clientEntityId: above what one scenario sends, below a burst. */
export const REFERENCE_REQUESTS_PER_SECOND = 10;

export interface RuEndpoints {
  remd: { serviceUrl: string };
  gateway?: { serviceUrl: string; callbackUrl: string; documentFileUrl: string };
  mis: { callbackUrl: string; documentFileUrl: string; controlUrl?: string; clientEntityId: string };
}

export interface RuDeployment {
  sutRole?: RuRole;
  local: { mis?: RunningMis; gateway?: RunningGateway; remd?: RunningRemd };
  endpoints: RuEndpoints;
  /** The FRMO/FRMR Sello's REMD checks against (Sello's MIS, and the SUT MIS's organization from the target). */
  registers: Registers;
  books: ReferenceBooks;
  stop(): Promise<void>;
}

export interface RuDeploymentOptions {
  journal: ExchangeJournal;
  target?: RuEgiszTarget;
  /** Planted defects per role, for the reference implementations only. */
  faults?: Partial<Record<RuRole, string[]>>;
  /** Which roles to start; default: every one the SUT does not play. */
  only?: readonly RuRole[];
  ports?: { remd?: number; gateway?: number; mis?: number };
  host?: string;
  /** Sello's clinic, staff and keys: fixed, so that a SUT REMD can list them in its FRMO/FRMR beforehand. */
  seed?: string;
  /** The run's seed: the documents Sello's MIS writes (a SUT REMD keeps what earlier runs registered). */
  documentSeed?: string;
  /**
   * For a stand-in started alone (`sello mocks --target … --role …`): who Sello's other stand-ins are and the
   * timeouts, from the target file the run will use (its SUT role is not this process's business).
   */
  peersOf?: Pick<RuEgiszTarget, 'sello' | 'timeouts'> & { gatewayClientEntityId?: string };
}

/** Sello's MIS: the target's `sello.organization`, else a synthetic clinic with two doctors, from the seed. */
function selloClinic(seed: string, organization: TargetOrganization | undefined): { clinic: SyntheticClinic; staff: Array<{ snils: string; position: string }> } {
  const rng = new SeededRandom(`${seed}:clinic`);
  const synthetic = syntheticClinic(rng.fork('clinic'));
  if (organization) return organizationAsClinic(organization, synthetic);
  return { clinic: synthetic, staff: [1, 2].map((n) => ({ snils: generateSnils(rng.fork(`doctor-${n}`)), position: '49' })) };
}

/** Signers from the target's PEM files (the same pair whatever SNILS or OGRN is asked for), else self-signed ones. */
async function selloSigners(seed: string, certificates: { doctor?: PemPair; organization?: PemPair } | undefined): Promise<TestSigners> {
  const generated = await testSigners(seed);
  const fromFiles = async (pair: PemPair): Promise<Signer> => ({ certificatePem: await readFile(pair.certificate, 'utf8'), privateKeyPem: await readFile(pair.privateKey, 'utf8') });
  const doctor = certificates?.doctor ? await fromFiles(certificates.doctor) : undefined;
  const organization = certificates?.organization ? await fromFiles(certificates.organization) : undefined;
  return {
    doctor: (snils, options) => (doctor ? Promise.resolve(doctor) : generated.doctor(snils, options)),
    organization: (ogrn, options) => (organization ? Promise.resolve(organization) : generated.organization(ogrn, options)),
  };
}

export async function startRuDeployment(options: RuDeploymentOptions): Promise<RuDeployment> {
  const { target, journal } = options;
  const sutRole = target?.sut.role;
  const toStart = new Set<RuRole>((options.only ?? ['remd', 'gateway', 'mis']).filter((r) => r !== sutRole));
  const host = target?.mocks?.host ?? options.host ?? '127.0.0.1';
  const ports = { ...options.ports, ...target?.mocks?.ports };
  const seed = options.seed ?? 'ru-egisz';
  const timeouts = target?.timeouts ?? options.peersOf?.timeouts;
  const selloIdentity = target?.sello ?? options.peersOf?.sello;
  const timeoutMs = timeouts?.requestMs ?? 10_000;
  const callbackMs = timeouts?.callbackMs ?? REFERENCE_CALLBACK_MS;
  const books = ReferenceBooks.load();
  const sello = selloClinic(seed, selloIdentity?.organization);
  const selloClient = selloIdentity?.clientEntityId ?? SELLO_MIS_CLIENT;
  const gatewayClient = options.peersOf?.gatewayClientEntityId ?? SELLO_GATEWAY_CLIENT;
  const sut = target?.sut;
  // FRMO also lists a sister organization of Sello's clinic (same OGRN and staff): RR-03.3's registration names it.
  const sister = { clinic: { ...sello.clinic, moOid: sisterOrganizationOid(sello.clinic) }, staff: sello.staff };
  const registers = registersFor([sello, sister, ...(sutRole === 'mis' && sut?.organization ? [organizationAsClinic(sut.organization, sello.clinic)] : [])]);
  const url = (port: number | undefined, path: string): string => `http://${host}:${port ?? 0}${path}`;
  const local: RuDeployment['local'] = {};
  // What reaches a stand-in from another process is the SUT's (Sello's own clients journal their calls themselves).
  const external = sutRole ? { externalParty: PARTY[sutRole] } : {};
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([local.mis?.stop(), local.gateway?.stop(), local.remd?.stop()]);
  };
  try {
    // Who REMD calls back and pulls files from, by the clientEntityId a registration came with; filled as roles start.
    const systems = new Map<string, { callbackUrl: string; documentFileUrl: string; party?: string }>();
    if (sutRole === 'mis' && sut?.clientEntityId && sut.callbackUrl && sut.documentFileUrl) systems.set(sut.clientEntityId, { callbackUrl: sut.callbackUrl, documentFileUrl: sut.documentFileUrl });
    if (sutRole === 'gateway' && sut?.clientEntityId && sut.callbackUrl && sut.documentFileUrl)
      systems.set(sut.clientEntityId, { callbackUrl: sut.callbackUrl, documentFileUrl: sut.documentFileUrl, party: PARTY.gateway });
    if (toStart.has('remd')) {
      local.remd = await startRemd({
        journal,
        host,
        ...(ports.remd !== undefined ? { port: ports.remd } : {}),
        ...(options.faults?.remd ? { faults: options.faults.remd } : {}),
        registers,
        books,
        systems: (id) => systems.get(id),
        callbackMs,
        requestsPerSecond: REFERENCE_REQUESTS_PER_SECOND,
        timeoutMs,
        ...external,
      });
    }
    const remdServiceUrl = local.remd?.serviceUrl ?? (sutRole === 'remd' ? sut!.serviceUrl! : url(ports.remd, '/port/emdr'));
    // The gateway's MIS is Sello's (its clientEntityId → Sello's MIS endpoints), or the SUT MIS's.
    const misSystems = new Map<string, { callbackUrl: string; documentFileUrl: string }>();
    if (toStart.has('gateway')) {
      local.gateway = await startGateway({
        journal,
        host,
        ...(ports.gateway !== undefined ? { port: ports.gateway } : {}),
        ...(options.faults?.gateway ? { faults: options.faults.gateway } : {}),
        remdServiceUrl,
        clientEntityId: gatewayClient,
        systems: (id) => misSystems.get(id),
        callbackMs,
        timeoutMs,
        ...external,
      });
      systems.set(gatewayClient, { callbackUrl: local.gateway.callbackUrl, documentFileUrl: local.gateway.documentFileUrl, party: PARTY.gateway });
    }
    const gateway: RuEndpoints['gateway'] = local.gateway
      ? { serviceUrl: local.gateway.serviceUrl, callbackUrl: local.gateway.callbackUrl, documentFileUrl: local.gateway.documentFileUrl }
      : sutRole === 'gateway'
        ? { serviceUrl: sut!.serviceUrl!, callbackUrl: sut!.callbackUrl!, documentFileUrl: sut!.documentFileUrl! }
        : undefined;
    if (toStart.has('mis')) {
      local.mis = await startMis({
        journal,
        host,
        ...(ports.mis !== undefined ? { port: ports.mis } : {}),
        ...(options.faults?.mis ? { faults: options.faults.mis } : {}),
        clinic: sello.clinic,
        staff: sello.staff,
        signers: await selloSigners(seed, selloIdentity?.certificates),
        serviceUrl: remdServiceUrl,
        clientEntityId: selloClient,
        books,
        timeoutMs,
        // REMD and a gateway wait callbackMs for a callback's acknowledgement (RR-15): holding a little longer is "none".
        ackHoldMs: callbackMs + 1000,
        seed: options.documentSeed ?? seed,
        ...external,
      });
      const endpoints = { callbackUrl: local.mis.callbackUrl, documentFileUrl: local.mis.documentFileUrl };
      systems.set(selloClient, endpoints);
      misSystems.set(selloClient, endpoints);
    } else if (sutRole === 'mis' && sut?.clientEntityId && sut.callbackUrl && sut.documentFileUrl) {
      misSystems.set(sut.clientEntityId, { callbackUrl: sut.callbackUrl, documentFileUrl: sut.documentFileUrl });
    }
    // A stand-in started alone serves Sello's other stand-ins, which the run will start at mocks.ports.
    const misAtPort = { callbackUrl: url(ports.mis, MIS_CALLBACK_PATH), documentFileUrl: url(ports.mis, MIS_CALLBACK_PATH) };
    if (!local.mis && sutRole !== 'mis') {
      systems.set(selloClient, misAtPort);
      misSystems.set(selloClient, misAtPort);
    }
    if (!local.gateway && sutRole !== 'gateway') {
      systems.set(gatewayClient, { callbackUrl: url(ports.gateway, GATEWAY_CALLBACK_PATH), documentFileUrl: url(ports.gateway, GATEWAY_CALLBACK_PATH), party: PARTY.gateway });
    }
    const mis: RuEndpoints['mis'] = local.mis
      ? { callbackUrl: local.mis.callbackUrl, documentFileUrl: local.mis.documentFileUrl, controlUrl: local.mis.controlUrl, clientEntityId: selloClient }
      : sutRole === 'mis'
        ? { callbackUrl: sut!.callbackUrl!, documentFileUrl: sut!.documentFileUrl!, ...(sut!.controlUrl ? { controlUrl: sut!.controlUrl } : {}), clientEntityId: sut!.clientEntityId! }
        : { ...misAtPort, clientEntityId: selloClient };
    return {
      ...(sutRole ? { sutRole } : {}),
      local,
      endpoints: { remd: { serviceUrl: remdServiceUrl }, ...(gateway ? { gateway } : {}), mis },
      registers,
      books,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A SUT MIS's organization, as FRMO and FRMR list it for Sello's REMD. */
function organizationAsClinic(org: TargetOrganization, template: SyntheticClinic): { clinic: SyntheticClinic; staff: Array<{ snils: string; position: string }> } {
  return {
    clinic: {
      ...template,
      moOid: org.oid,
      ogrn: org.ogrn ?? template.ogrn,
      department: { ...template.department, oid: org.departments[0] ?? template.department.oid },
      misNumber: org.misNumber ?? template.misNumber,
      instance: org.instance ?? template.instance,
    },
    staff: org.staff.map((s) => ({ snils: s.snils.replace(/\D/g, ''), position: s.position })),
  };
}
