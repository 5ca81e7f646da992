import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cohortLines } from '../../programs/mx-ece/lib/cohort.ts';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

interface ResultJson {
  totals: { documents: number; withErrors: number; findings: Record<string, Record<string, number>> };
  first: Record<string, unknown[]>;
  inputs: { path: string }[];
}

/**
 * An export as Bulk data writes it, one NDJSON file per resource type, with defects planted on a few lines so the
 * totals have errors to agree on: a Patient without its gender code valid, an Observation without status.
 */
async function writeExport(dir: string): Promise<void> {
  const byType = new Map<string, string[]>();
  let n = 0;
  for (const { type, line } of cohortLines('shard-merge', { patients: 6, now: new Date('2026-06-01T00:00:00Z') })) {
    let text = line;
    if (type === 'Patient' && n % 4 === 0) text = text.replace(/"gender":"[a-z]+"/, '"gender":"sí"');
    if (type === 'Observation' && n % 5 === 0) text = text.replace(/"status":"[a-z-]+",?/, '');
    n++;
    byType.set(type, [...(byType.get(type) ?? []), text]);
  }
  for (const [type, lines] of byType) await writeFile(join(dir, `${type}.ndjson`), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'Broken.ndjson'), '{"resourceType":"Patient",\n');
}

const FHIR_OPTIONS = fileURLToPath(new URL('../fixtures/fhir-options/', import.meta.url));

const read = async (file: string): Promise<ResultJson> => JSON.parse(await readFile(file, 'utf8')) as ResultJson;

test('sello validate --shard i/3 in 3 processes, then sello merge: the totals of one unsharded run; tampered, missing, duplicate and foreign shards refused', async () => {
  const dir = await tempDir('sello-shard-');
  try {
    const input = join(dir, 'export');
    await mkdir(input);
    await writeExport(input);
    const key = join(dir, 'signer.pem');
    assert.equal((await runSello(['keygen', '--out', key])).code, 0);
    const signed = ['--signing-key', key];

    const whole = await runSello(['validate', input, '--out', join(dir, 'whole.json'), ...signed]);
    assert.equal(whole.code, 3, whole.stderr);
    const shards = await Promise.all([0, 1, 2].map((i) => runSello(['validate', input, '--shard', `${i}/3`, '--out', join(dir, `s${i}.json`), ...signed])));
    for (const s of shards) assert.ok(s.code === 0 || s.code === 3, s.stderr);
    const files = [0, 1, 2].map((i) => join(dir, `s${i}.json`));

    const merged = await runSello(['merge', ...files, '--out', join(dir, 'merged'), '--public-key', key.replace(/\.pem$/, '.pub.pem'), ...signed]);
    assert.equal(merged.code, 3, merged.stdout + merged.stderr);
    const one = await read(join(dir, 'whole.json'));
    const report = await read(join(dir, 'merged', 'report.json'));
    assert.ok(one.totals.withErrors > 0 && one.totals.documents > 50, JSON.stringify(one.totals));
    assert.deepEqual(report.totals, one.totals);
    assert.deepEqual(report.first, one.first, 'the first findings per rule too, in the order one process meets them');
    assert.deepEqual(
      report.inputs.map((i) => i.path),
      one.inputs.map((i) => i.path),
    );
    // Every shard judged its own files only: their inputs add up to the listing, none twice.
    const judged = (await Promise.all(files.map(read))).flatMap((r) => r.inputs.map((i) => i.path));
    assert.equal(new Set(judged).size, one.inputs.length);

    const verified = await runSello(['verify', join(dir, 'merged'), '--public-key', key.replace(/\.pem$/, '.pub.pem')]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /AUTHENTIC/);
    // What was certified: the files of the listing, not a system under test.
    assert.match(verified.stdout, new RegExp(`validated: ${one.inputs.length} file\\(s\\), \\d+ bytes \\(listing sha256 [0-9a-f]{16}…\\), in 3 shard\\(s\\)`));
    assert.doesNotMatch(verified.stdout, /SUT: \?|seed \?/);

    const tampered = join(dir, 's1-tampered.json');
    const s1 = JSON.parse(await readFile(files[1]!, 'utf8')) as ResultJson;
    s1.totals.withErrors = 0;
    await writeFile(tampered, JSON.stringify(s1, null, 2));
    const refusedTampered = await runSello(['merge', files[0]!, tampered, files[2]!, '--out', join(dir, 'm2')]);
    assert.equal(refusedTampered.code, 4);
    assert.match(refusedTampered.stderr, /s1-tampered\.json: signature FAILED/);

    const refusedMissing = await runSello(['merge', files[0]!, files[2]!, '--out', join(dir, 'm3')]);
    assert.equal(refusedMissing.code, 4);
    assert.match(refusedMissing.stderr, /missing shard\(s\) 1\/3/);

    const refusedTwice = await runSello(['merge', files[0]!, files[0]!, files[1]!, files[2]!, '--out', join(dir, 'm4')]);
    assert.equal(refusedTwice.code, 4);
    assert.match(refusedTwice.stderr, /shard 0\/3 given twice/);

    // Shard 1 judged against another profile than the others: not the same rules.
    const otherRules = join(dir, 's1-other-profile.json');
    await runSello(['validate', input, '--shard', '1/3', '--out', otherRules, '--profile', 'http://hl7.org/fhir/StructureDefinition/Observation', ...signed]);
    const refusedRules = await runSello(['merge', files[0]!, otherRules, files[2]!, '--out', join(dir, 'm7')]);
    assert.equal(refusedRules.code, 4);
    assert.match(refusedRules.stderr, /s1-other-profile\.json judged against another profile set/);

    // Shard 1 judged with an implementation guide the others did not have (a folder, then a package .tgz): its files
    // are part of the rules, so the shards do not merge; the same IG given to every shard does.
    const igs = [join(FHIR_OPTIONS, 'ig'), join(FHIR_OPTIONS, 'ig.tgz')];
    for (const [n, ig] of igs.entries()) {
      const withIg = join(dir, `s1-ig-${n}.json`);
      await runSello(['validate', input, '--shard', '1/3', '--out', withIg, '--ig', ig, ...signed]);
      const refusedIg = await runSello(['merge', files[0]!, withIg, files[2]!, '--out', join(dir, `m8-${n}`)]);
      assert.equal(refusedIg.code, 4, refusedIg.stderr);
      assert.match(refusedIg.stderr, new RegExp(`s1-ig-${n}\\.json judged against another profile set`));
    }
    const allIg = await Promise.all([0, 1, 2].map((i) => runSello(['validate', input, '--shard', `${i}/3`, '--out', join(dir, `s${i}-ig.json`), '--ig', igs[1]!, ...signed])));
    for (const s of allIg) assert.ok(s.code === 0 || s.code === 3, s.stderr);
    const mergedIg = await runSello(['merge', ...[0, 1, 2].map((i) => join(dir, `s${i}-ig.json`)), '--out', join(dir, 'm9')]);
    assert.equal(mergedIg.code, 3, mergedIg.stderr);

    // Shard 1 of a listing with one more file: not the same export, whatever its index says.
    await writeFile(join(input, 'Extra.ndjson'), '{"resourceType":"Patient"}\n');
    const foreign = join(dir, 's1-foreign.json');
    await runSello(['validate', input, '--shard', '1/3', '--out', foreign, ...signed]);
    const refusedForeign = await runSello(['merge', files[0]!, foreign, files[2]!, '--out', join(dir, 'm5')]);
    assert.equal(refusedForeign.code, 4);
    assert.match(refusedForeign.stderr, /judged another listing/);

    // Signed by someone else: refused when the merge pins the signer.
    const unpinned = join(dir, 's2-ephemeral.json');
    await writeFile(join(input, 'Extra.ndjson'), '');
    await runSello(['validate', join(input, 'Extra.ndjson'), '--out', unpinned]);
    const refusedSigner = await runSello(['merge', unpinned, '--out', join(dir, 'm6'), '--public-key', key.replace(/\.pem$/, '.pub.pem')]);
    assert.equal(refusedSigner.code, 4);
    assert.match(refusedSigner.stderr, /not by the expected key/);

    // The merged directory is signed as a whole: a shard result altered inside it is ALTERED to sello verify.
    const inside = join(dir, 'merged', 'shards', 'shard-0-of-3.json');
    await writeFile(inside, (await readFile(inside, 'utf8')).replace('"documents"', '"documents" '));
    const altered = await runSello(['verify', join(dir, 'merged')]);
    assert.equal(altered.code, 3, altered.stdout);
    assert.match(altered.stdout, /ALTERED/);
  } finally {
    await removeTempDir(dir);
  }
});

test('sello validate --shard refuses an index that is not 0-based below the count (exit 4)', async () => {
  for (const shard of ['3/3', '1/0', 'a/b', '-1/2']) {
    const r = await runSello(['validate', 'package.json', '--shard', shard]);
    assert.equal(r.code, 4, `${shard}: ${r.stderr}`);
    assert.match(r.stderr, /--shard/);
  }
});
