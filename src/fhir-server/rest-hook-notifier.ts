/**
 * Rest-hook delivery of one subscription's notifications, as a reference FHIR server does it: one event per notification,
 * strictly in event-number order (the head of the queue is retried until the receiver answers 2xx, so nothing
 * behind it can overtake it), retries with capped exponential back-off, and nothing dropped — an event leaves the
 * queue only when acknowledged. A receiver that stays down is not retried for ever: after MAX_DELIVERY_ATTEMPTS
 * failed attempts of one event the notifier gives up (FHIR R4: the Subscription goes to `error`, with `error` saying
 * why) and sends nothing more. Every attempt, refused connections included, is in the exchange journal. What is POSTed for an
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

/**
 * Waits between attempts of one event: 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s. A receiver down for a few
 * seconds (the certification's planned outages last 2 s) gets everything within ~1–2 s of its return, and a dead one
 * costs a request every 5 s at most, never a busy loop.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ firstMs: 250, factor: 2, maxMs: 5000 });

/**
 * Attempts of one event before the notifier gives up: with DEFAULT_BACKOFF the 8th is ~17.75 s after the first, so a
 * receiver gets ~18 s to come back (nine times the longest planned outage) before the subscription goes to `error`.
 */
export const MAX_DELIVERY_ATTEMPTS = 8;

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
  /** Failed attempts of one event before giving up (default MAX_DELIVERY_ATTEMPTS). */
  maxAttempts?: number;
  /** Told once, when the notifier gives up: why (e.g. for the Subscription's `error`). */
  onGiveUp?: (failure: string) => void;
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
  #failure: string | undefined;
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

  /** Why the notifier gave up (it sends nothing more), or undefined while it still delivers. */
  get failure(): string | undefined {
    return this.#failure;
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
    const maxAttempts = this.opts.maxAttempts ?? MAX_DELIVERY_ATTEMPTS;
    let delay = backoff.firstMs;
    let failed = 0;
    while (!this.#stopped && this.#queue.length > 0) {
      if (this.#chaos) {
        await this.#chaosRound();
        if (this.#queue.length === 0) break;
      }
      const head = this.#queue[0]!;
      const outcome = await this.#deliver(head);
      if (outcome === true) {
        this.#queue.shift();
        this.stats.delivered++;
        delay = backoff.firstMs;
        failed = 0;
        continue;
      }
      if (this.opts.noRetry) {
        this.#queue.shift();
        this.stats.dropped++;
        continue;
      }
      if (++failed >= maxAttempts) {
        this.#giveUp(`${failed} attempts to deliver event ${head.eventNumber} to ${this.opts.endpoint} failed (last: ${outcome}); no more notifications are sent`);
        break;
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

  #giveUp(failure: string): void {
    this.#failure = failure;
    this.#stopped = true;
    try {
      this.opts.onGiveUp?.(failure);
    } catch {
      // The owner's bookkeeping failing must not turn into an unhandled rejection of the delivery loop.
    }
  }

  /** Lets changes made together gather (300 ms), then sends them newest first, each twice; acknowledged ones leave the queue. */
  async #chaosRound(): Promise<void> {
    await sleep(300);
    const batch = [...this.#queue].reverse();
    const acknowledged = new Set<number>();
    for (const event of batch) {
      for (let i = 0; i < 2; i++) if ((await this.#deliver(event)) === true) acknowledged.add(event.eventNumber);
    }
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (acknowledged.has(this.#queue[i]!.eventNumber)) {
        this.#queue.splice(i, 1);
        this.stats.delivered++;
      }
    }
  }

  /** True when acknowledged, else what went wrong (`HTTP 503`, `ECONNREFUSED …`). */
  async #deliver(event: Pending): Promise<true | string> {
    const ok = await this.#post(event);
    // The defect: a timeout-happy client that re-sends what was already acknowledged.
    if (ok === true && this.opts.redeliverAfter2xx) await this.#post(event);
    return ok;
  }

  async #post(event: Pending): Promise<true | string> {
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
      return response.status >= 200 && response.status < 300 ? true : `HTTP ${response.status}`;
    } catch (error) {
      // Refused, reset or timed out: the journal has the attempt; the event stays at the head and is retried.
      return error instanceof Error ? error.message : String(error);
    }
  }
}
