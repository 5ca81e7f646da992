import { readFile, writeFile } from 'node:fs/promises';
import { canonicalJson, type Ed25519Jwk, type JwsCheck, parseStrictJson, type SigningKey, signDetached, verifyDetached } from '../report/integrity.ts';
import type { Listing, ShardSpec } from './partition.ts';
import type { FindingExample, Totals } from './tally.ts';

export const SHARD_RESULT_KIND = 'sello-shard-result';

/** What a profile set is: its files hashed (and the profile asked for), so shards judged against the same rules. */
export interface ProfileSet {
  /** SHA-256 over `files` and `requested`: equal sets, equal hash. */
  sha256: string;
  files: { path: string; sha256: string }[];
  /** `--profile`, `--xsd`, `--schematron` as given. */
  requested: Record<string, string>;
  /** Profiles the judged resources were validated against (requested or in meta.profile), canonical URL and hash. */
  used: { url: string; sha256: string }[];
}

export interface ShardResult {
  kind: typeof SHARD_RESULT_KIND;
  sello: { version: string };
  createdAt: string;
  shard: ShardSpec;
  listing: Listing;
  /** This shard's files, each hashed as it was judged. */
  inputs: { path: string; bytes: number; sha256: string; documents: number }[];
  profiles: ProfileSet;
  totals: Totals;
  first: Record<string, FindingExample[]>;
  signature: { alg: 'EdDSA'; key: 'ephemeral' | 'provided'; keyThumbprint: string; payload: 'RFC 8785 canonical JSON of this document without signature.jws'; jws?: string };
}

const payloadOf = (result: ShardResult): Buffer => {
  const { jws: _jws, ...signature } = result.signature;
  return Buffer.from(canonicalJson({ ...result, signature }), 'utf8');
};

/** The result with its signature: a detached Ed25519 JWS (the run reports' signer) over everything else in it. */
export async function signShardResult(result: Omit<ShardResult, 'signature'>, key: SigningKey): Promise<ShardResult> {
  const unsigned: ShardResult = {
    ...result,
    signature: { alg: 'EdDSA', key: key.kind, keyThumbprint: key.thumbprint, payload: 'RFC 8785 canonical JSON of this document without signature.jws' },
  };
  return { ...unsigned, signature: { ...unsigned.signature, jws: await signDetached(payloadOf(unsigned), key, 'shard result') } };
}

export async function writeShardResult(file: string, result: ShardResult): Promise<void> {
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
}

export type ShardCheck = { ok: true; result: ShardResult; signature: JwsCheck } | { ok: false; problem: string };

/** A shard result file strictly read, its signature checked (against `trusted` keys when given), or why not. */
export async function readShardResult(file: string, trusted?: readonly Ed25519Jwk[]): Promise<ShardCheck> {
  let value: unknown;
  try {
    value = parseStrictJson(await readFile(file));
  } catch (error) {
    return { ok: false, problem: `${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const result = value as ShardResult;
  if (result?.kind !== SHARD_RESULT_KIND || typeof result.signature?.jws !== 'string')
    return { ok: false, problem: `${file} is not a signed Sello shard result (sello validate --shard i/N --out FILE)` };
  const signature = await verifyDetached(result.signature.jws, payloadOf(result), trusted);
  if (!signature.ok) return { ok: false, problem: `${file}: signature FAILED — ${signature.problem ?? 'not checked'}` };
  if (signature.thumbprint !== result.signature.keyThumbprint) return { ok: false, problem: `${file} names key ${result.signature.keyThumbprint} but was signed by ${signature.thumbprint}` };
  return { ok: true, result, signature };
}
