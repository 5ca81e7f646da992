/** One journaled SOAP exchange read once for every judge: who sent it, who answered, its operation and both envelopes. */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import type { SoapEnvelope } from '../../../src/soap/index.ts';
import type { OperationName, RuRole } from '../lib/contract.ts';
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
