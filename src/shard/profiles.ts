import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, listDirectory, sha256File } from '../report/integrity.ts';
import type { ProfileSet } from './result.ts';

export interface ProfileSources {
  /** Paths are recorded relative to this (the repository), so shards on machines with other checkouts agree. */
  root: string;
  /** Directories of profiles (every file in them counts, as the validator loads them all). */
  dirs: readonly string[];
  /** Single files (an XSD, a Schematron). */
  files: readonly string[];
  /**
   * `--ig` paths in the order given (a later IG wins over an earlier one): each file of each is hashed under `ig<i>:`
   * and its path inside the IG, so that the same IG agrees wherever it lies on each machine, and another does not.
   */
  igs?: readonly string[];
  requested: Record<string, string>;
  used: ProfileSet['used'];
}

/** The rules a shard judged against, hashed: shards merge only when their sets are equal. */
export async function profileSet(sources: ProfileSources): Promise<ProfileSet> {
  const files: ProfileSet['files'] = [];
  const rel = (p: string): string => path.relative(sources.root, path.resolve(p)).split(path.sep).join('/');
  for (const dir of sources.dirs) for (const f of (await listDirectory(dir)).files) files.push({ path: rel(path.join(dir, f)), sha256: (await sha256File(path.join(dir, f))).sha256 });
  for (const f of sources.files) files.push({ path: rel(f), sha256: (await sha256File(f)).sha256 });
  for (const [i, ig] of (sources.igs ?? []).entries()) {
    if ((await stat(ig)).isDirectory()) for (const f of (await listDirectory(ig)).files) files.push({ path: `ig${i}:${f}`, sha256: (await sha256File(path.join(ig, f))).sha256 });
    else files.push({ path: `ig${i}:${path.basename(ig)}`, sha256: (await sha256File(ig)).sha256 });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sha256 = createHash('sha256')
    .update(canonicalJson({ files, requested: sources.requested }))
    .digest('hex');
  return { sha256, files, requested: sources.requested, used: [...sources.used].sort((a, b) => (a.url < b.url ? -1 : 1)) };
}

export const sha256OfJson = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex');
