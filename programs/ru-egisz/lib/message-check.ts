/**
 * The ru-egisz message check: a SOAP body's payload element (a header block, a Fault's detail) against its message's
 * XSD (profiles/messages/, compiled once per process as one set), every finding under the rule governing that
 * message (names.ts messageRule; RR-02 for a SNILS of the registration), the XSD's own wording kept in its text.
 *
 * Why the payload is re-serialised rather than the wire text validated: libxml2 reports a line only, and Sello (like
 * most SOAP stacks) writes a whole envelope on one line, so a line cannot tell two `snils` elements apart. The payload
 * is written again with every start tag on a line of its own (in-scope namespaces declared on its root, text and
 * attributes as parsed), validated, and each finding mapped back by document order to the node the wire DOM holds:
 * its XPath from the wire envelope's root and its line and column in the wire text, exact however the peer formatted.
 */

import { fileURLToPath } from 'node:url';
import type { Attr, Element } from '@xmldom/xmldom';
import type { Finding } from '../../../src/findings/finding.ts';
import { snilsDigits, validateSnils } from '../../../src/identifiers/ru/snils.ts';
import { childElements, escapeAttribute, escapeText } from '../../../src/soap/index.ts';
import { loadXsdSchemaSet, parseXml, resolvePath, validateXsd, type XsdSchemaSet } from '../../../src/xml/index.ts';
import type { OperationName } from './contract.ts';
import { bodyNames, bodyNamespaces, FAULT_RULE, HEADER_RULE, messageRule, type Side, SNILS_RULE } from './messages/names.ts';
import { messageFinding } from './messages/read-kit.ts';

const MESSAGES_XSD = fileURLToPath(new URL('../profiles/messages/messages.xsd', import.meta.url));
let schema: Promise<XsdSchemaSet> | undefined;
/** Loaded once per process; a failed load is retried by the next call rather than cached. */
const schemaSet = (): Promise<XsdSchemaSet> => {
  schema ??= loadXsdSchemaSet(MESSAGES_XSD).catch((error: unknown) => {
    schema = undefined;
    throw error;
  });
  return schema;
};

/** The payload and its descendants in document order (a stack: no depth can overflow it). */
function subtree(root: Element): Element[] {
  const out: Element[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    out.push(e);
    stack.push(...[...childElements(e)].reverse());
  }
  return out;
}

/** `xmlns` declarations in scope at `e` from its ancestors, nearest first, that `e` does not make itself. */
function inheritedDeclarations(e: Element): string {
  const seen = new Set<string>();
  for (let i = 0; i < e.attributes.length; i++) seen.add(e.attributes[i]!.name);
  const out: string[] = [];
  for (let a = e.parentNode; a && a.nodeType === 1; a = a.parentNode) {
    const attributes = (a as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const { name, value } = attributes[i]!;
      if ((name === 'xmlns' || name.startsWith('xmlns:')) && !seen.has(name)) {
        seen.add(name);
        out.push(` ${name}="${escapeAttribute(value)}"`);
      }
    }
  }
  return out.join('');
}

/** The payload's text, each start tag on its own line; text, CDATA and attributes as the DOM holds them. */
export function payloadText(payload: Element): string {
  const out: string[] = [];
  const stack: Array<Element | { text: string }> = [payload];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const attributes: string[] = [];
    for (let i = 0; i < item.attributes.length; i++) attributes.push(` ${item.attributes[i]!.name}="${escapeAttribute(item.attributes[i]!.value)}"`);
    const declarations = item === payload ? inheritedDeclarations(payload) : '';
    out.push(`${out.length > 0 ? '\n' : ''}<${item.tagName}${declarations}${attributes.join('')}>`);
    const pending: Array<Element | { text: string }> = [];
    for (let c = item.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1) pending.push(c as Element);
      else if (c.nodeType === 3 || c.nodeType === 4) pending.push({ text: escapeText(c.nodeValue ?? '') });
    }
    pending.push({ text: `</${item.tagName}>` });
    stack.push(...pending.reverse());
  }
  return out.join('');
}

/** The wire node a finding on the re-serialised payload is about: same element by document order, same attribute. */
function onTheWire(f: Finding, copy: { root: Element; document: Parameters<typeof resolvePath>[0] }, wire: Element[]): Element | Attr {
  const node = f.location ? resolvePath(copy.document, f.location) : undefined;
  const element = node?.nodeType === 2 ? (node as Attr).ownerElement : (node as Element | undefined);
  const index = element ? subtree(copy.root).indexOf(element) : -1;
  const target = wire[index] ?? wire[0]!;
  if (node?.nodeType !== 2) return target;
  const a = node as Attr;
  return (a.namespaceURI ? target.getAttributeNodeNS(a.namespaceURI, a.localName ?? '') : target.getAttributeNode(a.name)) ?? target;
}

/**
 * Validates one element against the message schemas and re-attributes each finding to `rule` (`ruleFor` may pick
 * another for a node), the XSD class and libxml2's text kept.
 */
async function validateElement(element: Element, what: string, rule: string, ruleFor: (node: Element | Attr) => string = () => rule): Promise<Finding[]> {
  const text = payloadText(element);
  const parsed = parseXml(text);
  const document = parsed.document;
  if (!document?.documentElement) return parsed.findings.map((f) => ({ ...f, ruleId: rule }));
  const [found = []] = await validateXsd([{ text, document }], await schemaSet());
  const wire = subtree(element);
  return found.map((f) => {
    const node = onTheWire(f, { root: document.documentElement!, document }, wire);
    const at = messageFinding(ruleFor(node), 'structure', node.nodeType === 2 ? (node as Attr).ownerElement! : (node as Element), {
      ru: `${what} не соответствует XSD (${f.ruleId}): ${f.message.en.replace(/^XSD: /, '')}`,
      en: `${what} does not match its XSD (${f.ruleId}): ${f.message.en.replace(/^XSD: /, '')}`,
    });
    return node.nodeType === 2 ? { ...at, location: `${at.location}/@${(node as Attr).name}` } : at;
  });
}

const isSnils = (node: Element | Attr): boolean => node.nodeType === 1 && node.localName === 'snils';

/** RR-02: each SNILS of the registration with its check number (the format is the XSD's). */
function snilsCheckDigits(payload: Element): Finding[] {
  const out: Finding[] = [];
  for (const e of subtree(payload)) {
    if (e.localName !== 'snils') continue;
    const value = (e.textContent ?? '').trim();
    if (!snilsDigits(value)) continue;
    for (const f of validateSnils(value)) out.push(messageFinding(SNILS_RULE, 'value', e, { ru: `СНИЛС ${value}: ${f.message.ru ?? f.message.en}`, en: `SNILS ${value}: ${f.message.en}` }));
  }
  return out;
}

/**
 * The findings of `op`'s `side` message whose body element is `payload`. `text` (the wire text the payload was
 * parsed from) is not needed: positions come from the payload's DOM, which holds them relative to that text.
 */
export async function checkMessage(op: OperationName, side: Side, payload: Element, _text?: string): Promise<Finding[]> {
  const rule = messageRule(op, side);
  const names = bodyNames(op, side);
  const what = names[0]!;
  try {
    const name = payload.localName ?? '';
    if (!names.includes(name) || !bodyNamespaces(op).includes(payload.namespaceURI ?? '')) {
      // v1.1: any non-Fault SOAP 1.2 answer acknowledges a callback.
      if (op === 'registerDocumentResult' && side === 'response') return [];
      const expected = bodyNamespaces(op).flatMap((ns) => names.map((n) => `{${ns}}${n}`));
      return [
        messageFinding(rule, 'structure', payload, {
          ru: `Тело сообщения — {${payload.namespaceURI ?? ''}}${name}, ожидалось ${expected.join(' или ')}.`,
          en: `The body element is {${payload.namespaceURI ?? ''}}${name}; expected ${expected.join(' or ')}.`,
        }),
      ];
    }
    const registration = op === 'registerDocument' && side === 'request';
    const shape = await validateElement(payload, what, rule, registration ? (node) => (isSnils(node) ? SNILS_RULE : rule) : undefined);
    return registration ? [...shape, ...snilsCheckDigits(payload)] : shape;
  } catch (error) {
    return [checkFailed(rule, what, payload, error)];
  }
}

/** RR-09: a Fault's env:Detail content (egis:error/{code, message}); other detail elements are the peer's own. */
export async function checkFaultDetail(detail: Element): Promise<Finding[]> {
  try {
    const errors = [...childElements(detail)].filter((e) => e.localName === 'error');
    return (await Promise.all(errors.map((e) => validateElement(e, 'env:Detail/egis:error', FAULT_RULE)))).flat();
  } catch (error) {
    return [checkFailed(FAULT_RULE, 'env:Detail', detail, error)];
  }
}

/** RR-08: the egis:transportHeader block. */
export async function checkTransportHeader(block: Element): Promise<Finding[]> {
  try {
    return await validateElement(block, 'egis:transportHeader', HEADER_RULE);
  } catch (error) {
    return [checkFailed(HEADER_RULE, 'egis:transportHeader', block, error)];
  }
}

/** A check that could not run (the schema set unusable, a defect of Sello's) says so, never throws at the judge. */
function checkFailed(rule: string, what: string, at: Element, error: unknown): Finding {
  const said = (error as Error)?.message ?? String(error);
  return messageFinding(rule, 'exception', at, { ru: `Sello не смог проверить ${what} по XSD: ${said}`, en: `Sello could not check ${what} against its XSD: ${said}` }, 'fatal');
}
