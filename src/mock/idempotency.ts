import { createHash } from 'node:crypto';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyDecision = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

/**
 * Message ids remembered. A certification writes a few hundred; a node left running for days would otherwise keep
 * every id it ever saw. Past this the oldest is forgotten (a resend that late is processed as new). ~0.5 KiB each.
 */
export const IDEMPOTENCY_MAX_ENTRIES = 20_000;

/** Same message id + same body = same answer, without doing the work twice; same id + other body = conflict. */
export class IdempotencyCache {
  readonly #seen = new Map<string, { bodyHash: string; response: StoredResponse }>();

  constructor(private readonly maxEntries = IDEMPOTENCY_MAX_ENTRIES) {}

  static hash(body: Buffer | string): string {
    return createHash('sha256').update(body).digest('hex');
  }

  decide(messageId: string, bodyHash: string): IdempotencyDecision {
    const seen = this.#seen.get(messageId);
    if (!seen) return { kind: 'new' };
    return seen.bodyHash === bodyHash ? { kind: 'replay', response: seen.response } : { kind: 'conflict' };
  }

  remember(messageId: string, bodyHash: string, response: StoredResponse): void {
    this.#seen.delete(messageId);
    this.#seen.set(messageId, { bodyHash, response });
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.#seen.size > this.maxEntries) this.#seen.delete(this.#seen.keys().next().value!);
  }
}
