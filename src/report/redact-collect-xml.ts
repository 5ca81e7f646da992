import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../xml/dom.ts';
import { FIELD_KINDS, idKind, type Remember } from './redact-kinds.ts';

/*
 * Person values of an XML body for --redact: a CDA document (patient, authors, signers, their ids, names, birth time,
 * address and telecom) or a SOAP message whose elements are named like person fields (`snils`, `family`, `birthDate`).
 * The element's local name decides, as a JSON member's name does (FIELD_KINDS); an `id` counts only where CDA puts a
 * person's (a patientRole's, not its organization's).
 */

/** CDA elements whose own `id` children identify a person. */
const PERSON_ROLES = new Set(['patientRole', 'assignedAuthor', 'assignedEntity', 'associatedEntity', 'relatedEntity', 'guardian', 'intendedRecipient', 'informationRecipient']);

/** `nested` gets the text of every other leaf element: base64 there may be a whole document (a CDA file in SOAP). */
export function collectXml(text: string, remember: Remember, nested: (leafText: string) => void): void {
  const { document } = parseXml(text);
  if (!document?.documentElement) {
    collectMalformed(text, remember, nested);
    return;
  }
  const walk = (element: Element, depth: number): void => {
    if (depth > 256) return;
    const local = element.localName ?? '';
    const kind = FIELD_KINDS[local.toLowerCase()];
    if (!hasElementChildren(element)) {
      const leaf = element.textContent ?? '';
      if (kind) remember(kind, leaf);
      else if (leaf.length >= 24) nested(leaf);
    }
    if (local === 'birthTime') remember('DATE', element.getAttribute('value'));
    else if (local === 'telecom') remember('ID', (element.getAttribute('value') ?? '').replace(/^(?:tel|mailto|fax):/i, ''));
    else if (local === 'id' && element.parentNode && PERSON_ROLES.has((element.parentNode as Element).localName ?? '')) {
      const extension = element.getAttribute('extension');
      if (extension) remember(idKind(extension), extension);
    }
    for (let child = element.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) walk(child as Element, depth + 1);
  };
  walk(document.documentElement, 0);
}

function hasElementChildren(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) return true;
  return false;
}

/** Leaf elements named like person fields: a message cut short or otherwise not well-formed still names its persons. */
const LEAF = /<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>([^<]*)<\/(?:[\w.-]+:)?\1>/g;
const BIRTH_TIME = /<(?:[\w.-]+:)?birthTime\s[^<>]*?value="([^"]*)"/g;

function collectMalformed(text: string, remember: Remember, nested: (leafText: string) => void): void {
  for (const [, local, value] of text.matchAll(LEAF)) {
    const kind = FIELD_KINDS[local!.toLowerCase()];
    if (kind) remember(kind, value);
    else if (value!.length >= 24) nested(value!);
  }
  for (const [, value] of text.matchAll(BIRTH_TIME)) remember('DATE', value);
}
