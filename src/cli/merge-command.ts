import path from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { type Ed25519Jwk, ephemeralKey, KeyError, loadPublicKey, loadSigningKey, loadTrustDir, type SigningKey } from '../report/integrity.ts';
import { isEmptyOrAbsent, mergedReport, refusals, writeMerged } from '../shard/merge.ts';
import { readShardResult, type ShardResult } from '../shard/result.ts';
import { seloVersion } from './repo.ts';

export interface MergeOptions {
  out?: string;
  'signing-key'?: string;
  'public-key'?: string;
  'trust-dir'?: string;
}

/**
 * `sello merge SHARD.json… --out DIR`: the signed results of `sello validate --shard i/N --out SHARD.json`, each
 * checked (signature, and with --public-key / --trust-dir the signer), refused unless they are all N shards of one
 * listing and one profile set, then one signed report in DIR that `sello verify DIR` reads like a run.
 * Exit 0 no document with an error, 3 some, 4 refused or bad invocation.
 */
export async function mergeCommand(files: string[], options: MergeOptions): Promise<number> {
  if (files.length === 0) throw new ConfigurationError('sello merge needs the shard results: sello merge results/shard-*.json --out DIR');
  if (!options.out) throw new ConfigurationError('sello merge needs --out DIR (a new or empty directory)');
  const out = path.resolve(options.out);
  if (!(await isEmptyOrAbsent(out))) throw new ConfigurationError(`${options.out} is not empty; sello merge writes a new signed directory`);
  const trusted = await keys(() => pinnedKeys(options));
  const results: { file: string; result: ShardResult }[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const check = await readShardResult(file, trusted);
    if (check.ok) results.push({ file, result: check.result });
    else problems.push(check.problem);
  }
  problems.push(...(problems.length === 0 ? refusals(results) : []));
  if (problems.length > 0) throw new ConfigurationError(`sello merge refused the shards:\n  ${problems.join('\n  ')}`);
  const key: SigningKey = options['signing-key'] ? await keys(() => loadSigningKey(path.resolve(options['signing-key']!))) : ephemeralKey();
  const report = mergedReport(results, await seloVersion(), key);
  await writeMerged(out, results, report, key);
  const { documents, withErrors } = report.totals;
  console.log(`${results.length} shard(s) of listing ${report.listing.sha256.slice(0, 16)}… (${report.listing.files} file(s)): ${documents} document(s), ${withErrors} with errors`);
  console.log(`Merged, signed: ${out} (sello verify ${options.out})`);
  return withErrors > 0 ? EXIT.conformanceFailure : EXIT.passed;
}

async function pinnedKeys(options: MergeOptions): Promise<Ed25519Jwk[] | undefined> {
  const trusted: Ed25519Jwk[] = [];
  if (options['public-key']) trusted.push(await loadPublicKey(options['public-key']));
  if (options['trust-dir']) trusted.push(...(await loadTrustDir(options['trust-dir'])).map((k) => k.jwk));
  return trusted.length > 0 ? trusted : undefined;
}

async function keys<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof KeyError) throw new ConfigurationError(error.message);
    throw error;
  }
}
