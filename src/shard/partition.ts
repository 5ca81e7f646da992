import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

/** Shard `index` of `count`, 0-based: what a Kubernetes Indexed Job's JOB_COMPLETION_INDEX and a CI matrix index give. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Every input file of the whole export, as every shard sees it: the same listing gives the same partition. */
export interface Listing {
  /** SHA-256 of the canonical listing (`path\tbytes\n` per file, sorted by path). */
  sha256: string;
  files: { path: string; bytes: number }[];
}

/** `i/N` with 0 ≤ i < N; anything else is the invocation's fault (the caller says so as exit 4). */
export function parseShard(text: string): ShardSpec | string {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  if (!m) return `--shard takes INDEX/COUNT with a 0-based index, e.g. --shard 0/3 (--shard $JOB_COMPLETION_INDEX/3), got '${text}'`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) return `--shard ${text}: the index is 0-based and must be below the count (0/${count} … ${count - 1}/${count})`;
  return { index, count };
}

/**
 * The listing of `files` (paths as given, so every shard must be given the same paths): sorted by path with each
 * file's size. Sizes, not contents, are hashed here: every shard lists every file, and reading the whole export
 * in every shard is what sharding avoids; each shard hashes the contents of its own files.
 */
export async function listingOf(files: readonly string[]): Promise<Listing> {
  const sorted = [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries: Listing['files'] = [];
  for (const path of sorted) entries.push({ path, bytes: (await stat(path)).size });
  return { sha256: listingHash(entries), files: entries };
}

export const listingHash = (files: readonly { path: string; bytes: number }[]): string =>
  createHash('sha256')
    .update(files.map((f) => `${f.path}\t${f.bytes}\n`).join(''))
    .digest('hex');

/** Whole files, file k of the sorted listing to shard k mod N: stable, and no file is split across machines. */
export const shardFiles = (listing: Listing, shard: ShardSpec): string[] => listing.files.filter((_, k) => k % shard.count === shard.index).map((f) => f.path);
