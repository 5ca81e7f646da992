/** Every wait in Sello is bounded and names what it waited for, so a timeout is a readable finding, not a hang. */
export class WaitTimeoutError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastObservation?: string) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}${lastObservation ? ` (last seen: ${lastObservation})` : ''}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined. A probe may also return
 * `{ pending: description }` to say what it saw, which ends up in the timeout message.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | { pending: string }> | T | undefined | { pending: string },
  { what, timeoutMs, intervalMs = 100 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    const result = await probe();
    if (result !== undefined && !isPending(result)) return result as T;
    if (result !== undefined && isPending(result)) last = result.pending;
    if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, last);
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

function isPending(value: unknown): value is { pending: string } {
  return typeof value === 'object' && value !== null && 'pending' in value && Object.keys(value).length === 1;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
