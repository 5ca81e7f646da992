/**
 * What a pe-ris run needs on loopback: Sello's reference SIHCE, engine and Qhali, wired as in Cajamarca —
 * Qhali → engine (FHIR) → SIHCE (HL7 v2 over MLLP), SIHCE → engine → Qhali (notifications). With a target file the
 * SUT's role is not started: its peers point at the SUT's endpoints, and listen where the target's `mocks.ports`
 * say, so the vendor's system can be pointed at them.
 */
import { randomBytes } from 'node:crypto';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { PARTY, type RisRole } from '../lib/constants.ts';
import type { EndpointKind, RisEndpoints } from '../lib/endpoints.ts';
import type { PeRisTarget } from '../lib/target.ts';
import { type RunningEngine, startEngine } from './engine.ts';
import type { BackoffPolicy } from './notifier.ts';
import { type RunningQhali, startQhali } from './qhali.ts';
import { FRAME_TIMEOUT_LOOPBACK_MS } from './sihce/mllp.ts';
import { type RunningSihce, startSihce } from './sihce.ts';

/**
 * The reference notifiers' back-off in a deployment: 100 ms, 200 ms, 400 ms… up to 5 s. The pe-ris contract asks for
 * back-off, not a schedule; starting at 100 ms (twice the judge's flood bound, judges/expectations.ts checkBackoff)
 * lets an outage scenario see a retry 100 ms after the first failure and the delivery 200 ms later, and a receiver
 * that stays down still costs a request every 5 s at most.
 */
export const DEPLOYMENT_BACKOFF: BackoffPolicy = Object.freeze({ firstMs: 100, factor: 2, maxMs: 5000 });

export type { EndpointKind, RisEndpoints } from '../lib/endpoints.ts';

export interface RisDeployment {
  endpoints: RisEndpoints;
  sutRole?: RisRole;
  local: { sihce?: RunningSihce; engine?: RunningEngine; qhali?: RunningQhali };
  stop(): Promise<void>;
}

export interface RisDeploymentOptions {
  journal: ExchangeJournal;
  target?: PeRisTarget;
  /** Planted defects per role, for the reference implementations only. */
  faults?: Partial<Record<RisRole, string[]>>;
  /** Which roles to start; default: every one the SUT does not play. */
  only?: readonly RisRole[];
  ports?: { sihce?: number; sihceMllp?: number; engine?: number; qhali?: number };
  host?: string;
}

export async function startRisDeployment(options: RisDeploymentOptions): Promise<RisDeployment> {
  const { target, journal } = options;
  const sutRole = target?.sut.role;
  const toStart = new Set<RisRole>((options.only ?? ['sihce', 'engine', 'qhali']).filter((r) => r !== sutRole));
  const host = target?.mocks?.host ?? options.host ?? '127.0.0.1';
  const ports = { ...options.ports, ...target?.mocks?.ports };
  const peerKind: EndpointKind = sutRole ? 'mock' : 'reference';
  const timeoutMs = target?.timeouts?.requestMs ?? 10_000;
  const local: RisDeployment['local'] = {};
  const url = (port: number | undefined, path: string) => `http://${host}:${port ?? 0}${path}`;
  try {
    // A Subscription write needs this token at Sello's SIHCE when Sello's engine, which knows it, is the subscriber; an
    // engine under test may subscribe itself, and the pe-ris spec gives it no credentials (sihce/subscriptions.ts).
    const subscriptionAuthorization = toStart.has('sihce') && toStart.has('engine') ? `Bearer ${randomBytes(24).toString('base64url')}` : undefined;
    // SIHCE first: the engine subscribes to it.
    if (toStart.has('sihce')) {
      local.sihce = await startSihce({
        journal,
        host,
        ...(ports.sihce !== undefined ? { port: ports.sihce } : {}),
        ...(ports.sihceMllp !== undefined ? { mllpPort: ports.sihceMllp } : {}),
        ...(options.faults?.sihce ? { faults: options.faults.sihce } : {}),
        journalInboundMllp: sutRole === 'engine',
        // An engine under test sends across a network and may stall mid-frame; Sello's own sender, in this process, does not.
        ...(sutRole === 'engine' ? {} : { frameTimeoutMs: FRAME_TIMEOUT_LOOPBACK_MS }),
        backoff: DEPLOYMENT_BACKOFF,
        timeoutMs,
        subscriberHosts: [target?.sut.notificationUrl, target?.sut.fhirBaseUrl, target?.sut.controlUrl].flatMap((u) => (u ? [new URL(u).hostname] : [])),
        ...(subscriptionAuthorization ? { subscriptionWriteToken: subscriptionAuthorization.slice('Bearer '.length) } : {}),
      });
    }
    // An engine under test need not subscribe at Sello's SIHCE (a fresh one each run): the target says where it listens.
    if (local.sihce && sutRole === 'engine' && target?.sut.notificationUrl) local.sihce.subscribe(target.sut.notificationUrl);
    const sihce: RisEndpoints['sihce'] = local.sihce
      ? { fhirBaseUrl: local.sihce.fhirBaseUrl, mllp: local.sihce.mllp, kind: peerKind, ...(subscriptionAuthorization ? { authorization: subscriptionAuthorization } : {}) }
      : sutRole === 'sihce'
        ? { fhirBaseUrl: stripSlash(target!.sut.fhirBaseUrl!), mllp: { host: target!.sut.mllp!.host, port: target!.sut.mllp!.port }, kind: 'external' }
        : { fhirBaseUrl: url(ports.sihce, '/fhir'), mllp: { host, port: ports.sihceMllp ?? 0 }, kind: 'mock' };
    if (toStart.has('qhali')) {
      local.qhali = await startQhali({
        journal,
        host,
        ...(ports.qhali !== undefined ? { port: ports.qhali } : {}),
        ...(options.faults?.qhali ? { faults: options.faults.qhali } : {}),
        timeoutMs,
      });
    }
    const qhali: RisEndpoints['qhali'] = local.qhali
      ? { notificationUrl: local.qhali.notificationUrl, controlUrl: local.qhali.controlUrl, kind: peerKind }
      : sutRole === 'qhali'
        ? { notificationUrl: target!.sut.notificationUrl!, controlUrl: stripSlash(target!.sut.controlUrl!), kind: 'external' }
        : { notificationUrl: url(ports.qhali, '/notificaciones'), controlUrl: url(ports.qhali, '/sello'), kind: 'mock' };
    if (toStart.has('engine')) {
      local.engine = await startEngine({
        journal,
        host,
        ...(ports.engine !== undefined ? { port: ports.engine } : {}),
        sihce: { fhirBaseUrl: sihce.fhirBaseUrl, mllp: sihce.mllp, ...(sihce.authorization ? { authorization: sihce.authorization } : {}) },
        qhaliNotificationUrl: qhali.notificationUrl,
        ...(options.faults?.engine ? { faults: options.faults.engine } : {}),
        // Both ends in this process: the SIHCE listener is Sello's, but it journals inbound only for an external engine.
        journalMllp: true,
        backoff: DEPLOYMENT_BACKOFF,
        timeoutMs,
      });
    }
    const engine: RisEndpoints['engine'] = local.engine
      ? { fhirBaseUrl: local.engine.fhirBaseUrl, notificationUrl: local.engine.notificationUrl, kind: peerKind }
      : sutRole === 'engine'
        ? { fhirBaseUrl: stripSlash(target!.sut.fhirBaseUrl!), notificationUrl: target!.sut.notificationUrl!, kind: 'external' }
        : { fhirBaseUrl: url(ports.engine, '/fhir'), notificationUrl: url(ports.engine, '/notificaciones/sihce'), kind: 'mock' };
    local.qhali?.setFhirBaseUrl(engine.fhirBaseUrl, PARTY.engine);
    // The engine's subscription at SIHCE exists before any status change can happen (a failure is retried on first use).
    await local.engine?.subscribe().catch(() => undefined);
    return {
      endpoints: { sihce, engine, qhali },
      ...(sutRole ? { sutRole } : {}),
      local,
      stop: async () => {
        await Promise.allSettled([local.engine?.stop(), local.qhali?.stop(), local.sihce?.stop()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([local.engine?.stop(), local.qhali?.stop(), local.sihce?.stop()]);
    throw error;
  }
}

const stripSlash = (u: string): string => u.replace(/\/$/, '');
