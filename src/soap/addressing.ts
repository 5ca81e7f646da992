/**
 * WS-Addressing 1.0 message addressing properties of a received SOAP 1.2 message (Core §3, SOAP Binding §2–§6):
 * read, checked for cardinality and form, and the fault the SOAP Binding (§6.4) prescribes for what is wrong.
 */
import type { Element } from '@xmldom/xmldom';
import type { Finding } from '../findings/finding.ts';
import type { SoapFault12Options } from './fault.ts';
import { type QName, WSA_NS } from './namespaces.ts';
import { HEADER_PATH, SOAP_RULES, soapFinding } from './soap-findings.ts';
import { nameUnwritable } from './xml-write.ts';

export interface RelatesTo {
  id: string;
  /** Absent means the default, `http://www.w3.org/2005/08/addressing/reply`. */
  relationship?: string;
}

export interface AddressingIn {
  /** Whether any WS-Addressing header block was present. */
  present: boolean;
  messageId?: string;
  action?: string;
  to?: string;
  from?: string;
  replyTo?: string;
  faultTo?: string;
  relatesTo: RelatesTo[];
}

/**
 * `required`: Action and MessageID must be there (a request that expects a reply: Core §3.4). `optional`: none is
 * needed, but once any is there Action is (SOAP Binding §2: [action] is required when WS-Addressing is engaged).
 */
export type AddressingPolicy = 'required' | 'optional';

/**
 * Forms of MessageID accepted. `uuid`: a UUID, bare or as `urn:uuid:` (either, as integrators send both); `iri`:
 * additionally any absolute IRI, as WS-Addressing itself allows.
 */
export type MessageIdForm = 'uuid' | 'iri';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;

/** The UUID of a MessageID written bare or as `urn:uuid:` (RFC 8141: the `urn:uuid:` prefix is case-insensitive), lower-cased. */
export function messageIdUuid(id: string): string | undefined {
  const bare = id.trim().replace(/^urn:uuid:/i, '');
  return UUID.test(bare) ? bare.toLowerCase() : undefined;
}

/** A MessageID as a key: its UUID in one spelling (bare, lower case), else its text trimmed. */
export const messageIdKey = (id: string): string => messageIdUuid(id) ?? id.trim();

/** Whether two MessageIDs name the same message: equal, or the same UUID in either form and either case. */
export function sameMessageId(a: string, b: string): boolean {
  if (a.trim() === b.trim()) return true;
  const ua = messageIdUuid(a);
  return ua !== undefined && ua === messageIdUuid(b);
}

export const isMessageIdForm = (id: string, form: MessageIdForm): boolean => messageIdUuid(id) !== undefined || (form === 'iri' && ABSOLUTE_IRI.test(id.trim()));

const wsa = (local: string): QName => ({ ns: WSA_NS, local });

export interface AddressingResult {
  addressing: AddressingIn;
  findings: Finding[];
  /** The fault of the first problem, as SOAP Binding §6.4 names it. */
  fault?: SoapFault12Options;
}

/** Text of an element as xs:anyURI: whitespace-collapsed. */
const anyUri = (e: Element): string => (e.textContent ?? '').trim();

const RULE_OF: Record<string, string> = {
  MessageID: SOAP_RULES.messageId,
  Action: SOAP_RULES.action,
  To: SOAP_RULES.to,
  ReplyTo: SOAP_RULES.replyTo,
  FaultTo: SOAP_RULES.replyTo,
  From: SOAP_RULES.replyTo,
  RelatesTo: SOAP_RULES.relatesTo,
};
const SINGLE = ['To', 'Action', 'MessageID', 'From', 'ReplyTo', 'FaultTo'] as const;

type Said = { findings: Finding[]; fault?: SoapFault12Options };

/** Each problem a finding; the first also the fault. Returned unnamed: tsx's keep-names costs a named closure a defineProperty. */
const problemsOf =
  (said: Said) =>
  (local: string, at: Element | undefined, subcodes: string[], en: string, ru: string, code: 'required' | 'value' | 'structure' = 'value'): void => {
    said.findings.push(soapFinding(RULE_OF[local] ?? SOAP_RULES.action, code, at ?? `${HEADER_PATH}/wsa:${local}`, { en, ru }));
    said.fault ??= {
      code: 'Sender',
      subcode: subcodes.map(wsa),
      reason: { en: nameUnwritable(en), ru: nameUnwritable(ru) },
      detail: [{ name: wsa(subcodes[0] === 'MessageAddressingHeaderRequired' ? 'ProblemHeaderQName' : 'ProblemHeader'), children: [`wsa:${local}`] }],
      prefixes: { wsa: WSA_NS },
    };
  };

/** Reads the WS-Addressing header blocks among `headers` (the Header's element children). */
export function readAddressing(headers: ReadonlyArray<Element>, policy: AddressingPolicy, form: MessageIdForm): AddressingResult {
  const said: Said = { findings: [] };
  const problem = problemsOf(said);
  const byName = new Map<string, Element[]>();
  for (const h of headers) if (h.namespaceURI === WSA_NS) byName.set(h.localName ?? '', [...(byName.get(h.localName ?? '') ?? []), h]);
  const addressing: AddressingIn = { present: byName.size > 0, relatesTo: [] };

  for (const local of SINGLE) {
    const found = byName.get(local) ?? [];
    if (found.length > 1)
      problem(
        local,
        found[1],
        ['InvalidAddressingHeader', 'InvalidCardinality'],
        `wsa:${local} appears ${found.length} times; WS-Addressing allows it once.`,
        `wsa:${local} встречается ${found.length} раз(а); WS-Addressing допускает его один раз.`,
        'structure',
      );
  }
  const action = byName.get('Action')?.[0];
  if (action) {
    addressing.action = anyUri(action);
    if (!ABSOLUTE_IRI.test(addressing.action))
      problem('Action', action, ['InvalidAddressingHeader'], `wsa:Action "${addressing.action}" is not an absolute IRI.`, `wsa:Action «${addressing.action}» не является абсолютным IRI.`);
  } else if (policy === 'required' || addressing.present) {
    problem('Action', undefined, ['MessageAddressingHeaderRequired'], 'The message has no wsa:Action header block.', 'В сообщении нет заголовка wsa:Action.', 'required');
  }
  const messageId = byName.get('MessageID')?.[0];
  if (messageId) {
    addressing.messageId = anyUri(messageId);
    if (!isMessageIdForm(addressing.messageId, form)) {
      const expected = form === 'uuid' ? 'a UUID, bare or as urn:uuid:' : 'a UUID or an absolute IRI';
      const expectedRu = form === 'uuid' ? 'UUID, без префикса или в виде urn:uuid:' : 'UUID или абсолютный IRI';
      problem('MessageID', messageId, ['InvalidAddressingHeader'], `wsa:MessageID "${addressing.messageId}" is not ${expected}.`, `wsa:MessageID «${addressing.messageId}» не является ${expectedRu}.`);
    }
  } else if (policy === 'required') {
    problem(
      'MessageID',
      undefined,
      ['MessageAddressingHeaderRequired'],
      'The message has no wsa:MessageID; an answer could not be related to it.',
      'В сообщении нет wsa:MessageID; ответ невозможно с ним связать.',
      'required',
    );
  }
  const to = byName.get('To')?.[0];
  if (to) addressing.to = anyUri(to);
  for (const [local, key] of [
    ['ReplyTo', 'replyTo'],
    ['FaultTo', 'faultTo'],
    ['From', 'from'],
  ] as const) {
    const epr = byName.get(local)?.[0];
    if (!epr) continue;
    const address = [...childElements(epr)].find((c) => c.namespaceURI === WSA_NS && c.localName === 'Address');
    if (address) addressing[key] = anyUri(address);
    else problem(local, epr, ['InvalidAddressingHeader', 'InvalidEPR'], `wsa:${local} has no wsa:Address.`, `В wsa:${local} нет wsa:Address.`, 'required');
  }
  for (const r of byName.get('RelatesTo') ?? []) {
    const relationship = r.getAttribute('RelationshipType')?.trim();
    addressing.relatesTo.push({ id: anyUri(r), ...(relationship ? { relationship } : {}) });
  }
  return { addressing, findings: said.findings, ...(said.fault ? { fault: said.fault } : {}) };
}

/** The element children of `parent`, in order (an array: every reader walks them, most more than once). */
export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/**
 * Whether `answer` relates to the request `requestMessageId` (its RelatesTo of type Reply names it): a WSA-RELATESTO
 * finding when it does not, none when it does.
 */
export function checkRelatesTo(requestMessageId: string, answer: AddressingIn): Finding[] {
  const replies = answer.relatesTo.filter((r) => r.relationship === undefined || r.relationship === 'http://www.w3.org/2005/08/addressing/reply');
  if (replies.some((r) => sameMessageId(r.id, requestMessageId))) return [];
  const seen = replies.map((r) => r.id).join(', ') || 'none';
  return [
    soapFinding(SOAP_RULES.relatesTo, replies.length === 0 ? 'required' : 'value', `${HEADER_PATH}/wsa:RelatesTo`, {
      en: `The answer's wsa:RelatesTo (${seen}) does not name the request's MessageID ${requestMessageId}.`,
      ru: `wsa:RelatesTo ответа (${seen === 'none' ? 'отсутствует' : seen}) не указывает MessageID запроса ${requestMessageId}.`,
    }),
  ];
}
