import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Document, Element } from '@xmldom/xmldom';
import { memoryPages, validateXML } from 'xmllint-wasm';
import type { Finding } from '../findings/finding.ts';
import { parseXml } from './dom.ts';
import { XmlSchemaUnusable } from './errors.ts';
import { elements, locate, type PrefixMap } from './locate.ts';
import { localReferences } from './references.ts';

/** A set of XSD files as xmllint sees them: paths relative to one folder, so `schemaLocation`s resolve among them. */
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
 * xmllint-wasm does no I/O of its own, so the whole set is handed to it; remote `schemaLocation`s are left out.
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

/** Input handed to one xmllint run: the worker's memory is sized from it, and a larger cohort is split. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const INPUT_DIR = 'sello-input';

/**
 * Validates documents against an XSD set with libxml2 (xmllint-wasm). Each call starts a worker and compiles the
 * schema anew (xmllint-wasm keeps nothing between calls), so many documents go to one call: the schema is
 * compiled once per batch. Returns the findings of each document, in order.
 */
export async function validateXsd(documents: readonly XsdDocument[], schema: XsdSchemaSet, prefixes: PrefixMap = {}): Promise<Finding[][]> {
  const results: Finding[][] = documents.map(() => []);
  let start = 0;
  while (start < documents.length) {
    let end = start;
    let bytes = 0;
    while (end < documents.length && (end === start || bytes + (documents[end] as XsdDocument).text.length * 3 <= MAX_BATCH_BYTES)) bytes += (documents[end++] as XsdDocument).text.length * 3;
    await validateBatch(documents, start, end, bytes, schema, prefixes, results);
    start = end;
  }
  return results;
}

async function validateBatch(documents: readonly XsdDocument[], start: number, end: number, bytes: number, schema: XsdSchemaSet, prefixes: PrefixMap, results: Finding[][]): Promise<void> {
  const names = new Map<string, number>();
  const xml = [];
  for (let i = start; i < end; i++) {
    const fileName = `${INPUT_DIR}/doc-${i}.xml`;
    names.set(fileName, i);
    xml.push({ fileName, contents: (documents[i] as XsdDocument).text });
  }
  const schemaBytes = schema.files.reduce((n, f) => n + f.contents.length, 0);
  // libxml2 holds every document's tree and the compiled schema at once: ~10× the text, in 64 KiB pages.
  const pages = Math.min(memoryPages.max, Math.max(memoryPages.defaultMaxMemoryPages, Math.ceil(((bytes + schemaBytes) * 10) / 65536) + 256));
  let output: string;
  try {
    const main = schema.files.find((f) => f.fileName === schema.main) as { fileName: string; contents: string };
    const result = await validateXML({ xml, schema: [main], preload: schema.files.filter((f) => f !== main), maxMemoryPages: pages });
    output = result.rawOutput;
  } catch (error) {
    throw new XsdSchemaError(`xmllint could not use schema ${schema.main}: ${(error as Error).message.trim().split('\n').slice(0, 5).join(' | ')}`);
  }
  for (const line of output.split('\n')) {
    const m = /^(.+?\.xml):(\d+): (.*)$/.exec(line);
    const index = m ? names.get(m[1] as string) : undefined;
    if (!m || index === undefined) continue;
    const doc = documents[index] as XsdDocument;
    results[index]?.push(xsdFinding(doc, Number(m[2]), m[3] as string, prefixes));
  }
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
 * libxml2 gives a line only (that of the element's start tag, ended with its `>`): the element of that name whose
 * start tag covers the line is the one meant; its attribute when the message names one.
 */
function xsdFinding(doc: XsdDocument, line: number, raw: string, prefixes: PrefixMap): Finding {
  const message = raw.replace(/^element [^:]+: Schemas validity error : /, '').replace(/^.*?Schemas validity error : /, '');
  const named = /Element '(?:\{([^}]*)\})?([^']+)'(?:, attribute '(?:\{([^}]*)\})?([^']+)')?/.exec(message);
  let node: Element | undefined;
  const lineStarts = lineOffsets(doc.text);
  for (const e of elements(doc.document)) {
    if (named && (e.localName !== named[2] || (e.namespaceURI ?? '') !== (named[1] ?? ''))) continue;
    const from = e.lineNumber ?? 0;
    if (from > line) break;
    if (from <= line && startTagEndLine(doc.text, lineStarts, e) >= line) node = e;
  }
  const attribute = node && named?.[4] ? (named[3] ? node.getAttributeNodeNS(named[3], named[4]) : node.getAttributeNode(named[4])) : null;
  const where = node ? locate(attribute ?? node, prefixes) : { location: '', position: { line, column: 1 } };
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
