import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { PROGRAMS, PROGRAM_IDS } from '../programs/registry.ts';
import addFormats from 'ajv-formats';
import { ConfigurationError } from './errors.ts';
import { sanitizeBaseUrl } from '../util/urls.ts';
import type { Institucion } from '../programs/mx-pgs/types.ts';

const targetSchema = createRequire(import.meta.url)('./target.schema.json') as object;

/** RFC 6749 §2.3.1: Basic is the client authentication every token endpoint must accept; the form body is optional. */
export type TokenClientAuth = 'basic' | 'body';

export interface ClientSecretPair {
  clientId: string;
  clientSecret: string;
}

export interface MxPgsTarget {
  program: 'mx-pgs';
  sut: { role: 'imss' | 'issste' | 'ssa'; name?: string; baseUrl: string; tokenUrl: string; tokenClientAuth?: TokenClientAuth };
  credentials?: Partial<Record<Institucion, ClientSecretPair>>;
  mocks?: { host?: string; ports?: Partial<Record<Institucion, number>> };
  timeouts?: { requestMs?: number; propagationMs?: number };
}

/** pe-ris: the SUT is SIHCE (FHIR server + MLLP listener), Qhali (notification endpoint + test-control API) or the engine. */
export interface PeRisTarget {
  program: 'pe-ris';
  sut: {
    role: 'sihce' | 'qhali' | 'engine';
    name?: string;
    /** sihce: its FHIR base; engine: the FHIR endpoint Qhali posts triage Bundles to. */
    fhirBaseUrl?: string;
    /** sihce: its MLLP listener. */
    mllp?: { host: string; port: number };
    /** qhali: its rest-hook endpoint; engine: where SIHCE notifies it. */
    notificationUrl?: string;
    /** qhali: its Sello test-control API. */
    controlUrl?: string;
  };
  mocks?: { host?: string; ports?: { sihce?: number; sihceMllp?: number; engine?: number; qhali?: number } };
  timeouts?: { requestMs?: number; propagationMs?: number };
}

export type TargetFile = MxPgsTarget | PeRisTarget;

// strictRequired off: the pe-ris role conditions require properties declared one level up (sut.properties).
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
ajv.addSchema(targetSchema);
const SCHEMA_ID = (targetSchema as { $id: string }).$id;
/**
 * One validator per program of the registry (its `$defs/<program>` in target.schema.json): a target is checked against
 * its own program's shape only, so every message is about it.
 */
const validators: Record<string, ValidateFunction<TargetFile>> = Object.fromEntries(
  PROGRAMS.map((p) => [p.id, ajv.compile<TargetFile>({ $ref: `${SCHEMA_ID}${p.targetSchema}` })]),
);
export const TARGET_PROGRAMS: readonly string[] = PROGRAM_IDS;

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `${NAME}` is read from the environment variable NAME, so secrets stay out of the file. The file is parsed with
 * neutral tokens in their place and the values are put into the parsed strings afterwards: a secret is never read
 * as YAML (`20250615`, `true`, `a #b` stay the strings they are) and never quoted in a parse error.
 */
export function parseTarget(text: string, file: string, env: NodeJS.ProcessEnv = process.env): TargetFile {
  const names: string[] = [];
  const tokenized = text.replace(PLACEHOLDER, (_, name: string) => `SELLOENV${names.push(name) - 1}X`);
  let data: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both kinds of target file.
    data = parseYaml(tokenized);
  } catch (error) {
    throw new ConfigurationError(`${file}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  const missing = [...new Set(names.filter((name) => env[name] === undefined))];
  if (missing.length > 0) throw new ConfigurationError(`${file}: environment variable(s) not set: ${missing.join(', ')}`);
  data = substitute(data, (token) => token.replace(/SELLOENV(\d+)X/g, (_, index: string) => env[names[Number(index)]!] ?? ''));
  const program = (data as { program?: unknown } | null)?.program;
  const validateTarget = typeof program === 'string' && Object.hasOwn(validators, program) ? validators[program] : undefined;
  if (!validateTarget) {
    throw new ConfigurationError(`${file}: not a valid Sello target file:\n  /program: must be one of ${TARGET_PROGRAMS.join(', ')}`);
  }
  if (!validateTarget(data)) {
    const problems = (validateTarget.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
      // Values are not quoted back: they may be secrets.
      return `  ${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
    });
    throw new ConfigurationError(`${file}: not a valid Sello target file:\n${problems.join('\n')}`);
  }
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

export async function loadTarget(file: string, env: NodeJS.ProcessEnv = process.env): Promise<TargetFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read target file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseTarget(text, file, env);
}

/** What may be shown in reports and logs: never credentials, not even those written into a URL. */
export function describeSut(target: TargetFile | undefined): { role: string; baseUrl: string; kind: 'reference' | 'external'; name?: string } {
  if (!target) return { role: 'all', baseUrl: 'reference implementations on loopback', kind: 'reference' };
  return { role: target.sut.role, baseUrl: sanitizeBaseUrl(sutAddress(target)), kind: 'external', ...(target.sut.name ? { name: target.sut.name } : {}) };
}

/** The SUT's main address: its API base URL (mx-pgs), its FHIR base, or its notification endpoint (pe-ris Qhali). */
export function sutAddress(target: TargetFile): string {
  if (target.program === 'mx-pgs') return target.sut.baseUrl;
  return target.sut.fhirBaseUrl ?? target.sut.notificationUrl ?? (target.sut.mllp ? `mllp://${target.sut.mllp.host}:${target.sut.mllp.port}` : '');
}

/** Every endpoint of the SUT Sello will connect to, as URLs (mllp://host:port for MLLP), for the reachability check. */
export function sutEndpoints(target: TargetFile): string[] {
  if (target.program === 'mx-pgs') return [target.sut.baseUrl, target.sut.tokenUrl];
  const s = target.sut;
  return [s.fhirBaseUrl, s.mllp ? `mllp://${s.mllp.host}:${s.mllp.port}` : undefined, s.notificationUrl, s.controlUrl].filter((u): u is string => u !== undefined);
}
