/**
 * Judging the wire: every SOAP message a role sent, on every leg (MIS ⇄ REMD, MIS ⇄ gateway ⇄ REMD, REMD's file pull
 * and callback), against the profile of its message and the rules that bind its sender — whatever the scenario set
 * out to test. Sello's own stimuli and control calls (parties `sello …`) are not judged; what a role answers them is.
 *
 * - every message: SOAP 1.2 and its media type, WS-Addressing, clientEntityId where owed (RR-08), MessageID a UUID
 *   (RR-05), its body against its message's XSD (Package B's checkMessage, under the rule of that message);
 * - Faults: RR-09's shape; answers: their own MessageID, RelatesTo naming the request (RR-08, RR-05);
 * - requests: MessageIDs never reused by a sender across the run (RR-05); localUid never reused by a MIS once
 *   registered (RR-13);
 * - callbacks: shape, correlation and echo (RR-10, RR-05), repeats (RR-15), the MIS acknowledging them (RR-10);
 * - the file a MIS serves through getDocumentFile: REMD's whole check (Package C) under each check's rule;
 * - a gateway's relays, both ways (RR-14).
 * Each finding names the role whose message it judges, the exchange and side it was judged on, and an XPath.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { messageIdKey } from '../../../src/soap/index.ts';
import { EGIS_NS } from '../lib/contract.ts';
import { checkFaultDetail, checkMessage, checkTransportHeader } from '../lib/message-check.ts';
import { readGetDocumentFile, readRegisterDocument } from '../lib/messages.ts';
import { judgeCallback, judgeCallbackRepeat, resultOf } from './callback-leg.ts';
import { judgeServedDocument, servedRegistration } from './document-leg.ts';
import type { JudgedFinding } from './expectations.ts';
import { isVersionMismatch } from './expectations.ts';
import { judgeRelays } from './relay.ts';
import { BODY, childNamed, clientEntityIdOf, finding, HEADER, judgeAnswerTransport, judgeFault, judgeRequestTransport, underRule } from './soap-leg.ts';
import { readWire, requestAsTaken, type WireRead } from './wire-read.ts';
import { registrationKey, type WireState } from './wire-state.ts';

export { newWireState, roleOf, type WireState } from './wire-state.ts';

/** A finding's identity, so one defect seen twice (by a step and by the wire) is reported once. */
export const findingKey = (f: JudgedFinding): string => `${f.ruleId}|${f.role ?? ''}|${f.exchangeId ?? ''}|${f.side ?? ''}|${f.location}`;

const on = (r: WireRead, side: 'request' | 'response', role: string, findings: ReadonlyArray<ReturnType<typeof finding>>): JudgedFinding[] =>
  findings.map((f) => ({ ...f, role, exchangeId: r.x.id, side }));

const accepted = (r: WireRead): boolean => r.res?.version === '1.2' && !r.res.fault && (r.x.status ?? 0) >= 200 && (r.x.status ?? 0) < 300;

/** Every registerDocument on the wire, whoever sent it, and every success callback marking one registered. */
function record(reads: readonly WireRead[], state: WireState): void {
  for (const r of reads) {
    const { req, op } = requestAsTaken(r);
    const id = req?.addressing.messageId;
    if (op !== 'registerDocument' || !id || !req) continue;
    const key = registrationKey(r.receiver ?? r.x.to, id);
    const known = state.registrations.get(key);
    if (known && known.exchangeId !== r.x.id) continue;
    const metadata = req.payload ? readRegisterDocument(req.payload).value : undefined;
    const client = clientEntityIdOf(req);
    state.registrations.set(key, {
      exchangeId: r.x.id,
      party: r.x.from,
      ...(r.sender ? { sender: r.sender } : {}),
      ...(r.receiver ? { receiver: r.receiver } : {}),
      messageId: id,
      ...(client ? { clientEntityId: client } : {}),
      ...(metadata ? { metadata } : {}),
      startedAt: r.x.startedAt,
      finishedAt: r.x.finishedAt,
      accepted: accepted(r),
      registered: known?.registered ?? false,
    });
  }
  for (const r of reads) {
    const result = r.op === 'registerDocumentResult' ? resultOf(r) : undefined;
    if (result?.status !== 'success') continue;
    const registration = state.registrations.get(registrationKey(r.sender ?? r.x.from, result.relatesToMessage));
    if (registration) registration.registered = true;
  }
}

/** What one exchange shows on its own (both sides), computed once per exchange. */
async function judgeExchange(r: WireRead, state: WireState): Promise<JudgedFinding[]> {
  const out: JudgedFinding[] = [];
  const { req, res, op } = r;
  if (r.sender && req) {
    out.push(...on(r, 'request', r.sender, judgeRequestTransport(req, op)));
    if (op && req.version === '1.2' && req.payload) out.push(...on(r, 'request', r.sender, await checkMessage(op, 'request', req.payload, text(r.x, 'request'))));
    const header = req.headers.find((h) => h.name.ns === EGIS_NS && h.name.local === 'transportHeader');
    if (header) out.push(...on(r, 'request', r.sender, await checkTransportHeader(header.element)));
    if (op === 'registerDocumentResult') out.push(...judgeCallback(r, state));
  }
  if (r.receiver && res) out.push(...(await judgeAnswer(r, r.receiver, state)));
  return out;
}

const text = (x: ExchangeEntry, side: 'request' | 'response'): string | undefined => {
  const body = (side === 'request' ? x.request : x.response)?.body;
  return typeof body === 'string' ? body : undefined;
};

/** The answer of `role` to a request, whoever sent it. */
async function judgeAnswer(r: WireRead, role: string, state: WireState): Promise<JudgedFinding[]> {
  const { req, res, op } = r;
  if (!res) return [];
  // SOAP 1.2 Part 2 Appendix A: a SOAP 1.1 request's VersionMismatch may come in a SOAP 1.1 envelope (text/xml).
  if (req?.version === '1.1' && isVersionMismatch(text(r.x, 'response') ?? '')) return [];
  if (res.fault) {
    const detail = res.version === '1.2' ? res.fault.detail : undefined;
    return on(r, 'response', role, relayedFaultRelation(r, role, state, [...judgeFault(res, r.x.status, req), ...(detail ? await checkFaultDetail(detail) : [])]));
  }
  const out = on(r, 'response', role, judgeAnswerTransport(res, req));
  // RR-08: a SOAP 1.1 envelope is answered VersionMismatch, another media type a Sender Fault (415) — never taken.
  if (req?.version === '1.1' || (req && req.contentType.mediaType !== 'application/soap+xml')) {
    const said = req.version === '1.1' ? ['конверт SOAP 1.1', 'a SOAP 1.1 envelope'] : [`Content-Type «${req.contentType.mediaType}»`, `Content-Type "${req.contentType.mediaType}"`];
    out.push(
      ...on(r, 'response', role, [
        finding(
          'RR-08',
          'business-rule',
          BODY,
          `На ${said[0]} получен ответ без ошибки; v1.1: VersionMismatch или ошибка Sender (415).`,
          `${said[1]} was answered without a Fault; v1.1: VersionMismatch or a Sender Fault (415).`,
        ),
      ]),
    );
    return out;
  }
  if (!op || res.version !== '1.2' || !res.payload) return out;
  out.push(...on(r, 'response', role, await checkMessage(op, 'response', res.payload, text(r.x, 'response'))));
  if (op === 'getDocumentFile' && role === 'mis' && req?.payload) {
    const localUid = readGetDocumentFile(req.payload).value?.localUid;
    // The MIS's own registration of that document; a document a Sello stimulus registered is Sello's, not judged.
    const registration = servedRegistration(
      [...state.registrations.values()].filter((g) => g.sender === 'mis' && g.metadata?.localUid === localUid),
      res,
      r.x.startedAt,
    );
    if (registration) out.push(...(await judgeServedDocument(r.x, res, registration, state)));
  }
  return out;
}

/**
 * RR-14.2: a gateway whose Fault to the MIS relates to the request it relayed to REMD (not to the MIS's) got the relay
 * wrong — that RelatesTo is RR-14's finding, not a second one of the Fault's shape (RR-09).
 */
function relayedFaultRelation(r: WireRead, role: string, state: WireState, findings: ReturnType<typeof finding>[]): ReturnType<typeof finding>[] {
  if (role !== 'gateway' || r.op !== 'registerDocument' || !r.res) return findings;
  const relayed = new Set([...state.registrations.values()].filter((g) => g.sender === 'gateway').map((g) => messageIdKey(g.messageId)));
  if (!r.res.addressing.relatesTo.some((x) => relayed.has(messageIdKey(x.id)))) return findings;
  return findings.map((f) => (f.ruleId === 'RR-09' && f.location.includes('RelatesTo') ? underRule('RR-14', f) : f));
}

/** RR-05: a request's MessageID not used before by its sender (a transport retry and a callback's repeat aside). */
function judgeMessageIdReuse(r: WireRead, state: WireState): JudgedFinding[] {
  const id = r.req?.addressing.messageId;
  if (!r.sender || !id || r.x.retryOf) return [];
  const key = messageIdKey(id);
  const bySender = state.messageIds.get(r.sender) ?? new Map();
  state.messageIds.set(r.sender, bySender);
  const relatesTo = r.op === 'registerDocumentResult' ? resultOf(r)?.relatesToMessage : undefined;
  const first = bySender.get(key);
  const body = typeof r.x.request?.body === 'string' ? r.x.request.body : undefined;
  if (!first) {
    bySender.set(key, { exchangeId: r.x.id, ...(r.op ? { operation: r.op } : {}), ...(relatesTo ? { relatesTo: messageIdKey(relatesTo) } : {}), ...(body ? { body } : {}) });
    return [];
  }
  if (first.exchangeId === r.x.id) return [];
  // The very same message sent again (a retransmission after a dropped connection, seen from the receiving side,
  // where the sender's retryOf is not known): a reuse is a new request under an old MessageID.
  if (body !== undefined && first.body === body) return [];
  // The same callback again: RR-15 wants its MessageID kept (and judges its body).
  if (relatesTo && first.operation === r.op && first.relatesTo === messageIdKey(relatesTo)) return [];
  return on(r, 'request', r.sender, [
    finding(
      'RR-05',
      'value',
      `${HEADER}/wsa:MessageID`,
      `wsa:MessageID ${id} уже использован в запросе ${first.operation ?? ''} (обмен ${first.exchangeId}).`,
      `wsa:MessageID ${id} was already used by request ${first.operation ?? ''} (exchange ${first.exchangeId}).`,
    ),
  ]);
}

/** RR-13: a MIS does not register again a localUid it registered already. */
function judgeLocalUidReuse(r: WireRead, state: WireState): JudgedFinding[] {
  if (r.sender !== 'mis' || r.op !== 'registerDocument' || !r.req?.payload) return [];
  const localUid = readRegisterDocument(r.req.payload).value?.localUid;
  if (!localUid) return [];
  const earlier = [...state.registrations.values()].find((g) => g.sender === 'mis' && g.exchangeId !== r.x.id && g.registered && g.metadata?.localUid === localUid && g.startedAt < r.x.startedAt);
  if (!earlier) return [];
  return on(r, 'request', 'mis', [
    finding(
      'RR-13',
      'value',
      childNamed(r.req.payload, 'localUid') ?? `${BODY}/svc:registerDocument/svc:localUid`,
      `localUid ${localUid} уже зарегистрирован (запрос ${earlier.messageId}); каждая регистрация несет новый localUid.`,
      `localUid ${localUid} is already registered (request ${earlier.messageId}); every registration carries a new localUid.`,
    ),
  ]);
}

/**
 * RR-10: the MIS acknowledges every callback relating to a registration it sent (a success or an error, a repeat
 * too) with a SOAP answer that is not a Fault — unless the callback itself is at fault on the wire.
 */
function judgeAcknowledgement(r: WireRead, state: WireState, seen: readonly JudgedFinding[]): JudgedFinding[] {
  if (r.op !== 'registerDocumentResult' || r.receiver !== 'mis' || !r.sender || !r.res?.fault) return [];
  if (seen.some((f) => f.side === 'request')) return [];
  const result = resultOf(r);
  if (!result) return [];
  const registration = state.registrations.get(registrationKey(r.sender, result.relatesToMessage));
  if (registration?.sender !== 'mis' || registration.receiver !== r.sender) return [];
  return on(r, 'response', 'mis', [
    finding(
      'RR-10',
      'business-rule',
      `${BODY}/soap:Fault`,
      `МИС ответила ошибкой на обратный вызов status ${result.status} по своей регистрации ${result.relatesToMessage}; его нужно подтвердить.`,
      `The MIS answered a Fault to a callback status ${result.status} for its own registration ${result.relatesToMessage}; it must acknowledge it.`,
    ),
  ]);
}

/**
 * Every finding the wire of `exchanges` (one scenario's, in journal order) shows. `state` persists across the
 * worker's scenarios; judging the same exchanges again gives the same findings.
 */
export async function judgeWire(exchanges: readonly ExchangeEntry[], state: WireState): Promise<JudgedFinding[]> {
  const reads = readWire(exchanges, state);
  record(reads, state);
  const out: JudgedFinding[] = [];
  for (const r of reads) {
    let seen = state.judged.get(r.x.id);
    if (!seen) {
      seen = { findings: await judgeExchange(r, state) };
      state.judged.set(r.x.id, seen);
    }
    out.push(...seen.findings, ...judgeMessageIdReuse(r, state), ...judgeLocalUidReuse(r, state));
    if (r.op === 'registerDocumentResult') out.push(...judgeCallbackRepeat(r, state), ...judgeAcknowledgement(r, state, seen.findings));
  }
  out.push(...judgeRelays(reads));
  return out;
}
