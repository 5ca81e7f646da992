/**
 * The weather, not the system: a peer that could not be reached, reset the connection, or did not answer within the
 * target's timeouts. A scenario that meets one is INCONCLUSIVE (exit 5), never a conformance failure, so every
 * transport throws a subclass of this and the report recognises it by type, not by the text of a message.
 */
export type InfrastructureCause = 'unreachable' | 'reset' | 'timeout' | 'protocol';

export class InfrastructureError extends Error {
  constructor(
    readonly endpoint: string,
    readonly cause_: InfrastructureCause,
    readonly reason: string,
    /** The journal entry of the attempt that failed, when one was recorded. */
    readonly exchangeId?: string,
  ) {
    super(`Cannot reach ${endpoint}: ${reason}`);
    this.name = 'InfrastructureError';
  }
}

export const isInfrastructureError = (error: unknown): error is InfrastructureError => error instanceof InfrastructureError;
