/** One journaled SOAP exchange read once for every judge: who sent it, who answered, its operation and both envelopes. */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { SOAP11_NS, SOAP12_NS, type SoapEnvelope } from '../../../src/soap/index.ts';
import type { OperationName, RuRole } from '../lib/contract.ts';
import { bodyText } from './expectations.ts';
import { isSoapExchange, operationOf, readSide } from './soap-leg.ts';
import { receiverOf, senderOf, type WireState } from './wire-state.ts';

export interface WireRead {
  x: ExchangeEntry;
  /** The role that sent the request (undefined for Sello's stimuli and control calls: not judged). */
  sender?: RuRole;
  /** The role that answered it (judged whoever asked). */
  receiver?: RuRole;
  op?: OperationName;
  req?: SoapEnvelope;
  res?: SoapEnvelope;
}

/** The scenario's SOAP exchanges read, in journal order (the MIS's JSON control calls and the like left out). */
export function readWire(exchanges: readonly ExchangeEntry[], state: Pick<WireState, 'sutRole'>): WireRead[] {
  const out: WireRead[] = [];
  for (const x of exchanges) {
    if (!isSoapExchange(x)) continue;
    const req = readSide(x, 'request');
    const res = x.error === undefined ? readSide(x, 'response') : undefined;
    const sender = senderOf(x, state);
    const receiver = receiverOf(x);
    const op = operationOf(req);
    out.push({ x, ...(sender ? { sender } : {}), ...(receiver ? { receiver } : {}), ...(op ? { op } : {}), ...(req ? { req } : {}), ...(res ? { res } : {}) });
  }
  return out;
}

/**
 * The request as its receiver took it: a SOAP 1.1 envelope answered as if it were fine (RR-08's defect, judged on the
 * answer) was taken as its SOAP 1.2 twin, so what it registered is known and a callback relating to it is no second
 * defect (RR-05). Any other request as read.
 */
export function requestAsTaken(r: WireRead): Pick<WireRead, 'req' | 'op'> {
  if (r.req?.version !== '1.1' || r.res?.version !== '1.2' || r.res.fault || !r.x.request) return { ...(r.req ? { req: r.req } : {}), ...(r.op ? { op: r.op } : {}) };
  const body = bodyText(r.x.request).split(SOAP11_NS).join(SOAP12_NS);
  const req = readSide({ ...r.x, request: { ...r.x.request, body, headers: { ...r.x.request.headers, 'content-type': 'application/soap+xml; charset=UTF-8' } } }, 'request');
  const op = operationOf(req);
  return { ...(req ? { req } : {}), ...(op ? { op } : {}) };
}
