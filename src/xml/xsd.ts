import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Document, Element } from '@xmldom/xmldom';
import type { ErrorDetail, XmlDocument, XsdValidator } from 'libxml2-wasm';
import type { Finding } from '../findings/finding.ts';
import { parseXml } from './dom.ts';
import { XmlSchemaUnusable } from './errors.ts';
import { elements, locate, type PrefixMap } from './locate.ts';
import { localReferences } from './references.ts';

/** A set of XSD files as libxml2 sees them: paths relative to one folder, so `schemaLocation`s resolve among them. */
export interface XsdSchemaSet {
  /** Relative path of the schema documents are validated against (the first of `files`). */
  main: string;
  files: { fileName: string; contents: string }[];
}

export class XsdSchemaError extends XmlSchemaUnusable {}

/** Schema documents read per set (an include chain longer than this is a loop or not a schema a regulator ships). */
const MAX_SCHEMA_FILES = 500;

/**
 * Reads a main XSD and, recursively, every local file its `xs:include` / `xs:import` / `xs:redefine` names.
 * libxml2 reads the set from memory only (a schema compiles the same wherever it runs); remote `schemaLocation`s are left out.
 */
export async function loadXsdSchemaSet(mainPath: string): Promise<XsdSchemaSet> {
  const read = new Map<string, string>();
  const queue = [resolve(mainPath)];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    if (read.has(path)) continue;
    if (read.size >= MAX_SCHEMA_FILES) throw new XsdSchemaError(`more than ${MAX_SCHEMA_FILES} schema files from ${mainPath}`);
    let contents: string;
    try {
      contents = await readFile(path, 'utf8');
    } catch (error) {
      throw new XsdSchemaError(`cannot read schema ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const parsed = parseXml(contents);
    if (!parsed.document) throw new XsdSchemaError(`schema ${path} is not usable XML: ${parsed.findings.map((f) => f.message.en).join('; ')}`);
    read.set(path, contents);
    for (const r of localReferences(parsed.document)) if (r.kind === 'xsd') queue.push(resolve(dirname(path), r.file));
  }
  const paths = [...read.keys()];
  const root = paths.reduce(
    (common, p) => {
      let c = common;
      while (!`${p}${sep}`.startsWith(`${c}${sep}`) && c !== dirname(c)) c = dirname(c);
      return c;
    },
    dirname(paths[0] as string),
  );
  const files = paths.map((p) => ({ fileName: relative(root, p).split(sep).join('/'), contents: read.get(p) as string }));
  return { main: (files[0] as { fileName: string }).fileName, files };
}

export interface XsdDocument {
  text: string;
  document: Document;
}

/** URL base under which a set's files are handed to libxml2 while its schema compiles (nothing else is read). */
const SCHEMA_URL = 'sello-xsd:///';
/** Files of the set being compiled: compilation is synchronous, so one set at a time. */
let compiling: ReadonlyMap<string, Uint8Array> | undefined;
const open = new Map<number, { bytes: Uint8Array; at: number }>();
let nextFd = 1;

type Libxml2 = typeof import('libxml2-wasm');
let loaded: Promise<Libxml2> | undefined;

/**
 * libxml2-wasm is loaded on the first validation, not with the module: under tsx its 1 MB module costs ~0.5 s of CPU
 * and ~100 MB to load, which a process that validates no XSD (most of them) should not pay.
 */
function libxml2(): Promise<Libxml2> {
  loaded ??= import('libxml2-wasm').then((lib) => {
    registerSchemaProvider(lib);
    return lib;
  });
  return loaded;
}

function registerSchemaProvider(lib: Libxml2): void {
  lib.xmlRegisterInputProvider({
    match: (url) => url.startsWith(SCHEMA_URL),
    open: (url) => {
      const bytes = compiling?.get(url.slice(SCHEMA_URL.length));
      if (!bytes) return undefined;
      open.set(nextFd, { bytes, at: 0 });
      return nextFd++;
    },
    read: (fd, buffer) => {
      const file = open.get(fd);
      if (!file) return -1;
      const n = Math.min(buffer.length, file.bytes.length - file.at);
      buffer.set(file.bytes.subarray(file.at, file.at + n));
      file.at += n;
      return n;
    },
    close: (fd) => open.delete(fd),
  });
}

/**
 * One compiled schema per set object, kept as long as the set is: compiling costs ~50 ms and a certification checks
 * hundreds of messages against the same few sets. libxml2-wasm frees a validator whose set is collected.
 */
const compiled = new WeakMap<XsdSchemaSet, { validator: XsdValidator; schemaDocument: XmlDocument }>();

function validatorFor(lib: Libxml2, schema: XsdSchemaSet): XsdValidator {
  const cached = compiled.get(schema);
  if (cached) return cached.validator;
  const main = schema.files.find((f) => f.fileName === schema.main);
  if (!main) throw new XsdSchemaError(`schema set has no file ${schema.main}`);
  const encoder = new TextEncoder();
  compiling = new Map(schema.files.map((f) => [f.fileName, encoder.encode(f.contents)]));
  let schemaDocument: XmlDocument | undefined;
  try {
    schemaDocument = lib.XmlDocument.fromString(main.contents, { url: `${SCHEMA_URL}${main.fileName}`, encoding: 'utf-8', option: lib.ParseOption.XML_PARSE_NONET });
    const validator = lib.XsdValidator.fromDoc(schemaDocument);
    // The compiled schema may point into its document's tree, so the document lives as long as the validator.
    compiled.set(schema, { validator, schemaDocument });
    return validator;
  } catch (error) {
    schemaDocument?.dispose();
    const details = error instanceof lib.XmlLibError ? error.details.map((d) => `${d.file ? `${d.file.replace(SCHEMA_URL, '')}:` : ''}${d.line}: ${d.message.trim()}`) : [(error as Error).message];
    throw new XsdSchemaError(`libxml2 could not use schema ${schema.main}: ${details.slice(0, 5).join(' | ')}`);
  } finally {
    compiling = undefined;
  }
}

/**
 * Validates documents against an XSD set with libxml2 (libxml2-wasm, in this process): the schema is compiled once
 * per set and kept, each document is parsed by libxml2, validated and freed. Returns the findings of each document,
 * in order, each list in document order; a document libxml2 cannot parse gets its parse errors as findings.
 */
export async function validateXsd(documents: readonly XsdDocument[], schema: XsdSchemaSet, prefixes: PrefixMap = {}): Promise<Finding[][]> {
  const lib = await libxml2();
  const validator = validatorFor(lib, schema);
  return documents.map((doc) => validateOne(lib, validator, doc, prefixes));
}

function validateOne(lib: Libxml2, validator: XsdValidator, doc: XsdDocument, prefixes: PrefixMap): Finding[] {
  let parsed: XmlDocument;
  try {
    // The text is already decoded: an encoding declaration in it must not make libxml2 decode it again.
    parsed = lib.XmlDocument.fromString(doc.text, { encoding: 'utf-8', option: lib.ParseOption.XML_PARSE_NONET });
  } catch (error) {
    return libxml2Details(lib, error).map((d) => xsdFinding(doc, d, prefixes));
  }
  try {
    validator.validate(parsed);
    return [];
  } catch (error) {
    return libxml2Details(lib, error).map((d) => xsdFinding(doc, d, prefixes));
  } finally {
    parsed.dispose();
  }
}

/** libxml2's diagnostics of a failed parse or validation; an internal error (no details) is one diagnostic too. */
function libxml2Details(lib: Libxml2, error: unknown): ErrorDetail[] {
  if (error instanceof lib.XmlLibError && error.details.length > 0) return error.details;
  return [{ message: (error as Error).message, level: 2, line: 0, col: 0 }];
}

/** `XSD-` + the class of libxml2's message, so that a rule id is stable across documents and wordings of a value. */
export function xsdRuleId(message: string): string {
  const facet = /\[facet '([^']+)'\]/.exec(message);
  if (facet) return `XSD-facet-${facet[1]}`;
  if (/This element is not expected/.test(message)) return 'XSD-element-unexpected';
  if (/Missing child element/.test(message)) return 'XSD-element-missing';
  if (/attribute '[^']+' is required but missing/.test(message)) return 'XSD-attribute-missing';
  if (/attribute is not allowed|The attribute '[^']+' is not allowed/.test(message)) return 'XSD-attribute-unexpected';
  if (/No matching global (element )?declaration/.test(message)) return 'XSD-root-undeclared';
  if (/is not a valid value of the (atomic|list|union|local atomic) type/.test(message)) return 'XSD-datatype';
  if (/Character content other than whitespace is not allowed|Element content is not allowed/.test(message)) return 'XSD-content';
  if (/xsi:type/.test(message)) return 'XSD-xsi-type';
  if (/Duplicate key-sequence|No match found for key-sequence/.test(message)) return 'XSD-identity';
  return 'XSD-invalid';
}

/**
 * libxml2 names the element by its node path, as xmlGetNodePath writes it, and gives its line:
 * the path is followed in Sello's tree; without one, the element of the message's name whose start tag covers the
 * line is the one meant. Its attribute when the message names one.
 */
function xsdFinding(doc: XsdDocument, detail: ErrorDetail, prefixes: PrefixMap): Finding {
  const message = detail.message.trim();
  const line = detail.line;
  const named = /Element '(?:\{([^}]*)\})?([^']+)'(?:, attribute '(?:\{([^}]*)\})?([^']+)')?/.exec(message);
  let node: Element | undefined = detail.xpath ? followNodePath(doc.document, detail.xpath) : undefined;
  if (node && named && (node.localName !== named[2] || (node.namespaceURI ?? '') !== (named[1] ?? ''))) node = undefined;
  const lineStarts = node || line < 1 ? [] : lineOffsets(doc.text);
  for (const e of node || line < 1 ? [] : elements(doc.document)) {
    if (named && (e.localName !== named[2] || (e.namespaceURI ?? '') !== (named[1] ?? ''))) continue;
    const from = e.lineNumber ?? 0;
    if (from > line) break;
    if (from <= line && startTagEndLine(doc.text, lineStarts, e) >= line) node = e;
  }
  const attribute = node && named?.[4] ? (named[3] ? node.getAttributeNodeNS(named[3], named[4]) : node.getAttributeNode(named[4])) : null;
  const where = node ? locate(attribute ?? node, prefixes) : { location: '', ...(line > 0 ? { position: { line, column: Math.max(1, detail.col) } } : {}) };
  return {
    ruleId: xsdRuleId(message),
    severity: 'error',
    code: 'structure',
    location: where.location,
    locationKind: 'xpath',
    ...(where.position ? { position: where.position } : {}),
    message: { en: `XSD: ${message}`, ru: `Нарушение XSD-схемы: ${message}` },
  };
}

/** The element an xmlGetNodePath path names: steps `*`, `name` or `prefix:name`, each `[n]` among the siblings it counts. */
function followNodePath(document: Document, path: string): Element | undefined {
  let current: Document | Element = document;
  for (const step of path.split('/').slice(1)) {
    const m = /^(\*|[^[\]]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m) return undefined;
    const [, name, index = '1'] = m;
    const colon = (name as string).indexOf(':');
    let n = Number(index);
    let found: Element | undefined;
    for (let c = current.firstChild; c && !found; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as Element;
      // `*` stands for any element (libxml2 writes it for the default namespace); a name is matched with its prefix.
      const counts = name === '*' || (colon === -1 ? !e.prefix && e.localName === name : e.prefix === name?.slice(0, colon) && e.localName === name?.slice(colon + 1));
      if (counts && --n === 0) found = e;
    }
    if (!found) return undefined;
    current = found;
  }
  return current === document ? undefined : (current as Element);
}

function lineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Line on which an element's start tag closes (attributes may spread it over several lines). */
function startTagEndLine(text: string, lineStarts: number[], e: Element): number {
  const line = e.lineNumber ?? 1;
  let i = (lineStarts[line - 1] ?? 0) + (e.columnNumber ?? 1) - 1;
  let quote = '';
  let current = line;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') current++;
    else if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '>') break;
  }
  return current;
}
