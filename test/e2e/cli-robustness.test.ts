import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePorts, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

const bin = fileURLToPath(new URL('../../bin/sello.mjs', import.meta.url));

/** Sello with its stdout closed by the reader before anything is written (`sello … | head -0`). */
function runWithClosedStdout(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sello ${args.join(' ')} did not finish: ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stderr });
    });
  });
}

test('a reader that closes stdout early (sello … | head) ends the command quietly, with its own exit code', async () => {
  const dir = await tempDir('sello-epipe-');
  try {
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      files.push(join(dir, `b${i}.json`));
      await writeFile(files.at(-1)!, JSON.stringify({ curp: 'x', sexo: 'Z', apodo: 'y'.repeat(200) }));
    }
    const result = await runWithClosedStdout(['validate', ...files, '--profile', 'mx-pgs/beneficiario']);
    assert.doesNotMatch(result.stderr, /EPIPE|Unhandled 'error' event|at .*\(node:/, result.stderr);
    assert.equal(result.code, 3, `the verdict's exit code (invalid documents), not a crash: ${result.stderr}`);
  } finally {
    await removeTempDir(dir);
  }
});

test('a reports/latest that is a directory, not a symlink, is left alone with a warning; the run is written and certifies', async () => {
  const out = await tempDir('sello-latest-dir-');
  try {
    await mkdir(join(out, 'latest'));
    await writeFile(join(out, 'latest', 'mine.txt'), "not Sello's");
    const run = await runSello(['run', '--program', 'test/fixtures/programs/xx-echo', '--quiet', '--out', out]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /latest is not a symbolic link: left alone/);
    assert.ok((await lstat(join(out, 'latest'))).isDirectory());
    assert.deepEqual(await readdir(join(out, 'latest')), ['mine.txt']);
    const runDirs = (await readdir(out)).filter((d) => d !== 'latest' && !d.startsWith('.')); // .sello-timings.json is the runs' shared record
    assert.equal(runDirs.length, 1);
    assert.ok(run.stdout.includes(join(out, runDirs[0]!)), `the run's own directory is printed: ${run.stdout}`);
  } finally {
    await removeTempDir(out);
  }
});

test('a mock that cannot bind its port (held by another process) is a configuration error, exit 4, naming the listener and the port', async () => {
  const dir = await tempDir('sello-port-in-use-');
  const [fhir, mllp, engine, qhali, held] = await freePorts(5);
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(held, '127.0.0.1', resolve));
  const sut = await startSelloMocks(['--program', 'pe-ris', '--role', 'sihce', '--port', String(fhir), '--mllp-port', String(mllp)]);
  try {
    // A target run whose engine mock port is taken: the HTTP mock's bind failure.
    const target = join(dir, 'sihce.yaml');
    await writeFile(
      target,
      `program: pe-ris\nsut:\n  role: sihce\n  fhirBaseUrl: http://127.0.0.1:${fhir}/fhir\n  mllp: { host: 127.0.0.1, port: ${mllp} }\nmocks:\n  ports: { engine: ${held}, qhali: ${qhali} }\n`,
    );
    const run = await runSello(['run', '--quiet', '--target', target, '--out', join(dir, 'reports')]);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`configuration error: the engine mock cannot listen on 127\\.0\\.0\\.1:${held}: the port is already in use`));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');

    // sello mocks whose SIHCE MLLP port is the stand-in's: the MLLP listener's bind failure.
    const mocks = await runSello(['mocks', '--program', 'pe-ris', '--role', 'sihce', '--port', String(engine), '--mllp-port', String(mllp)], {}, 30_000);
    assert.equal(mocks.code, 4, mocks.stdout + mocks.stderr);
    assert.match(mocks.stderr, new RegExp(`MLLP listener \\(SIHCE\\) cannot listen on 127\\.0\\.0\\.1:${mllp}: the port is already in use`));
  } finally {
    await sut.stop();
    holder.close();
    await removeTempDir(dir);
  }
});
