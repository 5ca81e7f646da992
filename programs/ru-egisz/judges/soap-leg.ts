/**
 * One SOAP message on the wire judged against v1.1's transport (RR-08: SOAP 1.2, its media type, WS-Addressing,
 * clientEntityId), MessageID form (RR-05) and Fault shape (RR-09). Lenient where v1.1 is: any wsa:Action, MessageID
 * bare or `urn:uuid:`, `<op>Request` as the body element, getDocumentFile in either namespace. What an answer owes
 * depends on what it answers: a request that could not be read (SOAP 1.1, not XML) cannot be related to, so its
 * Fault needs no WS-Addressing, and a SOAP 1.1 request may get its VersionMismatch in either SOAP version.
 */
import type { Element, Node } from '@xmldom/xmldom';
import type { Finding, IssueCode } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { readEnvelope, type SoapEnvelope, sameMessageId } from '../../../src/soap/index.ts';
import { SOAP_RULES } from '../../../src/soap/soap-findings.ts';
import { locate } from '../../../src/xml/locate.ts';
import { CALLBACK_NS, EGIS_NS, OPERATION, type OperationName, SERVICE_NS } from '../lib/contract.ts';
import { readRemdFault } from '../lib/messages.ts';
import { bodyText, CLASSIFIER_CODES } from './expectations.ts';

/** Prefixes the judges' XPaths use for the contract's namespaces (the standard ones come from src/xml/locate). */
export const RU_XPATH_PREFIXES: Readonly<Record<string, string>> = { [SERVICE_NS]: 'svc', [CALLBACK_NS]: 'cb', [EGIS_NS]: 'egis' };

export const ENVELOPE = '/soap:Envelope';
export const HEADER = `${ENVELOPE}/soap:Header`;
export const BODY = `${ENVELOPE}/soap:Body`;
export const FAULT = `${BODY}/soap:Fault`;

export type Side = 'request' | 'response';

/** A finding at a node (XPath with line and column) or, for what is missing, at the XPath where it should be. */
export function finding(ruleId: string, code: IssueCode, at: Node | string, ru: string, en: string): Finding {
  const where = typeof at === 'string' ? { location: at } : locate(at, RU_XPATH_PREFIXES);
  return { ruleId, severity: 'error', code, location: where.location, locationKind: 'xpath', message: { ru, en }, ...(where.position ? { position: where.position } : {}) };
}

/** A finding of a detailed check re-attributed to the rule it shows broken, the check's id kept in its text. */
export function underRule(ruleId: string, f: Finding): Finding {
  if (f.ruleId === ruleId) return f;
  return { ...f, ruleId, message: { ...f.message, en: `[${f.ruleId}] ${f.message.en}`, ...(f.message.ru ? { ru: `[${f.ruleId}] ${f.message.ru}` } : {}) } };
}

/** The child of `payload` named `local` (any namespace, the lenient readers' way), for a located finding. */
export function childNamed(payload: Element | undefined, local: string): Element | undefined {
  for (let c = payload?.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).localName === local) return c as Element;
  return undefined;
}

/** A side of an exchange read as a SOAP message; `undefined` when it carries nothing (a transport failure). */
export function readSide(x: ExchangeEntry, side: Side): SoapEnvelope | undefined {
  const m = side === 'request' ? x.request : x.response;
  const text = bodyText(m);
  if (!m || text === '') return undefined;
  return readEnvelope(text, m.headers['content-type'], { addressing: 'optional', understood: [{ ns: EGIS_NS, local: 'transportHeader' }] });
}

/** Whether an exchange is SOAP at all (not the MIS's JSON control API): its request is XML text. */
export function isSoapExchange(x: ExchangeEntry): boolean {
  if (x.protocol !== 'http' || x.method !== 'POST') return false;
  const type = x.request?.headers?.['content-type'] ?? '';
  return /xml/i.test(type) || bodyText(x.request).trimStart().startsWith('<');
}

/** The operation of a request's Body: its element (or `<op>Request`) in the operation's namespace (getDocumentFile in either). */
export function operationOf(env: SoapEnvelope | undefined): OperationName | undefined {
  const q = env?.operation;
  if (!q) return undefined;
  const local = q.local.replace(/Request$/, '');
  for (const [name, op] of Object.entries(OPERATION) as Array<[OperationName, (typeof OPERATION)[OperationName]]>) {
    if (op.local !== local) continue;
    if (q.ns === op.ns || (name === 'getDocumentFile' && (q.ns === SERVICE_NS || q.ns === CALLBACK_NS))) return name;
  }
  return undefined;
}

/** A request Sello could read as SOAP 1.2 (so its answer can, and must, relate to it). */
export const readable = (env: SoapEnvelope | undefined): boolean => env?.version === '1.2' && env.body !== undefined;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Operations whose requests go to REMD or a gateway and so carry the system's clientEntityId (v1.1 Transport). */
const IDENTIFIED: ReadonlySet<OperationName> = new Set(['registerDocument', 'getRegistryItem', 'searchRegistryItem']);

export function clientEntityIdElement(env: SoapEnvelope): Element | undefined {
  const block = env.headers.find((h) => h.name.ns === EGIS_NS && h.name.local === 'transportHeader');
  return block?.element.getElementsByTagNameNS(EGIS_NS, 'clientEntityId')[0];
}

export function clientEntityIdOf(env: SoapEnvelope): string | undefined {
  return clientEntityIdElement(env)?.textContent?.trim() || undefined;
}

const headerNode = (env: SoapEnvelope, local: string): Element | undefined => env.headers.find((h) => h.name.ns === 'http://www.w3.org/2005/08/addressing' && h.name.local === local)?.element;

/** The media type and charset of a SOAP 1.2 message (RR-08). */
function mediaType(env: SoapEnvelope): Finding[] {
  const { mediaType: type, charset } = env.contentType;
  if (type === 'application/soap+xml' && (charset === 'utf-8' || charset === 'utf8')) return [];
  const got = `${type || '—'}${charset ? `; charset=${charset}` : ''}`;
  return [finding('RR-08', 'value', ENVELOPE, `Content-Type «${got}» вместо application/soap+xml; charset=UTF-8.`, `Content-Type "${got}" instead of application/soap+xml; charset=UTF-8.`)];
}

/**
 * What the envelope reader itself found: structure and XML under RR-08, a MessageID that is not a UUID under RR-05.
 * mustUnderstand is a receiving node's business, not a judge's.
 */
function readerFindings(env: SoapEnvelope): Finding[] {
  return env.findings.filter((f) => f.ruleId !== SOAP_RULES.mustUnderstand && f.ruleId !== SOAP_RULES.contentType).map((f) => underRule(f.ruleId === SOAP_RULES.messageId ? 'RR-05' : 'RR-08', f));
}

/** The envelope must be SOAP 1.2 (RR-08); the rest is judged only on one. */
function envelopeVersion(env: SoapEnvelope): Finding[] {
  if (env.version === '1.2') return [];
  const root = env.document?.documentElement;
  const said = env.version === '1.1' ? ['конверт SOAP 1.1', 'a SOAP 1.1 envelope'] : ['не конверт SOAP', 'not a SOAP envelope'];
  return [finding('RR-08', 'structure', root ?? ENVELOPE, `Сообщение — ${said[0]}; v1.1 требует SOAP 1.2.`, `The message is ${said[1]}; v1.1 requires SOAP 1.2.`)];
}

/** A request a role sent: SOAP 1.2, media type, wsa:MessageID (a UUID: RR-05) and wsa:Action, clientEntityId where owed. */
export function judgeRequestTransport(env: SoapEnvelope, op: OperationName | undefined): Finding[] {
  const out = [...mediaType(env), ...envelopeVersion(env)];
  if (env.version !== '1.2') return out;
  out.push(...readerFindings(env));
  if (!env.body) return out;
  if (!env.addressing.messageId && !env.findings.some((f) => f.ruleId === SOAP_RULES.messageId))
    out.push(finding('RR-08', 'required', `${HEADER}/wsa:MessageID`, 'В запросе нет wsa:MessageID.', 'The request has no wsa:MessageID.'));
  if (!env.addressing.action) out.push(finding('RR-08', 'required', `${HEADER}/wsa:Action`, 'В запросе нет wsa:Action.', 'The request has no wsa:Action.'));
  if (!env.payload) out.push(finding('RR-08', 'required', BODY, 'Body запроса пуст.', 'The request Body is empty.'));
  else if (!op) {
    const q = env.operation!;
    out.push(finding('RR-08', 'not-supported', env.payload, `Операция {${q.ns}}${q.local} не входит в контракт v1.1.`, `Operation {${q.ns}}${q.local} is not one of contract v1.1's.`));
  }
  if (op && IDENTIFIED.has(op)) {
    const element = clientEntityIdElement(env);
    const id = element?.textContent?.trim();
    if (!id)
      out.push(
        finding(
          'RR-08',
          'required',
          `${HEADER}/egis:transportHeader/egis:authInfo/egis:clientEntityId`,
          `В запросе ${op} нет egis:transportHeader/egis:authInfo/egis:clientEntityId.`,
          `The ${op} request has no egis:transportHeader/egis:authInfo/egis:clientEntityId.`,
        ),
      );
    else if (!GUID.test(id)) out.push(finding('RR-08', 'value', element!, `clientEntityId «${id}» не является GUID.`, `clientEntityId "${id}" is not a GUID.`));
  }
  return out;
}

/**
 * An answer that is not a Fault: SOAP 1.2, media type and, when the request could be related to, its own
 * wsa:MessageID, wsa:Action and wsa:RelatesTo naming the request (missing: RR-08; naming another message: RR-05).
 */
export function judgeAnswerTransport(env: SoapEnvelope, request: SoapEnvelope | undefined): Finding[] {
  const out = [...mediaType(env), ...envelopeVersion(env)];
  if (env.version !== '1.2') return out;
  out.push(...readerFindings(env));
  const requestId = readable(request) ? request!.addressing.messageId : undefined;
  if (requestId === undefined || !env.body) return out;
  const own = env.addressing.messageId;
  if (!own && !env.findings.some((f) => f.ruleId === SOAP_RULES.messageId))
    out.push(finding('RR-08', 'required', `${HEADER}/wsa:MessageID`, 'В ответе нет собственного wsa:MessageID.', 'The answer has no wsa:MessageID of its own.'));
  else if (own && sameMessageId(own, requestId))
    out.push(
      finding(
        'RR-08',
        'value',
        headerNode(env, 'MessageID') ?? `${HEADER}/wsa:MessageID`,
        `wsa:MessageID ответа повторяет MessageID запроса ${requestId}; ответ несет собственный.`,
        `The answer's wsa:MessageID repeats the request's ${requestId}; an answer carries its own.`,
      ),
    );
  if (!env.addressing.action) out.push(finding('RR-08', 'required', `${HEADER}/wsa:Action`, 'В ответе нет wsa:Action.', 'The answer has no wsa:Action.'));
  out.push(...relatesTo(env, requestId, 'RR-08', 'RR-05'));
  return out;
}

function relatesTo(env: SoapEnvelope, requestId: string, missingRule: string, wrongRule: string): Finding[] {
  const replies = env.addressing.relatesTo.filter((r) => r.relationship === undefined || r.relationship === 'http://www.w3.org/2005/08/addressing/reply');
  if (replies.length === 0)
    return [
      finding(
        missingRule,
        'required',
        `${HEADER}/wsa:RelatesTo`,
        `В ответе нет wsa:RelatesTo (MessageID запроса ${requestId}).`,
        `The answer has no wsa:RelatesTo (the request's MessageID ${requestId}).`,
      ),
    ];
  if (replies.some((r) => sameMessageId(r.id, requestId))) return [];
  const seen = replies.map((r) => r.id).join(', ');
  return [
    finding(
      wrongRule,
      'value',
      headerNode(env, 'RelatesTo') ?? `${HEADER}/wsa:RelatesTo`,
      `wsa:RelatesTo ответа (${seen}) не равен MessageID запроса ${requestId}.`,
      `The answer's wsa:RelatesTo (${seen}) is not the request's MessageID ${requestId}.`,
    ),
  ];
}

/** Fault codes of SOAP itself, which carry no classifier code: the answer to a SOAP 1.1 envelope, an unprocessed header. */
const SOAP_LEVEL = new Set(['VersionMismatch', 'MustUnderstand', 'DataEncodingUnknown']);

/**
 * A Fault (RR-09): SOAP 1.2 (a SOAP 1.1 request may get a 1.1 VersionMismatch), env:Sender with HTTP 4xx or
 * env:Receiver with 5xx, env:Reason with a Russian text, a classifier code in env:Detail (not for SOAP's own codes nor
 * a 415 media-type refusal, which v1.1 names only as a Sender fault) and, when the request carried a MessageID,
 * wsa:RelatesTo naming it.
 */
export function judgeFault(env: SoapEnvelope, status: number | undefined, request: SoapEnvelope | undefined): Finding[] {
  const fault = env.fault!;
  if (request?.version === '1.1' && fault.codeLocal === 'VersionMismatch') return [];
  const out: Finding[] = [...mediaType(env), ...envelopeVersion(env)];
  if (env.version !== '1.2') return out;
  out.push(...readerFindings(env));
  const code = fault.codeLocal;
  const codeAt = `${FAULT}/soap:Code/soap:Value`;
  if (code !== 'Sender' && code !== 'Receiver' && !SOAP_LEVEL.has(code))
    out.push(
      finding('RR-09', 'value', codeAt, `env:Code/env:Value «${fault.code}»: ожидается env:Sender или env:Receiver.`, `env:Code/env:Value "${fault.code}": expected env:Sender or env:Receiver.`),
    );
  else if (status !== undefined && ((code === 'Sender' && (status < 400 || status > 499)) || (code === 'Receiver' && (status < 500 || status > 599))))
    out.push(
      finding(
        'RR-09',
        'value',
        codeAt,
        `Ошибка env:${code} с HTTP ${status}: env:Sender — 4xx (400), env:Receiver — 5xx (500).`,
        `An env:${code} fault with HTTP ${status}: env:Sender is 4xx (400), env:Receiver 5xx (500).`,
      ),
    );
  const ru = Object.entries(fault.reason).find(([lang, text]) => /^ru(-|$)/i.test(lang) && text !== '');
  if (!ru)
    out.push(finding('RR-09', 'required', `${FAULT}/soap:Reason/soap:Text[@xml:lang='ru']`, 'В env:Reason нет текста на русском (xml:lang="ru").', 'env:Reason has no Russian text (xml:lang="ru").'));
  if (!SOAP_LEVEL.has(code) && status !== 415) {
    const classified = readRemdFault(env)?.code;
    if (!classified || !CLASSIFIER_CODES.has(classified))
      out.push(
        finding(
          'RR-09',
          classified ? 'value' : 'required',
          fault.detail ?? `${FAULT}/soap:Detail`,
          classified ? `Код ошибки «${classified}» в env:Detail не из классификатора 1.2.643.5.1.13.13.99.2.305.` : 'В env:Detail нет кода ошибки классификатора 1.2.643.5.1.13.13.99.2.305.',
          classified ? `Error code "${classified}" in env:Detail is not of classifier 1.2.643.5.1.13.13.99.2.305.` : 'env:Detail carries no code of classifier 1.2.643.5.1.13.13.99.2.305.',
        ),
      );
  }
  const requestId = readable(request) ? request!.addressing.messageId : undefined;
  // A media-type refusal may come before the request is read at all: nothing to relate to.
  if (requestId !== undefined && env.body && status !== 415) {
    if (!env.addressing.action) out.push(finding('RR-09', 'required', `${HEADER}/wsa:Action`, 'В ошибке нет wsa:Action.', 'The Fault has no wsa:Action.'));
    out.push(...relatesTo(env, requestId, 'RR-09', 'RR-09'));
  }
  return out;
}

/** The MessageID as the key RR-05 compares: the UUID in lower case, else the text as written. */
