import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePorts, latestReport, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// A vendor points Sello at their own SIHCE, Qhali or engine with a target file; here a second copy of a reference role,
// started with `sello mocks --program pe-ris --role …`, stands in for it.

test('SIHCE as the SUT through a target file: FHIR base and MLLP listener of a second reference SIHCE', async () => {
  const dir = await tempDir('sello-pe-target-');
  const [fhir, mllp, engine, qhali] = await freePorts(4);
  const target = join(dir, 'sihce.yaml');
  await writeFile(
    target,
    `program: pe-ris
sut:
  role: sihce
  name: second copy of the reference SIHCE
  fhirBaseUrl: http://127.0.0.1:${fhir}/fhir
  mllp: { host: 127.0.0.1, port: ${mllp} }
mocks:
  ports: { engine: ${engine}, qhali: ${qhali} }
`,
  );
  const sut = await startSelloMocks(['--program', 'pe-ris', '--target', target, '--role', 'sihce', '--port', String(fhir), '--mllp-port', String(mllp)]);
  try {
    assert.match(sut.output, new RegExp(`SIHCE\\s+FHIR http://127\\.0\\.0\\.1:${fhir}/fhir\\s+MLLP 127\\.0\\.0\\.1:${mllp}`));
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.verdict, 'CERTIFIABLE');
    assert.deepEqual([report.sut.role, report.sut.kind], ['sihce', 'external']);
    const tags = report.features.flatMap((f) => f.scenarios.map((s) => s.tags));
    assert.ok(tags.length >= 30 && tags.every((t) => t.includes('@sihce')), `${tags.length} scenarios, all @sihce`);
    assert.equal(report.rules.find((r) => r.id === 'RIS-V2-04')?.verdict, 'not-applicable');
  } finally {
    await sut.stop();
  }
});

test('Qhali as the SUT: its notification endpoint and test-control API; a planted out-of-order defect is caught', async () => {
  const dir = await tempDir('sello-pe-target-');
  const [q, engine, sihce, sihceMllp, q2] = await freePorts(5);
  const write = async (port: number) => {
    const file = join(dir, `qhali-${port}.yaml`);
    await writeFile(
      file,
      `program: pe-ris
sut:
  role: qhali
  notificationUrl: http://127.0.0.1:${port}/notificaciones
  controlUrl: http://127.0.0.1:${port}/sello
mocks:
  ports: { engine: ${engine}, sihce: ${sihce}, sihceMllp: ${sihceMllp} }
`,
    );
    return file;
  };
  const good = await write(q!);
  const sut = await startSelloMocks(['--program', 'pe-ris', '--target', good, '--role', 'qhali', '--port', String(q)]);
  try {
    const out = join(dir, 'good');
    const result = await runSello(['run', '--quiet', '--target', good, '--out', out]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.verdict, 'CERTIFIABLE');
    assert.equal(report.rules.find((r) => r.id === 'RP-07')?.verdict, 'passed');
  } finally {
    await sut.stop();
  }
  const bad = await write(q2!);
  const broken = await startSelloMocks(['--program', 'pe-ris', '--target', bad, '--role', 'qhali', '--port', String(q2), '--plant-fault', 'qhali:accept-out-of-order']);
  try {
    const out = join(dir, 'bad');
    const result = await runSello(['run', '--quiet', '--target', bad, '--out', out]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.equal((await latestReport(out)).rules.find((r) => r.id === 'RIS-NOT-02')?.verdict, 'failed');
  } finally {
    await broken.stop();
  }
});

test('an unreachable pe-ris SUT (its MLLP port) is an infrastructure error, exit 5', async () => {
  const dir = await tempDir('sello-pe-target-');
  const [fhir, mllp] = await freePorts(2);
  const target = join(dir, 't.yaml');
  await writeFile(target, `program: pe-ris\nsut: { role: sihce, fhirBaseUrl: "http://127.0.0.1:${fhir}/fhir", mllp: { host: 127.0.0.1, port: ${mllp} } }\n`);
  const result = await runSello(['run', '--quiet', '--target', target, '--out', join(dir, 'r')]);
  assert.equal(result.code, 5, result.stdout + result.stderr);
  assert.match(result.stderr, /unreachable|did not accept/);
});

test("the engine as the SUT, a vendor's Mirth channel seen as a black box: a dropped DNI check character fails RP-02, the rest passes", async () => {
  const dir = await tempDir('sello-pe-target-');
  const [engine, sihce, sihceMllp, qhali] = await freePorts(4);
  const target = join(dir, 'engine.yaml');
  await writeFile(
    target,
    `program: pe-ris
sut:
  role: engine
  fhirBaseUrl: http://127.0.0.1:${engine}/fhir
  notificationUrl: http://127.0.0.1:${engine}/notificaciones/sihce
mocks:
  ports: { sihce: ${sihce}, sihceMllp: ${sihceMllp}, qhali: ${qhali} }
`,
  );
  const sut = await startSelloMocks(['--program', 'pe-ris', '--target', target, '--role', 'engine', '--port', String(engine), '--plant-fault', 'engine:drop-dni-check']);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.equal(report.sut.role, 'engine');
    assert.equal(report.rules.find((r) => r.id === 'RP-02')?.verdict, 'failed');
    for (const id of ['RP-07', 'RIS-NOT-01', 'RIS-FHIR-01', 'RIS-V2-01']) assert.equal(report.rules.find((r) => r.id === id)?.verdict, 'passed', id);
    assert.equal(report.rules.find((r) => r.id === 'RIS-V2-03')?.verdict, 'not-applicable');
  } finally {
    await sut.stop();
  }
});
