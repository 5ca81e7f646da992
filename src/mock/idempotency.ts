import { createHash } from 'node:crypto';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyDecision = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' };

/** Same message id + same body = same answer, without doing the work twice; same id + other body = conflict. */
export class IdempotencyCache {
  readonly #seen = new Map<string, { bodyHash: string; response: StoredResponse }>();

  static hash(body: Buffer | string): string {
    return createHash('sha256').update(body).digest('hex');
  }

  decide(messageId: string, bodyHash: string): IdempotencyDecision {
    const seen = this.#seen.get(messageId);
    if (!seen) return { kind: 'new' };
    return seen.bodyHash === bodyHash ? { kind: 'replay', response: seen.response } : { kind: 'conflict' };
  }

  remember(messageId: string, bodyHash: string, response: StoredResponse): void {
    this.#seen.set(messageId, { bodyHash, response });
  }
}
