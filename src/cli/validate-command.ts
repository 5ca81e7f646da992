import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { parseJsonDocument } from '../fhir/stream/json-document.ts';
import { judgeNdjson, judgeNdjsonBatches, type NdjsonLineResult } from '../fhir/stream/ndjson.ts';
import { judgeNdjsonThreadedBatches } from '../fhir/stream/ndjson-threads.ts';
import type { Finding } from '../findings/finding.ts';
import { limitFinding } from '../findings/limits.ts';
import { programProfilesDir, REPO_ROOT } from '../programs/layout.ts';
import type { ShardSession } from '../shard/session.ts';
import type { SchemaRegistry } from '../validation/json-schema.ts';
import type { FhirCliOptions } from './fhir-options.ts';
import { seloVersion } from './repo.ts';
import { createJudge, fhirProfileDirs, loadFhirValidator, validateFhir } from './validate-judge.ts';
import { type DocumentResult, resultPrinter } from './validate-output.ts';

/**
 * `sello validate FILE|DIR… [--profile ID]`: checks message files before whole scenarios are run.
 * - `.hl7` / `.er7`: HL7 v2 against the message profile named by MSH-9 (or `--profile ADT_A04`).
 * - FHIR JSON (`resourceType`) and NDJSON: base R4 plus `meta.profile`, or `--profile <canonical URL>`.
 * - other JSON with `--profile PROGRAM/SCHEMA` (e.g. mx-pgs/beneficiario): the program's JSON Schema.
 * - `.xml`: well-formedness, then `--xsd FILE` and `--schematron FILE` (a regulator's official files) when given.
 * With `--shard i/N` only shard i of the sorted listing (docs/sharding.md); with `--out FILE` the signed shard result
 * for `sello merge` is written and per-document output is left out.
 * Exit 0 no error, 3 errors found, 4 bad invocation.
 */
/**
 * A single JSON document larger than this is not read: judging it needs it whole in memory, and a cohort that large
 * belongs in NDJSON, which is read line by line. Also the longest NDJSON line read.
 */
export const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const tooLargeFinding = (bytes: number, what: { en: string; es: string }): Finding =>
  limitFinding({
    en: `${what.en} has ${bytes} bytes, more than Sello reads as one document (${MAX_DOCUMENT_BYTES}); it was not judged.`,
    es: `${what.es} tiene ${bytes} bytes, más de lo que Sello lee como un documento (${MAX_DOCUMENT_BYTES}); no se evaluó.`,
  });

export interface ValidateOptions extends FhirCliOptions {
  profile?: string;
  format?: string;
  xsd?: string;
  schematron?: string;
  phase?: string;
  shard?: string;
  out?: string;
  'signing-key'?: string;
  threads?: string;
}

const JUDGE_MODULE = new URL('./validate-judge.ts', import.meta.url).href;

/**
 * `--threads N`: NDJSON lines judged by N worker threads, results in line order. One by default: each thread loads
 * its own validator (~0.3 s and ~100 MB), which pays only on large files. JSON Schema profiles and shard runs (whose
 * session records each resource's profiles) stay on the main thread.
 */
function threadCount(value: string | undefined, serialOnly: boolean): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigurationError(`--threads must be a whole number from 1 to 64, got ${value}`);
  return serialOnly ? 1 : n;
}

export async function validateCommand(paths: string[], options: ValidateOptions): Promise<number> {
  if (paths.length === 0) throw new ConfigurationError('sello validate needs at least one FILE or directory');
  const schemaProfile = await jsonSchemaProfile(options.profile);
  const listed = (await Promise.all(paths.map(expand))).flat();
  if (listed.length === 0) throw new ConfigurationError(`no document to validate in ${paths.join(', ')} (looked for ${[...VALIDATABLE].join(' ')} files)`);
  // Shards, signing and JSON Schema are loaded only when asked for: a plain FHIR run starts without them.
  const shards = options.shard || options.out ? await import('../shard/session.ts') : undefined;
  const session = shards ? await shards.shardSession(listed, options.shard) : undefined;
  const files = session?.files ?? listed;
  const usedProfiles = new Set<string>();
  const judge = async (value: unknown): Promise<Finding[]> => {
    if (schemaProfile) return schemaProfile.registry.validate(schemaProfile.schema, value, `${schemaProfile.program}/${schemaProfile.schema}`);
    if (session) for (const url of shards?.profilesOf(value, options.profile) ?? []) usedProfiles.add(url);
    return validateFhir(value, options.profile, options);
  };
  // NDJSON lines without a JSON Schema profile or a shard session: the loaded validator called directly, a chunk's lines
  // at a time, no promise per line. With them, a line at a time through the async judge.
  const ndjsonBatches = async (source: AsyncIterable<Uint8Array | string>): Promise<AsyncIterable<Iterable<NdjsonLineResult>>> =>
    schemaProfile || session
      ? oneByOne(judgeNdjson(source, judge, { maxLineBytes: MAX_DOCUMENT_BYTES }))
      : judgeNdjsonBatches(source, await createJudge({ profile: options.profile, options }), { maxLineBytes: MAX_DOCUMENT_BYTES });
  const printer = resultPrinter(options.format);
  const threads = threadCount(options.threads, schemaProfile !== undefined || session !== undefined);
  const report = (r: DocumentResult): Promise<void> | undefined => {
    session?.record(r.file, r.entry, r.findings);
    return options.out ? undefined : printer.print(r);
  };
  for (let index = 0; index < files.length; index++) {
    const file = files[index] as string;
    const kind = fileKind(file);
    if (kind === 'xml') {
      // A run of XML files goes to the XSD engine at once: it compiles the schema once per call.
      let end = index;
      while (end < files.length && fileKind(files[end] as string) === 'xml') end++;
      for await (const result of validateXml(files.slice(index, end), options)) await report(result);
      index = end - 1;
      continue;
    }
    if (kind === 'hl7v2') {
      const { validateHl7File } = await import('../hl7v2/index.ts');
      await report({ file, findings: await validateHl7File(file, { ...(await hl7v2Contract()), ...(options.profile ? { profile: options.profile } : {}) }) });
      continue;
    }
    if (kind === 'ndjson') {
      try {
        // 1 MB reads rather than 64 KB: splitting a 20 MB file into lines took 48 ms instead of 67 ms.
        const source = session ? session.hashedRead(file) : createReadStream(file, { highWaterMark: 1024 * 1024 });
        const batches =
          threads > 1
            ? judgeNdjsonThreadedBatches(source, { threads, maxLineBytes: MAX_DOCUMENT_BYTES, judgeModule: JUDGE_MODULE, judgeData: { profile: options.profile, options } })
            : await ndjsonBatches(source);
        for await (const batch of batches) {
          for (const line of batch) {
            const printed = report({ file, entry: line.line, findings: line.findings });
            if (printed) await printed;
          }
        }
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        // A thread's ConfigurationError (an unknown --profile) arrives as a plain Error that kept its name.
        if ((error as Error).name === 'ConfigurationError') throw new ConfigurationError((error as Error).message);
        throw new ConfigurationError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      continue;
    }
    const size = (await stat(file)).size;
    if (size > MAX_DOCUMENT_BYTES) {
      await report({ file, findings: [tooLargeFinding(size, { en: 'The file', es: 'El archivo' })] });
      continue;
    }
    const parsed = parseJsonDocument(await readText(file));
    await report({ file, findings: parsed.ok ? await judge(parsed.value) : [parsed.finding] });
  }
  if (session) {
    const { documents, withErrors } = session.totals;
    if (options.out) await writeShard(session, options, schemaProfile?.program, usedProfiles);
    else await printer.finish();
    console.error(`shard ${session.spec.index}/${session.spec.count}: ${session.files.length} of ${session.listing.files.length} file(s), ${documents} document(s), ${withErrors} with errors`);
    return withErrors > 0 ? EXIT.conformanceFailure : EXIT.passed;
  }
  const { documents, withErrors } = await printer.finish();
  if (documents === 0) throw new ConfigurationError(`no document to validate: ${files.join(', ')} hold only blank lines`);
  return withErrors > 0 ? EXIT.conformanceFailure : EXIT.passed;
}

async function* oneByOne<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  for await (const item of items) yield [item];
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

/** `PROGRAM/SCHEMA` names a JSON Schema profile; a URL names a FHIR profile; absent: FHIR by meta.profile. */
async function jsonSchemaProfile(profile: string | undefined): Promise<{ program: string; schema: string; registry: SchemaRegistry } | undefined> {
  if (!profile || /^https?:|^urn:/.test(profile) || !profile.includes('/')) return undefined;
  const [program, schema] = profile.split('/', 2) as [string, string];
  const { loadSchemaDir } = await import('../validation/json-schema.ts');
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

async function writeShard(session: ShardSession, options: ValidateOptions, schemaProgram: string | undefined, used: ReadonlySet<string>): Promise<void> {
  const { ephemeralKey, KeyError, loadSigningKey } = await import('../report/integrity.ts');
  const { profileSet, sha256OfJson } = await import('../shard/profiles.ts');
  const { writeShardResult } = await import('../shard/result.ts');
  let key = ephemeralKey();
  if (options['signing-key']) {
    try {
      key = await loadSigningKey(options['signing-key']);
    } catch (error) {
      if (error instanceof KeyError) throw new ConfigurationError(error.message);
      throw error;
    }
  }
  const registry = used.size > 0 && !schemaProgram ? (await loadFhirValidator()).registry : undefined;
  const known = [...used].flatMap((url) => {
    const definition = registry?.structureDefinition(url);
    return definition ? [{ url, sha256: sha256OfJson(definition) }] : [];
  });
  // The FHIR settings that change verdicts are part of the rules too: shards run with and without them do not merge.
  const requested = Object.fromEntries((['profile', 'xsd', 'schematron', 'phase', 'examples', 'validate-references'] as const).flatMap((k) => (options[k] ? [[k, String(options[k])]] : [])));
  const profiles = await profileSet({
    root: REPO_ROOT,
    dirs: schemaProgram ? [join(programProfilesDir(schemaProgram), 'schemas')] : await fhirProfileDirs(),
    files: [options.xsd, options.schematron].filter((f): f is string => f !== undefined),
    igs: schemaProgram ? [] : (options.ig ?? []),
    requested,
    used: known,
  });
  try {
    await writeShardResult(options.out!, await session.result(await seloVersion(), profiles, key));
  } catch (error) {
    throw new ConfigurationError(`cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
