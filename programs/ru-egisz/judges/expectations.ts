/**
 * What each ru-egisz behaviour expects of the messages a scenario exchanged, judged on the journal's entries — whoever
 * sent them: a reference role, Sello's stand-in or the vendor's SUT. Each helper returns findings under the behaviour's
 * rule, bound to the role under test, ru + en, located by XPath in the message judged and naming its exchange (so the
 * report links a finding to what was on the wire).
 */
import { createRequire } from 'node:module';
import type { Finding, IssueCode } from '../../../src/findings/finding.ts';
import type { ExchangeEntry, ExchangeMessage } from '../../../src/journal/exchange.ts';
import { childElements, messageIdUuid, readEnvelope, SOAP11_NS, SOAP12_NS, type SoapEnvelope, sameMessageId, WSA_NS } from '../../../src/soap/index.ts';
import { elements, parseXml } from '../../../src/xml/index.ts';
import type { DocumentFile, RegisterDocumentMetadata, RegisterDocumentResult, RegistryItem, RuRole } from '../lib/contract.ts';
import { readDocumentFile, readRegisterDocument, readRegisterDocumentResult, readRegistryItem, readRegistryItems, readRemdFault } from '../lib/messages.ts';
import { sha256Base64 } from '../lib/register-document.ts';

/** The codes of REMD's error classifier 1.2.643.5.1.13.13.99.2.305 (profiles/error-codes.json). */
export const CLASSIFIER_CODES: ReadonlySet<string> = new Set((createRequire(import.meta.url)('../profiles/error-codes.json') as { codes: Array<{ code: string }> }).codes.map((c) => c.code));

/** A finding with the exchange it was judged on and the role it binds. */
export type JudgedFinding = Finding & { exchangeId?: string; side?: 'request' | 'response'; role?: string };

export interface Judged {
  rule: string;
  role: RuRole;
}

export const fail = (j: Judged, code: IssueCode, location: string, ru: string, en: string, x?: ExchangeEntry, side: 'request' | 'response' = 'response'): JudgedFinding => ({
  ruleId: j.rule,
  severity: 'error',
  code,
  location,
  locationKind: 'xpath',
  message: { ru, en },
  role: j.role,
  ...(x ? { exchangeId: x.id, side } : {}),
});

export function bodyText(m: ExchangeMessage | undefined): string {
  const b = m?.body;
  if (b === undefined || b === null) return '';
  if (typeof b === 'string') return b;
  if (Buffer.isBuffer(b)) return b.toString('utf8');
  return JSON.stringify(b);
}

/** The SOAP message of one side of an exchange, read as a receiver reads it (WS-Addressing optional: judged elsewhere). */
export function envelopeOf(x: ExchangeEntry, side: 'request' | 'response'): SoapEnvelope {
  const m = side === 'request' ? x.request : x.response;
  return readEnvelope(bodyText(m), m?.headers['content-type'], { addressing: 'optional' });
}

const BODY = '/soap:Envelope/soap:Body';
const FAULT = `${BODY}/soap:Fault`;

/** The operation a request's Body carries (its local name, `<op>Request` read as `<op>`). */
export function operationOf(x: ExchangeEntry): string | undefined {
  if (x.protocol !== 'http' || x.method !== 'POST') return undefined;
  const local = envelopeOf(x, 'request').operation?.local;
  return local?.replace(/Request$/, '');
}

export const isOperation = (x: ExchangeEntry, op: string): boolean => operationOf(x) === op;

export function metadataOf(x: ExchangeEntry): RegisterDocumentMetadata | undefined {
  const payload = envelopeOf(x, 'request').payload;
  return payload ? readRegisterDocument(payload).value : undefined;
}

export function resultOf(x: ExchangeEntry): RegisterDocumentResult | undefined {
  const payload = envelopeOf(x, 'request').payload;
  return payload ? readRegisterDocumentResult(payload).value : undefined;
}

export function documentFileOf(x: ExchangeEntry): DocumentFile | undefined {
  const env = envelopeOf(x, 'response');
  return env.payload && !env.fault ? readDocumentFile(env.payload).value : undefined;
}

export const requestMessageId = (x: ExchangeEntry): string | undefined => envelopeOf(x, 'request').addressing.messageId ?? x.messageId;

// ——— synchronous answers ———

/** registerDocument's synchronous answer: SOAP 1.2, not a Fault, status success and nothing more (RR-10). */
export function expectAccepted(x: ExchangeEntry | undefined, j: Judged): JudgedFinding[] {
  if (!x) return [fail(j, 'not-found', BODY, 'Запроса registerDocument нет в журнале.', 'No registerDocument request in the journal.')];
  if (x.error || x.status === undefined)
    return [fail(j, 'exception', BODY, `Синхронного ответа нет: ${x.error ?? 'соединение закрыто'}.`, `No synchronous answer: ${x.error ?? 'connection closed'}.`, x)];
  const env = envelopeOf(x, 'response');
  if (env.fault) {
    const code = readRemdFault(env)?.code ?? env.fault.codeLocal;
    return [fail(j, 'business-rule', FAULT, `Ожидалось «принято»; пришла ошибка SOAP ${code} (HTTP ${x.status}).`, `Expected "accepted"; got SOAP Fault ${code} (HTTP ${x.status}).`, x)];
  }
  const out: JudgedFinding[] = [];
  if (env.version !== '1.2' || x.status < 200 || x.status >= 300) {
    out.push(
      fail(
        j,
        'structure',
        '/soap:Envelope',
        `Ожидался ответ SOAP 1.2 с HTTP 2xx; пришло HTTP ${x.status}, версия ${env.version ?? 'нет'}.`,
        `Expected a SOAP 1.2 answer with HTTP 2xx; got HTTP ${x.status}, version ${env.version ?? 'none'}.`,
        x,
      ),
    );
  }
  const payload = env.payload;
  const at = `${BODY}/svc:registerDocumentResponse`;
  if (payload?.localName !== 'registerDocumentResponse') {
    out.push(
      fail(
        j,
        'structure',
        BODY,
        `В Body нет registerDocumentResponse (есть ${payload?.localName ?? 'ничего'}).`,
        `The Body holds no registerDocumentResponse (it holds ${payload?.localName ?? 'nothing'}).`,
        x,
      ),
    );
    return out;
  }
  const child = (name: string) => [...childElements(payload)].find((e) => e.localName === name);
  const status = child('status')?.textContent?.trim();
  if (status !== 'success') out.push(fail(j, 'value', `${at}/svc:status`, `status — «${status ?? ''}», ожидалось success.`, `status is "${status ?? ''}", expected success.`, x));
  if (child('emdrId'))
    out.push(
      fail(
        j,
        'business-rule',
        `${at}/svc:emdrId`,
        'Синхронный ответ несет emdrId: «принято» еще не регистрация.',
        'The synchronous answer carries an emdrId: "accepted" is not yet a registration.',
        x,
      ),
    );
  return out;
}

export interface FaultExpectation {
  /** Classifier code in env:Detail (or the Subcode); absent: any. */
  code?: string;
  /** The env:Code value's local part. */
  soapCode?: 'Sender' | 'Receiver' | 'VersionMismatch';
  httpStatus?: number;
  /** A word the Reason (ru or en) must name, e.g. `clientEntityId`. */
  names?: string;
  /** RR-09's shape: Russian Reason, classifier code in Detail, RelatesTo = the request's MessageID. */
  shape?: boolean;
  /** wsa:Action …/addressing/fault. */
  faultAction?: boolean;
}

export const WSA_FAULT_ACTION = `${WSA_NS}/fault`;

/** A synchronous refusal: a SOAP 1.2 Fault of the expected code, with the shape RR-09 asks when `shape`. */
export function expectFault(x: ExchangeEntry | undefined, e: FaultExpectation, j: Judged): JudgedFinding[] {
  if (!x) return [fail(j, 'not-found', FAULT, 'Запроса нет в журнале.', 'No request in the journal.')];
  if (x.error || x.status === undefined) {
    return [fail(j, 'exception', FAULT, `Ожидалась ошибка SOAP; ответа нет: ${x.error ?? 'соединение закрыто'}.`, `Expected a SOAP Fault; no answer: ${x.error ?? 'connection closed'}.`, x)];
  }
  const env = envelopeOf(x, 'response');
  const wanted = [e.soapCode, e.code].filter(Boolean).join(' ') || 'SOAP Fault';
  // SOAP 1.2 Part 2 Appendix A: a SOAP 1.1 message may be answered by a VersionMismatch Fault in either version.
  if (e.soapCode === 'VersionMismatch' && isVersionMismatch(bodyText(x.response))) return [];
  if (!env.fault) {
    return [fail(j, 'business-rule', BODY, `Ожидалась ошибка SOAP ${wanted}; пришло HTTP ${x.status} без Fault.`, `Expected SOAP Fault ${wanted}; got HTTP ${x.status} without a Fault.`, x)];
  }
  const out: JudgedFinding[] = [];
  if (env.version !== '1.2') out.push(fail(j, 'structure', '/soap:Envelope', 'Ошибка не в конверте SOAP 1.2.', 'The fault is not a SOAP 1.2 envelope.', x));
  if (e.soapCode && env.fault.codeLocal !== e.soapCode) {
    out.push(fail(j, 'value', `${FAULT}/soap:Code/soap:Value`, `env:Code — ${env.fault.code}, ожидался env:${e.soapCode}.`, `env:Code is ${env.fault.code}, expected env:${e.soapCode}.`, x));
  }
  const read = readRemdFault(env);
  if (e.code && read?.code !== e.code) {
    out.push(fail(j, 'value', `${FAULT}/soap:Detail`, `Код ошибки — ${read?.code ?? 'нет'}, ожидался ${e.code}.`, `The fault's code is ${read?.code ?? 'none'}, expected ${e.code}.`, x));
  }
  if (e.httpStatus !== undefined && x.status !== e.httpStatus) {
    out.push(fail(j, 'value', FAULT, `HTTP ${x.status}, ожидался ${e.httpStatus}.`, `HTTP ${x.status}, expected ${e.httpStatus}.`, x));
  }
  const reasons = Object.values(env.fault.reason).join(' ');
  if (e.names && !reasons.toLowerCase().includes(e.names.toLowerCase()) && !(read?.reason && Object.values(read.reason).join(' ').includes(e.names))) {
    out.push(fail(j, 'value', `${FAULT}/soap:Reason`, `Текст ошибки не называет ${e.names}: «${reasons}».`, `The fault's text does not name ${e.names}: "${reasons}".`, x));
  }
  if (e.shape) out.push(...faultShape(x, env, j));
  if (e.faultAction && env.addressing.action !== WSA_FAULT_ACTION) {
    out.push(
      fail(
        j,
        'value',
        '/soap:Envelope/soap:Header/wsa:Action',
        `wsa:Action — «${env.addressing.action ?? ''}», ожидался ${WSA_FAULT_ACTION}.`,
        `wsa:Action is "${env.addressing.action ?? ''}", expected ${WSA_FAULT_ACTION}.`,
        x,
      ),
    );
  }
  return out;
}

/** RR-09: env:Reason in Russian, a classifier code in env:Detail, wsa:RelatesTo = the request's MessageID (when it had one). */
function faultShape(x: ExchangeEntry, env: SoapEnvelope, j: Judged): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const fault = env.fault!;
  if (!Object.keys(fault.reason).some((lang) => lang.toLowerCase().startsWith('ru'))) {
    out.push(fail(j, 'required', `${FAULT}/soap:Reason/soap:Text[@xml:lang='ru']`, 'В env:Reason нет текста на русском (xml:lang="ru").', 'env:Reason has no Russian text (xml:lang="ru").', x));
  }
  const detailCode = fault.detail ? [...fault.detail.getElementsByTagNameNS('*', 'code')][0]?.textContent?.trim() : undefined;
  if (!detailCode || !CLASSIFIER_CODES.has(detailCode)) {
    out.push(
      fail(
        j,
        'required',
        `${FAULT}/soap:Detail`,
        `В env:Detail нет кода классификатора 1.2.643.5.1.13.13.99.2.305 (есть «${detailCode ?? ''}»).`,
        `env:Detail carries no code of classifier 1.2.643.5.1.13.13.99.2.305 (it has "${detailCode ?? ''}").`,
        x,
      ),
    );
  }
  const requestId = requestMessageId(x);
  const relatesTo = env.addressing.relatesTo?.[0]?.id;
  if (requestId && messageIdUuid(requestId) && (!relatesTo || !sameMessageId(relatesTo, requestId))) {
    out.push(
      fail(
        j,
        'value',
        '/soap:Envelope/soap:Header/wsa:RelatesTo',
        `wsa:RelatesTo — «${relatesTo ?? ''}», ожидался MessageID запроса ${requestId}.`,
        `wsa:RelatesTo is "${relatesTo ?? ''}", expected the request's MessageID ${requestId}.`,
        x,
      ),
    );
  }
  return out;
}

/** A SOAP 1.2 answer that is not a Fault: the acknowledgement of a callback (RR-10), within `withinMs`. */
export function expectAcknowledged(x: ExchangeEntry | undefined, withinMs: number, j: Judged): JudgedFinding[] {
  if (!x) return [fail(j, 'not-found', BODY, 'Обратного вызова нет в журнале.', 'No callback in the journal.')];
  if (x.error || x.status === undefined) return [fail(j, 'exception', BODY, `Подтверждения нет: ${x.error ?? 'соединение закрыто'}.`, `No acknowledgement: ${x.error ?? 'connection closed'}.`, x)];
  const env = envelopeOf(x, 'response');
  const out: JudgedFinding[] = [];
  if (env.fault) {
    const code = readRemdFault(env)?.code ?? env.fault.codeLocal;
    out.push(fail(j, 'business-rule', FAULT, `Обратный вызов не подтвержден: ошибка SOAP ${code} (HTTP ${x.status}).`, `The callback was not acknowledged: SOAP Fault ${code} (HTTP ${x.status}).`, x));
  } else if (env.version !== '1.2' || x.status < 200 || x.status >= 300) {
    out.push(fail(j, 'structure', '/soap:Envelope', `Подтверждение — не SOAP 1.2 с HTTP 2xx (HTTP ${x.status}).`, `The acknowledgement is not SOAP 1.2 with HTTP 2xx (HTTP ${x.status}).`, x));
  }
  const took = Date.parse(x.finishedAt) - Date.parse(x.startedAt);
  if (took > withinMs)
    out.push(fail(j, 'timeout', BODY, `Подтверждение пришло через ${took} мс, дольше requestMs (${withinMs} мс).`, `The acknowledgement took ${took} ms, longer than requestMs (${withinMs} ms).`, x));
  return out;
}

/** The acknowledgement's own addressing: a MessageID, an Action and RelatesTo = the callback's MessageID (RR-08). */
export function expectAnswerAddressing(x: ExchangeEntry, j: Judged): JudgedFinding[] {
  const env = envelopeOf(x, 'response');
  const out: JudgedFinding[] = [];
  const header = '/soap:Envelope/soap:Header';
  if (!env.addressing.messageId) out.push(fail(j, 'required', `${header}/wsa:MessageID`, 'В ответе нет wsa:MessageID.', 'The answer has no wsa:MessageID.', x));
  if (!env.addressing.action) out.push(fail(j, 'required', `${header}/wsa:Action`, 'В ответе нет wsa:Action.', 'The answer has no wsa:Action.', x));
  const requestId = requestMessageId(x);
  const relatesTo = env.addressing.relatesTo?.[0]?.id;
  if (requestId && (!relatesTo || !sameMessageId(relatesTo, requestId))) {
    out.push(fail(j, 'value', `${header}/wsa:RelatesTo`, `wsa:RelatesTo — «${relatesTo ?? ''}», ожидался ${requestId}.`, `wsa:RelatesTo is "${relatesTo ?? ''}", expected ${requestId}.`, x));
  }
  return out;
}

// ——— callbacks ———

export interface CallbackExpectation {
  status: 'success' | 'error';
  /** One of the errors' codes (error callbacks). */
  code?: string;
  /** The callback must relate to this MessageID. */
  relatesTo?: string;
  localUid?: string;
  /** A word one of the errors' texts must name. */
  names?: string;
  /** A registration instant the registrationDate may not precede. */
  notBefore?: string;
}

const CB = `${BODY}/cb:registerDocumentResult`;
export const EMDR_ID = /^\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{9}$/;

/** One registerDocumentResult as RR-10 wants it, with the status and code the behaviour expects. */
export function expectCallback(x: ExchangeEntry | undefined, e: CallbackExpectation, j: Judged): JudgedFinding[] {
  const wanted = e.code ? `${e.status} ${e.code}` : e.status;
  if (!x) return [fail(j, 'not-found', CB, `Обратного вызова (${wanted}) не было.`, `No callback (${wanted}) came.`)];
  const r = resultOf(x);
  if (!r) return [fail(j, 'structure', CB, 'Обратный вызов не читается как registerDocumentResult.', 'The callback does not read as a registerDocumentResult.', x, 'request')];
  const out: JudgedFinding[] = [];
  const on = (code: IssueCode, at: string, ru: string, en: string) => out.push(fail(j, code, `${CB}/${at}`, ru, en, x, 'request'));
  if (r.status !== e.status) {
    const seen = r.errors.map((err) => err.code).join(', ');
    on(
      'business-rule',
      'cb:status',
      `Статус обратного вызова — ${r.status}${seen ? ` (${seen})` : ''}, ожидался ${wanted}.`,
      `The callback's status is ${r.status}${seen ? ` (${seen})` : ''}, expected ${wanted}.`,
    );
    return out;
  }
  if (e.relatesTo && !sameMessageId(r.relatesToMessage, e.relatesTo)) {
    on(
      'value',
      'cb:relatesToMessage',
      `relatesToMessage — «${r.relatesToMessage}», ожидался MessageID запроса ${e.relatesTo}.`,
      `relatesToMessage is "${r.relatesToMessage}", expected the request's MessageID ${e.relatesTo}.`,
    );
  }
  if (e.localUid && r.localUid !== e.localUid) on('value', 'cb:localUid', `localUid — «${r.localUid}», ожидался ${e.localUid}.`, `localUid is "${r.localUid}", expected ${e.localUid}.`);
  if (e.status === 'success') {
    if (!r.emdrId || !EMDR_ID.test(r.emdrId)) on('value', 'cb:emdrId', `emdrId «${r.emdrId ?? ''}» не вида NN.NN.NN.NN.NNNNNNNNN.`, `emdrId "${r.emdrId ?? ''}" is not shaped NN.NN.NN.NN.NNNNNNNNN.`);
    const registered = r.registrationDate ? Date.parse(r.registrationDate) : Number.NaN;
    if (Number.isNaN(registered)) on('required', 'cb:registrationDate', 'Нет registrationDate (ISO 8601).', 'No registrationDate (ISO 8601).');
    // Whole seconds: a registrationDate written without fractions may read up to a second before the request.
    else if (e.notBefore && registered < Date.parse(e.notBefore) - 1000) {
      on('value', 'cb:registrationDate', `registrationDate ${r.registrationDate} раньше запроса (${e.notBefore}).`, `registrationDate ${r.registrationDate} precedes the request (${e.notBefore}).`);
    }
    return out;
  }
  if (r.emdrId) on('business-rule', 'cb:emdrId', 'Обратный вызов об ошибке несет emdrId.', 'An error callback carries an emdrId.');
  if (r.registrationDate) on('business-rule', 'cb:registrationDate', 'Обратный вызов об ошибке несет registrationDate.', 'An error callback carries a registrationDate.');
  if (r.errors.length === 0) on('required', 'cb:errors', 'В обратном вызове об ошибке нет errors/item.', 'The error callback has no errors/item.');
  r.errors.forEach((err, i) => {
    const item = `cb:errors/cb:item[${i + 1}]`;
    if (!CLASSIFIER_CODES.has(err.code))
      on('value', `${item}/cb:code`, `Код «${err.code}» не из классификатора 1.2.643.5.1.13.13.99.2.305.`, `Code "${err.code}" is not of classifier 1.2.643.5.1.13.13.99.2.305.`);
    if (!/[А-Яа-яЁё]/.test(err.message))
      on('value', `${item}/cb:message`, `Текст ошибки ${err.code} не на русском: «${err.message}».`, `The text of error ${err.code} is not in Russian: "${err.message}".`);
  });
  if (e.code && !r.errors.some((err) => err.code === e.code)) {
    const seen = r.errors.map((err) => err.code).join(', ') || '—';
    on('business-rule', 'cb:errors/cb:item/cb:code', `В ошибках нет ${e.code}; есть: ${seen}.`, `The errors do not include ${e.code}; they are: ${seen}.`);
  }
  const named = r.errors.find((err) => err.code === e.code);
  if (e.names && named && !named.message.toLowerCase().includes(e.names.toLowerCase())) {
    on('value', 'cb:errors/cb:item/cb:message', `Текст ошибки ${e.code} не называет ${e.names}: «${named.message}».`, `The text of error ${e.code} does not name ${e.names}: "${named.message}".`);
  }
  return out;
}

/** RR-05/RR-15: a callback delivered once (its retries, if any, are the same MessageID: one logical callback). */
export function expectOneCallback(callbacks: readonly ExchangeEntry[], j: Judged): JudgedFinding[] {
  const ids = new Set(callbacks.map((x) => requestMessageId(x) ?? x.id));
  if (ids.size <= 1) return [];
  return [fail(j, 'business-rule', CB, `Для одной регистрации пришло ${ids.size} разных обратных вызова.`, `${ids.size} different callbacks came for one registration.`, callbacks[1], 'request')];
}

/** What a receiver's timestamps may be off by with nothing else known: a fifth of callbackMs, 50–250 ms. */
function arrivalJitterMs(callbackMs: number): number {
  return Math.min(250, Math.max(50, Math.round(callbackMs / 5)));
}

/**
 * RR-15: attempts of one callback: same MessageID and body, at least `callbackMs` apart, at most 5, none after the ack.
 * `firstSentNoSoonerThan`: a moment (the receiver's clock) before which the sender cannot have sent its first attempt,
 * e.g. when the callback it relays left REMD. How late that attempt arrived after it is the most its arrival can have
 * been delayed, so a conformant sender is never seen repeating sooner than callbackMs less that (at most half of it).
 */
export function expectCallbackRetries(recorded: readonly ExchangeEntry[], callbackMs: number, j: Judged, firstSentNoSoonerThan?: string): JudgedFinding[] {
  // In the order they were sent: a receiver journals each when it answers, and a withheld one is answered last.
  const attempts = [...recorded].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (attempts.length < 2) {
    return [
      fail(
        j,
        'business-rule',
        CB,
        `Неподтвержденный обратный вызов не повторен (попыток: ${attempts.length}).`,
        `The unacknowledged callback was not repeated (attempts: ${attempts.length}).`,
        attempts[0],
        'request',
      ),
    ];
  }
  const out: JudgedFinding[] = [];
  const first = attempts[0]!;
  const firstId = requestMessageId(first);
  const firstBody = envelopeOf(first, 'request').payload?.toString();
  let acked = false;
  attempts.forEach((x, i) => {
    if (acked) out.push(fail(j, 'business-rule', CB, 'Обратный вызов повторен после подтверждения.', 'The callback was repeated after it was acknowledged.', x, 'request'));
    if (i > 0) {
      const id = requestMessageId(x);
      if (!id || !firstId || !sameMessageId(id, firstId)) {
        out.push(
          fail(
            j,
            'value',
            '/soap:Envelope/soap:Header/wsa:MessageID',
            `Повтор несет другой MessageID (${id ?? 'нет'} вместо ${firstId ?? 'нет'}).`,
            `The repeat carries another MessageID (${id ?? 'none'} instead of ${firstId ?? 'none'}).`,
            x,
            'request',
          ),
        );
      }
      if (envelopeOf(x, 'request').payload?.toString() !== firstBody)
        out.push(fail(j, 'value', CB, 'Тело повтора отличается от первого обратного вызова.', "The repeat's body differs from the first callback's.", x, 'request'));
      const gap = Date.parse(x.startedAt) - Date.parse(attempts[i - 1]!.startedAt);
      // The times are the receiver's: a sender that waits exactly callbackMs from its own send is seen sooner when its
      // first attempt reached the receiver late (a loaded machine or network delays one arrival, not the sender's
      // clock). A fifth of callbackMs (50–250 ms) absorbs that; a retry at half the interval or at once still fails.
      const firstDelayBound = i === 1 && firstSentNoSoonerThan ? Date.parse(attempts[0]!.startedAt) - Date.parse(firstSentNoSoonerThan) : 0;
      const slack = Math.max(arrivalJitterMs(callbackMs), Math.min(firstDelayBound || 0, callbackMs / 2));
      if (gap < callbackMs - slack)
        out.push(fail(j, 'business-rule', CB, `Повтор через ${gap} мс, раньше callbackMs (${callbackMs} мс).`, `Repeated after ${gap} ms, sooner than callbackMs (${callbackMs} ms).`, x, 'request'));
    }
    const ack = x.status !== undefined && x.status >= 200 && x.status < 300 && !envelopeOf(x, 'response').fault;
    if (ack) acked = true;
  });
  if (attempts.length > 5)
    out.push(fail(j, 'business-rule', CB, `Попыток обратного вызова ${attempts.length}, больше 5.`, `${attempts.length} callback attempts, more than 5.`, attempts[5], 'request'));
  return out;
}

// ——— the client's back-off (RR-17) ———

/** After a RATE_LIMIT: a repeat ≥ 1 s later, a new MessageID, the same metadata and digest. */
export function expectBackoff(attempts: readonly ExchangeEntry[], j: Judged, minMs = 1000): JudgedFinding[] {
  if (attempts.length < 2)
    return [fail(j, 'business-rule', `${BODY}/svc:registerDocument`, 'После RATE_LIMIT регистрация не повторена.', 'The registration was not repeated after RATE_LIMIT.', attempts[0], 'request')];
  const [first, second] = [attempts[0]!, attempts[1]!];
  const out: JudgedFinding[] = [];
  const gap = Date.parse(second.startedAt) - Date.parse(first.finishedAt);
  if (gap < minMs - 50)
    out.push(
      fail(
        j,
        'business-rule',
        `${BODY}/svc:registerDocument`,
        `Повтор через ${gap} мс после RATE_LIMIT, раньше ${minMs} мс.`,
        `Repeated ${gap} ms after RATE_LIMIT, sooner than ${minMs} ms.`,
        second,
        'request',
      ),
    );
  const [a, b] = [requestMessageId(first), requestMessageId(second)];
  if (a && b && sameMessageId(a, b))
    out.push(fail(j, 'value', '/soap:Envelope/soap:Header/wsa:MessageID', 'Повтор несет тот же MessageID.', 'The repeat carries the same MessageID.', second, 'request'));
  out.push(...sameMetadata(metadataOf(first), second, j, 'повтор', 'the repeat'));
  return out;
}

/** `x`'s registerDocument metadata equals `expected` field for field (RR-14 relaying, RR-17 repeats). */
export function sameMetadata(expected: RegisterDocumentMetadata | undefined, x: ExchangeEntry, j: Judged, ru = 'пересланный запрос', en = 'the relayed request'): JudgedFinding[] {
  const got = metadataOf(x);
  if (!expected || !got) return [fail(j, 'structure', `${BODY}/svc:registerDocument`, `Метаданные не читаются (${ru}).`, `The metadata cannot be read (${en}).`, x, 'request')];
  const out: JudgedFinding[] = [];
  for (const key of Object.keys(expected) as Array<keyof RegisterDocumentMetadata>) {
    if (JSON.stringify(expected[key]) !== JSON.stringify(got[key])) {
      out.push(
        fail(
          j,
          'value',
          `${BODY}/svc:registerDocument/svc:${String(key)}`,
          `${ru}: поле ${String(key)} отличается от исходного.`,
          `${en}: field ${String(key)} differs from the original.`,
          x,
          'request',
        ),
      );
    }
  }
  return out;
}

/** RR-14.3/14.4: the gateway's callback carries what REMD's did (status, ids, errors in order). */
export function expectSameResult(fromRemd: ExchangeEntry, relayed: ExchangeEntry, j: Judged): JudgedFinding[] {
  const [a, b] = [resultOf(fromRemd), resultOf(relayed)];
  if (!a || !b) return [fail(j, 'structure', CB, 'Обратный вызов не читается.', 'A callback cannot be read.', relayed, 'request')];
  const out: JudgedFinding[] = [];
  for (const key of ['status', 'localUid', 'kind', 'organization', 'emdrId', 'registrationDate'] as const) {
    if ((a[key] ?? '') !== (b[key] ?? ''))
      out.push(fail(j, 'value', `${CB}/cb:${key}`, `${key}: «${b[key] ?? ''}», у РЭМД «${a[key] ?? ''}».`, `${key}: "${b[key] ?? ''}", REMD's "${a[key] ?? ''}".`, relayed, 'request'));
  }
  const codes = (r: RegisterDocumentResult) => r.errors.map((e) => `${e.code}: ${e.message}`).join(' | ');
  if (codes(a) !== codes(b)) out.push(fail(j, 'value', `${CB}/cb:errors`, `Ошибки отличаются от ошибок РЭМД: ${codes(b)}.`, `The errors differ from REMD's: ${codes(b)}.`, relayed, 'request'));
  return out;
}

// ——— files ———

/** RR-06: the file's SHA-256 equals the registered digest, and signatures come with it. */
export function expectFileMatches(pull: ExchangeEntry | undefined, metadata: RegisterDocumentMetadata | undefined, j: Judged): JudgedFinding[] {
  const at = `${BODY}/cb:getDocumentFileResponse`;
  if (!pull) return [fail(j, 'not-found', at, 'Файл не запрашивался (getDocumentFile нет в журнале).', 'The file was never pulled (no getDocumentFile in the journal).')];
  const file = documentFileOf(pull);
  if (!file)
    return [
      fail(j, 'structure', at, `Ответ на getDocumentFile не несет файла (HTTP ${pull.status ?? pull.error}).`, `The getDocumentFile answer carries no file (HTTP ${pull.status ?? pull.error}).`, pull),
    ];
  const out: JudgedFinding[] = [];
  const digest = sha256Base64(file.file);
  if (metadata && metadata.digest.value !== digest) {
    out.push(
      fail(
        j,
        'value',
        `${at}/cb:file`,
        `SHA-256 файла ${digest} не равен зарегистрированному ${metadata.digest.value}.`,
        `The file's SHA-256 ${digest} is not the registered ${metadata.digest.value}.`,
        pull,
      ),
    );
  }
  if (file.signatures.length === 0) out.push(fail(j, 'required', `${at}/cb:signatures`, 'К файлу не приложены подписи.', 'No signatures come with the file.', pull));
  return out;
}

/** RR-14.5: the gateway serves what the MIS serves, byte for byte. */
export function expectSameFile(fromMis: DocumentFile | undefined, viaGateway: ExchangeEntry, j: Judged): JudgedFinding[] {
  const got = documentFileOf(viaGateway);
  const at = `${BODY}/cb:getDocumentFileResponse`;
  if (!got || !fromMis) return [fail(j, 'structure', at, 'Файл шлюза или МИС не читается.', "The gateway's or the MIS's file cannot be read.", viaGateway)];
  const out: JudgedFinding[] = [];
  if (!got.file.equals(fromMis.file)) out.push(fail(j, 'value', `${at}/cb:file`, 'Файл шлюза отличается от файла МИС.', "The gateway's file differs from the MIS's.", viaGateway));
  const sigs = (f: DocumentFile) => f.signatures.map((s) => `${s.role}:${s.signature}`).join('\n');
  if (sigs(got) !== sigs(fromMis)) out.push(fail(j, 'value', `${at}/cb:signatures`, 'Подписи шлюза отличаются от подписей МИС.', "The gateway's signatures differ from the MIS's.", viaGateway));
  return out;
}

// ——— identity (RR-05, RR-13) ———

/** Every MessageID a UUID, none repeated. */
export function expectUniqueMessageIds(requests: readonly ExchangeEntry[], j: Judged): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const seen = new Map<string, ExchangeEntry>();
  for (const x of requests) {
    const id = requestMessageId(x);
    const uuid = id ? messageIdUuid(id) : undefined;
    const at = '/soap:Envelope/soap:Header/wsa:MessageID';
    if (!uuid) out.push(fail(j, 'value', at, `wsa:MessageID «${id ?? ''}» не UUID.`, `wsa:MessageID "${id ?? ''}" is not a UUID.`, x, 'request'));
    else if (seen.has(uuid)) out.push(fail(j, 'business-rule', at, `wsa:MessageID ${id} повторяет MessageID предыдущего запроса.`, `wsa:MessageID ${id} repeats an earlier request's.`, x, 'request'));
    else seen.set(uuid, x);
  }
  return out;
}

// ——— registry reads (RR-18) ———

export function expectRegistryItem(x: ExchangeEntry, expected: Partial<RegistryItem>, j: Judged): JudgedFinding[] {
  const env = envelopeOf(x, 'response');
  const at = `${BODY}/svc:getRegistryItemResponse/svc:item`;
  const item = env.payload && !env.fault ? readRegistryItem(env.payload).value : undefined;
  if (!item) return [fail(j, 'structure', at, `Ответ getRegistryItem не несет записи (HTTP ${x.status}).`, `The getRegistryItem answer carries no item (HTTP ${x.status}).`, x)];
  const out: JudgedFinding[] = [];
  for (const [key, value] of Object.entries(expected) as Array<[keyof RegistryItem, string]>) {
    if (item[key] !== value) out.push(fail(j, 'value', `${at}/svc:${key}`, `${key}: «${item[key] ?? ''}», ожидалось «${value}».`, `${key}: "${item[key] ?? ''}", expected "${value}".`, x));
  }
  if (!item.registrationDate) out.push(fail(j, 'required', `${at}/svc:registrationDate`, 'Нет registrationDate.', 'No registrationDate.', x));
  return out;
}

export function expectSearchFinds(x: ExchangeEntry, localUids: readonly string[], j: Judged): JudgedFinding[] {
  const env = envelopeOf(x, 'response');
  const at = `${BODY}/svc:searchRegistryItemResponse/svc:items`;
  const items = env.payload && !env.fault ? readRegistryItems(env.payload).value : undefined;
  if (!items) return [fail(j, 'structure', at, `Ответ searchRegistryItem не читается (HTTP ${x.status}).`, `The searchRegistryItem answer cannot be read (HTTP ${x.status}).`, x)];
  const got = items.map((i: RegistryItem) => i.localUid).sort();
  const want = [...localUids].sort();
  if (JSON.stringify(got) === JSON.stringify(want)) return [];
  return [fail(j, 'business-rule', at, `Найдено: ${got.join(', ') || '—'}; ожидалось ровно: ${want.join(', ')}.`, `Found: ${got.join(', ') || '—'}; expected exactly: ${want.join(', ')}.`, x)];
}

/** Something that must not have happened, seen on the wire (a registration, a relay, a callback). */
export function expectNone(xs: readonly ExchangeEntry[], what: { ru: string; en: string }, j: Judged): JudgedFinding[] {
  return xs.map((x) => fail(j, 'business-rule', BODY, `Не должно было быть: ${what.ru}.`, `Must not have happened: ${what.en}.`, x, 'request'));
}

/** A VersionMismatch Fault in a SOAP 1.1 or 1.2 envelope: `faultcode` (1.1) or `Code/Value` (1.2) names it. */
export function isVersionMismatch(text: string): boolean {
  const parsed = parseXml(text);
  if (!parsed.document) return false;
  const envelope = parsed.document.documentElement;
  if (envelope?.localName !== 'Envelope' || (envelope.namespaceURI !== SOAP11_NS && envelope.namespaceURI !== SOAP12_NS)) return false;
  for (const fault of [...elements(parsed.document)].filter((el) => el.localName === 'Fault' && el.namespaceURI === envelope.namespaceURI)) {
    const code = [...elements(parsed.document)].find((el) => el.parentNode === fault && (el.localName === 'faultcode' || el.localName === 'Code'));
    if (code && /(^|:)VersionMismatch\s*$/.test(code.textContent ?? '')) return true;
  }
  return false;
}
