import type { Document, Element } from '@xmldom/xmldom';
import { elements } from './locate.ts';
import { SCH_NS } from './schematron-xslt.ts';

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const XSD_REFERENCES = /^(include|import|redefine|override)$/;

/** A local file a schema document names, and the element that names it. */
export interface LocalReference {
  kind: 'xsd' | 'schematron';
  element: Element;
  /** As written, relative to the naming document, without its fragment. */
  file: string;
  fragment?: string;
}

/**
 * The local files a schema document brings in: `xs:include|import|redefine|override/@schemaLocation` and
 * `sch:include/@href`. A location with a URI scheme is left out: no validator here fetches remote schemas.
 */
export function localReferences(document: Document): LocalReference[] {
  const out: LocalReference[] = [];
  for (const e of elements(document)) {
    const kind = e.namespaceURI === XSD_NS && XSD_REFERENCES.test(e.localName ?? '') ? 'xsd' : e.namespaceURI === SCH_NS && e.localName === 'include' ? 'schematron' : undefined;
    const location = kind === 'xsd' ? e.getAttribute('schemaLocation') : kind === 'schematron' ? e.getAttribute('href') : null;
    if (!kind || !location || /^[a-z][a-z0-9+.-]*:/i.test(location)) continue;
    const [file, fragment] = location.split('#');
    if (file) out.push({ kind, element: e, file, ...(fragment ? { fragment } : {}) });
  }
  return out;
}
