/**
 * How the steps drive each role: the MIS (Sello's stand-in, the reference MIS in process, or an external MIS through
 * its test-control URL), Sello's stand-in REMD (its stimuli, and the callbacks and file pulls Sello sends as REMD) and
 * the gateway's two faces. Everything goes over real sockets and lands in the journal; a role under test that runs
 * outside Sello is reached only through what its target file gives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { newUrnUuid, type SoapCallResult, sameMessageId, soapCall } from '../../../src/soap/index.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import { isOperation, metadataOf, requestMessageId } from '../judges/expectations.ts';
import { PARTY, type RegisterDocumentResult, type RegistrySearch, stimulusParty } from '../lib/contract.ts';
import { getDocumentFileBody, getRegistryItemBody, registerDocumentResultBody, ruEnvelope, searchRegistryItemBody } from '../lib/messages.ts';
import { REFERENCE_REQUESTS_PER_SECOND } from '../reference/deployment.ts';
import type { MisStimulus } from '../reference/mis.ts';
import { asSoap11 } from '../reference/ru-soap.ts';
import { journal, type RuScenario, type ScenarioDocument } from './ru-context.ts';

/** What a registration step asks of the MIS: a valid document, or one of Sello's stimuli (reference/mis.ts). */
export interface RegistrationSpec {
  createdOn?: string;
  stimulus?: MisStimulus;
  /** Through the gateway (the default in a @gateway scenario). */
  viaGateway?: boolean;
  /** Sent together with the rest of a burst (reference/mis.ts RegisterOptions.together). */
  together?: { arrive(): Promise<void> };
}

/**
 * Lets `count` parties go on together: each `arrive()` resolves once all have arrived, or after `timeoutMs` (a party
 * that failed before arriving must not hold the others for ever).
 */
export function barrier(count: number, timeoutMs: number): { arrive(): Promise<void> } {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const timer = setTimeout(open, timeoutMs);
  void opened.then(() => clearTimeout(timer));
  return {
    arrive: () => {
      if (++arrived >= count) open();
      return opened;
    },
  };
}

/** Sello's stand-in REMD's stimuli (reference/remd.ts, Package D). */
interface RemdStimuli {
  withholdCallbacks?(on: boolean): void;
  nextRegisterAnswer?(code: string): void;
  reset?(): void;
}

const remdStimuli = (context: RuScenario): RemdStimuli => ((context.local('remd') as unknown as { stimuli?: RemdStimuli }).stimuli ?? {}) as RemdStimuli;

/** Where the MIS registers: REMD, or the gateway (under test, or in between). */
export function registrationUrl(context: RuScenario, viaGateway: boolean): string {
  const gateway = context.deployment.endpoints.gateway;
  if (viaGateway) {
    if (!gateway) throw new Error('no gateway in this deployment');
    return gateway.serviceUrl;
  }
  return context.deployment.endpoints.remd.serviceUrl;
}

/** When this process's MIS last sent registrations: scenarios follow one another under one clientEntityId. */
const recentSends: number[] = [];
/** RR-16's window, with room for a request that reaches REMD a little after it left. */
export const RATE_WINDOW_MS = 1100;

/**
 * RR-16 counts registerDocument per clientEntityId and second across scenarios, not within one: the MIS keeps under
 * the declared limit (all but the burst that tests it), so that fast scenarios in a row are not refused RATE_LIMIT.
 */
async function keepUnderRateLimit(context: RuScenario, burst: boolean): Promise<void> {
  const limit = Math.min(context.remdRequestsPerSecond ?? REFERENCE_REQUESTS_PER_SECOND, REFERENCE_REQUESTS_PER_SECOND);
  for (;;) {
    const now = Date.now();
    while (recentSends.length > 0 && now - (recentSends[0] as number) >= RATE_WINDOW_MS) recentSends.shift();
    if (burst || recentSends.length < Math.max(1, limit - 1)) break;
    await sleep(RATE_WINDOW_MS - (now - (recentSends[0] as number)));
  }
  recentSends.push(Date.now());
}

/** The MIS registers a document (a stimulus when `spec` has one); the scenario remembers it under `alias`. */
export async function registerDocument(context: RuScenario, alias: string, spec: RegistrationSpec = {}): Promise<ScenarioDocument> {
  const doc = context.document(alias);
  await keepUnderRateLimit(context, spec.stimulus === 'burst');
  doc.sentAt = new Date().toISOString();
  const viaGateway = spec.viaGateway ?? context.role === 'gateway';
  let registered: { localUid: string; messageIds: string[]; exchange?: ExchangeEntry };
  if (context.role === 'mis' && context.external) registered = await registerThroughControl(context, spec);
  else {
    const done = await context.local('mis').register({
      via: registrationUrl(context, viaGateway),
      viaParty: viaGateway ? PARTY.gateway : PARTY.remd,
      ...(spec.createdOn ? { createdOn: spec.createdOn } : {}),
      ...(spec.stimulus ? { stimulus: spec.stimulus } : {}),
      ...(spec.together ? { together: spec.together } : {}),
    });
    // Sello's own client journaled its first call: no need to find it again (a SOAP 1.1 or broken envelope's
    // MessageID cannot even be read back).
    const exchange = done.calls[0]?.exchange;
    registered = { localUid: done.localUid, messageIds: done.messageIds, ...(exchange ? { exchange } : {}) };
  }
  doc.localUid = registered.localUid;
  doc.messageIds = registered.messageIds;
  const first = registered.messageIds[0];
  // The registration as it was on the wire: Sello's client journaled it, or the stand-in that received it.
  // Sent by this step (a reused MessageID also names an earlier registration) to where the MIS sent it (a gateway
  // relaying with the MIS's MessageID sends REMD one too).
  const since = doc.sentAt;
  const to = viaGateway ? PARTY.gateway : PARTY.remd;
  const request = registered.exchange
    ? registered.exchange
    : first
      ? await context.awaitExchange(
          (x) => isOperation(x, 'registerDocument') && x.to === to && sameId(requestMessageId(x), first) && x.startedAt >= since,
          context.requestMs,
          `registerDocument ${first}`,
        )
      : undefined;
  if (request) {
    doc.request = request;
    doc.metadata = metadataOf(request);
    context.last = request;
  }
  return doc;
}

const sameId = (a: string | undefined, b: string): boolean => a !== undefined && sameMessageId(a, b);

/** An external MIS registers on Sello's demand through its test-control API (POST /sello/registrations). */
async function registerThroughControl(context: RuScenario, spec: RegistrationSpec): Promise<{ localUid: string; messageIds: string[] }> {
  const control = context.deployment.endpoints.mis.controlUrl;
  if (!control) throw new Error('the target file gives no controlUrl: Sello cannot ask this MIS to register');
  const answer = await sendHttp(journal, {
    method: 'POST',
    url: `${control.replace(/\/$/, '')}/sello/registrations`,
    body: spec.createdOn ? { createdOn: spec.createdOn } : {},
    from: 'sello',
    to: PARTY.mis,
    timeoutMs: context.requestMs,
  });
  const json = answer.json as { localUid?: string; messageId?: string } | undefined;
  if (answer.status >= 300 || !json?.localUid) throw new Error(`the MIS's control API answered HTTP ${answer.status} without a localUid`);
  return { localUid: json.localUid, messageIds: json.messageId ? [json.messageId] : [] };
}

/** Sello (MIS) reads the registry (RR-18) with its own clientEntityId, as a MIS would. */
export async function registryCall(context: RuScenario, request: { emdrId: string } | { search: RegistrySearch }): Promise<SoapCallResult> {
  const op = 'emdrId' in request ? 'getRegistryItem' : 'searchRegistryItem';
  const body = 'emdrId' in request ? getRegistryItemBody(request.emdrId) : searchRegistryItemBody(request.search);
  // The deployment's MIS GUID, not one read back from the journal: a scenario run alone has no registration to
  // read it from, and a stimulus sent with an unknown clientEntityId must not lend it its GUID.
  const envelope = ruEnvelope(op, { body, messageId: newUrnUuid(), clientEntityId: context.deployment.endpoints.mis.clientEntityId });
  return soapCall(context.deployment.endpoints.remd.serviceUrl, envelope, { journal: journal, from: PARTY.mis, to: PARTY.remd, timeoutMs: context.requestMs });
}

// ——— Sello (REMD) ———

export function withholdCallbacks(context: RuScenario): void {
  const s = remdStimuli(context);
  if (s.withholdCallbacks) s.withholdCallbacks(true);
  else throw new Error('the stand-in REMD cannot withhold its callbacks (no stimuli.withholdCallbacks)');
}

export function nextRegisterFault(context: RuScenario, code: string): void {
  const s = remdStimuli(context);
  if (!s.nextRegisterAnswer) throw new Error('the stand-in REMD cannot answer with a chosen fault (no stimuli.nextRegisterAnswer)');
  s.nextRegisterAnswer(code);
}

/** A stand-in told to misbehave for one scenario behaves again for the next. */
export function resetStandIns(context: RuScenario): void {
  (context.deployment.local.remd as unknown as { stimuli?: RemdStimuli } | undefined)?.stimuli?.reset?.();
}

/** Sello as REMD calls back the MIS (or the gateway) itself: a stimulus, never judged as REMD's. */
export async function sendCallback(context: RuScenario, url: string, result: RegisterDocumentResult, options: { soap11?: boolean; times?: number } = {}): Promise<ExchangeEntry[]> {
  let text = ruEnvelope('registerDocumentResult', { body: registerDocumentResultBody(result), messageId: newUrnUuid() });
  const headers: Record<string, string> = {};
  if (options.soap11) {
    text = asSoap11(text);
    headers['content-type'] = 'text/xml; charset=utf-8';
  }
  const out: ExchangeEntry[] = [];
  for (let i = 0; i < (options.times ?? 1); i++) {
    const call = await soapCall(url, text, { journal: journal, from: stimulusParty('remd'), to: context.role === 'gateway' ? PARTY.gateway : PARTY.mis, timeoutMs: context.requestMs, headers });
    out.push(call.exchange);
  }
  return out;
}

/** Sello as REMD pulls a file (getDocumentFile) from the MIS or the gateway. */
export async function pullFile(context: RuScenario, url: string, localUid: string): Promise<ExchangeEntry> {
  const envelope = ruEnvelope('getDocumentFile', { body: getDocumentFileBody(localUid), messageId: newUrnUuid() });
  const call = await soapCall(url, envelope, { journal: journal, from: PARTY.remd, to: context.role === 'gateway' ? PARTY.gateway : PARTY.mis, timeoutMs: context.requestMs });
  return call.exchange;
}
