/**
 * How Sello judges pe-ris traffic. Steps take the exchanges of their scenario from the journal — whoever sent them,
 * Sello, a reference implementation or the vendor's SUT — and these functions say what is wrong with them, as
 * findings that name the exchange they were judged on (so the report links each finding to its message).
 */
import { type Finding, type IssueCode, isBlocking, type LocationKind } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { readNotification } from './notifications.ts';
import { checkTriageBundle, outcomeIssues } from './triage-check.ts';

/** A finding with the exchange it was judged on. */
export type JudgedFinding = Finding & { exchangeId?: string; side?: 'request' | 'response' };

export const fail = (ruleId: string, code: IssueCode, location: string, es: string, en: string, kind: LocationKind = 'fhirpath'): Finding => ({
  ruleId,
  severity: 'error',
  code,
  location,
  locationKind: kind,
  message: { es, en },
});

const on = (x: ExchangeEntry, side: 'request' | 'response', findings: readonly Finding[]): JudgedFinding[] => findings.map((f) => ({ ...f, exchangeId: x.id, side }));

export function urlPath(url: string | undefined): string {
  try {
    return new URL(url ?? '', 'http://x').pathname;
  } catch {
    return '';
  }
}

/** A triage: POST of a Bundle to a FHIR base (…/fhir). */
export function isTriagePost(x: ExchangeEntry): boolean {
  const body = x.request?.body;
  return x.protocol === 'http' && x.method === 'POST' && /\/fhir\/?$/.test(urlPath(x.url)) && isObject(body) && body.resourceType === 'Bundle';
}

/** The triage Bundle as sent, judged like a receiver must judge it: RP-01…RP-08 and the TriageBundle profile. */
export function judgeTriage(x: ExchangeEntry): JudgedFinding[] {
  return on(x, 'request', checkTriageBundle(x.request?.body));
}

export const v2Exchanges = (xs: readonly ExchangeEntry[], type?: string): ExchangeEntry[] => xs.filter((x) => x.protocol === 'mllp' && (type === undefined || x.method === type));

// ——— refusals ———

export interface OutcomeExpectation {
  /** Exact status, or a class like 400–499. */
  status: number | { from: number; to: number };
  ruleId?: string;
  /** FHIRPath prefix one issue of that rule must point at. */
  at?: string;
}

/** A refusal must be an OperationOutcome with the expected 4xx, naming the rule at its FHIRPath. */
export function checkRefusal(x: ExchangeEntry, expected: OutcomeExpectation, requirement: string): JudgedFinding[] {
  const status = x.status;
  const body = x.response?.body;
  // A detailed check id (e.g. FHIR-CARDINALITY-MIN) says what the OperationOutcome must name; accepting is the requirement's.
  const ruleId = expected.ruleId && /^(RP|RIS)-/.test(expected.ruleId) ? expected.ruleId : requirement;
  const wanted = typeof expected.status === 'number' ? String(expected.status) : `${expected.status.from}–${expected.status.to}`;
  const okStatus = typeof expected.status === 'number' ? status === expected.status : status !== undefined && status >= expected.status.from && status <= expected.status.to;
  const issues = outcomeIssues(body);
  const out: Finding[] = [];
  if (status !== undefined && status >= 200 && status < 300) {
    return on(x, 'response', [
      fail(
        ruleId,
        'business-rule',
        expected.at ?? '',
        `Se esperaba un rechazo (HTTP ${wanted}${expected.ruleId ? ` por ${expected.ruleId}` : ''}); el sistema aceptó (HTTP ${status}).`,
        `Expected a refusal (HTTP ${wanted}${expected.ruleId ? ` under ${expected.ruleId}` : ''}); the system accepted (HTTP ${status}).`,
      ),
    ]);
  }
  const contractRule = expected.ruleId !== undefined && /^(RP|RIS)-/.test(expected.ruleId);
  const names = (i: (typeof issues)[number]) => i.codes.includes(expected.ruleId!) || new RegExp(`\\b${expected.ruleId}\\b`).test(i.text);
  const hit = expected.ruleId === undefined || issues.some((i) => (!contractRule || names(i)) && (expected.at === undefined || i.expression.some((e) => e.startsWith(expected.at!))));
  if (!okStatus && hit) {
    // Refused for the right reason with the wrong status: RIS-FHIR-01's (which status says what). A failure for another
    // reason (e.g. a 502 after forwarding what should have been refused) is the rule's, below.
    out.push(fail('RIS-FHIR-01', 'invalid', '', `Se esperaba HTTP ${wanted}; llegó ${status ?? x.error ?? 'nada'}.`, `Expected HTTP ${wanted}; got ${status ?? x.error ?? 'nothing'}.`));
  }
  if (!isObject(body) || body.resourceType !== 'OperationOutcome') {
    out.push(fail('RIS-FHIR-01', 'structure', '', 'El rechazo no es un OperationOutcome.', 'The refusal is not an OperationOutcome.'));
    return on(x, 'response', out);
  }
  // The contract's rule ids (RP-07 …) must be named — in any coding of the issue's details, or in its text. Sello's
  // own check ids (FHIR-CARDINALITY-MIN …) are unknowable to another implementation: there only the FHIRPath counts.
  if (expected.ruleId) {
    if (!hit) {
      const seen = issues.map((i) => `${i.ruleId} ${i.expression.join(',')}`).join('; ') || '—';
      out.push(
        fail(
          contractRule ? expected.ruleId : requirement,
          'business-rule',
          expected.at ?? '',
          `El OperationOutcome no nombra ${expected.ruleId}${expected.at ? ` en ${expected.at}` : ''}; trae: ${seen}.`,
          `The OperationOutcome does not name ${expected.ruleId}${expected.at ? ` at ${expected.at}` : ''}; it has: ${seen}.`,
        ),
      );
    }
  }
  return on(x, 'response', out);
}

// ——— notifications ———

export interface LegEvent {
  subscription: string;
  eventNumber: number;
  status?: string;
  versionId?: string;
  delivered: boolean;
  attempts: ExchangeEntry[];
  /** An attempt made after the event was acknowledged (2xx): a duplicate delivery (v1.1). */
  redelivered?: ExchangeEntry;
  promptlyAcked?: boolean;
}

/** A 2xx answered within this is one no notifier can have timed out on. */
const PROMPT_ACK_MS = 1000;

/**
 * The events of one follow-up on one leg (e.g. SIHCE → engine), by subscription and event number, with every
 * delivery attempt; plus shape findings (RIS-NOT-01) for notifications that cannot be read.
 */
export function legEvents(xs: readonly ExchangeEntry[], from: string, to: string, followUpId: string): { events: LegEvent[]; findings: JudgedFinding[] } {
  const byKey = new Map<string, LegEvent>();
  const findings: JudgedFinding[] = [];
  for (const x of xs) {
    if (x.protocol !== 'http' || x.method !== 'POST' || x.from !== from || x.to !== to) continue;
    const read = readNotification(x.request?.body);
    if (!read.ok) {
      findings.push(...on(x, 'request', read.findings));
      continue;
    }
    for (const e of read.notification.events) {
      // Per Task: Appointment events of the same follow-up are another sequence (and id-only payloads cannot be placed).
      const focusType = isObject(e.focus) ? String(e.focus.resourceType) : '';
      if (e.followUpId !== followUpId || focusType !== 'Task') continue;
      const key = `${read.notification.subscription}#${e.eventNumber}`;
      let ev = byKey.get(key);
      if (!ev) {
        byKey.set(
          key,
          (ev = {
            subscription: read.notification.subscription,
            eventNumber: e.eventNumber,
            delivered: false,
            attempts: [],
            ...(e.status ? { status: e.status } : {}),
            ...(e.versionId ? { versionId: e.versionId } : {}),
          }),
        );
      }
      // A retry after a timeout is allowed even when the receiver did answer 2xx, late: only a retry after a prompt
      // 2xx (well under any sensible client timeout) is a duplicate delivery.
      if (ev.promptlyAcked) ev.redelivered ??= x;
      ev.attempts.push(x);
      if (x.status !== undefined && x.status >= 200 && x.status < 300) {
        ev.delivered = true;
        if (Date.parse(x.finishedAt) - Date.parse(x.startedAt) < PROMPT_ACK_MS) ev.promptlyAcked = true;
      }
    }
  }
  const events = [...byKey.values()].sort((a, b) => a.subscription.localeCompare(b.subscription) || a.eventNumber - b.eventNumber);
  return { events, findings };
}

/**
 * Each expected status change once, in order, delivered: a change carried by two distinct events is RIS-NOT-02, an
 * order that differs from the changes' is RIS-NOT-02, an event never acknowledged or a change never notified is
 * RIS-NOT-01. `leg` names the notifier in the messages.
 */
export function checkLeg(events: readonly LegEvent[], expected: readonly string[], leg: string, opts: { redeliveryAllowed?: boolean } = {}): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  // v1.1: a notification is retried only after a non-2xx answer or a timeout; an acknowledged event sent again is a duplicate.
  for (const e of opts.redeliveryAllowed ? [] : events) {
    if (!e.redelivered) continue;
    out.push({
      ...fail(
        'RIS-NOT-02',
        'duplicate',
        'Bundle.entry[0].resource.parameter',
        `${leg}: el evento ${e.eventNumber} («${e.status}») se volvió a entregar después de ser aceptado (2xx).`,
        `${leg}: event ${e.eventNumber} ("${e.status}") was delivered again after it had been acknowledged (2xx).`,
      ),
      exchangeId: e.redelivered.id,
      side: 'request',
    });
  }
  const last = (e: LegEvent): ExchangeEntry | undefined => e.attempts.at(-1);
  const seen = new Map<string, LegEvent>();
  for (const e of events) {
    const key = `${e.status}@${e.versionId ?? e.eventNumber}`;
    const twin = seen.get(key);
    if (twin && e.versionId !== undefined) {
      const x = last(e);
      out.push({
        ...fail(
          'RIS-NOT-02',
          'duplicate',
          'Bundle.entry[0].resource.parameter',
          `${leg}: el cambio a «${e.status}» (versión ${e.versionId}) se notificó como dos eventos distintos (${twin.eventNumber} y ${e.eventNumber}).`,
          `${leg}: the change to "${e.status}" (version ${e.versionId}) was notified as two distinct events (${twin.eventNumber} and ${e.eventNumber}).`,
        ),
        ...(x ? { exchangeId: x.id, side: 'request' as const } : {}),
      });
    }
    seen.set(key, e);
    if (!e.delivered) {
      const x = last(e);
      out.push({
        ...fail(
          'RIS-NOT-01',
          'incomplete',
          'Bundle',
          `${leg}: el evento ${e.eventNumber} («${e.status}») nunca fue aceptado (2xx) tras ${e.attempts.length} intento(s).`,
          `${leg}: event ${e.eventNumber} ("${e.status}") was never acknowledged (2xx) after ${e.attempts.length} attempt(s).`,
        ),
        ...(x ? { exchangeId: x.id, side: 'response' as const } : {}),
      });
    }
  }
  const distinct = dedupeStatuses(events);
  const missing = expected.filter((s) => !distinct.includes(s));
  if (missing.length > 0) {
    out.push(
      fail(
        'RIS-NOT-01',
        'not-found',
        'Bundle',
        `${leg}: no se notificó el cambio a ${missing.map((s) => `«${s}»`).join(', ')}.`,
        `${leg}: the change to ${missing.map((s) => `"${s}"`).join(', ')} was not notified.`,
      ),
    );
  }
  const order = distinct.filter((s) => expected.includes(s));
  if (missing.length === 0 && order.join(',') !== expected.join(',')) {
    out.push(
      fail(
        'RIS-NOT-02',
        'business-rule',
        'Bundle',
        `${leg}: los cambios se notificaron en el orden ${order.join(' → ')}; ocurrieron ${expected.join(' → ')}.`,
        `${leg}: the changes were notified in the order ${order.join(' → ')}; they happened ${expected.join(' → ')}.`,
      ),
    );
  }
  return out;
}

function dedupeStatuses(events: readonly LegEvent[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    const key = `${e.status}@${e.versionId ?? e.eventNumber}`;
    if (seen.has(key) || e.status === undefined) continue;
    seen.add(key);
    out.push(e.status);
  }
  return out;
}

/**
 * Retries with back-off while the receiver was down: at least two failed attempts of one event, spaced by waits that
 * do not shrink (25 ms of jitter allowed) and no faster than 20 a second; and a later attempt that got through.
 */
/** A `retryOf` attempt is Sello's HTTP client repeating one refused connection, not the notifier's own policy. */
const ownAttempts = (e: LegEvent): ExchangeEntry[] => e.attempts.filter((a) => a.retryOf === undefined);

/** The notifier's own attempts of one event that the receiver did not acknowledge (refused, failed or non-2xx). */
export const failedAttempts = (e: LegEvent): number => ownAttempts(e).filter((a) => a.error !== undefined || (a.status ?? 0) >= 300).length;

export function checkBackoff(events: readonly LegEvent[], leg: string): JudgedFinding[] {
  const own = ownAttempts;
  const retried = events.filter((e) => failedAttempts(e) >= 2);
  if (retried.length === 0) {
    return [
      fail('RIS-NOT-01', 'incomplete', 'Bundle', `${leg}: no se reintentó ninguna notificación mientras el receptor estaba caído.`, `${leg}: no notification was retried while the receiver was down.`),
    ];
  }
  const out: JudgedFinding[] = [];
  for (const e of retried) {
    const times = own(e).map((a) => Date.parse(a.startedAt));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const shrinking = gaps.slice(1).some((g, i) => g + 25 < gaps[i]! && gaps[i]! < 1500);
    const flood = gaps.some((g) => g < 50);
    if (shrinking || flood) {
      const x = own(e).at(-1)!;
      out.push({
        ...fail(
          'RIS-NOT-01',
          'business-rule',
          'Bundle',
          `${leg}: los reintentos del evento ${e.eventNumber} no esperan cada vez más (intervalos ${gaps.join(', ')} ms).`,
          `${leg}: the retries of event ${e.eventNumber} do not back off (intervals ${gaps.join(', ')} ms).`,
        ),
        exchangeId: x.id,
        side: 'request',
      });
    }
  }
  return out;
}

export interface Aviso {
  seguimiento: string;
  estado: string;
  evento?: number;
}

/** What Qhali told the citizen, against the changes: each once, in order (RIS-NOT-02). */
export function checkAvisos(avisos: readonly Aviso[], expected: readonly string[], who: string): Finding[] {
  const got = avisos.map((a) => a.estado);
  if (got.join(',') === expected.join(',')) return [];
  const dup = got.filter((s, i) => got.indexOf(s) !== i);
  const es = dup.length > 0 ? `repetidos: ${[...new Set(dup)].join(', ')}` : got.length < expected.length ? 'faltan avisos' : 'en otro orden';
  const en = dup.length > 0 ? `repeated: ${[...new Set(dup)].join(', ')}` : got.length < expected.length ? 'notices missing' : 'in another order';
  return [
    fail(
      'RIS-NOT-02',
      dup.length > 0 ? 'duplicate' : 'business-rule',
      '/avisos',
      `Qhali avisó a ${who}: ${got.join(' → ') || 'nada'}; se esperaba ${expected.join(' → ')} (${es}).`,
      `Qhali told ${who}: ${got.join(' → ') || 'nothing'}; expected ${expected.join(' → ')} (${en}).`,
      'json-pointer',
    ),
  ];
}
