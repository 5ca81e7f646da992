import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { type Finding, isBlocking, toOperationOutcome } from '../findings/finding.ts';
import { limitFinding } from '../findings/limits.ts';
import { PROGRAMS_ROOT, programProfilesDir } from '../programs/layout.ts';
import { readLines } from '../util/read-lines.ts';
import { loadSchemaDir, type SchemaRegistry } from '../validation/json-schema.ts';

/**
 * `sello validate FILE|DIR… [--profile ID]`: checks message files before whole scenarios are run.
 * - `.hl7` / `.er7`: HL7 v2 against the message profile named by MSH-9 (or `--profile ADT_A04`).
 * - FHIR JSON (`resourceType`) and NDJSON: base R4 plus `meta.profile`, or `--profile <canonical URL>`.
 * - other JSON with `--profile PROGRAM/SCHEMA` (e.g. mx-pgs/beneficiario): the program's JSON Schema.
 * - `.xml`: well-formedness, then `--xsd FILE` and `--schematron FILE` (a regulator's official files) when given.
 * Exit 0 no error, 3 errors found, 4 bad invocation.
 */
/**
 * A single JSON document larger than this is not read: judging it needs it whole in memory, and a cohort that large
 * belongs in NDJSON, which is read line by line. Also the longest NDJSON line read.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

interface DocumentResult {
  file: string;
  entry?: number;
  findings: Finding[];
}

/**
 * Writes to stdout, waiting when the reader is slower than the validator: on a pipe, Node queues what the reader has
 * not taken yet, and a cohort's worth of queued output is what made memory grow with file size.
 */
async function out(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Results are printed as they come and not kept: memory does not grow with the number of documents. */
function resultPrinter(format: string | undefined) {
  let documents = 0;
  let withErrors = 0;
  return {
    async print(r: DocumentResult): Promise<void> {
      const errors = r.findings.filter(isBlocking).length;
      if (errors > 0) withErrors++;
      if (format === 'json') {
        const item = JSON.stringify({ file: r.file, ...(r.entry ? { line: r.entry } : {}), outcome: toOperationOutcome(r.findings) }, null, 2).replace(/\n/g, '\n  ');
        await out(`${documents === 0 ? '[\n  ' : ',\n  '}${item}`);
      } else {
        const name = r.entry ? `${r.file}:${r.entry}` : r.file;
        const lines = [`${name}: ${errors === 0 ? 'valid' : `${errors} error(s)`}${r.findings.length > errors ? `, ${r.findings.length - errors} other finding(s)` : ''}`];
        for (const f of r.findings)
          lines.push(
            `  ${f.severity.toUpperCase()} [${f.ruleId}] ${f.location || '/'}${f.position ? ` (line ${f.position.line}, col ${f.position.column})` : ''}: ${f.message.es ?? f.message.ru ?? ''}${f.message.es || f.message.ru ? ' / ' : ''}${f.message.en}`,
          );
        await out(`${lines.join('\n')}\n`);
      }
      documents++;
    },
    async finish(): Promise<{ documents: number; withErrors: number }> {
      if (format === 'json') await out(documents === 0 ? '[]\n' : '\n]\n');
      else if (documents > 0) await out(`${documents} document(s), ${withErrors} with errors\n`);
      return { documents, withErrors };
    },
  };
}

const tooLargeFinding = (bytes: number, what: { en: string; es: string }): Finding =>
  limitFinding({
    en: `${what.en} has ${bytes} bytes, more than Sello reads as one document (${MAX_DOCUMENT_BYTES}); it was not judged.`,
    es: `${what.es} tiene ${bytes} bytes, más de lo que Sello lee como un documento (${MAX_DOCUMENT_BYTES}); no se evaluó.`,
  });

export interface ValidateOptions {
  profile?: string;
  format?: string;
  xsd?: string;
  schematron?: string;
  phase?: string;
}

export async function validateCommand(paths: string[], options: ValidateOptions): Promise<number> {
  if (paths.length === 0) throw new ConfigurationError('sello validate needs at least one FILE or directory');
  const schemaProfile = jsonSchemaProfile(options.profile);
  const files = (await Promise.all(paths.map(expand))).flat();
  if (files.length === 0) throw new ConfigurationError(`no document to validate in ${paths.join(', ')} (looked for ${[...VALIDATABLE].join(' ')} files)`);
  const judge = async (value: unknown): Promise<Finding[]> =>
    schemaProfile ? schemaProfile.registry.validate(schemaProfile.schema, value, `${schemaProfile.program}/${schemaProfile.schema}`) : validateFhir(value, options.profile);
  const printer = resultPrinter(options.format);
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as string;
    const kind = fileKind(file);
    if (kind === 'xml') {
      // A run of XML files goes to the XSD engine at once: it compiles the schema once per call.
      let end = index;
      while (end < files.length && fileKind(files[end] as string) === 'xml') end++;
      for await (const result of validateXml(files.slice(index, end), options)) await printer.print(result);
      index = end - 1;
      continue;
    }
    if (kind === 'hl7v2') {
      const { validateHl7File } = await import('../hl7v2/index.ts');
      await printer.print({ file, findings: await validateHl7File(file, { ...(await hl7v2Contract()), ...(options.profile ? { profile: options.profile } : {}) }) });
      continue;
    }
    if (kind === 'ndjson') {
      try {
        for await (const line of readLines(file, MAX_DOCUMENT_BYTES)) {
          if ('tooLongBytes' in line) {
            await printer.print({ file, entry: line.number, findings: [tooLargeFinding(line.tooLongBytes, { en: 'The line', es: 'La línea' })] });
            continue;
          }
          if (line.text.trim() === '') continue;
          const parsed = parseJsonDocument(line.text);
          await printer.print({ file, entry: line.number, findings: parsed.ok ? await judge(parsed.value) : [parsed.finding] });
        }
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        throw new ConfigurationError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      continue;
    }
    const size = (await stat(file)).size;
    if (size > MAX_DOCUMENT_BYTES) {
      await printer.print({ file, findings: [tooLargeFinding(size, { en: 'The file', es: 'El archivo' })] });
      continue;
    }
    const parsed = parseJsonDocument(await readText(file));
    await printer.print({ file, findings: parsed.ok ? await judge(parsed.value) : [parsed.finding] });
  }
  const { documents, withErrors } = await printer.finish();
  if (documents === 0) throw new ConfigurationError(`no document to validate: ${files.join(', ')} hold only blank lines`);
  return withErrors > 0 ? EXIT.conformanceFailure : EXIT.passed;
}

type FileKind = 'hl7v2' | 'ndjson' | 'json' | 'xml';

function fileKind(file: string): FileKind {
  const ext = extname(file).toLowerCase();
  if (ext === '.hl7' || ext === '.er7') return 'hl7v2';
  if (ext === '.xml') return 'xml';
  return ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : 'json';
}

const VALIDATABLE = new Set(['.json', '.ndjson', '.jsonl', '.hl7', '.er7', '.xml']);

/** An unusable XSD or Schematron is the invocation's fault (exit 4), not the documents'. */
async function* validateXml(files: string[], options: ValidateOptions): AsyncGenerator<DocumentResult> {
  const { createXmlValidator, validateXmlFiles, XmlSchemaUnusable } = await import('../xml/index.ts');
  try {
    const validator = await createXmlValidator({
      ...(options.xsd ? { xsd: options.xsd } : {}),
      ...(options.schematron ? { schematron: options.schematron } : {}),
      ...(options.phase ? { phase: options.phase } : {}),
    });
    yield* validateXmlFiles(files, validator);
  } catch (error) {
    if (error instanceof XmlSchemaUnusable) throw new ConfigurationError(error.message);
    throw error;
  }
}

async function expand(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ConfigurationError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && VALIDATABLE.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function parseJsonDocument(text: string): { ok: true; value: unknown } | { ok: false; finding: Finding } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      finding: {
        ruleId: 'JSON-PARSE',
        severity: 'fatal',
        code: 'structure',
        location: '',
        locationKind: 'json-pointer',
        message: { en: `Not JSON: ${(error as Error).message}`, es: `No es JSON: ${(error as Error).message}` },
      },
    };
  }
}

/** `PROGRAM/SCHEMA` names a JSON Schema profile; a URL names a FHIR profile; absent: FHIR by meta.profile. */
function jsonSchemaProfile(profile: string | undefined): { program: string; schema: string; registry: SchemaRegistry } | undefined {
  if (!profile || /^https?:|^urn:/.test(profile) || !profile.includes('/')) return undefined;
  const [program, schema] = profile.split('/', 2) as [string, string];
  let registry: SchemaRegistry;
  try {
    if (!/^[a-z0-9-]+$/.test(program) || !existsSync(join(programProfilesDir(program), 'schemas'))) throw new Error('none');
    registry = loadSchemaDir(join(programProfilesDir(program), 'schemas'));
  } catch {
    throw new ConfigurationError(`no JSON Schema profiles for program '${program}'`);
  }
  if (!registry.has(schema)) {
    const known = registry.schemaIds.map((id) => id.replace(/^.*\//, '').replace('.schema.json', '')).join(', ');
    throw new ConfigurationError(`program ${program} has no profile '${schema}' (have: ${known})`);
  }
  return { program, schema, registry };
}

/** HL7 v2 files are checked against the (first) program that declares v2 profiles. */
async function hl7v2Contract(): Promise<import('../hl7v2/index.ts').Hl7v2Contract> {
  const { PROGRAMS } = await import('../programs/registry.ts');
  const program = PROGRAMS.find((p) => p.hl7v2);
  if (!program?.hl7v2) throw new ConfigurationError('no program declares HL7 v2 message profiles');
  return program.hl7v2();
}

let fhirValidator: Promise<import('../fhir/index.ts').FhirValidator> | undefined;

async function validateFhir(resource: unknown, profile: string | undefined): Promise<Finding[]> {
  fhirValidator ??= (async () => {
    const { createFhirValidator } = await import('../fhir/index.ts');
    const programs = await readdir(PROGRAMS_ROOT);
    const profileDirs: string[] = [];
    for (const program of programs) {
      const dir = join(programProfilesDir(program), 'fhir');
      if (
        await stat(dir).then(
          (s) => s.isDirectory(),
          () => false,
        )
      )
        profileDirs.push(dir);
    }
    return createFhirValidator({ profileDirs });
  })();
  const validator = await fhirValidator;
  if (profile && !validator.registry.structureDefinition(profile)) {
    throw new ConfigurationError(`unknown FHIR profile ${profile} (not in base R4 nor in programs/*/profiles/fhir)`);
  }
  return validator.validate(resource, profile ? { profile } : {});
}
