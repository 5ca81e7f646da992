import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSello, tempDir } from './sello-process.ts';

// The evidence chain through the CLI: a clean run and a run with a planted fault, both signed (one with a
// regulator's key, redacted); `sello verify` names the tampered file; `sello diff` gates the regression.

const CURP_SHAPE = /[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d/;

async function runDir(out: string): Promise<string> {
  return join(out, (await readdir(out)).find((n) => n !== 'latest') ?? '');
}

test('signed runs verify, a tampered byte is named, and diff exits 3 naming the SHALL rule that regressed', async () => {
  const dir = await tempDir('sello-evidence-');
  const key = join(dir, 'regulator.pem');
  const keygen = await runSello(['keygen', '--out', key]);
  assert.equal(keygen.code, 0, keygen.stderr);
  assert.match(keygen.stdout, /Thumbprint:\s+\S{43}/);

  const tags = '@RN-01 and @imss';
  const [clean, faulty] = await Promise.all([
    runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', join(dir, 'clean'), '--tags', tags]),
    runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', join(dir, 'faulty'), '--tags', tags, '--plant-fault', 'IMSS:skip-RN-01', '--signing-key', key, '--redact']),
  ]);
  // Tagged runs are partial runs: the clean one PASSED (exit 0), the faulty one FAILED (exit 3) on RN-01.
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /EPHEMERAL Ed25519 key/);
  assert.equal(faulty.code, 3, faulty.stdout + faulty.stderr);
  assert.match(faulty.stdout, /RN-01: failed \(SHALL\)/);
  assert.match(faulty.stdout, /Redacted: \d+ identifiers/);
  const cleanDir = await runDir(join(dir, 'clean'));
  const faultyDir = await runDir(join(dir, 'faulty'));

  // Every check that only reads, at once (each is a process start).
  const pub = key.replace(/\.pem$/, '.pub.pem');
  const [ok, pinned, wrongKey, diff, back, noDir, oneRun, badKey, overwrite] = await Promise.all([
    runSello(['verify', cleanDir]),
    runSello(['verify', '--public-key', pub, join(dir, 'faulty', 'latest')]),
    runSello(['verify', '--public-key', pub, cleanDir]),
    runSello(['diff', cleanDir, faultyDir]),
    runSello(['diff', faultyDir, cleanDir]),
    runSello(['verify', join(dir, 'nope')]),
    runSello(['diff', cleanDir]),
    runSello(['run', '--program', 'mx-pgs', '--signing-key', join(dir, 'nope.pem'), '--tags', '@nothing']),
    runSello(['keygen', '--out', key]),
  ]);
  // Both runs are intact. The ephemeral one says who signed it cannot be known (exit 6); the regulator's public key
  // is checked when given (AUTHENTIC, exit 0), and another key is refused.
  assert.equal(ok.code, 6, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ephemeral key/);
  assert.match(ok.stdout, /Result: INTACT-UNATTRIBUTED/);
  assert.equal(pinned.code, 0, pinned.stdout + pinned.stderr);
  assert.match(pinned.stdout, /Result: AUTHENTIC/);
  assert.equal(wrongKey.code, 3, wrongKey.stdout);
  // Usage errors are exit 4; keys are never overwritten.
  assert.deepEqual([noDir.code, oneRun.code, badKey.code, overwrite.code], [4, 4, 4, 4]);

  // Redacted: no CURP in the report documents nor in the evidence (issue 10: every file of the run); the clean run,
  // not redacted, keeps its raw evidence.
  assert.doesNotMatch(await readFile(join(faultyDir, 'report.json'), 'utf8'), CURP_SHAPE);
  assert.doesNotMatch(await readFile(join(faultyDir, 'report.html'), 'utf8'), CURP_SHAPE);
  assert.doesNotMatch(await readFile(join(faultyDir, 'evidence', 'exchanges.ndjson'), 'utf8'), CURP_SHAPE);
  assert.match(await readFile(join(cleanDir, 'evidence', 'exchanges.ndjson'), 'utf8'), CURP_SHAPE);

  // The planted fault, as a regression gate.
  assert.equal(diff.code, 3, diff.stdout + diff.stderr);
  assert.match(diff.stdout, /RN-01\s+SHALL\s+passed → failed\s+\[REGRESSION\]/);
  assert.match(diff.stdout, /went from passed to failed: RN-01/);
  assert.equal(back.code, 0, back.stdout);
  assert.match(back.stdout, /RN-01\s+SHALL\s+failed → passed\s+\[improved\]/);

  // One byte of evidence changed: verify says which file.
  const evidence = join(faultyDir, 'evidence', 'exchanges.ndjson');
  const bytes = await readFile(evidence);
  bytes[5] = bytes[5] === 0x61 ? 0x62 : 0x61;
  await writeFile(evidence, bytes);
  const tampered = await runSello(['verify', faultyDir]);
  assert.equal(tampered.code, 3, tampered.stdout);
  assert.match(tampered.stdout, /ALTERED\s+evidence\/exchanges\.ndjson/);
  assert.match(tampered.stdout, /signature: OK/);
  assert.match(tampered.stdout, /Result: ALTERED/);
});
