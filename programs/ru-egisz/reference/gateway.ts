/**
 * Sello's reference gateway (a regional GIS or operator between a MIS and REMD), RR-14: it relays registerDocument
 * to REMD with a MessageID and clientEntityId of its own and the metadata field for field, answers the MIS
 * "accepted" only once REMD accepted, relays REMD's faults (same classifier code, wsa:RelatesTo the MIS's MessageID),
 * relays the callback (same status, fields and errors, relatesToMessage the MIS's MessageID, retried like REMD's,
 * RR-15) and serves REMD's getDocumentFile by pulling the file from the MIS byte for byte. Without REMD's callback
 * within callbackMs it tells the MIS ASYNC_RESPONSE_TIMEOUT. A SOAP 1.1 or unreadable request is refused, nothing
 * relayed. Planted faults (GATEWAY_FAULTS) break one gateway behaviour each.
 */
import type Hapi from '@hapi/hapi';
import { soapFault } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { SOAP11_NS, soapRoute } from '../../../src/soap/index.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import { EGIS_NS, PARTY } from '../lib/contract.ts';
import { GatewayRelays, type Relay } from './gateway-relay.ts';
import type { ReferenceServerOptions } from './server-options.ts';
import { classifyRefusals, noteRefusal } from './soap-refusal.ts';

export type { Relay } from './gateway-relay.ts';

/** Planted faults of the gateway, each breaking the gateway behaviour named. */
export const GATEWAY_FAULTS = {
  'reuse-mis-message-id': 'RR-05.6',
  'relay-without-client-entity-id': 'RR-08.8',
  'relay-soap11': 'RR-08.9',
  'malformed-fault-without-code': 'RR-09.3',
  'relay-metadata-changed': 'RR-14.1',
  'fault-relates-to-own-request': 'RR-14.2',
  'callback-drops-registration-date': 'RR-14.3',
  'callback-errors-reordered': 'RR-14.4',
  'file-reencoded': 'RR-14.5',
  'no-timeout-callback': 'RR-15.4',
  'no-callback-retry': 'RR-15.5',
  'rate-limit-immediate-retry': 'RR-17.2',
} as const;

export const GATEWAY_SERVICE_PATH = '/port/emdr';
export const GATEWAY_CALLBACK_PATH = '/gateway/emdr/callback';

export interface GatewayOptions extends ReferenceServerOptions {
  remdServiceUrl: string;
  /** The gateway's own GUID at REMD. */
  clientEntityId: string;
  /** The MIS behind a clientEntityId: where its callbacks go and where its files are pulled from. */
  systems: (clientEntityId: string) => { callbackUrl: string; documentFileUrl: string } | undefined;
  callbackMs: number;
  /** Each request's timeout (default callbackMs). */
  timeoutMs?: number;
  /** RR-17: repeats of a relayed request REMD answered RATE_LIMIT (default 0: the fault goes to the MIS, RR-14.2), at least MIN_BACKOFF_MS apart. */
  rateLimitRetries?: number;
  backoffMs?: number;
  name?: string;
}

export interface RunningGateway {
  url: string;
  /** Where a MIS registers (…/port/emdr). */
  serviceUrl: string;
  /** Where REMD calls back and pulls files (both operations on one endpoint). */
  callbackUrl: string;
  documentFileUrl: string;
  faults: FaultSet;
  relays(): readonly Relay[];
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const faults = new FaultSet(options.faults);
  const relays = new GatewayRelays({ ...options, faults, timeoutMs: options.timeoutMs ?? options.callbackMs });
  const running = await startMockServer(
    {
      name: options.name ?? PARTY.gateway,
      journal: options.journal,
      ...(options.externalParty ? { partyOf: () => options.externalParty } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      errorShape: soapFault('1.2'),
    },
    async (server) => {
      const understood = [{ ns: EGIS_NS, local: 'transportHeader' }];
      soapRoute(server, GATEWAY_SERVICE_PATH, { handlers: relays.serviceHandlers(), understood, onEnvelope: noteRefusal });
      soapRoute(server, GATEWAY_CALLBACK_PATH, { handlers: relays.callbackHandlers(), understood, onEnvelope: noteRefusal });
      classifyRefusals(server, [GATEWAY_SERVICE_PATH, GATEWAY_CALLBACK_PATH], () => faults.has('malformed-fault-without-code'));
      if (faults.has('relay-soap11')) server.ext('onPreHandler', (request, h) => relaySoap11(request, h, options));
    },
  );
  const callbackUrl = `${running.url}${GATEWAY_CALLBACK_PATH}`;
  return {
    url: running.url,
    serviceUrl: `${running.url}${GATEWAY_SERVICE_PATH}`,
    callbackUrl,
    documentFileUrl: callbackUrl,
    faults,
    relays: () => relays.all(),
    stop: async () => {
      relays.stop();
      await running.stop();
    },
  };
}

/** Planted fault `relay-soap11`: a SOAP 1.1 registerDocument passed to REMD as it came, and REMD's answer passed back. */
async function relaySoap11(request: Hapi.Request, h: Hapi.ResponseToolkit, options: GatewayOptions): Promise<Hapi.Lifecycle.ReturnValue> {
  const payload = request.payload;
  if (request.path !== GATEWAY_SERVICE_PATH || !Buffer.isBuffer(payload) || !payload.includes(SOAP11_NS)) return h.continue;
  const answer = await sendHttp(options.journal, {
    method: 'POST',
    url: options.remdServiceUrl,
    headers: { 'content-type': String(request.headers['content-type'] ?? 'text/xml; charset=utf-8') },
    body: payload.toString('utf8'),
    from: PARTY.gateway,
    to: PARTY.remd,
    timeoutMs: options.timeoutMs ?? options.callbackMs,
  });
  return h
    .response(answer.text)
    .code(answer.status)
    .type(answer.headers['content-type'] ?? 'text/xml')
    .takeover();
}
