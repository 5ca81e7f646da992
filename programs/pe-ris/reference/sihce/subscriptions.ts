/**
 * SIHCE's Subscriptions: a status change of a Task or Appointment is notified to every active rest-hook subscription
 * on the follow-up topic (R5 Backport style, full-resource or id-only), each by its own notifier — in order, retried
 * with back-off, never dropped. The same endpoint and criteria subscribed twice is one subscription.
 */

import type { FhirStore, Resource } from '../../../../src/fhir-server/store.ts';
import type { Finding } from '../../../../src/findings/finding.ts';
import type { ExchangeJournal } from '../../../../src/journal/journal.ts';
import type { FaultSet } from '../../../../src/mock/faults.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import type { PayloadContent } from '../../judges/notifications.ts';
import { PARTY, TOPIC_SEGUIMIENTO } from '../../lib/constants.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, notifierFaults, RisNotifier } from '../notifier.ts';

/** Types whose status changes are notified. */
const NOTIFIED = new Set(['Task', 'Appointment']);

export interface SubscriptionsOptions {
  journal: ExchangeJournal;
  store: FhirStore;
  faults: FaultSet;
  baseUrl(): string;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
}

export class SihceSubscriptions {
  readonly #notifiers = new Map<string, RisNotifier>();

  constructor(private readonly opts: SubscriptionsOptions) {}

  /** A status change of a Task or Appointment goes to every active subscription on the follow-up topic. */
  statusChanged(previous: Resource | undefined, current: Resource): void {
    if (!NOTIFIED.has(current.resourceType) || previous?.status === current.status) return;
    for (const sub of this.opts.store.all('Subscription')) {
      const criteria = String(sub.criteria ?? '');
      if (criteria !== TOPIC_SEGUIMIENTO && !criteria.startsWith(current.resourceType)) continue;
      this.#notifierFor(sub)?.notify(`${current.resourceType}/${String(current.id)}`, current);
    }
  }

  /** The subscription was deleted: its notifier stops. */
  dropped(id: string): void {
    this.#notifiers.get(id)?.stop();
    this.#notifiers.delete(id);
  }

  notifiers(): RisNotifier[] {
    return [...this.#notifiers.values()];
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.notifiers().map((n) => n.drain(1000)));
    for (const n of this.#notifiers.values()) n.stop();
  }

  #notifierFor(sub: Resource): RisNotifier | undefined {
    const channel = isObject(sub.channel) ? sub.channel : {};
    if (sub.status !== 'active' || channel.type !== 'rest-hook' || typeof channel.endpoint !== 'string') return undefined;
    let n = this.#notifiers.get(String(sub.id));
    if (!n) {
      const ext = isObject(channel._payload) && Array.isArray(channel._payload.extension) ? channel._payload.extension.filter(isObject) : [];
      const payload = (ext.find((x) => typeof x.valueCode === 'string')?.valueCode ?? 'full-resource') as PayloadContent;
      n = new RisNotifier({
        journal: this.opts.journal,
        from: PARTY.sihce,
        to: partyOfEndpoint(channel.endpoint),
        endpoint: channel.endpoint,
        subscription: `Subscription/${String(sub.id)}`,
        payload: payload === 'id-only' ? 'id-only' : 'full-resource',
        baseUrl: this.opts.baseUrl(),
        backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
        ...notifierFaults(this.opts.faults),
        ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      });
      this.#notifiers.set(String(sub.id), n);
    }
    return n;
  }
}

/** Who a rest-hook endpoint belongs to, for the journal (the engine's and Qhali's mocks use these paths). */
export function partyOfEndpoint(endpoint: string): string {
  return /\/notificaciones\/sihce\b/.test(endpoint) ? PARTY.engine : /\/notificaciones\b/.test(endpoint) ? PARTY.qhali : 'subscriber';
}

export function sameSubscription(store: FhirStore, sub: Resource): Resource | undefined {
  const endpoint = isObject(sub.channel) ? sub.channel.endpoint : undefined;
  return store.all('Subscription').find((s) => s.status === 'active' && isObject(s.channel) && s.channel.endpoint === endpoint && s.criteria === sub.criteria);
}

/** A Subscription must name a rest-hook channel with an http(s) endpoint. */
export function subscriptionProblems(resource: Record<string, unknown>): Finding[] {
  if (resource.resourceType !== 'Subscription') return [];
  const channel = isObject(resource.channel) ? resource.channel : {};
  const out: Finding[] = [];
  const issue = (location: string, es: string, en: string): Finding => ({ ruleId: 'RIS-NOT-01', severity: 'error', code: 'not-supported', location, locationKind: 'fhirpath', message: { es, en } });
  if (channel.type !== 'rest-hook') out.push(issue('Subscription.channel.type', 'El SIHCE solo notifica por rest-hook.', 'SIHCE only notifies by rest-hook.'));
  if (typeof channel.endpoint !== 'string' || !/^https?:\/\//.test(channel.endpoint)) {
    out.push(issue('Subscription.channel.endpoint', 'channel.endpoint debe ser una URL http(s).', 'channel.endpoint must be an http(s) URL.'));
  }
  return out;
}
