import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
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

export { tempDir } from '../support/temp-dir.ts';

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

export { freePort, freePorts } from '../../src/transport/free-port.ts';

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
