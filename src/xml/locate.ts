import type { Attr, Document, Element, Node } from '@xmldom/xmldom';
import type { SourcePosition } from '../findings/finding.ts';

/**
 * Prefixes Sello writes in XPaths for the standard namespaces, whatever prefix (or default namespace) the document
 * used: a finding names `hl7:id[2]` in every document alike. Callers may add their own.
 */
export const STANDARD_PREFIXES: Readonly<Record<string, string>> = {
  'urn:hl7-org:v3': 'hl7',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
  'http://www.w3.org/2003/05/soap-envelope': 'soap',
  'http://www.w3.org/2005/08/addressing': 'wsa',
  'http://www.w3.org/2000/09/xmldsig#': 'ds',
  'http://www.w3.org/XML/1998/namespace': 'xml',
};

export type PrefixMap = Readonly<Record<string, string>>;

/** Where a node is: its absolute XPath and, when the parser recorded it, its line and column. */
export interface NodeLocation {
  location: string;
  position?: SourcePosition;
}

function qname(node: Element | Attr, prefixes: PrefixMap): string {
  const ns = node.namespaceURI;
  const local = node.localName ?? node.nodeName;
  if (!ns) return local;
  const prefix = prefixes[ns] ?? STANDARD_PREFIXES[ns] ?? node.prefix;
  if (prefix) return `${prefix}:${local}`;
  // A braced URI literal cannot hold braces; such a (malformed) namespace is named by a predicate instead.
  if (!/[{}]/.test(ns)) return `Q{${ns}}${local}`;
  const quote = ns.includes('"') ? "'" : '"';
  return `*:${local}[namespace-uri()=${quote}${ns}${quote}]`;
}

const sameName = (a: Node, b: Node): boolean => a.nodeType === b.nodeType && a.namespaceURI === b.namespaceURI && (a.localName ?? a.nodeName) === (b.localName ?? b.nodeName);

/**
 * Absolute XPath of an element or attribute: prefixed names and a positional predicate on every step below the root,
 * e.g. `/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]/@extension`.
 */
export function xpathOf(node: Node, prefixes: PrefixMap = {}): string {
  const steps: string[] = [];
  let current: Node | null = node;
  if (current.nodeType === 2) {
    steps.push(`@${qname(current as Attr, prefixes)}`);
    current = (current as Attr).ownerElement;
  } else if (current.nodeType === 3 || current.nodeType === 4) {
    let n = 1;
    for (let s = current.previousSibling; s; s = s.previousSibling) if (s.nodeType === 3 || s.nodeType === 4) n++;
    steps.push(`text()[${n}]`);
    current = current.parentNode;
  }
  while (current && current.nodeType === 1) {
    const parent: Node | null = current.parentNode;
    if (!parent || parent.nodeType === 9) steps.push(qname(current as Element, prefixes));
    else {
      let n = 1;
      for (let s = current.previousSibling; s; s = s.previousSibling) if (sameName(s, current)) n++;
      steps.push(`${qname(current as Element, prefixes)}[${n}]`);
    }
    current = parent;
  }
  return `/${steps.reverse().join('/')}`;
}

export function positionOfNode(node: Node): SourcePosition | undefined {
  const n = node as Node & { lineNumber?: number; columnNumber?: number };
  return n.lineNumber ? { line: n.lineNumber, column: n.columnNumber ?? 1 } : undefined;
}

export function locate(node: Node, prefixes: PrefixMap = {}): NodeLocation {
  const position = positionOfNode(node);
  return { location: xpathOf(node, prefixes), ...(position ? { position } : {}) };
}

/** Every element in document order, walked with a stack (no recursion). */
export function* elements(document: Document): Generator<Element> {
  const stack: Element[] = document.documentElement ? [document.documentElement] : [];
  while (stack.length > 0) {
    const e = stack.pop() as Element;
    yield e;
    const children: Element[] = [];
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) children.push(c as Element);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Element);
  }
}

interface Step {
  kind: 'element' | 'attribute' | 'text' | 'other';
  ns?: string;
  local?: string;
  index: number;
}

/** One step of a location path as Schematron engines write it: `Q{ns}local[n]`, `*:local[namespace-uri()='ns'][n]`, `p:local[n]`, `@…`, `text()[n]`. */
function parseStep(raw: string): Step | undefined {
  const index = Number(/\[(\d+)\]$/.exec(raw)?.[1] ?? 1);
  const attribute = raw.startsWith('@');
  const body = attribute ? raw.slice(1) : raw;
  if (/^(text|comment|processing-instruction|node)\(/.test(body)) return { kind: body.startsWith('text') ? 'text' : 'other', index };
  let m = /^Q\{([^}]*)\}([^[\s]+)/.exec(body);
  if (m) return { kind: attribute ? 'attribute' : 'element', ns: m[1], local: m[2] as string, index };
  m = /^\*:([^[\s]+)\[namespace-uri\(\)\s*=\s*(['"])(.*?)\2\]/.exec(body);
  if (m) return { kind: attribute ? 'attribute' : 'element', ns: m[3], local: m[1] as string, index };
  m = /^(?:[^:[\s]+:)?([^[\s:]+)/.exec(body);
  return m ? { kind: attribute ? 'attribute' : 'element', local: m[1] as string, index } : undefined;
}

/** Splits on `/` outside `Q{…}` (read to its `}`, whatever it holds), `[…]` and quotes. */
function splitPath(path: string): string[] {
  const steps: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === 'Q' && path[i + 1] === '{') {
      const close = path.indexOf('}', i);
      const end = close === -1 ? path.length : close + 1;
      current += path.slice(i, end);
      i = end - 1;
      continue;
    } else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '/' && depth === 0) {
      if (current) steps.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current) steps.push(current);
  return steps;
}

/**
 * The node an absolute location path (SVRL `@location`) points at in the DOM, or undefined when it does not
 * resolve. A step without a namespace (`p:local`) matches by local name.
 */
export function resolvePath(document: Document, path: string): Node | undefined {
  let current: Node = document;
  for (const raw of splitPath(path.trim())) {
    const step = parseStep(raw);
    if (!step || step.kind === 'other') return current === document ? undefined : current;
    const matches = (n: Node): boolean => (n.localName ?? n.nodeName) === step.local && (step.ns === undefined || (n.namespaceURI ?? '') === step.ns);
    if (step.kind === 'attribute') {
      const attrs = (current as Element).attributes;
      if (!attrs) return undefined;
      for (let i = 0; i < attrs.length; i++) if (matches(attrs[i] as Attr)) return attrs[i] as Attr;
      return undefined;
    }
    let seen = 0;
    let next: Node | undefined;
    for (let c = current.firstChild; c && !next; c = c.nextSibling) {
      const hit = step.kind === 'text' ? c.nodeType === 3 || c.nodeType === 4 : c.nodeType === 1 && matches(c);
      if (hit && ++seen === step.index) next = c;
    }
    if (!next) return undefined;
    current = next;
  }
  return current === document ? (document.documentElement ?? undefined) : current;
}
