/**
 * The tree xmldom's parser builds, built in a fraction of its time: a strict XML 1.0 + Namespaces well-formedness
 * scan that creates, through xmldom's own DOM API, the same nodes with the same data, names, namespaces and
 * line/column positions (xmldom 0.9's SAX compiles a RegExp per end tag: a SOAP envelope cost a mock more than all
 * its other work). It reads a subset — no DOCTYPE, ASCII names, a version 1.0 declaration — and decides only what is
 * certainly well-formed: anything else (outside the subset, not well-formed, deeper than allowed) is undefined, and
 * dom.ts leaves it to xmldom, which reports what is wrong in its own words. test/xml/fast-read.test.ts holds the two
 * to the same tree on every XML file in the repository and on mutated messages.
 */
import { DOMImplementation, type Document, type Element, type Node } from '@xmldom/xmldom';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Thrown inside the reader for "not mine": the caller falls back to xmldom. */
const NOT_MINE = Symbol('not read here');

// Runs of characters that need no attention, per context (sticky, so each is matched where the reader stands).
// Excluded: markup, references, what XML 1.0 cannot carry (C0 controls but tab/LF, U+FFFE/U+FFFF), surrogates
// (checked in pairs), and what a context treats specially (`]` for `]]>`, tab/LF normalised in attributes).
const TEXT_RUN = /[^<&\]\u0000-\u0008\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]*/y;
const ATTRIBUTE_RUN = { '"': /[^<&"\t\n\u0000-\u0008\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]*/y, "'": /[^<&'\t\n\u0000-\u0008\u000B-\u001F\uD800-\uDFFF\uFFFE\uFFFF]*/y };
const NAME = /[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?/y;
const NON_NAME_AFTER = /[^A-Za-z0-9._:\u0080-\uFFFF-]/y;
const WHITESPACE = /[ \t\n]*/y;
/** What a comment, CDATA section or processing instruction may not hold. */
const NOT_CHAR = /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_DECLARATION =
  /<\?xml[ \t\n]+(version[ \t\n]*=[ \t\n]*(["'])1\.0\2(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\4)?[ \t\n]*)\?>/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const localOf = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

const isXmlChar = (c: number): boolean => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

type Writable<K extends string> = { [P in K]: string | null };

interface Linked {
  parentNode: Node | null;
  firstChild: Node | null;
  lastChild: Node | null;
  previousSibling: Node | null;
  nextSibling: Node | null;
  childNodes: { length: number; [index: number]: Node };
}

/**
 * appendChild of a new node to an element, as xmldom does it (sibling links, then the indexed childNodes), without the
 * pre-insertion checks: the reader only appends elements, text, comments, CDATA and PIs to elements. xmldom also bumps
 * the document's counter that live node lists compare; none exists before the reader hands the document over.
 */
function link(parent: Linked, node: Linked): void {
  const last = parent.lastChild as Linked | null;
  node.parentNode = parent as unknown as Node;
  node.previousSibling = last as unknown as Node | null;
  if (last) last.nextSibling = node as unknown as Node;
  else parent.firstChild = node as unknown as Node;
  parent.lastChild = node as unknown as Node;
  const children = parent.childNodes;
  children[children.length++] = node as unknown as Node;
}

interface Open {
  element: Element;
  qname: string;
  /** How many namespace bindings were in scope before this element's own. */
  bindings: number;
}

interface Attribute {
  qname: string;
  value: string;
  /** Offset of its opening quote: where xmldom locates an attribute. */
  at: number;
}

/**
 * The DOM xmldom's DOMParser (`text/xml`, `locator: true`) would build for `source`, or undefined when `source` is
 * outside what this reads or is not certainly well-formed. Never throws.
 */
export function readWellFormed(source: string, maxDepth: number): Document | undefined {
  // xmldom reads U+0085, U+2028 and U+2029 as line ends (XML 1.1's rule): left to it.
  if (/[\r\u0085\u2028\u2029]/.test(source)) {
    if (/[\u0085\u2028\u2029]/.test(source)) return undefined;
    source = source.replace(/\r\n?/g, '\n');
  }
  try {
    return new Reader(source, maxDepth).read();
  } catch {
    // NOT_MINE, or a defect of this reader: either way xmldom decides.
    return undefined;
  }
}

class Reader {
  readonly #text: string;
  readonly #maxDepth: number;
  readonly #document: Document;
  #pos = 0;
  /** Namespace bindings in scope, flat: prefix, namespace (null: the default namespace undeclared), … */
  readonly #bindings: Array<string | null> = [];
  // Line bookkeeping, advanced monotonically: positions are asked for in document order.
  #line = 1;
  #lineStart = 0;
  #nextNewline: number;

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#maxDepth = maxDepth;
    this.#document = new DOMImplementation().createDocument(null, '');
    this.#nextNewline = text.indexOf('\n');
  }

  read(): Document {
    const text = this.#text;
    const doc = this.#document;
    XML_DECLARATION.lastIndex = 0;
    const declaration = XML_DECLARATION.exec(text);
    if (declaration) {
      this.#append(doc, doc.createProcessingInstruction('xml', declaration[1]!), 0);
      this.#pos = XML_DECLARATION.lastIndex;
    }
    let root = false;
    while (this.#pos < text.length) {
      const start = this.#pos;
      if (text.charCodeAt(start) !== 0x3c) {
        WHITESPACE.lastIndex = start;
        WHITESPACE.exec(text);
        const end = WHITESPACE.lastIndex;
        // Text at the document's end is dropped, as xmldom drops it; any other text there must be whitespace.
        if (end === text.length) break;
        if (text.charCodeAt(end) !== 0x3c) throw NOT_MINE;
        this.#append(doc, doc.createTextNode(text.slice(start, end)), start);
        this.#pos = end;
        continue;
      }
      const next = text.charCodeAt(start + 1);
      if (next === 0x3f) this.#instruction(doc);
      else if (next === 0x21 && text.startsWith('<!--', start)) this.#comment(doc);
      else if (root || next === 0x21 || next === 0x2f) throw NOT_MINE;
      else {
        this.#element();
        root = true;
      }
    }
    if (!root) throw NOT_MINE;
    return doc;
  }

  /** The root element and everything in it, with an explicit stack. */
  #element(): void {
    const text = this.#text;
    const doc = this.#document;
    const stack: Open[] = [];
    let parent: Node = doc;
    do {
      // At a '<' that opens a start tag: xmldom's depth bound counts empty elements too.
      if (stack.length >= this.#maxDepth) throw NOT_MINE;
      const open = this.#startTag(parent);
      if (open) {
        stack.push(open);
        parent = open.element;
      } else if (stack.length === 0) return;
      // Content until the next start tag, or until the root closes.
      for (;;) {
        this.#characters(parent);
        const at = this.#pos;
        const next = text.charCodeAt(at + 1);
        if (next === 0x2f) {
          const top = stack.pop()!;
          if (!text.startsWith(top.qname, at + 2)) throw NOT_MINE;
          WHITESPACE.lastIndex = at + 2 + top.qname.length;
          WHITESPACE.exec(text);
          if (text.charCodeAt(WHITESPACE.lastIndex) !== 0x3e) throw NOT_MINE;
          this.#pos = WHITESPACE.lastIndex + 1;
          this.#bindings.length = top.bindings;
          if (stack.length === 0) return;
          parent = stack[stack.length - 1]!.element;
        } else if (next === 0x21) {
          if (text.startsWith('<!--', at)) this.#comment(parent);
          else if (text.startsWith('<![CDATA[', at)) this.#cdata(parent);
          else throw NOT_MINE;
        } else if (next === 0x3f) this.#instruction(parent);
        else break;
      }
    } while (stack.length > 0);
  }

  /** A start tag at the reader's position: the element appended to `parent`; its Open unless it was `<…/>`. */
  #startTag(parent: Node): Open | undefined {
    const text = this.#text;
    const start = this.#pos;
    const qname = this.#name(start + 1);
    const attributes: Attribute[] = [];
    let pos = NAME.lastIndex;
    let empty = false;
    for (;;) {
      WHITESPACE.lastIndex = pos;
      WHITESPACE.exec(text);
      const spaced = WHITESPACE.lastIndex > pos;
      pos = WHITESPACE.lastIndex;
      const c = text.charCodeAt(pos);
      if (c === 0x3e) {
        pos++;
        break;
      }
      if (c === 0x2f) {
        if (text.charCodeAt(pos + 1) !== 0x3e) throw NOT_MINE;
        pos += 2;
        empty = true;
        break;
      }
      if (!spaced) throw NOT_MINE;
      const name = this.#name(pos);
      WHITESPACE.lastIndex = NAME.lastIndex;
      WHITESPACE.exec(text);
      if (text.charCodeAt(WHITESPACE.lastIndex) !== 0x3d) throw NOT_MINE;
      WHITESPACE.lastIndex++;
      WHITESPACE.exec(text);
      const at = WHITESPACE.lastIndex;
      const value = this.#attributeValue(at);
      pos = this.#pos;
      attributes.push({ qname: name, value, at });
    }
    this.#pos = pos;

    // Namespace declarations first: they are in scope for the element's own name and attributes.
    const bindings = this.#bindings.length;
    for (const a of attributes) {
      const prefix = a.qname === 'xmlns' ? '' : a.qname.startsWith('xmlns:') ? a.qname.slice(6) : undefined;
      if (prefix === undefined) continue;
      if (prefix === 'xml' || prefix === 'xmlns' || a.value === XML_NS || a.value === XMLNS_NS || (prefix !== '' && a.value === '')) throw NOT_MINE;
      this.#bindings.push(prefix, a.value === '' ? null : a.value);
    }
    const doc = this.#document;
    const element = this.#createElement(qname, this.#namespaceOf(qname, true));
    this.#append(parent, element, start);
    const namespaces: Array<string | null> = [];
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i]!;
      const ns = a.qname === 'xmlns' || a.qname.startsWith('xmlns:') ? XMLNS_NS : this.#namespaceOf(a.qname, false);
      // Unique by name and by expanded name (Namespaces §6.3).
      for (let j = 0; j < i; j++) {
        const b = attributes[j]!;
        if (b.qname === a.qname || (ns !== null && namespaces[j] === ns && localOf(b.qname) === localOf(a.qname))) throw NOT_MINE;
      }
      namespaces.push(ns);
      const attribute = doc.createAttributeNS(ns, a.qname);
      this.#position(attribute, a.at);
      attribute.value = attribute.nodeValue = a.value;
      element.setAttributeNode(attribute);
    }
    if (empty) {
      this.#bindings.length = bindings;
      return undefined;
    }
    return { element, qname, bindings };
  }

  /** An element's or attribute's namespace; an unbound prefix, or a name only xmldom reads, is not read here. */
  #namespaceOf(qname: string, isElement: boolean): string | null {
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    if (colon === -1 && !isElement) return null;
    if (prefix === 'xmlns' || (isElement && prefix === 'xml')) throw NOT_MINE;
    if (prefix === 'xml') return XML_NS;
    const bindings = this.#bindings;
    for (let i = bindings.length - 2; i >= 0; i -= 2) if (bindings[i] === prefix) return bindings[i + 1] ?? null;
    if (prefix === '') return null;
    throw NOT_MINE;
  }

  /** An ASCII QName at `at` (at most one colon, neither first nor last), followed by no further name character. */
  #name(at: number): string {
    NAME.lastIndex = at;
    if (!NAME.exec(this.#text)) throw NOT_MINE;
    NON_NAME_AFTER.lastIndex = NAME.lastIndex;
    if (NAME.lastIndex < this.#text.length && !NON_NAME_AFTER.test(this.#text)) throw NOT_MINE;
    return this.#text.slice(at, NAME.lastIndex);
  }

  /** A quoted attribute value at `at`, references resolved and tab/LF normalised to spaces; the reader after it. */
  #attributeValue(at: number): string {
    const text = this.#text;
    const quote = text[at];
    if (quote !== '"' && quote !== "'") throw NOT_MINE;
    const run = ATTRIBUTE_RUN[quote];
    let value = '';
    let pos = at + 1;
    for (;;) {
      run.lastIndex = pos;
      run.exec(text);
      value += text.slice(pos, run.lastIndex);
      pos = run.lastIndex;
      const c = text.charCodeAt(pos);
      if (c === quote.charCodeAt(0)) break;
      if (c === 0x26) {
        value += this.#reference(pos);
        pos = this.#pos;
      } else if (c === 0x9 || c === 0xa) {
        value += ' ';
        pos++;
      } else pos = this.#pair(pos, (pair) => (value += pair));
    }
    this.#pos = pos + 1;
    return value;
  }

  /** Character data up to the next '<' (appended to `parent` as text, merged with a text node before it). */
  #characters(parent: Node): void {
    const text = this.#text;
    const start = this.#pos;
    let data = '';
    let pos = start;
    for (;;) {
      TEXT_RUN.lastIndex = pos;
      TEXT_RUN.exec(text);
      data += text.slice(pos, TEXT_RUN.lastIndex);
      pos = TEXT_RUN.lastIndex;
      const c = text.charCodeAt(pos);
      if (c === 0x3c) break;
      if (c === 0x26) {
        data += this.#reference(pos);
        pos = this.#pos;
      } else if (c === 0x5d) {
        if (text.startsWith(']]>', pos)) throw NOT_MINE;
        data += ']';
        pos++;
      } else pos = this.#pair(pos, (pair) => (data += pair));
    }
    this.#pos = pos;
    if (data === '') return;
    this.#appendText(parent, data, start);
  }

  /** A text node, or more text for the one just before (xmldom's normalize() merges adjacent text). */
  #appendText(parent: Node, data: string, at: number): void {
    const last = parent.lastChild;
    if (last && last.nodeType === 3) {
      (last as unknown as { appendData(d: string): void }).appendData(data);
      return;
    }
    this.#append(parent, this.#document.createTextNode(data), at);
  }

  /** A surrogate pair at `pos` (a lone surrogate, an illegal character or the end of the text is not read here). */
  #pair(pos: number, take: (pair: string) => void): number {
    const text = this.#text;
    const high = text.charCodeAt(pos);
    const low = text.charCodeAt(pos + 1);
    if (!(high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff)) throw NOT_MINE;
    take(text.slice(pos, pos + 2));
    return pos + 2;
  }

  /** A predefined entity or a character reference at `at` ('&'), resolved; the reader after its ';'. */
  #reference(at: number): string {
    const text = this.#text;
    const end = text.indexOf(';', at + 1);
    if (end === -1 || end - at > 12) throw NOT_MINE;
    const body = text.slice(at + 1, end);
    this.#pos = end + 1;
    const predefined = PREDEFINED[body];
    if (predefined !== undefined && Object.hasOwn(PREDEFINED, body)) return predefined;
    const code = /^#x[0-9A-Fa-f]+$/.test(body) ? Number.parseInt(body.slice(2), 16) : /^#[0-9]+$/.test(body) ? Number.parseInt(body.slice(1), 10) : Number.NaN;
    if (!isXmlChar(code)) throw NOT_MINE;
    return String.fromCodePoint(code);
  }

  #comment(parent: Node): void {
    const text = this.#text;
    const start = this.#pos;
    const dashes = text.indexOf('--', start + 4);
    if (dashes === -1 || text.charCodeAt(dashes + 2) !== 0x3e) throw NOT_MINE;
    const data = text.slice(start + 4, dashes);
    if (NOT_CHAR.test(data)) throw NOT_MINE;
    this.#append(parent, this.#document.createComment(data), start);
    this.#pos = dashes + 3;
  }

  #cdata(parent: Node): void {
    const text = this.#text;
    const start = this.#pos;
    const end = text.indexOf(']]>', start + 9);
    if (end === -1) throw NOT_MINE;
    const data = text.slice(start + 9, end);
    if (NOT_CHAR.test(data)) throw NOT_MINE;
    // xmldom makes no node of an empty section.
    if (data !== '') this.#append(parent, this.#document.createCDATASection(data), start);
    this.#pos = end + 3;
  }

  #instruction(parent: Node): void {
    const text = this.#text;
    const start = this.#pos;
    const target = this.#name(start + 2);
    if (target.includes(':') || /^xml$/i.test(target)) throw NOT_MINE;
    const close = text.indexOf('?>', NAME.lastIndex);
    if (close === -1) throw NOT_MINE;
    WHITESPACE.lastIndex = NAME.lastIndex;
    WHITESPACE.exec(text);
    if (WHITESPACE.lastIndex === NAME.lastIndex && close !== NAME.lastIndex) throw NOT_MINE;
    const data = text.slice(Math.min(WHITESPACE.lastIndex, close), close);
    if (NOT_CHAR.test(data)) throw NOT_MINE;
    this.#append(parent, this.#document.createProcessingInstruction(target, data), start);
    this.#pos = close + 2;
  }

  /**
   * createElementNS's node without its name checks (a third of the reader's time on a SOAP envelope): the name was
   * read as a QName and its prefix resolved here, which is all createElementNS validates for an XML document.
   */
  #createElement(qname: string, namespace: string | null): Element {
    const element = this.#document.createElement(qname);
    const names = element as unknown as Writable<'namespaceURI' | 'prefix' | 'localName'>;
    const colon = qname.indexOf(':');
    names.namespaceURI = namespace;
    names.prefix = colon === -1 ? null : qname.slice(0, colon);
    names.localName = colon === -1 ? qname : qname.slice(colon + 1);
    return element;
  }

  #append(parent: Node, node: Node, at: number): void {
    if (parent === this.#document) parent.appendChild(node);
    else link(parent as Node & Linked, node as Node & Linked);
    this.#position(node, at);
  }

  #position(node: Node, offset: number): void {
    while (this.#nextNewline !== -1 && this.#nextNewline < offset) {
      this.#line++;
      this.#lineStart = this.#nextNewline + 1;
      this.#nextNewline = this.#text.indexOf('\n', this.#lineStart);
    }
    node.lineNumber = this.#line;
    node.columnNumber = offset - this.#lineStart + 1;
  }
}
