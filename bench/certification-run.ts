/**
 * The whole certification as `npm start` runs it (issue 14 item 6): every program against the reference
 * implementations, programs side by side (the default), beside its peer, the same run with the programs one after
 * another in one process (`--programs-at-once 1`). Rounds alternate the order. Per round: wall seconds of each; per
 * program, from the run's own timings file (SELLO_TIMINGS_FILE, one per round): its scenarios' wall and CPU seconds in
 * its process, so a suite that waits instead of working shows (wall / CPU). Nothing asserts on time; the figures go to
 * bench/certification-run.results.json.
 *
 *   node --import tsx bench/certification-run.ts [--rounds 2]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureChild } from './child.ts';
import { median } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] ?? fallback) : fallback);
const rounds = Number(arg('--rounds', '2'));

type Way = 'side by side' | 'one after another';
interface ProgramFigures {
  seconds: number;
  cpuSeconds: number;
}
interface RunFigures {
  way: Way;
  seconds: number;
  exitCode: number | null;
  scenarios: number;
  passed: number;
  verdict: string;
  programs: Record<string, ProgramFigures>;
}

async function certify(way: Way): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sello-bench-cert-'));
  try {
    const timings = join(dir, 'timings.json');
    const args = [join(root, 'bin/sello.mjs'), 'run', '--quiet', '--out', join(dir, 'reports'), ...(way === 'one after another' ? ['--programs-at-once', '1'] : [])];
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'ignore', env: { ...process.env, SELLO_TIMINGS_FILE: timings } });
    const { code, seconds } = await measureChild(child);
    const certification = JSON.parse(readFileSync(join(dir, 'reports', 'latest', 'certification.json'), 'utf8')) as { verdict: string; totals: { scenarios: number; passed: number } };
    const recorded = JSON.parse(readFileSync(timings, 'utf8')) as Record<string, Record<string, number[]>>;
    const programs: Record<string, ProgramFigures> = {};
    for (const [program, t] of Object.entries(recorded)) programs[program] = { seconds: t['1']?.at(-1) ?? Number.NaN, cpuSeconds: t.cpu?.at(-1) ?? Number.NaN };
    return { way, seconds: Math.round(seconds * 100) / 100, exitCode: code, scenarios: certification.totals.scenarios, passed: certification.totals.passed, verdict: certification.verdict, programs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0]!;
const runs: RunFigures[] = [];
for (let round = 1; round <= rounds; round++) {
  const order: Way[] = round % 2 ? ['side by side', 'one after another'] : ['one after another', 'side by side'];
  const pair: RunFigures[] = [];
  for (const way of order) pair.push(await certify(way));
  const [side, serial] = [pair.find((r) => r.way === 'side by side')!, pair.find((r) => r.way === 'one after another')!];
  for (const r of [side, serial]) {
    const perProgram = Object.entries(r.programs)
      .map(([p, f]) => `${p} ${f.seconds.toFixed(1)} s / ${f.cpuSeconds.toFixed(1)} s CPU`)
      .join(' · ');
    console.log(`round ${round}: ${r.way}: ${r.seconds.toFixed(1)} s, ${r.passed}/${r.scenarios} scenarios passed, ${r.verdict} (exit ${r.exitCode}) — ${perProgram}`);
  }
  console.log(`round ${round}: side by side / one after another: ${(side.seconds / serial.seconds).toFixed(2)} of the time`);
  runs.push(side, serial);
}

const of = (way: Way): RunFigures[] => runs.filter((r) => r.way === way);
const sideSeconds = median(of('side by side').map((r) => r.seconds));
const serialSeconds = median(of('one after another').map((r) => r.seconds));
const peRis = of('one after another').map((r) => r.programs['pe-ris']!);
const peRisWallOverCpu = median(peRis.map((p) => p.seconds / p.cpuSeconds));
console.log(
  `certification of every program (${runs[0]?.scenarios} scenarios, ${cpus().length} CPUs): side by side ${sideSeconds.toFixed(1)} s (target < 60 s), one after another ${serialSeconds.toFixed(1)} s — ${(sideSeconds / serialSeconds).toFixed(2)} of the time (medians of ${rounds})`,
);
console.log(`pe-ris alone in its process: wall / CPU ${peRisWallOverCpu.toFixed(2)} (target ≤ 2)`);
writeFileSync(
  join(root, 'bench/certification-run.results.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0], rounds, sideBySideSeconds: sideSeconds, oneAfterAnotherSeconds: serialSeconds, ratio: Math.round((sideSeconds / serialSeconds) * 100) / 100, peRisWallOverCpu: Math.round(peRisWallOverCpu * 100) / 100, runs }, null, 2)}\n`,
);
