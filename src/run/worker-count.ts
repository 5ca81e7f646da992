/**
 * How many cucumber workers a program's run takes. `--parallel N` is an upper bound, not an order: each worker is a
 * process of its own that boots Node, loads the program's steps and starts its reference mocks before its first
 * scenario, so a suite that runs in less than that in one process is slower split (mx-pgs: 1.4 s of scenarios, 1.3 s
 * to boot a worker). What a suite takes is only known once it ran: every full run of a program (no --tags, no planted
 * defect, no target file) records how long its scenarios took with how many workers in a cache file of the user's
 * (timingsFile()), and the next takes the worker count that was — or, from the one-process time and CPU and the boot
 * this run measures, would be — quickest. Before the user's runs have recorded a program, its reference timings
 * (programs/<id>/timings.json, reference-timings.ts) stand in for them; with neither, the count asked is taken.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { selloCacheDir } from '../util/cache-dir.ts';
import type { ScaledReference } from './reference-timings.ts';

/**
 * Where the timings are kept: SELLO_TIMINGS_FILE, else the user's cache (XDG_CACHE_HOME or ~/.cache, sello/timings.json):
 * outside any reports directory, so a run directory stays the only thing a run adds there, and runs into fresh
 * directories (CI's) learn from each other.
 */
export function timingsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.SELLO_TIMINGS_FILE || join(selloCacheDir(env), 'timings.json');
}

/**
 * Seconds a program's scenarios took in its last runs (cucumber's whole run, workers' boot included), by worker count;
 * under `cpu`, the CPU seconds of its one-process runs (scenarios and reference mocks all in that process); under
 * `start` and `boot`, the process's and a worker's start measured in each run.
 */
export type ProgramTimings = Record<string, number[]>;
/**
 * Runs remembered per worker count. Their quickest is what the suite takes: on a shared machine other processes only
 * ever add to a run's time, so one slow run must not flip the choice.
 */
export const TIMINGS_KEPT = 5;
export type Timings = Record<string, ProgramTimings>;

export interface WorkerChoice {
  workers: number;
  /** Why fewer workers than asked, for the output; absent when the count asked is taken. */
  reason?: string;
}

/**
 * A parallel run has to beat the one-process time by this share to be chosen over it: a measure on a shared machine
 * moves by that much from one run to the next, and one process is the cheaper bet.
 */
const MARGIN = 0.9;

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

const seconds = (s: number): string => `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;

/**
 * The worker count for `requested`, from what the program's earlier runs took (`history`), what starting one worker
 * costs now (`bootSeconds`: this process's own start and the loading of the program's steps, which each worker
 * repeats) and, for what the user's runs have not recorded, the program's reference carried over to this machine
 * (`reference`, reference-timings.ts): the user's figures are this machine's own and take precedence.
 */
export function chooseWorkers(requested: number, history: ProgramTimings | undefined, bootSeconds: number, reference?: ScaledReference): WorkerChoice {
  if (requested <= 1) return { workers: 1 };
  const quickest = (w: number): number | undefined => {
    const runs = history?.[String(w)]?.filter(positive);
    return Array.isArray(runs) && runs.length > 0 ? Math.min(...runs) : undefined;
  };
  const recordedSerial = quickest(1);
  const serial = recordedSerial ?? reference?.serial;
  // Nothing known of the program in one process: nothing says the count asked is too many.
  if (serial === undefined) return { workers: requested };
  const recordedCpu = history?.cpu?.filter(positive) ?? [];
  const knownCpu = recordedSerial !== undefined && recordedCpu.length > 0 ? Math.min(...recordedCpu) : reference?.cpu;
  const cpu = knownCpu === undefined ? undefined : Math.min(knownCpu, serial);
  // In a run over several programs, the later ones find the engine's modules loaded: this process's load of their
  // steps is then less than a worker's, which the reference's boot is not.
  const boot = Math.max(bootSeconds, reference?.boot ?? 0);
  // A count never run is estimated as if no second CPU were free (a shared machine, or a CI runner's): splitting
  // overlaps the suite's waits, never its CPU work, and the w workers' boots, all at once, take w boots' time. A split
  // that the CPUs do speed up shows once it has run. A split the reference measured is taken at the slower of that
  // measure and the estimate: the reference is not this run's machine.
  let best = 1;
  let bestSeconds = serial;
  let measured = true;
  for (let w = 2; w <= requested; w++) {
    const recorded = quickest(w);
    const estimate = recorded ?? Math.max(Math.max(serial / w, cpu ?? 0) + w * boot, reference?.splits[String(w)] ?? 0);
    if (estimate < bestSeconds * MARGIN) {
      best = w;
      bestSeconds = estimate;
      measured = recorded !== undefined;
    }
  }
  if (best === requested) return { workers: best };
  const asked = quickest(requested);
  const referenceSplit = reference?.splits[String(requested)];
  const why =
    asked !== undefined
      ? `its scenarios took ${seconds(asked)} at best with ${requested} workers, ${seconds(bestSeconds)} ${best === 1 ? 'in one process' : `with ${best}`}`
      : `${referenceSplit !== undefined ? `its reference measured ${seconds(referenceSplit)} with ${requested} workers; ` : ''}its scenarios take ${seconds(serial)} in one process${cpu !== undefined ? ` (${seconds(cpu)} of CPU)` : ''}, and a worker takes about ${seconds(boot)} to start`;
  const source = recordedSerial !== undefined || reference === undefined ? timingsFile() : `${reference.file}: the program's reference timings, ×${reference.factor.toFixed(2)} for this machine`;
  return {
    workers: best,
    reason: `${best === 1 ? 'runs in one process' : `runs on ${best} workers`}, not ${requested}: ${why}${measured ? '' : ' (estimated)'} (${source})`,
  };
}

export async function readTimings(file: string = timingsFile()): Promise<Timings> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Timings) : {};
  } catch {
    // None yet, or not ours to trust: the run goes as asked and writes a new one.
    return {};
  }
}

/** What one run of a program's whole suite took. */
export interface RunTiming {
  workers: number;
  /** Wall seconds of its scenarios (cucumber's whole run, the workers' boots included). */
  seconds: number;
  /** CPU seconds of this process over them: the suite's own in one process, kept for those only. */
  cpuSeconds?: number;
  /** This process's start and a worker's start as measured for the choice: what scripts/reference-timings.ts keeps. */
  startSeconds?: number;
  bootSeconds?: number;
}

/** Records a run of a program's whole suite; the file is rewritten whole, atomically. */
export async function recordTiming(program: string, run: RunTiming, file: string = timingsFile()): Promise<void> {
  const timings = await readTimings(file);
  const entry = typeof timings[program] === 'object' && timings[program] !== null ? timings[program] : {};
  const add = (key: string, value: number | undefined): void => {
    if (value === undefined) return;
    const runs = Array.isArray(entry[key]) ? entry[key]!.filter((x) => typeof x === 'number') : [];
    entry[key] = [...runs, Math.round(value * 100) / 100].slice(-TIMINGS_KEPT);
  };
  add(String(run.workers), run.seconds);
  if (run.workers === 1) add('cpu', run.cpuSeconds);
  add('start', run.startSeconds);
  add('boot', run.bootSeconds);
  timings[program] = entry;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, `${JSON.stringify(timings, null, 2)}\n`);
    await rename(temp, file);
  } catch {
    // A timing not written costs the next run its choice, never this run its report.
  }
}
