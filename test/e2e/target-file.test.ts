import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, latestReport, runSello, startSelloMocks, tempDir } from './sello-process.ts';

const secrets = { SELLO_T_IMSS: 'imss-secret-e2e-1', SELLO_T_ISSSTE: 'issste-secret-e2e-2', SELLO_T_SSA: 'ssa-secret-e2e-3' };

async function writeTarget(dir: string, sutPort: number, ssaPort: number, issstePort: number, role: 'imss' | 'issste' = 'imss'): Promise<string> {
  const file = join(dir, 'target.yaml');
  await writeFile(
    file,
    `program: mx-pgs
sut:
  role: ${role}
  name: second copy of the reference ${role} node
  baseUrl: http://127.0.0.1:${sutPort}/pgs/v1
  tokenUrl: http://127.0.0.1:${sutPort}/oauth/token
credentials:
  IMSS: { clientId: imss-e2e, clientSecret: \${SELLO_T_IMSS} }
  ISSSTE: { clientId: issste-e2e, clientSecret: \${SELLO_T_ISSSTE} }
  SSA: { clientId: ssa-e2e, clientSecret: \${SELLO_T_SSA} }
mocks:
  ports: { SSA: ${ssaPort}, ${role === 'imss' ? 'ISSSTE' : 'IMSS'}: ${issstePort} }
`,
  );
  return file;
}

test('the suite runs against an external IMSS node named in a target file, and keeps its secrets out of the report', async () => {
  const dir = await tempDir('sello-target-');
  const [sutPort, ssaPort, issstePort] = [await freePort(), await freePort(), await freePort()];
  const target = await writeTarget(dir, sutPort, ssaPort, issstePort);
  const sut = await startSelloMocks(['--target', target, '--role', 'imss', '--port', String(sutPort)], secrets);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out], secrets);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.verdict, 'CERTIFIABLE');
    assert.equal(report.sut.kind, 'external');
    assert.equal(report.sut.role, 'imss');
    const tags = report.features.flatMap((f) => f.scenarios.map((s) => s.tags));
    assert.ok(tags.length >= 15, `expected the IMSS scenarios, got ${tags.length}`);
    assert.ok(
      tags.every((t) => t.includes('@imss')),
      'only scenarios of the SUT role run',
    );
    const runDir = join(out, (await readdir(out)).find((name) => name !== 'latest')!);
    const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    assert.ok(files.length > 5, 'the run wrote its report and evidence');
    for (const file of files) {
      const text = await readFile(join(file.parentPath ?? (file as unknown as { path: string }).path, file.name), 'utf8');
      for (const secret of Object.values(secrets)) assert.ok(!text.includes(secret), `${file.name} leaks a client secret`);
    }
  } finally {
    await sut.stop();
  }
});

test('a defect in the external node is caught through the target file', async () => {
  const dir = await tempDir('sello-target-');
  const [sutPort, ssaPort, issstePort] = [await freePort(), await freePort(), await freePort()];
  const target = await writeTarget(dir, sutPort, ssaPort, issstePort);
  const sut = await startSelloMocks(['--target', target, '--role', 'imss', '--port', String(sutPort), '--plant-fault', 'IMSS:allow-foreign-writes'], secrets);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out, '--tags', '@PGS-API-03'], secrets);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.rules.find((r) => r.id === 'PGS-API-03')?.verdict, 'failed');
  } finally {
    await sut.stop();
  }
});

test('an ISSSTE node is certified on the rules that bind ISSSTE: the IMSS-only NSS rule is not applicable', async () => {
  const dir = await tempDir('sello-target-');
  const [sutPort, ssaPort, imssPort] = [await freePort(), await freePort(), await freePort()];
  const target = await writeTarget(dir, sutPort, ssaPort, imssPort, 'issste');
  const sut = await startSelloMocks(['--target', target, '--role', 'issste', '--port', String(sutPort)], secrets);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out], secrets);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.verdict, 'CERTIFIABLE');
    assert.equal(report.rules.find((r) => r.id === 'RN-03')?.verdict, 'not-applicable');
    assert.equal(report.rules.find((r) => r.id === 'RN-02')?.verdict, 'passed');
  } finally {
    await sut.stop();
  }
});

test('an unreachable SUT is an infrastructure error (exit 5), not a verdict', async () => {
  const dir = await tempDir('sello-target-');
  const target = await writeTarget(dir, await freePort(), await freePort(), await freePort());
  const result = await runSello(['run', '--quiet', '--target', target, '--out', join(dir, 'reports')], secrets);
  assert.equal(result.code, 5, result.stdout + result.stderr);
  assert.match(result.stderr, /unreachable|did not accept/);
});

test('configuration errors exit 4 and say what to fix', async () => {
  const dir = await tempDir('sello-target-');
  const target = await writeTarget(dir, 1, 2, 3);
  const missingEnv = await runSello(['run', '--target', target], { SELLO_T_IMSS: '', SELLO_T_ISSSTE: undefined, SELLO_T_SSA: undefined });
  assert.equal(missingEnv.code, 4);
  assert.match(missingEnv.stderr, /SELLO_T_ISSSTE/);
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'program: mx-pgs\nsut: { role: hospital, baseUrl: nowhere }\n');
  const invalid = await runSello(['run', '--target', bad]);
  assert.equal(invalid.code, 4);
  assert.match(invalid.stderr, /\/sut\/role/);
  const unknownFlag = await runSello(['run', '--bogus']);
  assert.equal(unknownFlag.code, 4);
  // Parallel workers would interleave one SUT's state and print outside the secret filter.
  const parallel = await runSello(['run', '--target', target, '--parallel', '2'], { SELLO_T_IMSS: 'imss-secret-1', SELLO_T_ISSSTE: 'issste-secret-2', SELLO_T_SSA: 'ssa-secret-3' });
  assert.equal(parallel.code, 4, parallel.stdout + parallel.stderr);
  assert.match(parallel.stderr, /--parallel/);
  const atOnce = await runSello(['run', '--programs-at-once', '0', '--out', join(dir, 'never')]);
  assert.equal(atOnce.code, 4, atOnce.stdout + atOnce.stderr);
  assert.match(atOnce.stderr, /--programs-at-once must be a whole number from 1 to 16/);
  assert.equal(await stat(join(dir, 'never')).catch(() => undefined), undefined, 'refused before any run directory');
});
