import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ConfigurationError } from '../config/errors.ts';
import type { Finding } from '../findings/finding.ts';
import { type SigningKey, sha256File } from '../report/integrity.ts';
import { type Listing, listingOf, parseShard, type ShardSpec, shardFiles } from './partition.ts';
import { type ProfileSet, type ShardResult, signShardResult } from './result.ts';
import { Tally } from './tally.ts';

/**
 * One shard of a `sello validate` over a listing: which files are its own, every document's findings counted, each
 * input hashed as it is read (NDJSON: in the same pass that judges it), then the signed result.
 */
export class ShardSession {
  readonly files: string[];
  private readonly tally = new Tally();
  private readonly inputs: ShardResult['inputs'] = [];
  private readonly hashes = new Map<string, { sha256: string; bytes: number }>();

  constructor(
    readonly spec: ShardSpec,
    readonly listing: Listing,
  ) {
    this.files = shardFiles(listing, spec);
  }

  record(file: string, line: number | undefined, findings: readonly Finding[]): void {
    this.tally.add(file, line, findings);
  }

  /** The file's chunks, hashed on the way through: the shard reads its inputs once. */
  async *hashedRead(file: string): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    this.hashes.set(file, { sha256: hash.digest('hex'), bytes });
  }

  /** Closes the inputs (files not read through hashedRead are hashed now) and signs the counts. */
  async result(selloVersion: string, profiles: ProfileSet, key: SigningKey): Promise<ShardResult> {
    const documents = this.tally.documentsByFile;
    for (const file of this.files) {
      const hashed = this.hashes.get(file) ?? (await sha256File(file));
      this.inputs.push({ path: file, bytes: hashed.bytes, sha256: hashed.sha256, documents: documents.get(file) ?? 0 });
    }
    return signShardResult(
      {
        kind: 'sello-shard-result',
        sello: { version: selloVersion },
        createdAt: new Date().toISOString(),
        shard: this.spec,
        listing: this.listing,
        inputs: this.inputs,
        profiles,
        totals: this.tally.totals,
        first: this.tally.first,
      },
      key,
    );
  }

  get totals() {
    return this.tally.totals;
  }
}

/** `--shard i/N` (absent: the one shard 0/1 of everything) over the sorted listing of every input. */
export async function shardSession(listed: readonly string[], shard: string | undefined): Promise<ShardSession> {
  const spec = shard ? parseShard(shard) : { index: 0, count: 1 };
  if (typeof spec === 'string') throw new ConfigurationError(spec);
  return new ShardSession(spec, await listingOf(listed));
}

/** The profiles a resource is judged against: the one asked for, or those of meta.profile (bounded: 20). */
export function profilesOf(value: unknown, profile: string | undefined): string[] {
  if (profile) return [profile];
  const declared = (value as { meta?: { profile?: unknown } } | null)?.meta?.profile;
  return Array.isArray(declared) ? declared.filter((u): u is string => typeof u === 'string').slice(0, 20) : [];
}
