/**
 * Delivers a registerDocumentResult callback the way v1.1 wants it retried (RR-15): the same envelope (so the same
 * wsa:MessageID and body) until a SOAP 1.2 answer that is not a Fault acknowledges it, at least `intervalMs` apart,
 * at most MAX_CALLBACK_ATTEMPTS times. A connection that fails counts as an attempt, not as a crash.
 */
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { type SoapCallResult, soapCall } from '../../../src/soap/index.ts';
import { EndpointUnreachableError } from '../../../src/transport/http-client.ts';
import { acknowledged } from './ru-soap.ts';

export const MAX_CALLBACK_ATTEMPTS = 5;

export interface Delivery {
  attempts: number;
  acknowledged: boolean;
  calls: SoapCallResult[];
  /** Resolves when acknowledged or given up. */
  done: Promise<void>;
  /** Stops further attempts (the role is stopping). */
  cancel(): void;
}

/** Margin on every wait between attempts, so that "at least intervalMs apart" holds on the record. */
const TIMER_SLACK_MS = 5;

export function deliverCallback(url: string, envelope: string, options: { journal: ExchangeJournal; from: string; to: string; timeoutMs: number; intervalMs: number; maxAttempts?: number }): Delivery {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const delivery: Delivery = {
    attempts: 0,
    acknowledged: false,
    calls: [],
    done: Promise.resolve(),
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
      wake?.();
    },
  };
  const max = options.maxAttempts ?? MAX_CALLBACK_ATTEMPTS;
  delivery.done = (async () => {
    while (!cancelled && delivery.attempts < max) {
      let started = Date.now();
      delivery.attempts++;
      try {
        const call = await soapCall(url, envelope, { journal: options.journal, from: options.from, to: options.to, timeoutMs: options.timeoutMs });
        // The spacing is judged on the journal's times: count from when the attempt went on the record.
        started = Math.max(started, Date.parse(call.exchange.startedAt) || started);
        delivery.calls.push(call);
        if (acknowledged(call)) {
          delivery.acknowledged = true;
          return;
        }
      } catch (error) {
        if (!(error instanceof EndpointUnreachableError)) throw error;
        // A transport retry is an attempt on the record too: the next one keeps its distance from it.
        const last = error.exchangeId ? options.journal.all().find((x) => x.id === error.exchangeId) : undefined;
        if (last) started = Math.max(started, Date.parse(last.startedAt) || started);
      }
      // Measured from the start of the attempt before: "no sooner than intervalMs later".
      // Plus a few ms: timers may fire a millisecond early, and the record's times are whole milliseconds.
      const wait = Math.max(0, options.intervalMs - (Date.now() - started)) + TIMER_SLACK_MS;
      if (delivery.attempts < max && !cancelled)
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, wait);
        });
    }
  })();
  return delivery;
}
