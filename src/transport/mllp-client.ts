/**
 * HL7 v2 over MLLP with evidence: every message (or raw bytes) sent and the reply, or why none came, goes into the
 * exchange journal as a `mllp` exchange — MSH-9 as its method, MSH-10 as its message id, `mllp://host:port` as its
 * URL — so the report shows the v2 leg next to the FHIR one. Uses Sello's own MLLP sender (src/hl7v2/mllp.ts):
 * node-hl7-client cannot send the broken frames a conformance test needs (see that file).
 */
import { exchangeMllp, frameMllp, type MllpPool, type MllpReply, parseEr7, valueAt } from '../hl7v2/index.ts';
import type { MllpFailure } from '../hl7v2/mllp.ts';
import { decodeWithEncoding } from '../hl7v2/mllp.ts';
import type { ExchangeJournal } from '../journal/journal.ts';
import { type InfrastructureCause, InfrastructureError } from './infrastructure-error.ts';

export interface MllpTarget {
  host: string;
  port: number;
}

export interface V2Send {
  to: MllpTarget;
  from: string;
  toParty: string;
  /** A message, framed VT … FS CR; or `raw` bytes sent exactly as given (garbage, broken framing). */
  message?: string;
  raw?: Buffer;
  /** The message as bytes, framed (e.g. encoded otherwise than MSH-18 says); `message` is still what the journal shows. */
  bytes?: Buffer;
  timeoutMs?: number;
  /** When false, the exchange is left to the listener to journal (both ends are Sello's, in this process). */
  journal?: boolean;
  /** Persistent connections to `to` (src/hl7v2/mllp-pool.ts); without it each exchange has a connection of its own. */
  pool?: MllpPool;
}

export const mllpUrl = (t: MllpTarget): string => `mllp://${t.host}:${t.port}`;

/** `ADT^A04` and MSH-10 of a message, when it has them. */
export function v2Header(text: string): { type?: string; controlId?: string } {
  const m = parseEr7(text);
  if (!m.ok) return {};
  const type = [1, 2]
    .map((c) => valueAt(m, { segment: 'MSH', field: 9, component: c }))
    .filter(Boolean)
    .join('^');
  const controlId = valueAt(m, { segment: 'MSH', field: 10 });
  return { ...(type ? { type } : {}), ...(controlId ? { controlId } : {}) };
}

/** How raw bytes are shown in evidence: control characters named, so framing defects are visible. */
export function showBytes(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/\x0b/g, '<VT>')
    .replace(/\x1c/g, '<FS>')
    .replace(/\r(?!$)/g, '<CR>\r')
    .replace(/[\x00-\x08\x0e-\x1f]/g, (c) => `<0x${c.charCodeAt(0).toString(16).padStart(2, '0')}>`);
}

/** A peer's MLLP listener could not be reached, reset the connection, or did not answer in time: no verdict. */
export class MllpUnreachableError extends InfrastructureError {
  constructor(endpoint: string, cause: InfrastructureCause, reason: string, exchangeId?: string) {
    super(endpoint, cause, reason, exchangeId);
    this.name = 'MllpUnreachableError';
  }
}

const TRANSIENT: ReadonlySet<MllpFailure> = new Set(['connect-failed', 'socket-error', 'closed-before-reply']);
const CAUSE: Readonly<Record<MllpFailure, InfrastructureCause>> = {
  'connect-failed': 'unreachable',
  'connect-timeout': 'timeout',
  'reply-timeout': 'timeout',
  'closed-before-reply': 'reset',
  'socket-error': 'reset',
  'bad-reply-frame': 'protocol',
};

/** The cause of a failed exchange as an InfrastructureError cause. */
export const infrastructureCause = (reason: MllpFailure): InfrastructureCause => CAUSE[reason];

/**
 * One MLLP exchange, journaled. With `retryOnce`, a transient connection error (refused, reset, closed before the
 * reply) is tried once more after a short pause; both attempts are on the record, the second marked as a retry.
 */
export async function sendV2(journal: ExchangeJournal, send: V2Send & { retryOnce?: boolean }): Promise<MllpReply & { exchangeId?: string }> {
  const bytes = send.raw ?? (send.bytes ? frameMllp(send.bytes) : frameMllp(send.message ?? ''));
  const header = send.message !== undefined ? v2Header(send.message) : {};
  let retryOf: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = new Date().toISOString();
    const timeoutMs = send.timeoutMs ?? 5000;
    const reply = send.pool ? await send.pool.exchange(bytes, { timeoutMs }) : await exchangeMllp(send.to.host, send.to.port, bytes, { timeoutMs });
    let exchangeId: string | undefined;
    if (send.journal !== false) {
      const framingErrors = reply.ok ? reply.framing.filter((f) => f.severity === 'error') : [];
      const entry = journal.record({
        protocol: 'mllp',
        observedBy: 'client',
        from: send.from,
        to: send.toParty,
        method: header.type ?? (send.raw ? 'raw bytes' : 'HL7 v2'),
        url: mllpUrl(send.to),
        ...(header.controlId ? { messageId: header.controlId } : {}),
        ...(retryOf ? { retryOf } : {}),
        startedAt,
        finishedAt: new Date().toISOString(),
        request: {
          headers: { framing: send.raw ? 'as sent (raw)' : 'VT … FS CR', ...(send.bytes ? { encoding: decodeWithEncoding(send.bytes).encoding } : {}) },
          body: send.message ?? showBytes(bytes),
        },
        ...(reply.ok
          ? {
              response: {
                headers: {
                  ...(reply.framing.length ? { framing: reply.framing.map((f) => f.message.en).join(' ') } : {}),
                  ...(framingErrors.length ? { [FRAMING_ERROR_HEADER]: framingErrors.map((f) => f.message.en).join(' ') } : {}),
                  ...(reply.encoding && reply.encoding !== 'utf-8' ? { encoding: reply.encoding } : {}),
                },
                body: reply.ack,
              },
            }
          : { error: `${reply.reason}: waited for ${reply.waitedFor}: ${reply.detail}` }),
      });
      exchangeId = entry.id;
    }
    if (reply.ok || !send.retryOnce || attempt > 1 || !TRANSIENT.has(reply.reason)) return { ...reply, ...(exchangeId ? { exchangeId } : {}) };
    retryOf = exchangeId;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Response header of a journaled MLLP exchange whose reply was badly framed: a finding against the replier. */
export const FRAMING_ERROR_HEADER = 'x-sello-framing-error';

/** MSA-1 and MSA-2 of an ACK. */
export function ackCode(ack: string): { code: string; correlation: string } {
  const m = parseEr7(ack);
  return { code: valueAt(m, { segment: 'MSA', field: 1 }), correlation: valueAt(m, { segment: 'MSA', field: 2 }) };
}
