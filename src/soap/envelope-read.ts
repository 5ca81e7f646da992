/**
 * Reads a received SOAP 1.2 message (Part 1 §5, Part 2 §7 HTTP binding, WS-Addressing 1.0 SOAP Binding) into its
 * parts, every problem a located finding and, when the message cannot be processed, the fault to answer it with.
 * Never throws; bounded in size and depth; a DOCTYPE is refused (XXE, entity expansion; Part 1 §5 forbids DTDs).
 */
import type { Document, Element } from '@xmldom/xmldom';
import type { Finding } from '../findings/finding.ts';
import { parseXml } from '../xml/dom.ts';
import { type AddressingIn, type AddressingPolicy, childElements, type MessageIdForm, readAddressing } from './addressing.ts';
import { type ContentType, readContentType } from './content-type.ts';
import { notUnderstoodHeaders, type SoapFault12Options, upgradeHeader } from './fault.ts';
import { clark, MAX_SOAP_BYTES, MAX_SOAP_DEPTH, parseClark, type QName, SOAP11_NS, SOAP12_NS, SOAP12_ROLE, WSA_NS, XML_NS } from './namespaces.ts';
import { type Said, SOAP_RULES, soapFinding } from './soap-findings.ts';
import { nameUnwritable } from './xml-write.ts';

export interface ReadEnvelopeOptions {
  /** Header blocks this node processes (QNames or `{ns}local`); the WS-Addressing ones are always understood. */
  understood?: ReadonlyArray<QName | string>;
  /** Roles this node plays besides next and ultimateReceiver (Part 1 §2.2). */
  roles?: ReadonlyArray<string>;
  addressing?: AddressingPolicy;
  messageIdForm?: MessageIdForm;
  maxBytes?: number;
  maxDepth?: number;
}

export interface HeaderBlock {
  name: QName;
  element: Element;
  mustUnderstand: boolean;
  /** env:role, ultimateReceiver when absent. */
  role: string;
  relay: boolean;
  /** Whether this node plays the block's role (and so must process it, or fault when it must understand it). */
  targeted: boolean;
}

/** An env:Fault received (Part 1 §5.4). */
export interface ReceivedFault {
  /** The Code's Value as written, e.g. `env:Sender`, and its local part, e.g. `Sender`. */
  code: string;
  codeLocal: string;
  subcodes: string[];
  reason: Record<string, string>;
  node?: string;
  role?: string;
  detail?: Element;
}

/** The answer a receiver owes a message it cannot process. */
export type Refusal = { version: '1.2'; fault: SoapFault12Options } | { version: '1.1'; reason: string };

export interface SoapEnvelope {
  /** `1.2`, `1.1` (refused with VersionMismatch) or undefined (not an envelope at all). */
  version?: '1.2' | '1.1';
  contentType: ContentType;
  document?: Document;
  header?: Element;
  body?: Element;
  headers: HeaderBlock[];
  /** The Body's first element: its QName is the operation (a Fault message has none). */
  operation?: QName;
  payload?: Element;
  fault?: ReceivedFault;
  addressing: AddressingIn;
  findings: Finding[];
  refusal?: Refusal;
}

const WSA_UNDERSTOOD = new Set(['To', 'Action', 'MessageID', 'RelatesTo', 'ReplyTo', 'FaultTo', 'From'].map((local) => clark({ ns: WSA_NS, local })));
const ENVELOPE_PATH = '/soap:Envelope';

/** Reasons quote what the peer sent (a parser's message, a value): a character XML cannot carry is named, not written. */
const reasonOf = (said: Said): Record<string, string> => ({ en: nameUnwritable(said.en), ru: nameUnwritable(said.ru) });

const sender = (said: Said, status?: number, subcode?: QName): Refusal => ({
  version: '1.2',
  fault: { code: 'Sender', reason: reasonOf(said), ...(subcode ? { subcode } : {}), ...(status ? { status } : {}) },
});

export function readEnvelope(bytes: Buffer | string, contentType: string | undefined, options: ReadEnvelopeOptions = {}): SoapEnvelope {
  const out: SoapEnvelope = { contentType: readContentType(contentType), headers: [], addressing: { present: false, relatesTo: [] }, findings: [] };
  try {
    read(bytes, out, options);
  } catch (error) {
    // A reader's own defect must still answer the protocol's error, never drop the connection.
    const said = { en: `Sello could not read the message (${(error as Error).message}).`, ru: `Sello не смог прочитать сообщение (${(error as Error).message}).` };
    out.findings.push(soapFinding(SOAP_RULES.envelope, 'exception', '', said, 'fatal'));
    out.refusal ??= { version: '1.2', fault: { code: 'Receiver', reason: reasonOf(said) } };
  }
  return out;
}

/**
 * The reporter of `out`'s problems. Returned unnamed: tsx's keep-names transform gives every named closure a
 * defineProperty when it is made, and a loaded SOAP mock reads thousands of envelopes a second.
 */
const problemsOf =
  (out: SoapEnvelope): Problem =>
  (rule, code, at, said, refusal) => {
    out.findings.push(soapFinding(rule, code, at, said));
    if (refusal) out.refusal ??= refusal;
  };

function read(bytes: Buffer | string, out: SoapEnvelope, options: ReadEnvelopeOptions): void {
  const problem = problemsOf(out);
  const { mediaType, charset } = out.contentType;
  const readable = charset === undefined || /^utf-?8$/.test(charset) || typeof bytes === 'string';
  if (mediaType !== 'application/soap+xml' || !readable) {
    const said = !readable
      ? { en: `Charset ${charset} is not read; send UTF-8.`, ru: `Кодировка ${charset} не поддерживается; используйте UTF-8.` }
      : {
          en: `Content-Type "${mediaType || 'none'}" is not application/soap+xml, the SOAP 1.2 media type.`,
          ru: `Content-Type «${mediaType || 'отсутствует'}» не application/soap+xml, тип SOAP 1.2.`,
        };
    // Part 2 §7.5.2.2 lists 415 for a media type the node does not take; the body is still a Fault a SOAP client reads.
    problem(SOAP_RULES.contentType, 'not-supported', '', said, sender(said, 415));
    if (!readable) return;
  }
  const maxBytes = options.maxBytes ?? MAX_SOAP_BYTES;
  const parsed = parseXml(bytes, { maxBytes, maxDepth: options.maxDepth ?? MAX_SOAP_DEPTH });
  out.findings.push(...parsed.findings);
  const document = parsed.document;
  if (!document || parsed.findings.some((f) => f.severity === 'fatal' || f.severity === 'error')) {
    const first = parsed.findings[0];
    const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    out.refusal ??= sender({ en: first?.message.en ?? 'Not XML.', ru: first?.message.ru ?? 'Не XML.' }, size > maxBytes ? 413 : undefined);
    return;
  }
  out.document = document;
  const root = document.documentElement!;
  if (root.localName === 'Envelope' && root.namespaceURI === SOAP11_NS) {
    out.version = '1.1';
    const said = { en: 'A SOAP 1.1 envelope; this node speaks SOAP 1.2 only.', ru: 'Конверт SOAP 1.1; этот узел поддерживает только SOAP 1.2.' };
    out.findings.push(soapFinding(SOAP_RULES.version, 'not-supported', root, said));
    // Appendix A: the answer to a 1.1 envelope is a 1.1 VersionMismatch, whatever the media type was.
    out.refusal = { version: '1.1', reason: said.en };
    return;
  }
  if (root.localName !== 'Envelope' || root.namespaceURI !== SOAP12_NS) {
    const said = {
      en: `The root element {${root.namespaceURI ?? ''}}${root.localName} is not the SOAP 1.2 Envelope.`,
      ru: `Корневой элемент {${root.namespaceURI ?? ''}}${root.localName} не является конвертом SOAP 1.2.`,
    };
    problem(SOAP_RULES.version, 'structure', root, said, { version: '1.2', fault: { code: 'VersionMismatch', reason: reasonOf(said), headers: [upgradeHeader('env')] } });
    return;
  }
  out.version = '1.2';
  readStructure(root, out, problem);
  if (!out.body) return;
  readHeaders(out, options, problem);
  const addressing = readAddressing(
    out.headers.filter((h) => h.targeted).map((h) => h.element),
    options.addressing ?? 'optional',
    options.messageIdForm ?? 'uuid',
  );
  out.addressing = addressing.addressing;
  out.findings.push(...addressing.findings);
  if (addressing.fault) out.refusal ??= { version: '1.2', fault: addressing.fault };
  const { action } = out.contentType;
  if (action !== undefined && out.addressing.action !== undefined && action !== out.addressing.action) {
    const said = {
      en: `The Content-Type's action "${action}" differs from wsa:Action "${out.addressing.action}".`,
      ru: `Параметр action в Content-Type «${action}» отличается от wsa:Action «${out.addressing.action}».`,
    };
    problem(SOAP_RULES.action, 'value', `${ENVELOPE_PATH}/soap:Header/wsa:Action`, said, {
      version: '1.2',
      fault: {
        code: 'Sender',
        subcode: [
          { ns: WSA_NS, local: 'InvalidAddressingHeader' },
          { ns: WSA_NS, local: 'ActionMismatch' },
        ],
        reason: reasonOf(said),
        prefixes: { wsa: WSA_NS },
      },
    });
  }
}

type Problem = (rule: string, code: Finding['code'], at: Parameters<typeof soapFinding>[2], said: Said, refusal?: Refusal) => void;

const isBlank = (text: string | null): boolean => /^[ \t\r\n]*$/.test(text ?? '');

const structureProblems =
  (problem: Problem) =>
  (at: Parameters<typeof soapFinding>[2], en: string, ru: string): void =>
    problem(SOAP_RULES.envelope, 'structure', at, { en, ru }, sender({ en, ru }));

/** Part 1 §5.1–§5.3: Envelope = Header? Body, no other child, no character content; no processing instruction. */
function readStructure(root: Element, out: SoapEnvelope, problem: Problem): void {
  const bad = structureProblems(problem);
  for (let n = out.document!.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 7 && n.nodeName !== 'xml')
      bad(ENVELOPE_PATH, 'The message holds a processing instruction; SOAP 1.2 (Part 1 §5) forbids them.', 'Сообщение содержит инструкцию обработки; SOAP 1.2 (часть 1, §5) их запрещает.');
  if (root.getAttributeNodeNS(SOAP12_NS, 'encodingStyle')) bad(root, 'env:encodingStyle is not allowed on the Envelope.', 'Атрибут env:encodingStyle недопустим у Envelope.');
  const children = [...childElements(root)];
  let i = 0;
  if (children[i]?.namespaceURI === SOAP12_NS && children[i]?.localName === 'Header') out.header = children[i++];
  if (children[i]?.namespaceURI === SOAP12_NS && children[i]?.localName === 'Body') out.body = children[i++];
  else {
    bad(children[i] ?? root, 'The Envelope has no Body where one must be (after an optional Header).', 'В Envelope нет элемента Body там, где он должен быть (после необязательного Header).');
    return;
  }
  if (children[i]) bad(children[i]!, 'An element follows the Body; SOAP 1.2 allows nothing after it.', 'После Body находится элемент; SOAP 1.2 ничего после него не допускает.');
  for (const parent of [root, out.header, out.body]) {
    if (!parent) continue;
    for (let c = parent.firstChild; c; c = c.nextSibling) {
      if ((c.nodeType === 3 || c.nodeType === 4) && !isBlank(c.nodeValue)) bad(c, `Text directly inside env:${parent.localName}.`, `Текст непосредственно внутри env:${parent.localName}.`);
      if (c.nodeType === 7) bad(c, 'The message holds a processing instruction; SOAP 1.2 (Part 1 §5) forbids them.', 'Сообщение содержит инструкцию обработки; SOAP 1.2 (часть 1, §5) их запрещает.');
    }
  }
  const bodyChildren = [...childElements(out.body!)];
  const fault = bodyChildren.find((c) => c.namespaceURI === SOAP12_NS && c.localName === 'Fault');
  if (fault) {
    if (bodyChildren.length > 1) bad(fault, 'A Body that carries env:Fault must carry nothing else (Part 1 §5.4).', 'Body с env:Fault не должен содержать ничего другого (часть 1, §5.4).');
    out.fault = readFault(fault);
  } else if (bodyChildren[0]) {
    out.payload = bodyChildren[0];
    out.operation = { ns: bodyChildren[0].namespaceURI ?? '', local: bodyChildren[0].localName ?? '' };
  }
}

function readFault(fault: Element): ReceivedFault {
  const child = (parent: Element | undefined, local: string): Element | undefined =>
    parent ? [...childElements(parent)].find((c) => c.namespaceURI === SOAP12_NS && c.localName === local) : undefined;
  const text = (e: Element | undefined): string | undefined => (e ? (e.textContent ?? '').trim() : undefined);
  const code = child(fault, 'Code');
  const value = text(child(code, 'Value')) ?? '';
  const subcodes: string[] = [];
  for (let s = child(code, 'Subcode'); s; s = child(s, 'Subcode')) subcodes.push(text(child(s, 'Value')) ?? '');
  const reason: Record<string, string> = {};
  for (const t of child(fault, 'Reason') ? childElements(child(fault, 'Reason')!) : []) reason[t.getAttributeNS(XML_NS, 'lang') ?? ''] = (t.textContent ?? '').trim();
  const node = text(child(fault, 'Node'));
  const role = text(child(fault, 'Role'));
  const detail = child(fault, 'Detail');
  return { code: value, codeLocal: value.replace(/^.*:/, ''), subcodes, reason, ...(node ? { node } : {}), ...(role ? { role } : {}), ...(detail ? { detail } : {}) };
}

const XS_BOOLEAN: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/** A header block's env:mustUnderstand or env:relay, an xs:boolean (false when absent or not one, which is a problem). */
function headerFlag(element: Element, local: string, problem: Problem): boolean {
  const attribute = element.getAttributeNodeNS(SOAP12_NS, local);
  if (!attribute) return false;
  const value = XS_BOOLEAN[attribute.value.trim()];
  if (value === undefined) {
    const said = {
      en: `env:${local}="${attribute.value}" is not a boolean (true, false, 1 or 0).`,
      ru: `env:${local}="${attribute.value}" не является логическим значением (true, false, 1 или 0).`,
    };
    problem(SOAP_RULES.envelope, 'value', attribute, said, sender(said));
  }
  return value ?? false;
}

/** Part 1 §5.2: header blocks qualified, env:mustUnderstand and env:relay xs:boolean; §5.2.3 / §2.4: MustUnderstand. */
function readHeaders(out: SoapEnvelope, options: ReadEnvelopeOptions, problem: Problem): void {
  if (!out.header) return;
  const roles = new Set<string>([SOAP12_ROLE.next, SOAP12_ROLE.ultimateReceiver, ...(options.roles ?? [])]);
  const understood = new Set<string>([...WSA_UNDERSTOOD, ...(options.understood ?? []).map((u) => (typeof u === 'string' ? clark(parseClark(u)) : clark(u)))]);
  const notUnderstood: HeaderBlock[] = [];
  for (const element of childElements(out.header)) {
    const name = { ns: element.namespaceURI ?? '', local: element.localName ?? '' };
    const role = element.getAttributeNS(SOAP12_NS, 'role')?.trim() || SOAP12_ROLE.ultimateReceiver;
    const block: HeaderBlock = {
      name,
      element,
      mustUnderstand: headerFlag(element, 'mustUnderstand', problem),
      role,
      relay: headerFlag(element, 'relay', problem),
      targeted: roles.has(role),
    };
    if (!name.ns) {
      const said = { en: `Header block ${name.local} is not namespace-qualified (Part 1 §5.2.1).`, ru: `Блок заголовка ${name.local} не имеет пространства имён (часть 1, §5.2.1).` };
      problem(SOAP_RULES.envelope, 'structure', element, said, sender(said));
    }
    out.headers.push(block);
    if (block.targeted && block.mustUnderstand && !understood.has(clark(name))) notUnderstood.push(block);
  }
  if (notUnderstood.length === 0) return;
  const names = notUnderstood.map((b) => `{${b.name.ns}}${b.name.local}`).join(', ');
  const said = { en: `Header blocks marked mustUnderstand that this node does not process: ${names}.`, ru: `Блоки заголовка с mustUnderstand, которые этот узел не обрабатывает: ${names}.` };
  for (const b of notUnderstood) out.findings.push(soapFinding(SOAP_RULES.mustUnderstand, 'not-supported', b.element, said));
  const prefixes: Record<string, string> = {};
  const headers = notUnderstoodHeaders(
    notUnderstood.map((b) => b.name),
    prefixes,
  );
  out.refusal ??= { version: '1.2', fault: { code: 'MustUnderstand', reason: reasonOf(said), headers, prefixes } };
}
