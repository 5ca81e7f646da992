/** Every wait in Sello is bounded and names what it waited for, so a timeout is a readable finding, not a hang. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastObservation?: string,
  ) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}${lastObservation ? ` (last seen: ${lastObservation})` : ''}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /**
   * The event the wait is for (a journal entry recorded, a callback received): `subscribe(wake)` calls `wake` on
   * each, the probe runs again at once, and the wait ends as soon as one satisfies it rather than at the next
   * interval; `intervalMs` stays as a fallback for what no event announces. Returns the unsubscribe.
   */
  wakeOn?: (wake: () => void) => () => void;
}

/**
 * Polls `probe` until it returns a value other than undefined. A probe may also return
 * `{ pending: description }` to say what it saw, which ends up in the timeout message.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | { pending: string }> | T | undefined | { pending: string },
  { what, timeoutMs, intervalMs = 100, wakeOn }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  // An event during a probe is not lost: the next pause is skipped.
  let woken = false;
  let wake: (() => void) | undefined;
  const unsubscribe = wakeOn?.(() => {
    woken = true;
    wake?.();
  });
  try {
    for (;;) {
      woken = false;
      const result = await withinDeadline(probe, deadline, what, timeoutMs, last);
      if (result !== undefined && !isPending(result)) return result as T;
      if (result !== undefined && isPending(result)) last = result.pending;
      if (Date.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, last);
      if (!woken) await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())), (resume) => (wake = resume));
      wake = undefined;
    }
  } finally {
    unsubscribe?.();
  }
}

/** Sleeps `ms`, or less when `onWake`'s resume is called. */
function pause(ms: number, onWake: (resume: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A probe that never settles (a hung socket) must not stretch the wait past its deadline. */
async function withinDeadline<T>(probe: () => Promise<T> | T, deadline: number, what: string, timeoutMs: number, last?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(what, timeoutMs, last ?? 'a check that had not answered')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([Promise.resolve().then(probe), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function isPending(value: unknown): value is { pending: string } {
  return typeof value === 'object' && value !== null && 'pending' in value && Object.keys(value).length === 1;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
