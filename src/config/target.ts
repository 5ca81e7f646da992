import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ConfigurationError } from './errors.ts';
import type { Institucion } from '../programs/mx-pgs/types.ts';

const targetSchema = createRequire(import.meta.url)('./target.schema.json') as object;

export interface ClientSecretPair {
  clientId: string;
  clientSecret: string;
}

export interface TargetFile {
  program: 'mx-pgs';
  sut: { role: 'imss' | 'issste' | 'ssa'; name?: string; baseUrl: string; tokenUrl: string };
  credentials?: Partial<Record<Institucion, ClientSecretPair>>;
  mocks?: { host?: string; ports?: Partial<Record<Institucion, number>> };
  timeouts?: { requestMs?: number; propagationMs?: number };
}

const ajv = new Ajv2020.default({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateTarget = ajv.compile<TargetFile>(targetSchema);

/**
 * `${NAME}` is replaced by the environment variable NAME before parsing, so secrets stay out of the file.
 * An unset variable is a configuration error rather than an empty secret that would fail later, obscurely.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv, file: string): string {
  const missing = new Set<string>();
  const result = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) missing.add(name);
    return value ?? '';
  });
  if (missing.size > 0) {
    throw new ConfigurationError(`${file}: environment variable(s) not set: ${[...missing].join(', ')}`);
  }
  return result;
}

export function parseTarget(text: string, file: string, env: NodeJS.ProcessEnv = process.env): TargetFile {
  let data: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both kinds of target file.
    data = parseYaml(interpolateEnv(text, env, file));
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`${file}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  if (!validateTarget(data)) {
    const problems = (validateTarget.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
      return `  ${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
    });
    throw new ConfigurationError(`${file}: not a valid Sello target file:\n${problems.join('\n')}`);
  }
  return data;
}

export async function loadTarget(file: string, env: NodeJS.ProcessEnv = process.env): Promise<TargetFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read target file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseTarget(text, file, env);
}

/** What may be shown in reports and logs: never credentials. */
export function describeSut(target: TargetFile | undefined): { role: string; baseUrl: string; kind: 'reference' | 'external'; name?: string } {
  if (!target) return { role: 'all', baseUrl: 'reference implementations on loopback', kind: 'reference' };
  return { role: target.sut.role, baseUrl: target.sut.baseUrl, kind: 'external', ...(target.sut.name ? { name: target.sut.name } : {}) };
}
