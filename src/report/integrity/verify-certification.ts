import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CERTIFICATION_FILE, CERTIFICATION_SIGNATURE_FILE, type Certification } from '../certification.ts';
import type { IntegrityFile } from '../model.ts';
import { compareWithManifest, type FileCheck, hashFiles, type Listing, listDirectory } from './files.ts';
import type { JwsCheck } from './jws.ts';
import { type Expectations, isDerived, REPORT_FILE, type RunFacts, type RunVerification, readSigned, refusalsOf, type Verdict, verdictOf, verifyRunDirectory } from './verify-run.ts';

/*
 * A certification directory: certification.json (signed) names each program's run directory and the SHA-256 of its
 * report.json, and lists every other file of the directory. One certification is signed by one key: a program
 * re-signed by another key is ALTERED even when each signature checks on its own.
 */

export interface ProgramCheck {
  program: string;
  directory: string;
  /** report.json against the SHA-256 certification.json recorded. */
  reportHash: 'ok' | 'altered' | 'missing';
  run: RunVerification;
}

export interface CertificationVerification {
  ok: boolean;
  verdict: Verdict;
  signature: JwsCheck & { pinned: boolean; keyKind?: 'ephemeral' | 'provided' };
  problems: string[];
  refusals: string[];
  facts: RunFacts;
  /** The certification directory's own files (index.html, …), against its manifest. */
  files: FileCheck[];
  programs: ProgramCheck[];
}

/** A program's directory is one plain name below the certification root; anything else cannot be one of its run directories. */
const plainDirectory = (d: unknown): d is string => typeof d === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(d) && d !== '..';

/** The certification root's files outside the programs' run directories (what certification.json lists). */
export async function listCertificationRoot(root: string, programDirs: readonly string[]): Promise<Listing> {
  const skip = new Set(programDirs);
  // allure-report/ of the whole certification is built after signing from the programs' signed allure-results.
  return listDirectory(root, { exclude: new Set([CERTIFICATION_FILE, CERTIFICATION_SIGNATURE_FILE]), skip: (rel) => skip.has(rel), unlisted: isDerived });
}

export async function hashCertificationRoot(root: string, programDirs: readonly string[]): Promise<IntegrityFile[]> {
  return hashFiles(root, (await listCertificationRoot(root, programDirs)).files);
}

export async function isCertificationDirectory(dir: string): Promise<boolean> {
  return readFile(path.join(dir, CERTIFICATION_FILE)).then(
    () => true,
    () => false,
  );
}

export async function verifyCertificationDirectory(root: string, expect: Expectations = {}): Promise<CertificationVerification> {
  const pinned = expect.trusted !== undefined;
  const signed = await readSigned(root, CERTIFICATION_FILE, CERTIFICATION_SIGNATURE_FILE, expect.trusted);
  const problems: string[] = signed.problem ? [signed.problem] : [];
  const cert = (signed.value ?? {}) as Partial<Certification>;
  const ran = (Array.isArray(cert.programs) ? cert.programs : []).filter((p) => p.reportSha256 !== undefined);
  const bad = ran.filter((p) => !plainDirectory(p.directory));
  if (bad.length) problems.push(`program directories that are not plain names: ${bad.map((p) => JSON.stringify(p.directory)).join(', ')}`);
  const programDirs = ran.map((p) => p.directory).filter(plainDirectory);

  const programs: ProgramCheck[] = [];
  for (const p of ran.filter((x) => plainDirectory(x.directory))) {
    const dir = path.join(root, p.directory);
    const run = await verifyRunDirectory(dir, { ...(expect.trusted ? { trusted: expect.trusted } : {}) });
    const bytes = await readFile(path.join(dir, REPORT_FILE)).catch(() => undefined);
    const reportHash = bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex') === p.reportSha256 ? 'ok' : 'altered';
    programs.push({ program: String(p.program), directory: dir, reportHash, run });
  }

  const integrity = cert.integrity;
  if (signed.value && (!integrity || !Array.isArray(integrity.files))) {
    problems.push(`${CERTIFICATION_FILE} has no manifest of the certification directory (made by an older Sello): index.html and other root files are not covered`);
  }
  const present = await listCertificationRoot(root, programDirs).catch((): Listing => ({ files: [], refused: [] }));
  const files = await compareWithManifest(root, Array.isArray(integrity?.files) ? integrity.files : [], present);

  const signature = { ...signed.signature, pinned, ...(integrity?.signature?.key ? { keyKind: integrity.signature.key } : {}) };
  if (signature.ok && integrity?.signature?.keyThumbprint && integrity.signature.keyThumbprint !== signature.thumbprint) {
    signature.ok = false;
    signature.problem = `${CERTIFICATION_FILE} names key ${integrity.signature.keyThumbprint} but was signed by ${signature.thumbprint}`;
  }
  const keys = new Set([signature.thumbprint, ...programs.map((p) => p.run.signature.thumbprint)].filter((k): k is string => k !== undefined));
  if (keys.size > 1) problems.push(`one certification, ${keys.size} signing keys (${[...keys].join(', ')}): its programs and ${CERTIFICATION_FILE} must be signed by one key`);

  const facts: RunFacts = {
    ...(cert.runId !== undefined ? { runId: String(cert.runId) } : {}),
    ...(cert.startedAt !== undefined ? { startedAt: String(cert.startedAt) } : {}),
    ...(cert.sello?.version !== undefined ? { selloVersion: String(cert.sello.version) } : {}),
    sut: programs.flatMap((p) => p.run.facts.sut ?? []),
    ...(cert.seed !== undefined ? { seed: String(cert.seed) } : {}),
    ...(signature.thumbprint ? { keyThumbprint: signature.thumbprint } : {}),
    ...(integrity?.signature?.key ? { keyKind: integrity.signature.key } : {}),
  };
  const refusals = signed.value ? refusalsOf(facts, expect) : [];
  const ok =
    signature.ok && problems.length === 0 && files.every((f) => f.status === 'ok') && programs.every((p) => p.run.ok && p.reportHash === 'ok') && programs.every((p) => p.run.refusals.length === 0);
  const allPinned = signature.pinnedMatch === true && programs.every((p) => p.run.signature.pinnedMatch === true);
  return { ok, verdict: verdictOf(ok && refusals.length === 0, allPinned), signature, problems, refusals, facts, files, programs };
}
