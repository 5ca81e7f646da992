/**
 * Follow-up status notifications (shared/specs/pe-ris.md "Notifications"): FHIR R4 Subscriptions in the style of the
 * R5 Backport IG — rest-hook channel, `full-resource` or `id-only` payload — whose notification is a `history` Bundle
 * led by a SubscriptionStatus `Parameters` (subscription, topic, type, events-since-subscription-start, and one
 * `notification-event` per event with its `event-number`, `timestamp` and `focus`), followed by the focus resources.
 *
 * Event numbers count per subscription from 1 and never repeat: a retry resends the same number, a new status change
 * takes the next one. That is what lets a receiver tell a retry (deliver once) from a new change, and see a gap.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../../src/findings/finding.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { BACKPORT_PAYLOAD_EXT, BACKPORT_STATUS_PROFILE, SYSTEM, TOPIC_SEGUIMIENTO } from '../lib/constants.ts';

export type PayloadContent = 'id-only' | 'full-resource';

export interface NotificationEvent {
  eventNumber: number;
  timestamp: string;
  /** `Task/12`, relative to the notifier's base, or absolute. */
  focusRef: string;
  /** The focus resource as it is after the change (full-resource payloads). */
  focus?: Record<string, unknown>;
}

export interface NotificationInput {
  /** `Subscription/3`. */
  subscription: string;
  topic?: string;
  type?: 'event-notification' | 'handshake' | 'heartbeat';
  eventsSinceSubscriptionStart: number;
  events: NotificationEvent[];
  payload: PayloadContent;
  /** Base URL the focus fullUrls are made absolute against. */
  baseUrl?: string;
}

/** The status entry's id: from what it notifies (subscription and event numbers), so a replayed run sends the same. */
function statusUuid(n: NotificationInput): string {
  const h = createHash('sha256')
    .update(`${n.subscription}#${n.eventsSinceSubscriptionStart}#${n.events.map((e) => `${e.eventNumber}:${e.focusRef}`).join(',')}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The notification Bundle (type history) a notifier POSTs to a rest-hook endpoint. */
export function notificationBundle(n: NotificationInput): Record<string, unknown> {
  const status = {
    resourceType: 'Parameters',
    meta: { profile: [BACKPORT_STATUS_PROFILE] },
    parameter: [
      { name: 'subscription', valueReference: { reference: n.subscription } },
      { name: 'topic', valueCanonical: n.topic ?? TOPIC_SEGUIMIENTO },
      { name: 'status', valueCode: 'active' },
      { name: 'type', valueCode: n.type ?? 'event-notification' },
      { name: 'events-since-subscription-start', valueString: String(n.eventsSinceSubscriptionStart) },
      ...n.events.map((e) => ({
        name: 'notification-event',
        part: [
          { name: 'event-number', valueString: String(e.eventNumber) },
          { name: 'timestamp', valueInstant: e.timestamp },
          { name: 'focus', valueReference: { reference: e.focusRef } },
        ],
      })),
    ],
  };
  const base = (n.baseUrl ?? '').replace(/\/$/, '');
  const focusEntries =
    n.payload === 'full-resource'
      ? n.events
          .filter((e) => e.focus)
          .map((e) => ({
            fullUrl: /^https?:/.test(e.focusRef) || !base ? e.focusRef : `${base}/${e.focusRef}`,
            resource: e.focus,
            request: { method: 'PUT', url: e.focusRef.replace(/^.*\/(\w+\/[^/]+)$/, '$1') },
            response: { status: '200' },
          }))
      : [];
  return {
    resourceType: 'Bundle',
    type: 'history',
    timestamp: n.events.at(-1)?.timestamp ?? new Date().toISOString(),
    entry: [{ fullUrl: `urn:uuid:${statusUuid(n)}`, resource: status, request: { method: 'GET', url: `${n.subscription}/$status` }, response: { status: '200' } }, ...focusEntries],
  };
}

export interface ReadNotification {
  subscription: string;
  type: string;
  eventsSinceSubscriptionStart?: number;
  events: (NotificationEvent & { followUpId?: string; status?: string; versionId?: string })[];
}

/** Reads a notification Bundle; findings (rule RIS-NOT-01, FHIRPath locations) say what is wrong with its shape. */
export function readNotification(body: unknown): { ok: true; notification: ReadNotification } | { ok: false; findings: Finding[] } {
  const bad = (location: string, es: string, en: string): { ok: false; findings: Finding[] } => ({
    ok: false,
    findings: [{ ruleId: 'RIS-NOT-01', severity: 'error', code: 'structure', location, locationKind: 'fhirpath', message: { es, en } }],
  });
  if (!isObject(body) || body.resourceType !== 'Bundle' || body.type !== 'history' || !Array.isArray(body.entry)) {
    return bad('Bundle', 'La notificación debe ser un Bundle de tipo history.', 'A notification must be a Bundle of type history.');
  }
  const first = isObject(body.entry[0]) ? body.entry[0].resource : undefined;
  if (!isObject(first) || first.resourceType !== 'Parameters' || !Array.isArray(first.parameter)) {
    return bad('Bundle.entry[0].resource', 'La primera entrada debe ser el estado de la suscripción (Parameters).', 'The first entry must be the subscription status (Parameters).');
  }
  const params = first.parameter.filter(isObject);
  const value = (name: string): unknown => {
    const p = params.find((x) => x.name === name);
    if (!p) return undefined;
    return p.valueString ?? p.valueCode ?? p.valueCanonical ?? (isObject(p.valueReference) ? p.valueReference.reference : undefined);
  };
  const subscription = value('subscription');
  if (typeof subscription !== 'string') {
    return bad('Bundle.entry[0].resource.parameter', 'Falta el parámetro «subscription».', 'The "subscription" parameter is missing.');
  }
  const focusByRef = new Map<string, Record<string, unknown>>();
  for (const entry of body.entry.slice(1)) {
    if (!isObject(entry) || !isObject(entry.resource)) continue;
    const r = entry.resource;
    const rel = `${String(r.resourceType)}/${String(r.id)}`;
    focusByRef.set(rel, r);
    if (typeof entry.fullUrl === 'string') focusByRef.set(entry.fullUrl, r);
  }
  const events: ReadNotification['events'] = [];
  for (const [i, p] of params.entries()) {
    if (p.name !== 'notification-event') continue;
    const parts = Array.isArray(p.part) ? p.part.filter(isObject) : [];
    const part = (name: string) => parts.find((x) => x.name === name);
    const number = Number(part('event-number')?.valueString ?? part('event-number')?.valueInteger);
    const focusRef = isObject(part('focus')?.valueReference) ? (part('focus')!.valueReference as Record<string, unknown>).reference : undefined;
    if (!Number.isInteger(number) || number < 1 || typeof focusRef !== 'string') {
      return bad(
        `Bundle.entry[0].resource.parameter[${i}]`,
        'Cada notification-event necesita event-number (entero ≥ 1) y focus.',
        'Each notification-event needs an event-number (integer ≥ 1) and a focus.',
      );
    }
    const rel = focusRef.replace(/^.*\/(\w+\/[^/]+)$/, '$1');
    const focus = focusByRef.get(focusRef) ?? focusByRef.get(rel);
    events.push({
      eventNumber: number,
      timestamp: String(part('timestamp')?.valueInstant ?? ''),
      focusRef,
      ...(focus ? { focus, ...followUpFacts(focus) } : {}),
    });
  }
  const since = Number(value('events-since-subscription-start'));
  return {
    ok: true,
    notification: {
      subscription,
      type: String(value('type') ?? 'event-notification'),
      ...(Number.isInteger(since) ? { eventsSinceSubscriptionStart: since } : {}),
      events,
    },
  };
}

/** Qhali's follow-up id, status and version of a notified Task or Appointment. */
export function followUpFacts(resource: Record<string, unknown>): { followUpId?: string; status?: string; versionId?: string } {
  const ids = Array.isArray(resource.identifier) ? resource.identifier.filter(isObject) : [];
  const id = ids.find((x) => x.system === SYSTEM.qhaliTask)?.value;
  const meta = isObject(resource.meta) ? resource.meta : {};
  return {
    ...(typeof id === 'string' ? { followUpId: id } : {}),
    ...(typeof resource.status === 'string' ? { status: resource.status } : {}),
    ...(typeof meta.versionId === 'string' ? { versionId: meta.versionId } : {}),
  };
}

/** A Subscription (R4, Backport style) on follow-up status changes, delivered by rest-hook to `endpoint`. */
export function subscriptionResource(endpoint: string, opts: { criteria?: string; payload?: PayloadContent; reason?: string } = {}): Record<string, unknown> {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: opts.reason ?? 'Cambios de estado del seguimiento tras el triaje de Qhali',
    criteria: opts.criteria ?? TOPIC_SEGUIMIENTO,
    channel: {
      type: 'rest-hook',
      endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: BACKPORT_PAYLOAD_EXT, valueCode: opts.payload ?? 'full-resource' }] },
    },
  };
}

// ——— the receiver's bookkeeping: each change once, in order ———

export type Admission = 'deliver' | 'duplicate' | 'held';

/**
 * What a receiver does with incoming events of one subscription: deliver each event number once and in order,
 * acknowledge a repeat without delivering it again, and hold an event that arrives before its predecessors until they
 * come (the notifier retries whatever was not acknowledged). `admit` returns the events now deliverable, in order.
 */
export class EventSequencer<T extends { eventNumber: number }> {
  #next = 1;
  readonly #held = new Map<number, T>();

  constructor(first = 1) {
    this.#next = first;
  }

  get expected(): number {
    return this.#next;
  }

  admit(event: T): { admission: Admission; deliverable: T[] } {
    if (event.eventNumber < this.#next || this.#held.has(event.eventNumber)) return { admission: 'duplicate', deliverable: [] };
    if (event.eventNumber > this.#next) {
      this.#held.set(event.eventNumber, event);
      return { admission: 'held', deliverable: [] };
    }
    const deliverable = [event];
    this.#next++;
    for (let e = this.#held.get(this.#next); e; e = this.#held.get(this.#next)) {
      this.#held.delete(this.#next);
      deliverable.push(e);
      this.#next++;
    }
    return { admission: 'deliver', deliverable };
  }
}
