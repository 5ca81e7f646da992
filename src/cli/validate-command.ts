import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { type Finding, isBlocking, toOperationOutcome } from '../findings/finding.ts';
import { PROGRAMS_ROOT, programProfilesDir } from '../programs/layout.ts';
import { loadSchemaDir, type SchemaRegistry } from '../validation/json-schema.ts';

/**
 * `sello validate FILE|DIR… [--profile ID]`: checks message files before whole scenarios are run.
 * - `.hl7` / `.er7`: HL7 v2 against the message profile named by MSH-9 (or `--profile ADT_A04`).
 * - FHIR JSON (`resourceType`) and NDJSON: base R4 plus `meta.profile`, or `--profile <canonical URL>`.
 * - other JSON with `--profile PROGRAM/SCHEMA` (e.g. mx-pgs/beneficiario): the program's JSON Schema.
 * Exit 0 no error, 3 errors found, 4 bad invocation.
 */
export async function validateCommand(paths: string[], options: { profile?: string; format?: string }): Promise<number> {
  if (paths.length === 0) throw new ConfigurationError('sello validate needs at least one FILE or directory');
  const schemaProfile = jsonSchemaProfile(options.profile);
  const files = (await Promise.all(paths.map(expand))).flat();
  const results: { file: string; entry?: number; findings: Finding[] }[] = [];
  for (const file of files) {
    const kind = fileKind(file);
    if (kind === 'hl7v2') {
      const { validateHl7File } = await import('../hl7v2/index.ts');
      results.push({ file, findings: await validateHl7File(file, { ...(await hl7v2Contract()), ...(options.profile ? { profile: options.profile } : {}) }) });
      continue;
    }
    const text = await readText(file);
    const documents =
      kind === 'ndjson'
        ? text
            .split(/\r?\n/)
            .map((line, i) => ({ line, i }))
            .filter(({ line }) => line.trim() !== '')
        : [{ line: text, i: -1 }];
    for (const { line, i } of documents) {
      const parsed = parseJsonDocument(line);
      const findings = !parsed.ok
        ? [parsed.finding]
        : schemaProfile
          ? schemaProfile.registry.validate(schemaProfile.schema, parsed.value, `${schemaProfile.program}/${schemaProfile.schema}`)
          : await validateFhir(parsed.value, options.profile);
      results.push({ file, ...(i >= 0 ? { entry: i + 1 } : {}), findings });
    }
  }
  const failed = results.some((r) => r.findings.some(isBlocking));
  if (options.format === 'json') {
    console.log(
      JSON.stringify(
        results.map((r) => ({ file: r.file, ...(r.entry ? { line: r.entry } : {}), outcome: toOperationOutcome(r.findings) })),
        null,
        2,
      ),
    );
  } else {
    for (const { file, entry, findings } of results) {
      const name = entry ? `${file}:${entry}` : file;
      const errors = findings.filter(isBlocking).length;
      console.log(`${name}: ${errors === 0 ? 'valid' : `${errors} error(s)`}${findings.length > errors ? `, ${findings.length - errors} other finding(s)` : ''}`);
      for (const f of findings)
        console.log(`  ${f.severity.toUpperCase()} [${f.ruleId}] ${f.location || '/'}: ${f.message.es ?? f.message.ru ?? ''}${f.message.es || f.message.ru ? ' / ' : ''}${f.message.en}`);
    }
    console.log(`${results.length} document(s), ${results.filter((r) => r.findings.some(isBlocking)).length} with errors`);
  }
  return failed ? EXIT.conformanceFailure : EXIT.passed;
}

type FileKind = 'hl7v2' | 'ndjson' | 'json';

function fileKind(file: string): FileKind {
  const ext = extname(file).toLowerCase();
  if (ext === '.hl7' || ext === '.er7') return 'hl7v2';
  return ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : 'json';
}

const VALIDATABLE = new Set(['.json', '.ndjson', '.jsonl', '.hl7', '.er7']);

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
