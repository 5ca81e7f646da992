/**
 * The engine's rest-hook notifier (src/fhir-server/rest-hook-notifier.ts) speaking pe-ris: each event is an R4 Backport
 * notification Bundle on the follow-up topic (judges/notifications.ts), and the roles' fault keys plant its defects.
 */
import { type NotifierOptions, RestHookNotifier } from '../../../src/fhir-server/rest-hook-notifier.ts';
import { notificationBundle, type PayloadContent } from '../judges/notifications.ts';

export { type BackoffPolicy, DEFAULT_BACKOFF } from '../../../src/fhir-server/rest-hook-notifier.ts';

export interface RisNotifierOptions extends Omit<NotifierOptions, 'body' | 'contentType'> {
  payload: PayloadContent;
  /** Base URL of the notifier's FHIR API, for the focus fullUrls. */
  baseUrl: string;
  /** Planted defect: notifications without their event number. */
  noEventNumber?: boolean;
}

export class RisNotifier extends RestHookNotifier {
  constructor(options: RisNotifierOptions) {
    const { payload, baseUrl, noEventNumber, ...delivery } = options;
    super({
      ...delivery,
      body: (event) => {
        const built = notificationBundle({ subscription: options.subscription, eventsSinceSubscriptionStart: event.eventNumber, events: [event], payload, baseUrl });
        return noEventNumber ? withoutEventNumbers(built) : built;
      },
    });
  }
}

/** The notifier's planted defects from a role's fault keys. */
export function notifierFaults(faults: { has(name: string): boolean }): Pick<RisNotifierOptions, 'notifyTwice' | 'noRetry' | 'noEventNumber' | 'redeliverAfter2xx'> {
  return {
    notifyTwice: faults.has('notify-twice'),
    noRetry: faults.has('no-retry'),
    noEventNumber: faults.has('no-event-number'),
    redeliverAfter2xx: faults.has('retry-after-2xx'),
  };
}

/** Drops every `event-number` part (the no-event-number defect). */
function withoutEventNumbers(body: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(body) as { entry?: { resource?: { parameter?: { part?: { name?: string }[] }[] } }[] };
  for (const p of out.entry?.[0]?.resource?.parameter ?? []) if (p.part) p.part = p.part.filter((x) => x.name !== 'event-number');
  return out as Record<string, unknown>;
}
