/**
 * The asynchronous half of a request: the answer that matters arrives later, as a request of its own (a callback)
 * naming the original MessageID. awaitCorrelated waits for it, bounded, and says what it waited for when it times out.
 */
import { WaitTimeoutError } from '../util/wait.ts';

/** What can be waited on: the exchange journal (its entries) or an Inbox a callback handler fills. */
export interface Observable<T> {
  all(): readonly T[];
  onRecord(listener: (item: T) => void): () => void;
}

/** Items a handler receives (e.g. callbacks, already read), in arrival order; bounded like the journal. */
export class Inbox<T> implements Observable<T> {
  readonly #items: T[] = [];
  readonly #listeners = new Set<(item: T) => void>();

  /** Past `max` items the oldest are dropped: a mock left running must not grow without end. */
  constructor(readonly max = 10_000) {}

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.max) this.#items.shift();
    for (const listener of this.#listeners) listener(item);
  }

  all(): readonly T[] {
    return this.#items;
  }

  onRecord(listener: (item: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * The first item of `source` (present already or arriving within `timeoutMs`) that `predicate` accepts. On timeout,
 * a WaitTimeoutError naming `what` and how many items were seen without a match.
 */
export function awaitCorrelated<T>(source: Observable<T>, predicate: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let seen = 0;
    let done = false;
    const test = (item: T): boolean => {
      seen++;
      let hit = false;
      try {
        hit = predicate(item);
      } catch {
        // A predicate that cannot read one item (a body that is not what it expects) has not matched it.
      }
      if (hit && !done) {
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(item);
      }
      return hit;
    };
    // Subscribed before scanning, so nothing recorded between the two is missed; `done` stops a second resolve.
    const unsubscribe = source.onRecord(test);
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      unsubscribe();
      reject(new WaitTimeoutError(what, timeoutMs, `${seen} item(s), none matching`));
    }, timeoutMs);
    for (const item of [...source.all()]) if (test(item)) break;
  });
}
