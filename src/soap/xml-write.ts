/**
 * Writes XML text exactly, from a small element tree: Sello decides every byte of what it sends (no serialiser that
 * reorders attributes, re-prefixes or pretty-prints). Namespaces get one prefix each, declared once, on the root.
 */
import { type QName, XML_NS } from './namespaces.ts';

/** An element; `children` strings are text (escaped), `raw` is trusted markup written as given. */
export interface XmlElement {
  name: QName;
  /** Attributes in the order written; an attribute's `ns` empty for an unqualified one. */
  attributes?: ReadonlyArray<{ name: QName; value: string }>;
  children?: ReadonlyArray<XmlNode>;
}
/** Markup the caller vouches for (e.g. a signed fragment whose bytes must not change): its prefixes are its own. */
export interface RawXml {
  raw: string;
}
export type XmlNode = XmlElement | RawXml | string;

/** Shorthand for an element: `el({ ns, local }, [children], { attr: value })`. */
export function el(name: QName, children: ReadonlyArray<XmlNode> = [], attributes: Readonly<Record<string, string>> = {}): XmlElement {
  return { name, children, attributes: Object.entries(attributes).map(([local, value]) => ({ name: { ns: '', local }, value })) };
}

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab, CR, LF; U+FFFE/U+FFFF; lone surrogates): no escape
 * exists for them, so they become U+FFFD rather than a document nobody can parse.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Names each character XML cannot carry by its code point (`U+0000`): for text that quotes what a peer sent. */
export function nameUnwritable(text: string): string {
  return text.replace(NOT_XML, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Anything either escape may change (surrogates even in pairs, so the exact check decides): most text has none. */
const NEEDS_ESCAPE = /[<>&"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Text content: `<` and `&` escaped, `>` too (so `]]>` cannot appear), CR as `&#13;` (a parser would turn it into LF). */
export function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(NOT_XML, '\uFFFD').replace(/[<>&\r]/g, (c) => TEXT_ESCAPES[c]!);
}
const TEXT_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '\r': '&#13;' };

/** An attribute value in double quotes: tab, CR and LF as character references (attribute normalisation would make them spaces). */
export function escapeAttribute(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(NOT_XML, '\uFFFD').replace(/[<>&"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}
const ATTRIBUTE_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Prefix of each namespace used in a tree. `preferred` names the ones the caller cares about (`env`, `wsa`); any
 * other gets `ns1`, `ns2`… in order of first use. The xml namespace is predeclared and never declared again.
 */
export class Prefixes {
  readonly #byNs = new Map<string, string>();
  readonly #taken = new Set<string>(['xml', 'xmlns']);
  #next = 1;

  constructor(preferred: Readonly<Record<string, string>> = {}) {
    for (const [prefix, ns] of Object.entries(preferred)) this.#bind(ns, prefix);
  }

  prefixOf(ns: string): string {
    if (ns === XML_NS) return 'xml';
    let prefix = this.#byNs.get(ns);
    while (prefix === undefined) {
      const candidate = `ns${this.#next++}`;
      if (!this.#taken.has(candidate)) prefix = this.#bind(ns, candidate);
    }
    return prefix;
  }

  /** `prefix:local`, or `local` for an unqualified name. */
  qualified(name: QName): string {
    return name.ns === '' ? name.local : `${this.prefixOf(name.ns)}:${name.local}`;
  }

  /** ` xmlns:p="…"` for every namespace used, in order of binding. */
  declarations(used: ReadonlySet<string>): string {
    return [...this.#byNs]
      .filter(([ns]) => used.has(ns))
      .map(([ns, prefix]) => ` xmlns:${prefix}="${escapeAttribute(ns)}"`)
      .join('');
  }

  #bind(ns: string, prefix: string): string {
    if (!this.#byNs.has(ns) && !this.#taken.has(prefix)) {
      this.#byNs.set(ns, prefix);
      this.#taken.add(prefix);
    }
    return this.#byNs.get(ns)!;
  }
}

/** Namespaces a tree uses (elements and qualified attributes), raw markup excluded. */
export function namespacesOf(nodes: ReadonlyArray<XmlNode>, into = new Set<string>()): Set<string> {
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string' || 'raw' in node) continue;
    if (node.name.ns) into.add(node.name.ns);
    for (const a of node.attributes ?? []) if (a.name.ns && a.name.ns !== XML_NS) into.add(a.name.ns);
    stack.push(...(node.children ?? []));
  }
  return into;
}

/**
 * The markup of `node`, its prefixes from `prefixes` (declared elsewhere, by the caller, once). `rootDeclarations`
 * is written into the first element's start tag. Iterative: a deep tree cannot overflow the writer.
 */
export function writeXml(node: XmlNode, prefixes: Prefixes, rootDeclarations = ''): string {
  const out: string[] = [];
  const stack: Array<XmlNode | { close: string }> = [node];
  let first = true;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') out.push(escapeText(item));
    else if ('raw' in item) out.push(item.raw);
    else if ('close' in item) out.push(item.close);
    else {
      const tag = prefixes.qualified(item.name);
      const attributes = (item.attributes ?? []).map((a) => ` ${prefixes.qualified(a.name)}="${escapeAttribute(a.value)}"`).join('');
      const declarations = first ? rootDeclarations : '';
      first = false;
      const children = item.children ?? [];
      if (children.length === 0) {
        out.push(`<${tag}${declarations}${attributes}/>`);
        continue;
      }
      out.push(`<${tag}${declarations}${attributes}>`);
      stack.push({ close: `</${tag}>` });
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return out.join('');
}
