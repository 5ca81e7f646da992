import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { TargetFile } from '../programs/program.ts';
import { knownPrograms, PROGRAM_IDS, type ProgramDefinition, programById } from '../programs/registry.ts';
import { escapePointerToken } from '../util/json-pointer.ts';
import { MIN_SECRET_LENGTH } from '../util/secret-scrubber.ts';
import { sanitizeBaseUrl } from '../util/urls.ts';
import { ConfigurationError } from './errors.ts';

export type { TargetFile } from '../programs/program.ts';

const targetSchema = createRequire(import.meta.url)('./target.schema.json') as object;

// strictRequired off: role conditions may require properties declared one level up (sut.properties).
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
ajv.addSchema(targetSchema);
/**
 * One validator per program (its `programs/<id>/target.schema.json`, which may use the shared `$defs` here): a target
 * is checked against its own program's shape only, so every message is about it. Compiled on first use.
 */
const validators = new Map<string, ValidateFunction<TargetFile>>();
function validatorOf(program: ProgramDefinition): ValidateFunction<TargetFile> {
  let validate = validators.get(program.folder);
  if (!validate) validators.set(program.folder, (validate = ajv.compile<TargetFile>(program.targetSchema)));
  return validate;
}
export const TARGET_PROGRAMS: readonly string[] = PROGRAM_IDS;

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The values each target read from the environment: the run's secrets, scrubbed by value from everything Sello
 * writes (src/util/secret-scrubber.ts). Kept beside the target, never in it, so no serialization of a target (world
 * parameters, report, JSON.stringify) carries the list.
 */
const substituted = new WeakMap<TargetFile, ReadonlyMap<string, string>>();

/** The values `${NAME}` placeholders of this target were replaced with (empty for a target not made by parseTarget). */
export function targetSecrets(target: TargetFile | undefined): readonly string[] {
  return [...new Set((target && substituted.get(target)?.values()) ?? [])];
}

/** The variables whose values are too short to be scrubbed from the output (src/util/secret-scrubber.ts), for a warning. */
export function unscrubbedVariables(target: TargetFile | undefined): string[] {
  return [...((target && substituted.get(target)) ?? new Map<string, string>())].filter(([, value]) => value.length < MIN_SECRET_LENGTH).map(([name]) => name);
}

/** `scheme://user:password@host`: credentials in a URL travel into every log, report and error that quotes the URL. */
const USERINFO = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]*@/;

/** The JSON pointer (RFC 6901) of the first string holding a URL with userinfo, if any. */
function userinfoField(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return USERINFO.test(value) ? pointer || '/' : undefined;
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = userinfoField(item, `${pointer}/${escapePointerToken(key)}`);
      if (found) return found;
    }
  }
  return undefined;
}

function refuseUserinfo(data: unknown, file: string, where: string): void {
  const field = userinfoField(data);
  // The value is not quoted: it holds a credential.
  if (field) {
    throw new ConfigurationError(`${file}: ${field}: a URL must not carry credentials (user:password@)${where}; give them in the program's credentials fields as \${ENV_VAR}`);
  }
}

/**
 * `${NAME}` is read from the environment variable NAME, so secrets stay out of the file. The file is parsed with
 * neutral tokens in their place and the values are put into the parsed strings afterwards: a secret is never read
 * as YAML (`20250615`, `true`, `a #b` stay the strings they are) and never quoted in a parse error.
 */
export function parseTarget(text: string, file: string, env: NodeJS.ProcessEnv = process.env, programs: readonly ProgramDefinition[] = knownPrograms()): TargetFile {
  const names: string[] = [];
  const tokenized = text.replace(PLACEHOLDER, (_, name: string) => `SELLOENV${names.push(name) - 1}X`);
  let data: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both kinds of target file.
    data = parseYaml(tokenized);
  } catch (error) {
    throw new ConfigurationError(`${file}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  refuseUserinfo(data, file, '');
  const missing = [...new Set(names.filter((name) => env[name] === undefined))];
  if (missing.length > 0) throw new ConfigurationError(`${file}: environment variable(s) not set: ${missing.join(', ')}`);
  const values = new Map<string, string>();
  data = substitute(data, (token) =>
    token.replace(/SELLOENV(\d+)X/g, (_, index: string) => {
      const name = names[Number(index)]!;
      const value = env[name] ?? '';
      if (value !== '') values.set(name, value);
      return value;
    }),
  );
  refuseUserinfo(data, file, ' (after ${…} substitution)');
  const program = (data as { program?: unknown } | null)?.program;
  const definition = typeof program === 'string' ? programs.find((p) => p.id === program) : undefined;
  const validateTarget = definition ? validatorOf(definition) : undefined;
  if (!validateTarget) {
    throw new ConfigurationError(`${file}: not a valid Sello target file:\n  /program: must be one of ${programs.map((p) => p.id).join(', ')}`);
  }
  if (!validateTarget(data)) {
    const problems = (validateTarget.errors ?? [])
      .filter((e) => e.keyword !== 'if')
      .map((e) => {
        const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
        // Values are not quoted back: they may be secrets.
        return `  ${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
      });
    throw new ConfigurationError(`${file}: not a valid Sello target file:\n${problems.join('\n')}`);
  }
  substituted.set(data, values);
  return data as TargetFile;
}

function substitute(value: unknown, replace: (text: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => substitute(item, replace));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, replace)]));
  }
  return value;
}

export async function loadTarget(file: string, env: NodeJS.ProcessEnv = process.env, programs: readonly ProgramDefinition[] = knownPrograms()): Promise<TargetFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read target file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseTarget(text, file, env, programs);
}

/** What may be shown in reports and logs: never credentials, not even those written into a URL. */
export function describeSut(target: TargetFile | undefined): { role: string; baseUrl: string; kind: 'reference' | 'external'; name?: string } {
  if (!target) return { role: 'all', baseUrl: 'reference implementations on loopback', kind: 'reference' };
  return { role: target.sut.role, baseUrl: sanitizeBaseUrl(sutAddress(target)), kind: 'external', ...(target.sut.name ? { name: target.sut.name } : {}) };
}

/** The SUT's main address: the first of its program's endpoints (its API base, FHIR base, notification endpoint …). */
export function sutAddress(target: TargetFile, programs: readonly ProgramDefinition[] = knownPrograms()): string {
  return sutEndpoints(target, programs)[0] ?? '';
}

/** Every endpoint of the SUT Sello will connect to, as URLs (mllp://host:port for MLLP), for the reachability check. */
export function sutEndpoints(target: TargetFile, programs: readonly ProgramDefinition[] = knownPrograms()): string[] {
  const program = programs.find((p) => p.id === target.program) ?? programById(target.program);
  if (!program) throw new ConfigurationError(`unknown program '${target.program}' (available: ${PROGRAM_IDS.join(', ')})`);
  return program.sutEndpoints(target);
}
