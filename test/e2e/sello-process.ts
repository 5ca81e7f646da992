import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/sello.mjs');

export interface SelloResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runSello(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<SelloResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sello ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

import { tempDir } from '../support/temp-dir.ts';

export { tempDir };

/** Tests leave nothing behind in the system's temporary folder. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function latestReport(outDir: string): Promise<ReportJson> {
  return JSON.parse(await readFile(join(outDir, 'latest', 'report.json'), 'utf8')) as ReportJson;
}

export interface ReportJson {
  verdict: string;
  sut: { role: string; baseUrl: string; kind: string };
  totals: { scenarios: number; passed: number; failed: number; findings: number };
  rules: { id: string; verdict: string }[];
  features: { scenarios: { name: string; status: string; tags: string[]; findings: { ruleId: string; location: string }[] }[] }[];
}

import { freePort, freePorts } from '../../src/transport/free-port.ts';

export { freePort, freePorts };

/** `sello mocks …` in the background, resolved once it prints its endpoints (bounded wait). */
export async function startSelloMocks(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<{ child: ChildProcess; output: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [bin, 'mocks', ...args], { cwd: root, env: { ...process.env, ...env } });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sello mocks did not print its endpoints within ${timeoutMs} ms: ${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sello mocks exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const allFindings = (report: ReportJson) => report.features.flatMap((f) => f.scenarios.flatMap((s) => s.findings));

export interface ExternalSut {
  program: string;
  role: string;
  /** The target file's text, given the port the SUT listens on and one free port per peer role (in `peers` order). */
  target: (port: number, peerPorts: number[]) => string;
  peers: number;
  tags: string;
  /** A planted defect of the SUT: the run must then fail (exit 3). */
  fault?: string;
  /** The run must end INCONCLUSIVE (exit 5): what the target file lacks leaves the selection untestable. */
  inconclusive?: boolean;
}

/**
 * A role as a SUT outside Sello's process: a second copy of its reference implementation, started with `sello mocks
 * --program P --target … --role R`, stands in for a vendor's system; `sello run --target` must certify it (PASSED,
 * exit 0), or fail it when a defect is planted (FAILED, exit 3), with the SUT reported as external.
 */
export async function certifyExternal(sut: ExternalSut): Promise<void> {
  const dir = await tempDir(`sello-${sut.program}-target-`);
  const [port, ...peerPorts] = await freePorts(sut.peers + 1);
  const target = join(dir, `${sut.role}.yaml`);
  await writeFile(target, sut.target(port!, peerPorts));
  const mocks = await startSelloMocks(['--program', sut.program, '--target', target, '--role', sut.role, '--port', String(port), ...(sut.fault ? ['--plant-fault', `${sut.role}:${sut.fault}`] : [])]);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out, '--tags', sut.tags], {}, 180_000);
    const report = await latestReport(out);
    assert.deepEqual([report.sut.role, report.sut.kind], [sut.role, 'external']);
    const [code, verdict] = sut.inconclusive ? [5, 'INCONCLUSIVE'] : sut.fault ? [3, 'FAILED'] : [0, 'PASSED'];
    assert.equal(result.code, code, result.stdout + result.stderr);
    assert.equal(report.verdict, verdict);
  } finally {
    await mocks.stop();
    await removeTempDir(dir);
  }
}
