/**
 * Regenerates programs' reference timings (programs/<id>/timings.json, read by src/run/reference-timings.ts):
 * `node --import tsx scripts/reference-timings.ts [--rounds R] [--counts 1,2,4] [ID …]` (default: every listed program,
 * 2 rounds, 1, 2 and 4 workers). Each run is `sello run --program ID --quiet --parallel W` with W taken as asked
 * (SELLO_PARALLEL_EXACT=1) and a timings file of its own, from which the run's figures are read: its scenarios' wall
 * and CPU time, this process's start and a worker's start as the run measured them. The record keeps the quickest of
 * the rounds of each figure (on a shared machine other work only ever adds time) and every run's figures beside them.
 * Only a run that passed counts: a failing suite stops early or waits out timeouts, which is not what the suite takes.
 * Run it on a machine at rest if there is one, and commit the records with the change that moved the suite's time.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAMS, programById } from '../src/programs/registry.ts';
import { REFERENCE_FILE, type ReferenceRecord } from '../src/run/reference-timings.ts';
import { readTimings } from '../src/run/worker-count.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv: string[]): { rounds: number; counts: number[]; ids: string[] } {
  let rounds = 2;
  let counts = [1, 2, 4];
  const ids: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--counts') counts = (argv[++i] ?? '').split(',').map(Number);
    else ids.push(a);
  }
  if (!(Number.isInteger(rounds) && rounds >= 1) || !counts.includes(1) || counts.some((w) => !Number.isInteger(w) || w < 1 || w > 16)) {
    throw new Error('--rounds takes a count ≥ 1; --counts worker counts from 1 to 16, 1 among them (the one-process time is what the others are held against)');
  }
  for (const id of ids) if (!programById(id)) throw new Error(`unknown program ${id} (${PROGRAMS.map((p) => p.id).join(', ')})`);
  return { rounds, counts, ids: ids.length ? ids : PROGRAMS.map((p) => p.id) };
}

interface RunFigures {
  workers: number;
  seconds: number;
  cpu?: number;
  start: number;
  boot: number;
  scenarios: number;
}

async function runOnce(id: string, workers: number): Promise<RunFigures | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'sello-reference-timings-'));
  try {
    const timings = join(dir, 'timings.json');
    const out = join(dir, 'reports');
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'bin/sello.mjs'), 'run', '--program', id, '--quiet', '--out', out, '--parallel', String(workers)], {
        cwd: root,
        env: { ...process.env, SELLO_TIMINGS_FILE: timings, SELLO_PARALLEL_EXACT: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('close', (c) => resolve(c ?? 1));
    });
    const entry = (await readTimings(timings))[id];
    const first = (key: string): number | undefined => entry?.[key]?.[0];
    const seconds = first(String(workers));
    const start = first('start');
    const boot = first('boot');
    if (code !== 0 || seconds === undefined || start === undefined || boot === undefined) {
      console.error(`${id} at ${workers} workers: exit ${code}, not counted`);
      return undefined;
    }
    const report = JSON.parse(await readFile(join(out, 'latest', 'report.json'), 'utf8')) as { totals: { scenarios: number } };
    const cpu = first('cpu');
    return { workers, seconds, ...(cpu !== undefined ? { cpu } : {}), start, boot, scenarios: report.totals.scenarios };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const least = (xs: number[]): number => Math.min(...xs);

async function gitCommit(): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const git = spawn('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
    git.stdout.on('data', (d: Buffer) => (text += d.toString()));
    git.on('close', () => resolve(text.trim() || 'unknown'));
    git.on('error', () => resolve('unknown'));
  });
}

const { rounds, counts, ids } = parseArgs(process.argv.slice(2));
for (const id of ids) {
  const load = loadavg()[0]!;
  const runs: RunFigures[] = [];
  // Rounds outermost, counts inside: the counts compared are measured close together, under the same load.
  for (let round = 1; round <= rounds; round++) {
    for (const workers of counts) {
      const figures = await runOnce(id, workers);
      if (figures) {
        runs.push(figures);
        console.log(`${id} round ${round}: ${workers} worker(s) ${figures.seconds} s${figures.cpu !== undefined ? ` (${figures.cpu} s CPU)` : ''}, start ${figures.start} s, boot ${figures.boot} s`);
      }
    }
  }
  const serial = runs.filter((r) => r.workers === 1);
  const cpu = serial.flatMap((r) => (r.cpu !== undefined ? [r.cpu] : []));
  if (serial.length === 0 || cpu.length === 0 || new Set(runs.map((r) => r.scenarios)).size !== 1) {
    console.error(`${id}: no passing one-process run, or runs of different suites: ${REFERENCE_FILE} left as it was`);
    process.exitCode = 1;
    continue;
  }
  const byCount = (w: number): number[] => runs.filter((r) => r.workers === w).map((r) => r.seconds);
  const record: ReferenceRecord & { about: string } = {
    about:
      "Reference timings of this program's whole suite for `sello run --parallel N` before the user's own runs have recorded any (src/run/reference-timings.ts). Regenerate: node --import tsx scripts/reference-timings.ts ID",
    scenarios: runs[0]!.scenarios,
    startSeconds: least(runs.map((r) => r.start)),
    bootSeconds: least(runs.map((r) => r.boot)),
    seconds: Object.fromEntries(counts.filter((w) => byCount(w).length > 0).map((w) => [String(w), least(byCount(w))])),
    cpuSeconds: least(cpu),
    measured: {
      at: new Date().toISOString(),
      commit: await gitCommit(),
      node: process.version,
      cpus: cpus().length,
      loadAverage: { before: load, after: loadavg()[0] },
      runs: runs.map(({ scenarios: _, ...r }) => r),
    },
  };
  const file = join(programById(id)!.folder, REFERENCE_FILE);
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`${id}: ${file}`);
}
