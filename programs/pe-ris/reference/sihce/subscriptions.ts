/**
 * SIHCE's Subscriptions: a status change of a Task or Appointment is notified to every active rest-hook subscription
 * on the follow-up topic (R5 Backport style, full-resource or id-only), each by its own notifier — in order, retried
 * with capped back-off, never dropped. The same endpoint and criteria subscribed twice is one subscription. A
 * subscriber that stays unreachable through MAX_DELIVERY_ATTEMPTS attempts of one event puts its Subscription in
 * status `error`, with `error` saying why (FHIR R4), as a read shows; it gets nothing more until subscribed again
 * (a new POST, or a PUT back to `active`).
 *
 * Writes (create, update, delete) of a Subscription need `Authorization: Bearer <writeToken>` when SIHCE has one:
 * a Subscription makes SIHCE send requests on its own, so a stranger must not be able to make one. The deployment
 * gives SIHCE a token, per run, whenever Sello's engine is its subscriber (the engine and Sello's steps send it); the
 * pe-ris spec names no authentication, so where a vendor's system may subscribe (an engine under test) or SIHCE
 * stands in for a vendor's (started alone), there is none to require. A refused write is 401 with an OperationOutcome
 * and WWW-Authenticate, journaled without its body.
 *
 * Endpoints: http(s) only, on a host the run knows — loopback, the host SIHCE listens on (where Sello's own mocks
 * listen), or a host of the target file's URLs (SubscriptionsOptions.subscriberHosts) — so a request to SIHCE cannot
 * turn it into a client of any address on the network (the pe-ris spec names no other subscriber than the engine).
 */

import { timingSafeEqual } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import type { FhirStore, Resource } from '../../../../src/fhir-server/store.ts';
import type { Finding } from '../../../../src/findings/finding.ts';
import type { ExchangeJournal } from '../../../../src/journal/journal.ts';
import type { FaultSet } from '../../../../src/mock/faults.ts';
import { markUnauthenticated } from '../../../../src/mock/mock-server.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import type { PayloadContent } from '../../judges/notifications.ts';
import { simpleOutcome } from '../../judges/triage-check.ts';
import { PARTY, TOPIC_SEGUIMIENTO } from '../../lib/constants.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, notifierFaults, RisNotifier } from '../notifier.ts';
import { refuse, reply } from './reply.ts';

/** Types whose status changes are notified. */
const NOTIFIED = new Set(['Task', 'Appointment']);

export interface SubscriptionsOptions {
  journal: ExchangeJournal;
  store: FhirStore;
  faults: FaultSet;
  baseUrl(): string;
  backoff?: BackoffPolicy;
  timeoutMs?: number;
  /** Hosts a subscriber may be on besides loopback (the host SIHCE listens on; a target file's URLs' hosts). */
  subscriberHosts?: readonly string[];
  /** The bearer token a Subscription write must carry; none: writes are not authenticated. */
  writeToken?: string;
}

/** Host names that are this machine, whatever the run's configuration. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

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

  /** Undefined when `request` may create, update or delete a Subscription; else the 401 that refuses it. */
  refuseUnauthenticated(request: Hapi.Request, h: Hapi.ResponseToolkit): Hapi.ResponseObject | undefined {
    const token = this.opts.writeToken;
    if (token === undefined) return undefined;
    const given = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (given !== undefined && sameToken(given, token)) return undefined;
    markUnauthenticated(request);
    const why = given === undefined ? { es: 'falta el token Bearer', en: 'the Bearer token is missing' } : { es: 'el token no es válido', en: 'the token is not valid' };
    return reply(
      h,
      401,
      simpleOutcome('login', `Crear, cambiar o borrar una Subscription exige autenticación: ${why.es}.`, `Creating, updating or deleting a Subscription needs authentication: ${why.en}.`, 'FHIR-API'),
      { 'www-authenticate': `Bearer realm="sihce"${given === undefined ? '' : ', error="invalid_token"'}` },
    );
  }

  /** A transaction that carries a Subscription is held to the same checks as POST /Subscription (else a way around them). */
  refuseInTransaction(request: Hapi.Request, h: Hapi.ResponseToolkit, bundle: unknown): Hapi.ResponseObject | undefined {
    const entries = isObject(bundle) && Array.isArray(bundle.entry) ? bundle.entry : [];
    const subscriptions = entries.flatMap((e, i) => (isObject(e) && isObject(e.resource) && e.resource.resourceType === 'Subscription' ? [{ i, resource: e.resource }] : []));
    if (subscriptions.length === 0) return undefined;
    const unauthenticated = this.refuseUnauthenticated(request, h);
    if (unauthenticated) return unauthenticated;
    const findings = subscriptions.flatMap(({ i, resource }) => this.problems(resource).map((f) => ({ ...f, location: f.location.replace(/^Subscription/, `Bundle.entry[${i}].resource`) })));
    return findings.length > 0 ? refuse(h, findings) : undefined;
  }

  /** What refuses a Subscription: its channel (rest-hook, http(s)) and an endpoint host the run does not know. */
  problems(resource: Record<string, unknown>): Finding[] {
    const out = subscriptionProblems(resource);
    if (out.length > 0 || resource.resourceType !== 'Subscription') return out;
    const endpoint = String((resource.channel as { endpoint: string }).endpoint);
    let host: string;
    try {
      host = new URL(endpoint).hostname;
    } catch {
      return [notSupported('Subscription.channel.endpoint', 'channel.endpoint no es una URL válida.', 'channel.endpoint is not a valid URL.')];
    }
    const known = new Set((this.opts.subscriberHosts ?? []).map((h) => h.toLowerCase()));
    if (LOOPBACK.test(host) || known.has(host.toLowerCase())) return [];
    return [
      {
        ...notSupported(
          'Subscription.channel.endpoint',
          `El SIHCE de Sello solo notifica a hosts de la prueba (loopback, ${[...known].join(', ') || 'su propio host'}); ${host} no lo es.`,
          `Sello's SIHCE only notifies hosts of the test run (loopback, ${[...known].join(', ') || 'its own host'}); ${host} is not one.`,
        ),
        code: 'security',
      },
    ];
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.notifiers().map((n) => n.drain(1000)));
    for (const n of this.#notifiers.values()) n.stop();
  }

  #notifierFor(sub: Resource): RisNotifier | undefined {
    const channel = isObject(sub.channel) ? sub.channel : {};
    if (sub.status !== 'active' || channel.type !== 'rest-hook' || typeof channel.endpoint !== 'string') return undefined;
    let n = this.#notifiers.get(String(sub.id));
    // Given up on, then set `active` again (a PUT): a new notifier, with a new attempt budget.
    if (n?.failure) {
      n = undefined;
      this.#notifiers.delete(String(sub.id));
    }
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
        onGiveUp: (failure) => this.#failed(String(sub.id), failure),
      });
      this.#notifiers.set(String(sub.id), n);
    }
    return n;
  }

  /** FHIR R4 Subscription.status `error` and `error`: a read of the Subscription says why nothing arrives any more. */
  #failed(id: string, failure: string): void {
    const stored = this.opts.store.read('Subscription', id);
    if (!stored || stored.status !== 'active') return;
    this.opts.store.update('Subscription', id, { ...stored, status: 'error', error: failure });
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
  const issue = notSupported;
  if (channel.type !== 'rest-hook') out.push(issue('Subscription.channel.type', 'El SIHCE solo notifica por rest-hook.', 'SIHCE only notifies by rest-hook.'));
  if (typeof channel.endpoint !== 'string' || !/^https?:\/\//.test(channel.endpoint)) {
    out.push(issue('Subscription.channel.endpoint', 'channel.endpoint debe ser una URL http(s).', 'channel.endpoint must be an http(s) URL.'));
  }
  return out;
}

function notSupported(location: string, es: string, en: string): Finding {
  return { ruleId: 'RIS-NOT-01', severity: 'error', code: 'not-supported', location, locationKind: 'fhirpath', message: { es, en } };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
