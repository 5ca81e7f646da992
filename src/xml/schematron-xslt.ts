import { DOMImplementation, DOMParser, type Document, type Element, type Node, XMLSerializer } from '@xmldom/xmldom';
import { XmlSchemaUnusable } from './errors.ts';

/**
 * ISO Schematron (ISO/IEC 19757-3) to XSLT 3.0 whose output is SVRL, written for Sello (no skeleton is vendored).
 * Supported: ns, let (schema, phase, pattern, rule; @value or content), pattern/rule/assert/report, rule order
 * within a pattern (first matching rule fires), abstract patterns (is-a + param, by substitution of `$name` in
 * every query), abstract rules (extends), phases (active, defaultPhase, #ALL), xsl:function / xsl:key / xsl:variable
 * at the top level, diagnostics (with xml:lang), properties, name, value-of, emph/dir/span, @subject, @role, @flag.
 * sch:include is resolved before this, by loadSchematron. Refused: `library`, `rules` and `group` as children of
 * the schema (2025 edition). Ignored: `visit-each`, `title`/`p` inside patterns.
 */
export const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';
export const SVRL_NS = 'http://purl.oclc.org/dsdl/svrl';
const XSL_NS = 'http://www.w3.org/1999/XSL/Transform';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const SELLO_NS = 'https://sello.dev/ns/schematron';

const QUERY_BINDINGS = new Set(['', 'xslt', 'xslt2', 'xslt3', 'xpath', 'xpath2', 'xpath3', 'xpath31']);

export class SchematronError extends XmlSchemaUnusable {}

const children = (e: Element, local?: string): Element[] => {
  const out: Element[] = [];
  for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === SCH_NS && (!local || (c as Element).localName === local)) out.push(c as Element);
  return out;
};

/** xml:lang in scope for a Schematron element. */
function langOf(e: Element | null): string {
  for (let n: Element | null = e; n; n = n.parentNode?.nodeType === 1 ? (n.parentNode as Element) : null) {
    const lang = n.getAttributeNS(XML_NS, 'lang');
    if (lang) return lang;
  }
  return '';
}

/** Literal result element attributes are value templates: braces in a copied query are doubled. */
const literal = (s: string): string => s.replace(/[{}]/g, (c) => c + c);

/** ISO abstract patterns are macros: `$name` replaced by the parameter's text in every query of the copy. */
function instantiate(abstract: Element, params: Map<string, string>, doc: Document): Element {
  const copy = doc.importNode(abstract, true) as Element;
  const names = [...params.keys()].sort((a, b) => b.length - a.length);
  const walk = (e: Element): void => {
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes[i];
      if (!a || a.namespaceURI === XMLNS_NS || e === copy) continue;
      let value = a.value;
      for (const n of names) value = value.replace(new RegExp(`\\$${n.replace(/[.-]/g, '\\$&')}(?![\\w.-])`, 'g'), () => params.get(n) as string);
      if (value !== a.value) e.setAttribute(a.name, value);
    }
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) walk(c as Element);
  };
  walk(copy);
  copy.removeAttribute('abstract');
  // The copy is detached from the schema: the language its texts are written in goes with it.
  if (!copy.getAttributeNS(XML_NS, 'lang') && langOf(abstract)) copy.setAttributeNS(XML_NS, 'xml:lang', langOf(abstract));
  return copy;
}

export interface SchematronXsltOptions {
  /** A phase id, or `#ALL`; default the schema's `defaultPhase`, else `#ALL`. */
  phase?: string;
}

/** Translates a parsed Schematron schema into the text of an XSLT 3.0 stylesheet producing SVRL. */
export function schematronToXslt(sch: Document, options: SchematronXsltOptions = {}): string {
  const schema = sch.documentElement;
  if (!schema || schema.namespaceURI !== SCH_NS || schema.localName !== 'schema') throw new SchematronError(`not an ISO Schematron schema (root must be {${SCH_NS}}schema)`);
  const binding = (schema.getAttribute('queryBinding') ?? '').toLowerCase();
  if (!QUERY_BINDINGS.has(binding)) throw new SchematronError(`queryBinding '${binding}' is not supported (XSLT/XPath 1–3.1 only)`);
  for (const unsupported of ['library', 'rules', 'group']) if (children(schema, unsupported).length > 0) throw new SchematronError(`sch:${unsupported} is not supported`);

  const out = new DOMImplementation().createDocument(XSL_NS, 'xsl:stylesheet', null);
  const root = out.documentElement as Element;
  root.setAttribute('version', '3.0');
  for (const [prefix, uri] of [
    ['svrl', SVRL_NS],
    ['sello', SELLO_NS],
    ['xs', 'http://www.w3.org/2001/XMLSchema'],
  ])
    root.setAttributeNS(XMLNS_NS, `xmlns:${prefix}`, uri as string);
  for (let i = 0; i < schema.attributes.length; i++) {
    const a = schema.attributes[i];
    if (a?.namespaceURI === XMLNS_NS && a.localName !== 'xmlns' && !['svrl', 'sello', 'xsl'].includes(a.localName ?? '')) root.setAttributeNS(XMLNS_NS, a.name, a.value);
  }
  for (const ns of children(schema, 'ns')) root.setAttributeNS(XMLNS_NS, `xmlns:${ns.getAttribute('prefix')}`, ns.getAttribute('uri') ?? '');
  root.setAttribute('exclude-result-prefixes', '#all');

  const el = (parent: Element, name: string, attrs: Record<string, string | undefined> = {}): Element => {
    const e = name.startsWith('svrl:') ? out.createElementNS(SVRL_NS, name) : out.createElementNS(XSL_NS, `xsl:${name}`);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== '') k === 'xml:lang' ? e.setAttributeNS(XML_NS, k, v) : e.setAttribute(k, v);
    parent.appendChild(e);
    return e;
  };
  const letTo = (parent: Element, l: Element): void => {
    const v = el(parent, 'variable', { name: l.getAttribute('name') ?? '', select: l.getAttribute('value') ?? undefined, as: l.getAttribute('as') ?? undefined });
    if (!l.hasAttribute('value')) for (let c = l.firstChild; c; c = c.nextSibling) v.appendChild(out.importNode(c, true));
  };

  // Top-level XSLT the schema carries (functions, keys), copied as written.
  for (let c = schema.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === XSL_NS) root.appendChild(out.importNode(c, true));
  for (const l of children(schema, 'let')) letTo(root, l);

  const phaseId = options.phase ?? schema.getAttribute('defaultPhase') ?? '#ALL';
  let active: Set<string> | undefined;
  if (phaseId !== '#ALL') {
    const phase = children(schema, 'phase').find((p) => p.getAttribute('id') === phaseId);
    if (!phase) throw new SchematronError(`no phase '${phaseId}' in the schema`);
    active = new Set(children(phase, 'active').map((a) => a.getAttribute('pattern') ?? ''));
    for (const l of children(phase, 'let')) letTo(root, l);
  }

  const allPatterns = children(schema, 'pattern');
  const abstracts = new Map(allPatterns.filter((p) => p.getAttribute('abstract') === 'true').map((p) => [p.getAttribute('id') ?? '', p]));
  const patterns = allPatterns
    .filter((p) => p.getAttribute('abstract') !== 'true')
    .map((p) => {
      const isA = p.getAttribute('is-a');
      if (!isA) return p;
      const abstract = abstracts.get(isA);
      if (!abstract) throw new SchematronError(`pattern ${p.getAttribute('id') ?? ''} is-a '${isA}': no such abstract pattern`);
      const copy = instantiate(abstract, new Map(children(p, 'param').map((x) => [x.getAttribute('name') ?? '', x.getAttribute('value') ?? ''])), sch);
      copy.setAttribute('id', p.getAttribute('id') ?? '');
      copy.removeAttribute('is-a');
      return copy;
    })
    .filter((p) => !active || active.has(p.getAttribute('id') ?? ''));

  const abstractRules = new Map<string, Element>();
  for (const p of allPatterns) for (const r of children(p, 'rule')) if (r.getAttribute('abstract') === 'true') abstractRules.set(r.getAttribute('id') ?? '', r);
  const diagnostics = new Map<string, Element>();
  for (const ds of children(schema, 'diagnostics')) for (const d of children(ds, 'diagnostic')) diagnostics.set(d.getAttribute('id') ?? '', d);
  const properties = new Map<string, Element>();
  for (const ps of children(schema, 'properties')) for (const p of children(ps, 'property')) properties.set(p.getAttribute('id') ?? '', p);

  /** Human text of an assert, diagnostic or property: literal text, name and value-of evaluated. */
  const content = (parent: Element, from: Element): void => {
    for (let c: Node | null = from.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 || c.nodeType === 4) el(parent, 'text').appendChild(out.createTextNode(c.nodeValue ?? ''));
      else if (c.nodeType === 1) {
        const e = c as Element;
        if (e.namespaceURI === SCH_NS && e.localName === 'name') el(parent, 'value-of', { select: `name(${e.getAttribute('path') || '.'})` });
        else if (e.namespaceURI === SCH_NS && e.localName === 'value-of') el(parent, 'value-of', { select: `string-join((${e.getAttribute('select')}) ! string(.), ' ')` });
        else content(parent, e);
      }
    }
  };

  const check = (template: Element, a: Element, rule: Element): void => {
    const isAssert = a.localName === 'assert';
    const test = a.getAttribute('test') ?? 'true()';
    const when = el(template, 'if', { test: isAssert ? `not(${test})` : test });
    const subject = a.getAttribute('subject') || rule.getAttribute('subject');
    const result = el(when, isAssert ? 'svrl:failed-assert' : 'svrl:successful-report', {
      test: literal(test),
      location: subject ? `{sello:location((${literal(subject)})[1])}` : '{sello:location(.)}',
      id: a.getAttribute('id') ?? undefined,
      role: a.getAttribute('role') || rule.getAttribute('role') || undefined,
      flag: a.getAttribute('flag') || rule.getAttribute('flag') || undefined,
    });
    for (const id of (a.getAttribute('diagnostics') ?? '').split(/\s+/).filter(Boolean)) {
      const d = diagnostics.get(id);
      if (!d) throw new SchematronError(`assert ${a.getAttribute('id') ?? test} names diagnostic '${id}', which the schema does not define`);
      const ref = el(result, 'svrl:diagnostic-reference', { diagnostic: id, 'xml:lang': langOf(d) || undefined });
      content(ref, d);
    }
    for (const id of (a.getAttribute('properties') ?? '').split(/\s+/).filter(Boolean)) {
      const p = properties.get(id);
      if (!p) throw new SchematronError(`assert ${a.getAttribute('id') ?? test} names property '${id}', which the schema does not define`);
      const ref = el(result, 'svrl:property-reference', { property: id, role: p.getAttribute('role') ?? undefined, scheme: p.getAttribute('scheme') ?? undefined });
      content(el(ref, 'svrl:text'), p);
    }
    content(el(result, 'svrl:text', { 'xml:lang': langOf(a) || undefined }), a);
  };

  const checksOf = (rule: Element, seen = new Set<string>()): Element[] =>
    children(rule).flatMap((c) => {
      if (c.localName === 'assert' || c.localName === 'report') return [c];
      if (c.localName !== 'extends') return [];
      const id = c.getAttribute('rule') ?? '';
      const base = abstractRules.get(id);
      if (!base || seen.has(id)) throw new SchematronError(`rule extends '${id}': no such abstract rule (or a loop)`);
      return checksOf(base, new Set([...seen, id]));
    });

  const start = el(root, 'template', { match: '/' });
  const report = el(start, 'svrl:schematron-output', { title: children(schema, 'title')[0]?.textContent?.trim(), phase: phaseId, schemaVersion: schema.getAttribute('schemaVersion') ?? undefined });
  patterns.forEach((pattern, i) => {
    const mode = `sello-pattern-${i}`;
    el(report, 'svrl:active-pattern', { id: pattern.getAttribute('id') ?? undefined, name: pattern.getAttribute('name') ?? undefined });
    el(report, 'apply-templates', { select: '/', mode });
    for (const l of children(pattern, 'let')) letTo(root, l);
    const rules = children(pattern, 'rule').filter((r) => r.getAttribute('abstract') !== 'true');
    // Attributes are visited only by a pattern with a rule that can match one: most never do, and it halves the walk.
    const visit = rules.some((r) => /@|attribute\s*(::|\()/.test(r.getAttribute('context') ?? '')) ? '@*|node()' : 'node()';
    rules.forEach((rule, j) => {
      const context = rule.getAttribute('context');
      if (!context) throw new SchematronError(`a rule of pattern ${pattern.getAttribute('id') ?? i} has no context`);
      const template = el(root, 'template', { match: context, mode, priority: String(rules.length - j) });
      for (const l of children(rule, 'let')) letTo(template, l);
      el(template, 'svrl:fired-rule', { context: literal(context), id: rule.getAttribute('id') ?? undefined, role: rule.getAttribute('role') ?? undefined });
      for (const a of checksOf(rule)) check(template, a, rule);
      el(template, 'apply-templates', { select: visit, mode });
    });
    const fallback = el(root, 'template', { match: visit, mode, priority: '-10' });
    el(fallback, 'apply-templates', { select: visit, mode });
  });
  root.appendChild(locationFunctions(out));
  return new XMLSerializer().serializeToString(out);
}

/** `sello:location($node)`: an absolute path in EQNames, `/Q{ns}local[n]/@Q{}name`, resolved again by locate.ts. */
function locationFunctions(out: Document): Node {
  const text = `<xsl:function xmlns:xsl="${XSL_NS}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:sello="${SELLO_NS}" name="sello:location" as="xs:string">
    <xsl:param name="node" as="node()?"/>
    <xsl:sequence select="string-join(for $n in $node/ancestor-or-self::node()[not(self::document-node())] return
      if ($n instance of element()) then concat('/Q{', namespace-uri($n), '}', local-name($n), '[', count($n/preceding-sibling::*[node-name(.) eq node-name($n)]) + 1, ']')
      else if ($n instance of attribute()) then concat('/@Q{', namespace-uri($n), '}', local-name($n))
      else if ($n instance of text()) then concat('/text()[', count($n/preceding-sibling::text()) + 1, ']')
      else concat('/node()[', count($n/preceding-sibling::node()) + 1, ']'), '')"/>
  </xsl:function>`;
  const parsed = new DOMParser().parseFromString(text, 'text/xml');
  return out.importNode(parsed.documentElement as Element, true);
}
