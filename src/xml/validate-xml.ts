import { readFile, stat } from 'node:fs/promises';
import type { Finding } from '../findings/finding.ts';
import { MAX_XML_BYTES, type ParsedXml, parseXml, tooLargeXmlFinding } from './dom.ts';
import type { PrefixMap } from './locate.ts';
import { type CompiledSchematron, compileSchematron, loadSchematron, validateSchematron } from './schematron.ts';
import { loadXsdSchemaSet, validateXsd, type XsdSchemaSet } from './xsd.ts';

export interface XmlValidationOptions {
  /** Main XSD file; the files it includes or imports are read from beside it. */
  xsd?: string;
  /** ISO Schematron file (queryBinding xslt/xslt2/xslt3). */
  schematron?: string;
  /** Schematron phase (default: the schema's defaultPhase, else #ALL). */
  phase?: string;
  prefixes?: PrefixMap;
  sefCacheDir?: string;
}

export interface XmlValidator {
  /** Findings of each document, in order: well-formedness, then XSD, then Schematron. */
  validate(inputs: readonly (string | Buffer)[]): Promise<Finding[][]>;
}

/**
 * Well-formedness (always), then the XSD, then the Schematron, as a regulator's validator runs its official files.
 * Schematron runs on an XSD-invalid document too: its findings are about other facts, and a developer fixes both.
 * Schema and Schematron are read and compiled once, here; a bad one throws (XsdSchemaError, SchematronError).
 */
export async function createXmlValidator(options: XmlValidationOptions = {}): Promise<XmlValidator> {
  const xsd: XsdSchemaSet | undefined = options.xsd ? await loadXsdSchemaSet(options.xsd) : undefined;
  const schematron: CompiledSchematron | undefined = options.schematron
    ? await compileSchematron(await loadSchematron(options.schematron), {
        ...(options.phase ? { phase: options.phase } : {}),
        ...(options.sefCacheDir ? { cacheDir: options.sefCacheDir } : {}),
      })
    : undefined;
  const prefixes = options.prefixes ?? {};
  return {
    async validate(inputs) {
      const parsed: ParsedXml[] = inputs.map((input) => parseXml(input));
      const results = parsed.map((p) => [...p.findings]);
      const judged = parsed.flatMap((p, i) => (p.document ? [{ index: i, text: p.text, document: p.document }] : []));
      if (xsd && judged.length > 0) {
        const xsdFindings = await validateXsd(judged, xsd, prefixes);
        for (const [k, d] of judged.entries()) results[d.index]?.push(...(xsdFindings[k] ?? []));
      }
      if (schematron) for (const d of judged) results[d.index]?.push(...validateSchematron(schematron, d, prefixes));
      return results;
    },
  };
}

/** Text read per batch of files handed to one XSD run. */
const BATCH_BYTES = 16 * 1024 * 1024;

/** Reads files in batches (the XSD is compiled once per batch) and yields each file's findings in order. */
export async function* validateXmlFiles(files: readonly string[], validator: XmlValidator): AsyncGenerator<{ file: string; findings: Finding[] }> {
  let i = 0;
  while (i < files.length) {
    const batch: { file: string; tooLarge?: number }[] = [];
    const inputs: Buffer[] = [];
    let bytes = 0;
    while (i < files.length && (batch.length === 0 || bytes < BATCH_BYTES)) {
      const file = files[i++] as string;
      const size = (await stat(file)).size;
      // Past the limit the file is not even read.
      if (size > MAX_XML_BYTES) batch.push({ file, tooLarge: size });
      else {
        batch.push({ file });
        inputs.push(await readFile(file));
        bytes += size;
      }
    }
    const results = await validator.validate(inputs);
    let k = 0;
    for (const { file, tooLarge } of batch) yield { file, findings: tooLarge ? [tooLargeXmlFinding(tooLarge)] : (results[k++] ?? []) };
  }
}
