/**
 * Judging the wire: every message a role sent in a scenario, on every leg, against the profile of its leg and the
 * rules that bind its sender — whatever the scenario set out to test. Sello's own calls (parties named `sello …`) are
 * not judged; what the roles answer them is.
 *
 * - engine → SIHCE (MLLP): the v2 profiles (RIS-V2-04; each finding says which profile check, e.g. V2-PE-DNI),
 *   the bytes against MSH-18 (RIS-V2-04), and what it carries from the triage it translates (RP-02, RP-03, RP-05,
 *   RIS-MAP-01);
 * - SIHCE's ACKs: the ACK profile and semantics (RIS-V2-01), their MLLP framing (RIS-V2-03);
 * - Qhali's triage Bundles: TriageBundle and RP-01…RP-08;
 * - the FHIR answers of SIHCE and the engine: a refusal is an OperationOutcome whose issues say where (RIS-FHIR-01);
 *   SIHCE's create is 201 with Location (RIS-FHIR-02);
 * - notifications (SIHCE → engine, engine → Qhali): the notification Bundle's shape (RIS-NOT-01).
 * Each finding names the role whose message it judges and the exchange it was judged on.
 */
import { type Finding, isBlocking } from '../../../src/findings/finding.ts';
import { checkAck, parseEr7, validateHl7, valueAt } from '../../../src/hl7v2/index.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { FRAMING_ERROR_HEADER } from '../../../src/transport/mllp-client.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { PARTY, RIS_ROLES, type RisRole } from '../lib/constants.ts';
import { PE_RIS_V2 } from '../lib/v2-contract.ts';
import { checkTranslation, pidDni, type TriageFacts, triageFacts } from '../lib/v2-messages.ts';
import type { JudgedFinding } from './expectations.ts';
import { readNotification } from './notifications.ts';
import { checkTriageBundle } from './triage-check.ts';

/** The role a journal party is, when it is one of the program's roles (not Sello's own calls). */
export function roleOf(party: string | undefined): RisRole | undefined {
  return RIS_ROLES.find((r) => PARTY[r] === party);
}

/** A finding of a detailed check re-attributed to the rule it shows broken, the check's id kept in its text. */
export function underRule(ruleId: string, f: Finding): Finding {
  if (f.ruleId === ruleId) return f;
  return {
    ...f,
    ruleId,
    message: { ...f.message, en: `[${f.ruleId}] ${f.message.en}`, ...(f.message.es ? { es: `[${f.ruleId}] ${f.message.es}` } : {}) },
  };
}

const on = (x: ExchangeEntry, side: 'request' | 'response', role: RisRole | undefined, findings: readonly Finding[]): JudgedFinding[] =>
  findings.map((f) => ({ ...f, exchangeId: x.id, side, ...(role ? { role } : {}) }));

const urlPath = (url: string | undefined): string => {
  try {
    return new URL(url ?? '', 'http://x').pathname;
  } catch {
    return '';
  }
};

const MSH18_UTF8 = /^UNICODE UTF-8$/i;

/** The engine's v2 message: profile, character set, and (when its triage is on the record) the translation. */
export function judgeEngineV2(x: ExchangeEntry, facts: TriageFacts | undefined): JudgedFinding[] {
  const message = typeof x.request?.body === 'string' ? x.request.body : '';
  // A DNI whose check character does not match is RP-02's, wherever it travels; the rest of the profile is RIS-V2-04's.
  const out: Finding[] = validateHl7(message, PE_RIS_V2)
    .filter(isBlocking)
    .map((f) => underRule(f.ruleId === 'ID-DNI-CHECK' ? 'RP-02' : 'RIS-V2-04', f));
  const encoding = x.request?.headers?.encoding;
  const m = parseEr7(message);
  const charset = m.ok ? valueAt(m, { segment: 'MSH', field: 18 }) : '';
  if (m.ok && !MSH18_UTF8.test(charset)) {
    out.push({
      ruleId: 'RIS-V2-04',
      severity: 'error',
      code: 'value',
      location: 'MSH-18',
      locationKind: 'hl7v2',
      message: { en: `MSH-18 is "${charset}"; v1.1: every v2 message declares UNICODE UTF-8.`, es: `MSH-18 es «${charset}»; v1.1: todo mensaje v2 declara UNICODE UTF-8.` },
    });
  } else if (encoding && encoding !== 'utf-8' && m.ok) {
    out.push({
      ruleId: 'RIS-V2-04',
      severity: 'error',
      code: 'invalid',
      location: 'MSH-18',
      locationKind: 'hl7v2',
      message: {
        en: `MSH-18 declares UNICODE UTF-8 but the message's bytes are not valid UTF-8 (read as ${encoding}).`,
        es: `MSH-18 declara UNICODE UTF-8 pero los bytes del mensaje no son UTF-8 válido (leídos como ${encoding}).`,
      },
    });
  }
  if (facts) out.push(...checkTranslation(facts, message));
  return on(x, 'request', 'engine', out);
}

/** SIHCE's ACK: profile and semantics against the message it answers (RIS-V2-01), framing (RIS-V2-03). */
export function judgeSihceAck(x: ExchangeEntry): JudgedFinding[] {
  const ack = typeof x.response?.body === 'string' ? x.response.body : undefined;
  if (ack === undefined) return [];
  const out: Finding[] = [];
  const framing = x.response?.headers?.[FRAMING_ERROR_HEADER];
  if (framing) {
    out.push({
      ruleId: 'RIS-V2-03',
      severity: 'error',
      code: 'structure',
      location: 'MSH',
      locationKind: 'hl7v2',
      message: { en: `SIHCE's ACK is badly framed: ${framing}`, es: `El ACK del SIHCE está mal enmarcado: ${framing}` },
    });
  }
  const encoding = x.response?.headers?.encoding;
  if (encoding && encoding !== 'utf-8') {
    out.push({
      ruleId: 'RIS-V2-01',
      severity: 'error',
      code: 'invalid',
      location: 'MSH-18',
      locationKind: 'hl7v2',
      message: {
        en: `SIHCE's ACK is not valid UTF-8 (read as ${encoding}); v1.1: every v2 message is UNICODE UTF-8.`,
        es: `El ACK del SIHCE no es UTF-8 válido (leído como ${encoding}); v1.1: todo mensaje v2 es UNICODE UTF-8.`,
      },
    });
  }
  // Raw bytes (garbage, broken frames) have no original to correlate with: their ACK is judged by the step.
  if (x.method !== 'raw bytes' && typeof x.request?.body === 'string') {
    out.push(
      ...checkAck(x.request.body, ack, PE_RIS_V2)
        .filter(isBlocking)
        .map((f) => underRule('RIS-V2-01', f)),
    );
  }
  return on(x, 'response', 'sihce', out);
}

/** The triage Bundles of a scenario, by DNI number: what the engine's messages must carry. */
function triagesByDni(xs: readonly ExchangeEntry[]): Map<string, { facts: TriageFacts; at: string }[]> {
  const out = new Map<string, { facts: TriageFacts; at: string }[]>();
  for (const x of xs) {
    if (!isTriage(x)) continue;
    const facts = triageFacts(x.request.body);
    if (!facts) continue;
    const list = out.get(facts.dni) ?? [];
    list.push({ facts, at: x.startedAt });
    out.set(facts.dni, list);
  }
  return out;
}

export function isTriage(x: ExchangeEntry): boolean {
  const body = x.request?.body;
  return x.protocol === 'http' && x.method === 'POST' && /\/fhir\/?$/.test(urlPath(x.url)) && isObject(body) && body.resourceType === 'Bundle';
}

/** A FHIR refusal must be an OperationOutcome naming where the problem is. */
function judgeRefusal(x: ExchangeEntry, role: RisRole): JudgedFinding[] {
  const status = x.status;
  // Bad input (400, 404, 422) is what RIS-FHIR-01 binds; a 410 for a deleted resource may come without a body.
  if (status !== 400 && status !== 404 && status !== 422) return [];
  const body = x.response?.body;
  const fail = (location: string, en: string, es: string): JudgedFinding[] =>
    on(x, 'response', role, [{ ruleId: 'RIS-FHIR-01', severity: 'error', code: 'structure', location, locationKind: 'fhirpath', message: { en, es } }]);
  if (!isObject(body) || body.resourceType !== 'OperationOutcome') {
    return fail('', `HTTP ${status} without an OperationOutcome.`, `HTTP ${status} sin un OperationOutcome.`);
  }
  const issues = Array.isArray(body.issue) ? body.issue.filter(isObject) : [];
  if (issues.length === 0) return fail('OperationOutcome.issue', `HTTP ${status}: the OperationOutcome has no issue.`, `HTTP ${status}: el OperationOutcome no trae issue.`);
  return [];
}

/** SIHCE's answer to a create (POST [base]/Type): 201 Created with Location. */
function judgeCreate(x: ExchangeEntry): JudgedFinding[] {
  const path = urlPath(x.url);
  if (x.method !== 'POST' || !/\/fhir\/[A-Z][A-Za-z]+\/?$/.test(path) || x.status === undefined || x.status >= 300) return [];
  const out: Finding[] = [];
  const fail = (location: string, en: string, es: string) => out.push({ ruleId: 'RIS-FHIR-02', severity: 'error', code: 'processing', location, locationKind: 'http', message: { en, es } });
  // v1.1: the same criteria and endpoint are one subscription, so a repeated Subscription POST may answer 200 with it.
  if (x.status !== 201 && !(x.status === 200 && /\/Subscription\/?$/.test(path)))
    fail('status', `A create must answer 201 Created; SIHCE answered ${x.status}.`, `Una creación debe responder 201 Created; el SIHCE respondió ${x.status}.`);
  else if (x.status === 201 && !x.response?.headers?.location) fail('Location', 'A 201 Created without a Location header.', 'Un 201 Created sin cabecera Location.');
  return on(x, 'response', 'sihce', out);
}

/**
 * Every finding the wire of a scenario shows, in the order the messages went. `facts` of the triages are taken from
 * the same exchanges (a triage Qhali sent, or Sello as Qhali).
 */
export function judgeWire(xs: readonly ExchangeEntry[]): JudgedFinding[] {
  const triages = triagesByDni(xs);
  const out: JudgedFinding[] = [];
  for (const x of xs) {
    const sender = roleOf(x.from);
    const receiver = roleOf(x.to);
    if (x.protocol === 'mllp') {
      if (receiver !== 'sihce') continue;
      if (sender === 'engine' && x.method !== 'raw bytes' && typeof x.request?.body === 'string') {
        const m = parseEr7(x.request.body);
        const dni = m.ok ? pidDni(m)?.number : undefined;
        const candidates = dni ? (triages.get(dni) ?? []) : [];
        // A person triaged twice: the latest triage sent before this message is the one it translates.
        const facts = (candidates.filter((t) => t.at <= x.startedAt).at(-1) ?? candidates.at(-1))?.facts;
        out.push(...judgeEngineV2(x, facts));
      }
      out.push(...judgeSihceAck(x));
      continue;
    }
    if (isTriage(x)) {
      if (sender === 'qhali') out.push(...on(x, 'request', 'qhali', checkTriageBundle(x.request.body)));
      if (receiver === 'engine' || receiver === 'sihce') out.push(...judgeRefusal(x, receiver));
      continue;
    }
    if (receiver === 'sihce') {
      out.push(...judgeRefusal(x, 'sihce'), ...judgeCreate(x));
      continue;
    }
    // Notifications: SIHCE → engine, engine → Qhali (and SIHCE → Qhali when Qhali subscribed directly).
    if (x.method === 'POST' && (sender === 'sihce' || sender === 'engine') && (receiver === 'engine' || receiver === 'qhali')) {
      const read = readNotification(x.request?.body);
      if (!read.ok) out.push(...on(x, 'request', sender, read.findings));
      // A well-formed notification must be answered 2xx (a planned outage of Sello's stand-in aside).
      else if (x.status !== undefined && (x.status < 200 || x.status >= 300) && !x.response?.headers?.[PLANNED_OUTAGE_HEADER]) {
        out.push(
          ...on(x, 'response', receiver, [
            {
              ruleId: 'RIS-NOT-01',
              severity: 'error',
              code: 'processing',
              location: 'status',
              locationKind: 'http',
              message: {
                en: `A well-formed notification was answered HTTP ${x.status}; the receiver must answer 2xx.`,
                es: `Una notificación bien formada recibió HTTP ${x.status}; el receptor debe responder 2xx.`,
              },
            },
          ]),
        );
      }
    }
  }
  return out;
}

/** Response header of Sello's stand-in receivers during an outage a scenario planned (503 on purpose). */
export const PLANNED_OUTAGE_HEADER = 'x-sello-planned-outage';

/** A finding's identity, so one defect seen twice (by a step and by the wire) is reported once. */
export const findingKey = (f: JudgedFinding): string => `${f.ruleId}|${f.exchangeId ?? ''}|${f.side ?? ''}|${f.location}`;
