import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IntegrityInfo } from '../model.ts';
import { compareWithManifest, type FileCheck, listDirectory } from './files.ts';
import { type JwsCheck, verifyDetached } from './jws.ts';
import type { Ed25519Jwk } from './keys.ts';
import { canonicalJson, parseStrictJson } from './strict-json.ts';

export const REPORT_FILE = 'report.json';
export const SIGNATURE_FILE = 'report.json.jws';
/** Built from the run directory after the run (`npm run report:allure`), so it cannot be in the signed list. */
export const DERIVED_DIRS: readonly { path: string; why: string }[] = [{ path: 'allure-report/', why: 'built after the run by `npm run report:allure` from allure-results/' }];

/**
 * AUTHENTIC: consistent and every signature checks against a key the reader pinned. INTACT-UNATTRIBUTED: consistent,
 * but nothing says who signed (an ephemeral or unpinned key: anyone can re-sign). ALTERED: anything else.
 */
export type Verdict = 'AUTHENTIC' | 'INTACT-UNATTRIBUTED' | 'ALTERED';

/** What the signed document says about the run, so a reader can tell this run from an older one. */
export interface RunFacts {
  runId?: string;
  startedAt?: string;
  selloVersion?: string;
  sut?: { role?: string; baseUrl?: string; kind?: string }[];
  seed?: string;
  /** A merged `sello validate` report judged files, not a system: which files, in how many shards. */
  validated?: { files: number; bytes: number; listingSha256: string; shards: number };
  keyThumbprint?: string;
  keyKind?: 'ephemeral' | 'provided';
}

export interface Expectations {
  /** Pinned public keys: `--public-key` or the keys of `--trust-dir`. */
  trusted?: readonly Ed25519Jwk[];
  /** Refuse a run that started before this instant. */
  notBefore?: Date;
  /** Refuse a run with another id. */
  runId?: string;
}

export interface RunVerification {
  /** Consistent: the signature checks and every file is as signed (whoever signed). */
  ok: boolean;
  verdict: Verdict;
  signature: JwsCheck & { keyKind?: 'ephemeral' | 'provided'; pinned: boolean };
  /** report.json itself: unreadable, not strict JSON, or without an integrity list. */
  reportProblem?: string;
  /** --not-before / --run-id refusals. */
  refusals: string[];
  facts: RunFacts;
  files: FileCheck[];
  ignored: { path: string; why: string }[];
}

export const isDerived = (rel: string): boolean => DERIVED_DIRS.some((d) => rel === d.path.slice(0, -1) || rel.startsWith(d.path));

export const listRunFiles = async (dir: string): Promise<string[]> => (await listDirectory(dir, { exclude: new Set([REPORT_FILE, SIGNATURE_FILE]), unlisted: isDerived })).files;

/** --not-before and --run-id: an older signed run must not pass for the one asked for. */
export function refusalsOf(facts: RunFacts, expect: Expectations): string[] {
  const out: string[] = [];
  if (expect.runId !== undefined && facts.runId !== expect.runId) out.push(`run id is ${facts.runId ?? '(none)'}, not ${expect.runId} (--run-id)`);
  if (expect.notBefore) {
    const started = facts.startedAt ? new Date(facts.startedAt) : undefined;
    if (!started || Number.isNaN(started.getTime())) out.push(`the run's start date (${facts.startedAt ?? 'none'}) cannot be read, so --not-before cannot hold`);
    else if (started < expect.notBefore) out.push(`the run started at ${facts.startedAt}, before --not-before ${expect.notBefore.toISOString()}`);
  }
  return out;
}

export function verdictOf(consistent: boolean, allPinned: boolean): Verdict {
  return !consistent ? 'ALTERED' : allPinned ? 'AUTHENTIC' : 'INTACT-UNATTRIBUTED';
}

/** A signed JSON document and its detached signature, strictly read. */
export async function readSigned(
  dir: string,
  file: string,
  signatureFile: string,
  trusted: readonly Ed25519Jwk[] | undefined,
): Promise<{ value?: Record<string, unknown>; bytes?: Buffer; problem?: string; signature: JwsCheck }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dir, file));
  } catch (error) {
    return { problem: `${file} is missing or unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, signature: { ok: false, problem: 'not checked' } };
  }
  let value: unknown;
  try {
    value = parseStrictJson(bytes);
  } catch (error) {
    return { bytes, problem: `${file} is not strict JSON: ${(error as Error).message}`, signature: { ok: false, problem: `${file} is not strict JSON, so nothing it says is read` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { bytes, problem: `${file} is not a JSON object`, signature: { ok: false, problem: 'not checked' } };
  const jws = await readFile(path.join(dir, signatureFile), 'utf8').catch(() => undefined);
  const signature = jws === undefined ? { ok: false, problem: `${signatureFile} is missing` } : await verifyDetached(jws, Buffer.from(canonicalJson(value), 'utf8'), trusted);
  return { value: value as Record<string, unknown>, bytes, signature };
}

export async function verifyRunDirectory(dir: string, expected?: Ed25519Jwk | readonly Ed25519Jwk[] | Expectations): Promise<RunVerification> {
  const expect: Expectations = expected === undefined ? {} : Array.isArray(expected) ? { trusted: expected } : 'kty' in expected ? { trusted: [expected as Ed25519Jwk] } : (expected as Expectations);
  const pinned = expect.trusted !== undefined;
  const result: RunVerification = { ok: false, verdict: 'ALTERED', signature: { ok: false, pinned }, refusals: [], facts: {}, files: [], ignored: [] };
  const signed = await readSigned(dir, REPORT_FILE, SIGNATURE_FILE, expect.trusted);
  result.signature = { ...signed.signature, pinned };
  if (signed.problem) result.reportProblem = signed.problem;
  const report = (signed.value ?? {}) as {
    runId?: string;
    startedAt?: string;
    sello?: { version?: string };
    sut?: { role?: string; baseUrl?: string; kind?: string };
    seed?: string;
    listing?: { sha256?: string; files?: number; bytes?: number };
    shards?: unknown[];
    integrity?: IntegrityInfo;
  };
  const listing = report.listing;
  const integrity = report.integrity;
  if (integrity?.signature?.key) result.signature.keyKind = integrity.signature.key;
  result.facts = {
    ...(report.runId !== undefined ? { runId: String(report.runId) } : {}),
    ...(report.startedAt !== undefined ? { startedAt: String(report.startedAt) } : {}),
    ...(report.sello?.version !== undefined ? { selloVersion: String(report.sello.version) } : {}),
    ...(report.sut ? { sut: [{ role: report.sut.role, baseUrl: report.sut.baseUrl, kind: report.sut.kind }] } : {}),
    ...(report.seed !== undefined ? { seed: String(report.seed) } : {}),
    ...(listing && typeof listing.sha256 === 'string'
      ? { validated: { files: Number(listing.files) || 0, bytes: Number(listing.bytes) || 0, listingSha256: listing.sha256, shards: Array.isArray(report.shards) ? report.shards.length : 0 } }
      : {}),
    ...(result.signature.thumbprint ? { keyThumbprint: result.signature.thumbprint } : {}),
    ...(integrity?.signature?.key ? { keyKind: integrity.signature.key } : {}),
  };
  if (signed.value && (!integrity || !Array.isArray(integrity.files))) {
    result.reportProblem = `${REPORT_FILE} has no integrity list (made by a Sello older than report schema 1.1.0?)`;
  }
  if (result.signature.ok && integrity?.signature?.keyThumbprint && integrity.signature.keyThumbprint !== result.signature.thumbprint) {
    result.signature = { ...result.signature, ok: false, problem: `report.json names key ${integrity.signature.keyThumbprint} but was signed by ${result.signature.thumbprint}` };
  }
  const present = await listDirectory(dir, { exclude: new Set([REPORT_FILE, SIGNATURE_FILE]), unlisted: isDerived }).catch(() => ({ files: [], refused: [] }));
  result.files = await compareWithManifest(dir, Array.isArray(integrity?.files) ? integrity.files : [], present);
  for (const d of DERIVED_DIRS) {
    const exists = await stat(path.join(dir, d.path)).then(
      () => true,
      () => false,
    );
    if (exists) result.ignored.push(d);
  }
  result.refusals = signed.value ? refusalsOf(result.facts, expect) : [];
  result.ok = result.signature.ok && result.reportProblem === undefined && result.files.every((f) => f.status === 'ok');
  result.verdict = verdictOf(result.ok && result.refusals.length === 0, result.signature.pinnedMatch === true);
  return result;
}
