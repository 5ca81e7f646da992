import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hashRunFiles, integrityInfo, REPORT_FILE, SIGNATURE_FILE, type SigningKey, signDetached, signedPayload } from '../report/integrity.ts';
import type { IntegrityInfo } from '../report/model.ts';
import { shardFiles } from './partition.ts';
import type { ProfileSet, ShardResult } from './result.ts';
import { addTotals, type FindingExample, mergeFirst, type Totals } from './tally.ts';

export const MERGED_KIND = 'sello-merged-validation';

export interface MergedReport {
  kind: typeof MERGED_KIND;
  runId: string;
  startedAt: string;
  finishedAt: string;
  sello: { version: string };
  verdict: 'PASSED' | 'FAILED';
  listing: { sha256: string; files: number; bytes: number };
  shards: { index: number; count: number; file: string; keyThumbprint: string; key: 'ephemeral' | 'provided'; createdAt: string; selloVersion: string }[];
  inputs: ShardResult['inputs'];
  profiles: Omit<ProfileSet, 'used'> & { used: ProfileSet['used'] };
  totals: Totals;
  first: Record<string, FindingExample[]>;
  integrity: IntegrityInfo;
}

/**
 * Why these shards cannot be one certification, or nothing: all of one listing and one profile set, every index of
 * 0…N−1 exactly once, and each shard's inputs exactly the files its index owns (so no file was judged twice or
 * skipped, and no shard judged another listing's files under this one's name).
 */
export function refusals(results: readonly { file: string; result: ShardResult }[]): string[] {
  const out: string[] = [];
  const first = results[0]?.result;
  if (!first) return ['no shard result given'];
  for (const { file, result } of results) {
    if (result.listing.sha256 !== first.listing.sha256)
      out.push(`${file} judged another listing (${result.listing.sha256.slice(0, 16)}…, not ${first.listing.sha256.slice(0, 16)}…): every shard must be given the same input paths`);
    else if (result.shard.count !== first.shard.count) out.push(`${file} is shard ${result.shard.index}/${result.shard.count}, the others are of ${first.shard.count}`);
    if (result.profiles.sha256 !== first.profiles.sha256) out.push(`${file} judged against another profile set (${result.profiles.sha256.slice(0, 16)}…, not ${first.profiles.sha256.slice(0, 16)}…)`);
  }
  if (out.length > 0) return out;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const { file, result } of results) {
    const earlier = seen.get(result.shard.index);
    if (earlier) out.push(`shard ${result.shard.index}/${count} given twice: ${earlier} and ${file}`);
    seen.set(result.shard.index, file);
    const owned = shardFiles(result.listing, result.shard);
    const judged = result.inputs.map((i) => i.path);
    if (owned.join('\n') !== judged.join('\n')) out.push(`${file}: shard ${result.shard.index}/${count} should have judged ${owned.length} file(s) of the listing and judged ${judged.length} others`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) out.push(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}: merge needs all ${count}`);
  return out;
}

/** One report over all shards: the totals and first findings one process over every file would have given. */
export function mergedReport(results: readonly { file: string; result: ShardResult }[], selloVersion: string, key: SigningKey): MergedReport {
  const ordered = [...results].sort((a, b) => a.result.shard.index - b.result.shard.index);
  const first = ordered[0]!.result;
  const fileOrder = new Map(first.listing.files.map((f, k) => [f.path, k]));
  const totals = ordered.reduce<Totals>((t, r) => addTotals(t, r.result.totals), { documents: 0, withErrors: 0, findings: {} });
  const used = new Map<string, string>();
  for (const r of ordered) for (const u of r.result.profiles.used) used.set(`${u.url}\u0000${u.sha256}`, u.url);
  const created = ordered.map((r) => r.result.createdAt).sort();
  return {
    kind: MERGED_KIND,
    runId: randomUUID(),
    startedAt: created[0]!,
    finishedAt: new Date().toISOString(),
    sello: { version: selloVersion },
    verdict: totals.withErrors === 0 ? 'PASSED' : 'FAILED',
    listing: { sha256: first.listing.sha256, files: first.listing.files.length, bytes: first.listing.files.reduce((n, f) => n + f.bytes, 0) },
    shards: ordered.map((r) => ({
      index: r.result.shard.index,
      count: r.result.shard.count,
      file: shardFileName(r.result),
      keyThumbprint: r.result.signature.keyThumbprint,
      key: r.result.signature.key,
      createdAt: r.result.createdAt,
      selloVersion: r.result.sello.version,
    })),
    inputs: ordered.flatMap((r) => r.result.inputs).sort((a, b) => (fileOrder.get(a.path) ?? 0) - (fileOrder.get(b.path) ?? 0)),
    profiles: {
      sha256: first.profiles.sha256,
      files: first.profiles.files,
      requested: first.profiles.requested,
      used: [...used.keys()].sort().map((k) => ({ url: used.get(k)!, sha256: k.split('\u0000')[1]! })),
    },
    totals,
    first: mergeFirst(
      ordered.map((r) => r.result.first),
      fileOrder,
    ),
    integrity: integrityInfo(key),
  };
}

const shardFileName = (r: ShardResult): string => `shards/shard-${r.shard.index}-of-${r.shard.count}.json`;

/**
 * The merged directory `sello verify` reads as a run: the shard results as they were signed (shards/…), report.json
 * listing their hashes, and report.json.jws. An existing non-empty directory is refused by the caller.
 */
export async function writeMerged(dir: string, results: readonly { file: string; result: ShardResult }[], report: MergedReport, key: SigningKey): Promise<void> {
  await mkdir(path.join(dir, 'shards'), { recursive: true });
  for (const r of results) await copyFile(r.file, path.join(dir, shardFileName(r.result)));
  report.integrity.files = await hashRunFiles(dir);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(path.join(dir, REPORT_FILE), text);
  await writeFile(path.join(dir, SIGNATURE_FILE), `${await signDetached(signedPayload(text), key)}\n`);
}

export const isEmptyOrAbsent = async (dir: string): Promise<boolean> =>
  readdir(dir).then(
    (entries) => entries.length === 0,
    () => true,
  );
