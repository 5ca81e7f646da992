import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/*
 * Ed25519 keys: a signing key (PEM PKCS#8 or JWK, or an ephemeral one made for one run or certification) and the
 * public keys a reader pins (`--public-key`, `--trust-dir`). Loading stays on node:crypto, which reads PEM and JWK
 * synchronously; jose does the JWS itself (jws.ts).
 */

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

/**
 * RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. Kept synchronous (jose's
 * calculateJwkThumbprint is async and would make every key constructor async); a test checks both agree.
 */
export function jwkThumbprint(jwk: Ed25519Jwk): string {
  return b64url(createHash('sha256').update(`{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}"}`).digest());
}

/** A signing key from its private half: the public JWK and thumbprint every report names are derived from it. */
export function signingKeyOf(privateKey: KeyObject, kind: SigningKey['kind']): SigningKey {
  const publicJwk = publicJwkOf(privateKey);
  return { privateKey, publicJwk, thumbprint: jwkThumbprint(publicJwk), kind };
}

export function ephemeralKey(): SigningKey {
  return signingKeyOf(generateKeyPairSync('ed25519').privateKey, 'ephemeral');
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
    privateKey = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
  } catch (error) {
    throw new KeyError(`${file} is not a private key (PEM PKCS#8 or JWK): ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeyError(`${file} is a ${privateKey.asymmetricKeyType} key; Sello signs with Ed25519 (make one with \`sello keygen\`)`);
  }
  return signingKeyOf(privateKey, 'provided');
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

/** Regulator keys: every `.pem`, `.jwk` or `.json` file of DIR (a JWK, a JWK Set, or a PEM public key). */
export async function loadTrustDir(dir: string): Promise<{ file: string; jwk: Ed25519Jwk }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.(pem|jwk|json)$/i.test(n)).sort();
  } catch (error) {
    throw new KeyError(`cannot read trust directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const out: { file: string; jwk: Ed25519Jwk }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8').catch(() => '');
    let set: { keys?: unknown } | undefined;
    try {
      set = /^\s*\{/.test(text) ? (JSON.parse(text) as { keys?: unknown }) : undefined;
    } catch {
      throw new KeyError(`${file} is not JSON (a JWK or JWK Set was expected)`);
    }
    if (set && Array.isArray(set.keys)) {
      for (const k of set.keys as { kty?: string; crv?: string; x?: string }[]) {
        if (k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string') out.push({ file, jwk: { kty: 'OKP', crv: 'Ed25519', x: k.x } });
      }
      continue;
    }
    out.push({ file, jwk: await loadPublicKey(file) });
  }
  if (out.length === 0) throw new KeyError(`trust directory ${dir} holds no Ed25519 public key (.pem, .jwk or .json)`);
  return out;
}
