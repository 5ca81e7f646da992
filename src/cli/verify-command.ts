import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import {
  type CertificationVerification,
  type Ed25519Jwk,
  type Expectations,
  type FileCheck,
  isCertificationDirectory,
  KeyError,
  loadPublicKey,
  loadTrustDir,
  REPORT_FILE,
  type RunFacts,
  type RunVerification,
  SIGNATURE_FILE,
  type Verdict,
  verifyCertificationDirectory,
  verifyRunDirectory,
} from '../report/integrity.ts';

export interface VerifyOptions {
  'public-key'?: string;
  'trust-dir'?: string;
  'not-before'?: string;
  'run-id'?: string;
  format?: string;
}

/**
 * `sello verify DIR`: a run or certification directory against its signed manifest.
 * Exit 0 AUTHENTIC (signed by a pinned key) · 6 INTACT-UNATTRIBUTED (consistent, signer not pinned) · 3 ALTERED
 * (or refused by --not-before / --run-id) · 4 bad invocation.
 */
export async function verifyCommand(args: string[], options: VerifyOptions): Promise<number> {
  if (args.length !== 1) throw new ConfigurationError('sello verify takes one run directory, e.g. sello verify reports/latest');
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigurationError('--format is text or json');
  const expect = await expectationsOf(options);
  const root = path.resolve(args[0] ?? '');
  if (await isCertificationDirectory(root)) {
    const c = await verifyCertificationDirectory(root, expect);
    if (format === 'json') console.log(JSON.stringify({ directory: root, kind: 'certification', ...c }, null, 2));
    else console.log(formatCertification(root, c));
    return exitOf(c.verdict);
  }
  const dir = await runDirectory(args[0] ?? '');
  const result = await verifyRunDirectory(dir, expect);
  if (format === 'json') console.log(JSON.stringify({ directory: dir, kind: 'run', ...result }, null, 2));
  else console.log(formatVerification(dir, result));
  // A program's directory verifies on its own, but the certification's verdict and index.html live one level up.
  if (format !== 'json' && (await isCertificationDirectory(path.dirname(dir)))) {
    console.log(`Note: this run is part of the certification ${path.dirname(dir)}; verify that directory for the whole certification`);
  }
  return exitOf(result.verdict);
}

export function exitOf(verdict: Verdict): number {
  return verdict === 'AUTHENTIC' ? EXIT.passed : verdict === 'INTACT-UNATTRIBUTED' ? EXIT.unattributed : EXIT.conformanceFailure;
}

async function expectationsOf(options: VerifyOptions): Promise<Expectations> {
  const trusted: Ed25519Jwk[] = [];
  try {
    if (options['public-key']) trusted.push(await loadPublicKey(options['public-key']));
    if (options['trust-dir']) trusted.push(...(await loadTrustDir(options['trust-dir'])).map((k) => k.jwk));
  } catch (error) {
    if (error instanceof KeyError) throw new ConfigurationError(error.message);
    throw error;
  }
  const expect: Expectations = trusted.length ? { trusted } : {};
  const notBefore = options['not-before'];
  if (notBefore !== undefined) {
    // A bare date is that day's midnight UTC; a date-time without an offset is refused rather than read in local time.
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(notBefore) ? `${notBefore}T00:00:00Z` : notBefore;
    const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso);
    const date = new Date(iso);
    if (!ok || Number.isNaN(date.getTime())) throw new ConfigurationError(`--not-before takes an ISO date (2026-01-31) or date-time with offset (2026-01-31T12:00:00Z), got '${notBefore}'`);
    expect.notBefore = date;
  }
  if (options['run-id'] !== undefined) expect.runId = options['run-id'];
  return expect;
}

async function runDirectory(arg: string): Promise<string> {
  let dir = path.resolve(arg);
  const s = await stat(dir).catch(() => undefined);
  if (!s) throw new ConfigurationError(`${arg} does not exist`);
  if (s.isFile()) {
    if (path.basename(dir) !== REPORT_FILE) throw new ConfigurationError(`${arg} is a file; give the run directory (or its report.json)`);
    dir = path.dirname(dir);
  }
  const has = async (f: string): Promise<boolean> =>
    stat(path.join(dir, f)).then(
      () => true,
      () => false,
    );
  if (!(await has(REPORT_FILE)) && !(await has(SIGNATURE_FILE))) {
    throw new ConfigurationError(`${arg} is not a Sello run directory (no ${REPORT_FILE}, no ${SIGNATURE_FILE})`);
  }
  return dir;
}

const short = (h: string | undefined): string => (h ? `${h.slice(0, 16)}…` : '?');

function factLines(f: RunFacts): string[] {
  const sut = (f.sut ?? []).map((s) => `${s.role ?? '?'} at ${s.baseUrl ?? '?'}${s.kind ? ` (${s.kind})` : ''}`);
  // A merged validation judged a listing of files: no system, no seed (nothing was generated) to name.
  const v = f.validated;
  return [
    `  run: ${f.runId ?? '?'} · started ${f.startedAt ?? '?'} · Sello ${f.selloVersion ?? '?'}${v && f.seed === undefined ? '' : ` · seed ${f.seed ?? '?'}`}`,
    v ? `  validated: ${v.files} file(s), ${v.bytes} bytes (listing sha256 ${short(v.listingSha256)}), in ${v.shards} shard(s)` : `  SUT: ${sut.length ? [...new Set(sut)].join('; ') : '?'}`,
    `  key: ${f.keyThumbprint ?? '?'}${f.keyKind ? ` (${f.keyKind === 'ephemeral' ? 'ephemeral, made for this run' : 'provided by the signer'})` : ''}`,
  ];
}

function fileLines(files: FileCheck[], indent: string): string[] {
  const lines: string[] = [];
  for (const f of files) {
    if (f.status === 'altered')
      lines.push(`${indent}ALTERED  ${f.path}  ${f.why ? `(${f.why})` : `(sha256 signed ${short(f.expected)}, now ${short(f.actual)}; ${f.expectedBytes} → ${f.actualBytes} bytes)`}`);
    else if (f.status === 'missing') lines.push(`${indent}MISSING  ${f.path}  (signed with sha256 ${short(f.expected)}, ${f.expectedBytes} bytes)`);
    else if (f.status === 'extra') lines.push(`${indent}EXTRA    ${f.path}  (not in the signed list)`);
    else if (f.status === 'refused') lines.push(`${indent}REFUSED  ${f.path}  (${f.why ?? 'not a regular file'}: not allowed in a signed directory)`);
  }
  return lines;
}

function signatureLine(sig: RunVerification['signature'], what: string): string[] {
  const label = what === REPORT_FILE ? 'signature' : `signature of ${what}`;
  if (!sig.ok) {
    const lines = [`  ${label}: FAILED — ${sig.problem ?? 'not checked'}`];
    if (sig.problem?.includes('does not match')) lines.push(`    ${what} was altered after signing (or the signature was replaced): the hashes it lists cannot be trusted either`);
    return lines;
  }
  const who = sig.pinnedMatch
    ? 'a key you pinned'
    : sig.keyKind === 'ephemeral'
      ? 'an ephemeral key made for this run (the report says so): this proves the files are as they were signed, not who signed them'
      : 'the key in the signature only: compare the thumbprint with the one its owner published, or pass --public-key / --trust-dir';
  return [`  ${label}: OK — Ed25519 (EdDSA), key thumbprint ${sig.thumbprint}, checked against ${who}`];
}

function resultLine(verdict: Verdict, reasons: string[]): string {
  if (verdict === 'AUTHENTIC') return 'Result: AUTHENTIC — intact, and signed by a key you pinned';
  if (verdict === 'INTACT-UNATTRIBUTED') return 'Result: INTACT-UNATTRIBUTED — consistent, but nothing says who signed it (pin the signer with --public-key or --trust-dir)';
  return `Result: ALTERED${reasons.length ? ` — ${reasons.join('; ')}` : ''}`;
}

export function formatVerification(dir: string, r: RunVerification): string {
  const lines = [`Sello verify ${dir}`, ...factLines(r.facts), ...signatureLine(r.signature, REPORT_FILE)];
  if (r.reportProblem) lines.push(`  report: ${r.reportProblem}`);
  const count = (s: string): number => r.files.filter((f) => f.status === s).length;
  if (r.files.length > 0) {
    lines.push(
      `  files: ${r.files.filter((f) => f.status !== 'extra' && f.status !== 'refused').length} listed, ${count('ok')} intact, ${count('altered')} altered, ${count('missing')} missing, ${count('extra')} not in the signed list, ${count('refused')} refused`,
    );
  }
  lines.push(...fileLines(r.files, '  '));
  for (const i of r.ignored) lines.push(`  ignored: ${i.path} — ${i.why}`);
  for (const x of r.refusals) lines.push(`  REFUSED: ${x}`);
  lines.push(resultLine(r.verdict, r.refusals));
  return lines.join('\n');
}

function formatCertification(dir: string, c: CertificationVerification): string {
  const lines = [`Sello verify ${dir} (certification)`, ...factLines(c.facts), ...signatureLine(c.signature, 'certification.json')];
  for (const p of c.problems) lines.push(`  certification: ${p}`);
  const count = (s: string): number => c.files.filter((f) => f.status === s).length;
  lines.push(
    `  root files: ${c.files.filter((f) => f.status !== 'extra' && f.status !== 'refused').length} listed (${c.files
      .filter((f) => f.status === 'ok')
      .map((f) => f.path)
      .join(', ')}), ${count('altered')} altered, ${count('missing')} missing, ${count('extra')} not in the signed list, ${count('refused')} refused`,
  );
  lines.push(...fileLines(c.files, '  '));
  for (const p of c.programs) {
    lines.push(
      '',
      ...formatVerification(p.directory, p.run)
        .split('\n')
        .map((l) => `  ${l}`),
    );
    lines.push(
      `    certification.json: report.json of ${p.program} ${p.reportHash === 'ok' ? 'matches its recorded SHA-256' : p.reportHash === 'missing' ? 'is MISSING' : 'does NOT match its recorded SHA-256'}`,
    );
  }
  for (const x of c.refusals) lines.push(`  REFUSED: ${x}`);
  lines.push(`Certification ${dir}: ${c.programs.length} program run(s)`);
  lines.push(resultLine(c.verdict, c.refusals));
  return lines.join('\n');
}
