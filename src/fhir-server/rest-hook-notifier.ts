/**
 * Rest-hook delivery of one subscription's notifications, as a reference FHIR server does it: one event per notification,
 * strictly in event-number order (the head of the queue is retried until the receiver answers 2xx, so nothing
 * behind it can overtake it), retries with exponential back-off, and nothing dropped — an event leaves the queue only
 * when acknowledged. Every attempt, refused connections included, is in the exchange journal. What is POSTed for an
 * event (e.g. an R4 Backport notification Bundle with the program's topic) is the program's `body`.
 */
import type { ExchangeJournal } from '../journal/journal.ts';
import { sendHttp } from '../transport/http-client.ts';
import { sleep } from '../util/wait.ts';

export interface BackoffPolicy {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/** 100 ms, 200, 400, 800, 1600, then every 2 s: a receiver down for a few seconds gets everything within ~2 s of its return. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ firstMs: 100, factor: 2, maxMs: 2000 });

export interface NotifierOptions {
  journal: ExchangeJournal;
  /** Party names in the journal. */
  from: string;
  to: string;
  endpoint: string;
  /** `Subscription/3`: with the event number, the message id of each delivery in the journal. */
  subscription: string;
  /** The body POSTed for one event (an attempt and its retries send the same event, with the same number). */
  body: (event: NotifiedEvent) => unknown;
  /** Default `application/fhir+json`. */
  contentType?: string;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  /** Planted defects: each change notified as two distinct events; a failed delivery never retried. */
  notifyTwice?: boolean;
  noRetry?: boolean;
  /** Planted defect: an acknowledged event delivered again (a duplicate). */
  redeliverAfter2xx?: boolean;
}

/** One event of the subscription: its number (from 1, never reused), when it happened, and what changed. */
export interface NotifiedEvent {
  eventNumber: number;
  timestamp: string;
  /** `Task/12`. */
  focusRef: string;
  focus: Record<string, unknown>;
}

type Pending = NotifiedEvent;

export class RestHookNotifier {
  readonly #queue: Pending[] = [];
  #events = 0;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  /** Deliveries acknowledged with 2xx, and attempts made. */
  readonly stats = { delivered: 0, attempts: 0, dropped: 0 };

  /** Test mode for a receiver under test: batches are delivered in reverse order and each event twice. */
  #chaos = false;

  constructor(private readonly opts: NotifierOptions) {}

  /** Switches the reverse-and-repeat delivery on or off (a stand-in notifier testing a receiver's ordering). */
  setChaos(on: boolean): void {
    this.#chaos = on;
  }

  get endpoint(): string {
    return this.opts.endpoint;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** A status change of `focus`: queued with the next event number (two, under the notify-twice defect). */
  notify(focusRef: string, focus: Record<string, unknown>): void {
    if (this.#stopped) return;
    const copies = this.opts.notifyTwice ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.#queue.push({ eventNumber: ++this.#events, timestamp: new Date().toISOString(), focusRef, focus: structuredClone(focus) });
    }
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits (bounded) until everything queued is delivered; true when it was. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length > 0 && Date.now() < deadline) await sleep(25);
    return this.#queue.length === 0;
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    const backoff = this.opts.backoff ?? DEFAULT_BACKOFF;
    let delay = backoff.firstMs;
    while (!this.#stopped && this.#queue.length > 0) {
      if (this.#chaos) {
        await this.#chaosRound();
        if (this.#queue.length === 0) break;
      }
      const head = this.#queue[0]!;
      const ok = await this.#deliver(head);
      if (ok) {
        this.#queue.shift();
        this.stats.delivered++;
        delay = backoff.firstMs;
        continue;
      }
      if (this.opts.noRetry) {
        this.#queue.shift();
        this.stats.dropped++;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
      delay = Math.min(backoff.maxMs, delay * backoff.factor);
    }
  }

  /** Lets changes made together gather (300 ms), then sends them newest first, each twice; acknowledged ones leave the queue. */
  async #chaosRound(): Promise<void> {
    await sleep(300);
    const batch = [...this.#queue].reverse();
    const acknowledged = new Set<number>();
    for (const event of batch) {
      for (let i = 0; i < 2; i++) if (await this.#deliver(event)) acknowledged.add(event.eventNumber);
    }
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (acknowledged.has(this.#queue[i]!.eventNumber)) {
        this.#queue.splice(i, 1);
        this.stats.delivered++;
      }
    }
  }

  async #deliver(event: Pending): Promise<boolean> {
    const ok = await this.#post(event);
    // The defect: a timeout-happy client that re-sends what was already acknowledged.
    if (ok && this.opts.redeliverAfter2xx) await this.#post(event);
    return ok;
  }

  async #post(event: Pending): Promise<boolean> {
    this.stats.attempts++;
    const body = this.opts.body(event);
    try {
      const response = await sendHttp(this.opts.journal, {
        method: 'POST',
        url: this.opts.endpoint,
        headers: { 'content-type': this.opts.contentType ?? 'application/fhir+json' },
        body,
        from: this.opts.from,
        to: this.opts.to,
        messageId: `${this.opts.subscription}#${event.eventNumber}`,
        timeoutMs: this.opts.timeoutMs ?? 5000,
      });
      return response.status >= 200 && response.status < 300;
    } catch {
      // Refused, reset or timed out: the journal has the attempt; the event stays at the head and is retried.
      return false;
    }
  }
}
