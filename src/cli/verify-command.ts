import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { type Ed25519Jwk, KeyError, loadPublicKey, REPORT_FILE, type RunVerification, SIGNATURE_FILE, signedPayload, verifyDetached, verifyRunDirectory } from '../report/integrity.ts';

/**
 * `sello verify reports/<run> [--public-key FILE] [--format json]`: checks the Ed25519 signature of report.json
 * and the SHA-256 of every file it lists, and names each file altered, missing or added.
 * Exit 0 intact · 3 altered (or unsigned) · 4 bad invocation.
 */
export async function verifyCommand(args: string[], options: { 'public-key'?: string; format?: string }): Promise<number> {
  if (args.length !== 1) throw new ConfigurationError('sello verify takes one run directory, e.g. sello verify reports/latest');
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigurationError('--format is text or json');
  const certification = await readCertification(path.resolve(args[0] ?? ''));
  let expected: Ed25519Jwk | undefined;
  if (options['public-key']) {
    try {
      expected = await loadPublicKey(options['public-key']);
    } catch (error) {
      if (error instanceof KeyError) throw new ConfigurationError(error.message);
      throw error;
    }
  }
  if (certification) return verifyCertification(certification, expected, format);
  const dir = await runDirectory(args[0] ?? '');
  const result = await verifyRunDirectory(dir, expected);
  if (format === 'json') console.log(JSON.stringify({ directory: dir, ...result }, null, 2));
  else console.log(formatVerification(dir, result));
  return result.ok ? EXIT.passed : EXIT.conformanceFailure;
}

interface CertificationFile {
  dir: string;
  programs: { program: string; directory: string; reportSha256?: string }[];
}

/** A run over every program (`sello run` with no --program): certification.json and one run directory per program. */
async function readCertification(dir: string): Promise<CertificationFile | undefined> {
  const text = await readFile(path.join(dir, 'certification.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { programs?: { program: string; directory: string; reportSha256?: string }[] };
    return { dir, programs: (parsed.programs ?? []).filter((p) => typeof p.directory === 'string' && p.reportSha256) };
  } catch {
    throw new ConfigurationError(`${path.join(dir, 'certification.json')} is not valid JSON`);
  }
}

/** Each program's directory is verified on its own; certification.json's hash of each report.json must match too. */
async function verifyCertification(c: CertificationFile, expected: Ed25519Jwk | undefined, format: string): Promise<number> {
  const text = await readFile(path.join(c.dir, 'certification.json'), 'utf8');
  const jws = await readFile(path.join(c.dir, 'certification.json.jws'), 'utf8').catch(() => undefined);
  const signature = jws === undefined ? { ok: false, problem: 'certification.json.jws is missing' } : verifyDetached(jws, signedPayload(text), expected);
  if (format !== 'json') console.log(`Sello verify ${c.dir}\n  certification.json: signature ${signature.ok ? `OK (key ${signature.thumbprint ?? '?'})` : `FAILED — ${signature.problem ?? ''}`}`);
  let ok = signature.ok;
  const results = [];
  for (const p of c.programs) {
    const dir = path.join(c.dir, p.directory);
    const result = await verifyRunDirectory(dir, expected);
    const bytes = await readFile(path.join(dir, REPORT_FILE)).catch(() => undefined);
    const hashOk = bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === p.reportSha256;
    ok &&= result.ok && hashOk;
    results.push({ program: p.program, directory: dir, certificationHash: hashOk ? 'OK' : 'ALTERED', ...result });
    if (format !== 'json') {
      console.log(formatVerification(dir, result));
      console.log(`  certification.json: report.json of ${p.program} ${hashOk ? 'matches its recorded SHA-256' : 'does NOT match its recorded SHA-256'}`);
    }
  }
  if (format === 'json') console.log(JSON.stringify({ directory: c.dir, ok, certificationSignature: signature, programs: results }, null, 2));
  else console.log(`Certification ${c.dir}: ${ok ? 'INTACT' : 'ALTERED'} (${c.programs.length} program run(s))`);
  return ok ? EXIT.passed : EXIT.conformanceFailure;
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

export function formatVerification(dir: string, r: RunVerification): string {
  const lines = [`Sello verify ${dir}`];
  const sig = r.signature;
  if (sig.ok) {
    const who = sig.pinned
      ? 'the public key you gave'
      : sig.keyKind === 'ephemeral'
        ? 'an ephemeral key made for this run (the report says so): this proves the files are as they were signed, not who signed them'
        : 'the key in the signature: compare the thumbprint with the one its owner published, or pass --public-key';
    lines.push(`  signature: OK — Ed25519 (EdDSA), key thumbprint ${sig.thumbprint}, checked against ${who}`);
  } else {
    lines.push(`  signature: FAILED — ${sig.problem ?? r.reportProblem ?? 'not checked'}`);
    if (sig.problem?.includes('does not match')) lines.push('    report.json was altered after signing (or the signature was replaced): the hashes it lists cannot be trusted either');
  }
  if (r.reportProblem) lines.push(`  report: ${r.reportProblem}`);
  const count = (s: string): number => r.files.filter((f) => f.status === s).length;
  if (r.files.length > 0) {
    lines.push(
      `  files: ${r.files.filter((f) => f.status !== 'extra').length} listed, ${count('ok')} intact, ${count('altered')} altered, ${count('missing')} missing, ${count('extra')} not in the signed list`,
    );
  }
  for (const f of r.files) {
    if (f.status === 'altered') lines.push(`  ALTERED  ${f.path}  (sha256 signed ${short(f.expected)}, now ${short(f.actual)}; ${f.expectedBytes} → ${f.actualBytes} bytes)`);
    else if (f.status === 'missing') lines.push(`  MISSING  ${f.path}  (signed with sha256 ${short(f.expected)}, ${f.expectedBytes} bytes)`);
    else if (f.status === 'extra') lines.push(`  EXTRA    ${f.path}  (added after signing)`);
  }
  for (const i of r.ignored) lines.push(`  ignored: ${i.path} — ${i.why}`);
  lines.push(r.ok ? 'Result: INTACT' : 'Result: ALTERED');
  return lines.join('\n');
}
