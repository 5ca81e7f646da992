import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IntegrityFile, IntegrityInfo } from './model.ts';

/*
 * Evidence integrity: report.json lists the SHA-256 of every other file of the run directory, and is signed
 * with Ed25519 as a detached JWS (RFC 7515 Appendix F) in report.json.jws. The signed payload is the RFC 8785
 * canonical form of report.json, so re-indenting or a CRLF checkout does not break it but any change of content
 * does. The JWS header carries the public key (JWK) so anyone can check integrity; authenticity needs the
 * signer's public key (`sello verify --public-key`), or comparing the key thumbprint with the one published.
 */

export const REPORT_FILE = 'report.json';
export const SIGNATURE_FILE = 'report.json.jws';
/** Built from the run directory after the run (`npm run report:allure`), so it cannot be in the signed list. */
export const DERIVED_DIRS: readonly { path: string; why: string }[] = [{ path: 'allure-report/', why: 'built after the run by `npm run report:allure` from allure-results/' }];

// ——— RFC 8785 JSON Canonicalization Scheme ———

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JCS cannot represent a non-finite number');
    // ECMAScript number serialization is the one RFC 8785 prescribes.
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // UTF-16 code unit order, which is what JavaScript's default sort compares.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`JCS cannot represent a ${typeof value}`);
}

// ——— hashing ———

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

function isDerived(rel: string): boolean {
  return DERIVED_DIRS.some((d) => rel === d.path.slice(0, -1) || rel.startsWith(d.path));
}

/** Every regular file under `dir` (relative, `/`-separated, sorted) except report.json, its signature and derived dirs. */
export async function listRunFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (isDerived(r)) continue;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(toPosix(r));
      // A symlink to a file is hashed as what it points to, so swapping it is noticed; links to directories are not followed.
      else if (
        e.isSymbolicLink() &&
        (await stat(path.join(dir, r)).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        out.push(toPosix(r));
    }
  };
  await walk('');
  return out.filter((p) => p !== REPORT_FILE && p !== SIGNATURE_FILE && !/\.\d+\.tmp$/.test(p)).sort();
}

export async function hashRunFiles(dir: string): Promise<IntegrityFile[]> {
  const files = await listRunFiles(dir);
  const out: IntegrityFile[] = [];
  for (const p of files) out.push({ path: p, ...(await sha256File(path.join(dir, p))) });
  return out;
}

// ——— keys ———

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicJwk: Ed25519Jwk;
  thumbprint: string;
  kind: 'ephemeral' | 'provided';
}

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export function publicJwkOf(key: KeyObject): Ed25519Jwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new KeyError(`expected an Ed25519 key, got ${pub.asymmetricKeyType ?? 'a symmetric key'}`);
  const jwk = pub.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw new KeyError('could not export the public key');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. */
export function jwkThumbprint(jwk: Ed25519Jwk): string {
  return b64url(createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).digest());
}

export function ephemeralKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicJwkOf(privateKey);
  return { privateKey, publicJwk, thumbprint: jwkThumbprint(publicJwk), kind: 'ephemeral' };
}

/** A PEM (PKCS#8) or JWK (with `d`) Ed25519 private key file. */
export async function loadSigningKey(file: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeyError(`cannot read signing key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as import('node:crypto').JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch (error) {
    throw new KeyError(`${file} is not a private key (PEM PKCS#8 or JWK): ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeyError(`${file} is a ${privateKey.asymmetricKeyType} key; Sello signs with Ed25519 (make one with \`sello keygen\`)`);
  }
  const publicJwk = publicJwkOf(privateKey);
  return { privateKey, publicJwk, thumbprint: jwkThumbprint(publicJwk), kind: 'provided' };
}

/** A PEM public key, a PEM private key (its public half is used) or a JWK file. */
export async function loadPublicKey(file: string): Promise<Ed25519Jwk> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeyError(`cannot read public key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    if (text.trimStart().startsWith('{')) {
      const jwk = JSON.parse(text) as { kty?: string; crv?: string; x?: string };
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 JWK');
      return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
    }
    return publicJwkOf(createPublicKey(text));
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError(`${file} is not an Ed25519 public key (PEM or JWK): ${(error as Error).message}`);
  }
}

export function generateKeyPairPem(): { privatePem: string; publicPem: string; thumbprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    thumbprint: jwkThumbprint(publicJwkOf(publicKey)),
  };
}

// ——— JWS, detached ———

export interface JwsHeader {
  alg: 'EdDSA';
  typ: 'JOSE';
  cty: 'application/json';
  kid: string;
  jwk: Ed25519Jwk;
  /** Not a registered parameter; tells a reader what the detached payload is (report.json, or certification.json). */
  'sello:payload': string;
}

export function signDetached(payload: Buffer, key: SigningKey, payloadName = 'report.json'): string {
  const header: JwsHeader = { alg: 'EdDSA', typ: 'JOSE', cty: 'application/json', kid: key.thumbprint, jwk: key.publicJwk, 'sello:payload': `RFC8785(${payloadName})` };
  const h = b64url(JSON.stringify(header));
  const signature = sign(null, Buffer.from(`${h}.${b64url(payload)}`, 'ascii'), key.privateKey);
  return `${h}..${b64url(signature)}`;
}

export interface JwsCheck {
  ok: boolean;
  /** What is wrong, when not ok. */
  problem?: string;
  header?: JwsHeader;
  thumbprint?: string;
}

export function verifyDetached(jws: string, payload: Buffer, expected?: Ed25519Jwk): JwsCheck {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '') return { ok: false, problem: 'not a detached JWS in compact serialization (header..signature)' };
  const [h = '', , s = ''] = parts;
  let header: JwsHeader;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as JwsHeader;
  } catch {
    return { ok: false, problem: 'the JWS header is not JSON' };
  }
  if (header.alg !== 'EdDSA') return { ok: false, problem: `unsupported alg ${String(header.alg)} (expected EdDSA)`, header };
  const jwk = expected ?? header.jwk;
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    return { ok: false, problem: 'no Ed25519 public key in the JWS header and none given', header };
  }
  const thumbprint = jwkThumbprint(jwk);
  if (expected && header.jwk && jwkThumbprint(header.jwk) !== thumbprint) {
    return { ok: false, problem: `signed by key ${jwkThumbprint(header.jwk)}, not by the expected key ${thumbprint}`, header, thumbprint };
  }
  let ok: boolean;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    ok = verify(null, Buffer.from(`${h}.${b64url(payload)}`, 'ascii'), key, Buffer.from(s, 'base64url'));
  } catch (error) {
    return { ok: false, problem: `signature check failed: ${(error as Error).message}`, header, thumbprint };
  }
  const signed = /^RFC8785\((.+)\)$/.exec(String(header['sello:payload'] ?? ''))?.[1] ?? 'report.json';
  return ok ? { ok, header, thumbprint } : { ok, problem: `the signature does not match the content of ${signed}`, header, thumbprint };
}

/** The bytes that are signed: report.json's content, canonicalized. */
export function signedPayload(reportJsonText: string): Buffer {
  return Buffer.from(canonicalJson(JSON.parse(reportJsonText)), 'utf8');
}

// ——— verify a run directory ———

export type FileStatus = 'ok' | 'altered' | 'missing' | 'extra';

export interface FileCheck {
  path: string;
  status: FileStatus;
  expected?: string;
  actual?: string;
  /** Bytes expected and found, a quick hint of truncation or growth. */
  expectedBytes?: number;
  actualBytes?: number;
}

export interface RunVerification {
  ok: boolean;
  signature: JwsCheck & { keyKind?: 'ephemeral' | 'provided'; pinned: boolean };
  /** report.json itself: unreadable, not JSON, or without an integrity list. */
  reportProblem?: string;
  files: FileCheck[];
  ignored: { path: string; why: string }[];
}

export async function verifyRunDirectory(dir: string, expected?: Ed25519Jwk): Promise<RunVerification> {
  const reportPath = path.join(dir, REPORT_FILE);
  const result: RunVerification = { ok: false, signature: { ok: false, pinned: expected !== undefined }, files: [], ignored: [] };
  let text: string;
  try {
    text = await readFile(reportPath, 'utf8');
  } catch (error) {
    result.reportProblem = `${REPORT_FILE} is missing or unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    return result;
  }
  let report: { integrity?: IntegrityInfo };
  let payload: Buffer;
  try {
    report = JSON.parse(text) as { integrity?: IntegrityInfo };
    payload = Buffer.from(canonicalJson(report), 'utf8');
  } catch (error) {
    result.reportProblem = `${REPORT_FILE} is not valid JSON any more: ${(error as Error).message}`;
    return result;
  }
  let jws: string | undefined;
  try {
    jws = await readFile(path.join(dir, SIGNATURE_FILE), 'utf8');
  } catch {
    result.signature = { ok: false, problem: `${SIGNATURE_FILE} is missing`, pinned: expected !== undefined };
  }
  if (jws !== undefined) {
    result.signature = { ...verifyDetached(jws, payload, expected), pinned: expected !== undefined };
  }
  const integrity = report.integrity;
  if (integrity?.signature?.key) result.signature.keyKind = integrity.signature.key;
  if (!integrity || !Array.isArray(integrity.files)) {
    result.reportProblem = `${REPORT_FILE} has no integrity list (made by a Sello older than report schema 1.1.0?)`;
    return result;
  }
  if (result.signature.ok && integrity.signature?.keyThumbprint && integrity.signature.keyThumbprint !== result.signature.thumbprint) {
    result.signature = { ...result.signature, ok: false, problem: `report.json names key ${integrity.signature.keyThumbprint} but was signed by ${result.signature.thumbprint}` };
  }
  const listed = new Map(integrity.files.map((f) => [f.path, f]));
  const present = new Set(await listRunFiles(dir).catch(() => [] as string[]));
  for (const f of integrity.files) {
    if (!present.has(f.path)) {
      result.files.push({ path: f.path, status: 'missing', expected: f.sha256, expectedBytes: f.bytes });
      continue;
    }
    const actual = await sha256File(path.join(dir, f.path));
    result.files.push(
      actual.sha256 === f.sha256 ? { path: f.path, status: 'ok' } : { path: f.path, status: 'altered', expected: f.sha256, actual: actual.sha256, expectedBytes: f.bytes, actualBytes: actual.bytes },
    );
  }
  for (const p of present) if (!listed.has(p)) result.files.push({ path: p, status: 'extra' });
  for (const d of DERIVED_DIRS) {
    const exists = await stat(path.join(dir, d.path)).then(
      () => true,
      () => false,
    );
    if (exists) result.ignored.push(d);
  }
  result.ok = result.signature.ok && result.files.every((f) => f.status === 'ok');
  return result;
}
