import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Document, Element } from '@xmldom/xmldom';
import type { Finding, LocalizedText, Severity } from '../findings/finding.ts';
import { parseXml } from './dom.ts';
import { elements, locate, type PrefixMap, resolvePath } from './locate.ts';
import { SCH_NS, SchematronError, type SchematronXsltOptions, SVRL_NS, schematronToXslt } from './schematron-xslt.ts';

export { SchematronError } from './schematron-xslt.ts';

const require = createRequire(import.meta.url);
const SaxonJS = require('saxon-js') as {
  transform(options: Record<string, unknown>, mode: 'sync'): { principalResult: unknown };
  getProcessorInfo(): { productVersion: string };
};

/** sch:include chains longer than this are a loop. */
const MAX_INCLUDES = 200;

/** Reads a Schematron file and inlines its `sch:include`s (relative `href`, optionally `#id` of one element). */
export async function loadSchematron(path: string): Promise<Document> {
  const parse = async (file: string): Promise<Document> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new SchematronError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const parsed = parseXml(text);
    if (!parsed.document) throw new SchematronError(`${file} is not usable XML: ${parsed.findings.map((f) => f.message.en).join('; ')}`);
    return parsed.document;
  };
  const main = await parse(resolve(path));
  let includes = 0;
  const expand = async (doc: Document, base: string): Promise<void> => {
    for (const inc of [...elements(doc)].filter((e) => e.namespaceURI === SCH_NS && e.localName === 'include')) {
      if (++includes > MAX_INCLUDES) throw new SchematronError(`more than ${MAX_INCLUDES} sch:include in ${path}`);
      const [file, fragment] = (inc.getAttribute('href') ?? '').split('#');
      const target = resolve(dirname(base), file as string);
      const included = await parse(target);
      await expand(included, target);
      const node = fragment ? [...elements(included)].find((e) => e.getAttribute('id') === fragment) : included.documentElement;
      if (!node) throw new SchematronError(`sch:include ${inc.getAttribute('href')}: nothing with that id`);
      inc.parentNode?.replaceChild(doc.importNode(node, true), inc);
    }
  };
  await expand(main, resolve(path));
  return main;
}

/** Where compiled stylesheets (SEF) are kept between runs, by the hash of the generated XSLT; SELLO_SEF_CACHE moves it. */
export const DEFAULT_SEF_CACHE = process.env.SELLO_SEF_CACHE || join(tmpdir(), 'sello-schematron-sef');

export interface CompiledSchematron {
  /** Stylesheet Export File, parsed once: SaxonJS runs it on every document. */
  sef: object;
  hash: string;
}

const memory = new Map<string, CompiledSchematron>();

/**
 * Schematron → XSLT 3.0 (schematron-xslt.ts) → SEF with SaxonJS's own XSLT compiler (the `xslt3` command, run as a
 * child process: the compiler has no public API), cached in memory and on disk by the hash of the XSLT.
 */
export async function compileSchematron(schema: Document, options: SchematronXsltOptions & { cacheDir?: string } = {}): Promise<CompiledSchematron> {
  const xslt = schematronToXslt(schema, options);
  const hash = createHash('sha256').update(SaxonJS.getProcessorInfo().productVersion).update('\0').update(xslt).digest('hex');
  const known = memory.get(hash);
  if (known) return known;
  const dir = options.cacheDir ?? DEFAULT_SEF_CACHE;
  const sefPath = join(dir, `${hash}.sef.json`);
  let text = await readFile(sefPath, 'utf8').catch(() => undefined);
  if (!text) {
    await mkdir(dir, { recursive: true });
    const xslPath = join(dir, `${hash}.${process.pid}.xsl`);
    const partial = `${sefPath}.${process.pid}.part`;
    await writeFile(xslPath, xslt);
    try {
      await promisify(execFile)(process.execPath, [require.resolve('xslt3'), `-xsl:${xslPath}`, `-export:${partial}`, '-nogo', '-relocate:on'], { maxBuffer: 16 * 1024 * 1024 });
      await rename(partial, sefPath);
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new SchematronError(`SaxonJS could not compile the Schematron: ${(e.stderr || e.message).trim().split('\n').slice(0, 8).join(' | ')}`);
    } finally {
      await rm(xslPath, { force: true });
      await rm(partial, { force: true });
    }
    text = await readFile(sefPath, 'utf8');
  }
  const compiled = { sef: JSON.parse(text) as object, hash };
  memory.set(hash, compiled);
  return compiled;
}

/** Runs a compiled Schematron on a document's text and answers its SVRL, serialized. */
export function runSchematron(compiled: CompiledSchematron, text: string): string {
  const result = SaxonJS.transform({ stylesheetInternal: compiled.sef, sourceText: text, destination: 'serialized' }, 'sync');
  return String(result.principalResult);
}

const SEVERITY_WORDS: ReadonlyArray<[RegExp, Severity]> = [
  [/^(fatal|critical)$/i, 'fatal'],
  [/^(warn|warning|caution)$/i, 'warning'],
  [/^(info|information|informational|note|hint)$/i, 'information'],
];

/** SVRL @role or @flag: error unless it says otherwise. */
export function severityOf(role: string, flag: string): Severity {
  for (const word of [role, flag]) for (const [re, severity] of SEVERITY_WORDS) if (re.test(word.trim())) return severity;
  return 'error';
}

const normalize = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
const CYRILLIC = /[\u0400-\u04FF]/;

/**
 * The assert's own text goes under its language (xml:lang in scope, or Russian when written in Cyrillic); English
 * comes from a diagnostic with xml:lang="en" when the schema has one, else the same text, labelled untranslated.
 */
function messageOf(result: Element): LocalizedText {
  let text = '';
  let lang = '';
  let english = '';
  for (let c = result.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1 || (c as Element).namespaceURI !== SVRL_NS) continue;
    const e = c as Element;
    if (e.localName === 'text') {
      text = normalize(e.textContent);
      lang = e.getAttribute('xml:lang') ?? '';
    } else if (e.localName === 'diagnostic-reference' && /^en\b/i.test(e.getAttribute('xml:lang') ?? '') && !english) english = normalize(e.textContent);
  }
  const local = lang ? lang.slice(0, 2).toLowerCase() : CYRILLIC.test(text) ? 'ru' : 'en';
  if (local === 'en') return { en: english || text };
  const message: LocalizedText = { en: english || `(untranslated, ${local}) ${text}` };
  if (local === 'ru' || local === 'es') message[local] = text;
  return message;
}

/** SVRL `failed-assert` and `successful-report` as findings, located in the source document. */
export function svrlToFindings(svrl: string, source: Document, prefixes: PrefixMap = {}): Finding[] {
  const parsed = parseXml(svrl, { maxDepth: 16 });
  if (!parsed.document) throw new SchematronError(`the Schematron produced no SVRL: ${parsed.findings.map((f) => f.message.en).join('; ')}`);
  const findings: Finding[] = [];
  let patternId = '';
  let ruleId = '';
  const root = parsed.document.documentElement as Element;
  for (let c = root.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const e = c as Element;
    if (e.localName === 'active-pattern') patternId = e.getAttribute('id') ?? '';
    else if (e.localName === 'fired-rule') ruleId = e.getAttribute('id') ?? '';
    else if (e.localName === 'failed-assert' || e.localName === 'successful-report') {
      const svrlLocation = e.getAttribute('location') ?? '';
      const node = resolvePath(source, svrlLocation);
      const where = node ? locate(node, prefixes) : { location: svrlLocation };
      findings.push({
        ruleId: e.getAttribute('id') || ruleId || patternId || (e.localName === 'failed-assert' ? 'SCHEMATRON-assert' : 'SCHEMATRON-report'),
        severity: severityOf(e.getAttribute('role') ?? '', e.getAttribute('flag') ?? ''),
        code: 'invariant',
        location: where.location,
        locationKind: 'xpath',
        ...('position' in where && where.position ? { position: where.position } : {}),
        message: messageOf(e),
      });
    }
  }
  return findings;
}

export const SCHEMATRON_RUNTIME_RULE = 'SCHEMATRON-RUNTIME';

/**
 * Schematron findings for one parsed document. A dynamic error of the schema's own XPath on this document (a cast
 * that fails, a function missing) is one fatal finding: the document was not judged, and the others still are.
 */
export function validateSchematron(compiled: CompiledSchematron, doc: { text: string; document: Document }, prefixes: PrefixMap = {}): Finding[] {
  let svrl: string;
  try {
    svrl = runSchematron(compiled, doc.text);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const why = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`.slice(0, 500);
    return [
      {
        ruleId: SCHEMATRON_RUNTIME_RULE,
        severity: 'fatal',
        code: 'exception',
        location: '',
        locationKind: 'xpath',
        message: { en: `The Schematron failed on this document: ${why}`, ru: `Schematron не смог проверить этот документ: ${why}` },
      },
    ];
  }
  return svrlToFindings(svrl, doc.document, prefixes);
}
