/**
 * A program's reference timings: what its whole suite took on the machine it was measured on, committed in its folder
 * (`programs/<id>/timings.json`, written by scripts/reference-timings.ts), so that `--parallel N` has something to go on
 * before the user's own runs have recorded anything (a fresh machine, CI, a new user). The user's records take
 * precedence once they exist (worker-count.ts): a reference is another machine's, or another day's, measure.
 *
 * It is carried over to this machine by one factor, how long this process took to reach the run command (Node, tsx,
 * the CLI's modules — the same work on every run, measured the same way beside the reference) over the same figure
 * recorded with the reference. A suite's work scales by it; its waits (timers, a target's callback intervals) take as
 * long on any machine. Every figure is carried over so as to favour fewer workers when in doubt: a split that turns out
 * slower than one process is the thing `--parallel` must never do.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The reference's file in a program's folder. */
export const REFERENCE_FILE = 'timings.json';

export interface ReferenceRecord {
  /** Scenarios of the whole suite when measured: a suite that grew or shrank is scaled by its count. */
  scenarios: number;
  /** Seconds from process start to the run command: the gauge of the machine's speed. */
  startSeconds: number;
  /** What a worker's start took: the gauge above and the loading of this program's steps. */
  bootSeconds: number;
  /** Wall seconds of the scenarios by worker count (the quickest of the rounds). */
  seconds: Record<string, number>;
  /** CPU seconds of the scenarios in one process (steps and reference mocks all run there). */
  cpuSeconds: number;
  /** When, where and how: for whoever wonders whether it is still right. */
  measured?: Record<string, unknown>;
}

/** A reference carried over to this run, in this run's seconds. */
export interface ScaledReference {
  /** One process. */
  serial: number;
  /** CPU of one process. */
  cpu: number;
  /** Measured splits, by worker count (whole-suite runs only). */
  splits: Record<string, number>;
  /** A worker's start. */
  boot: number;
  /** The machine factor used, and the file: for the reason printed. */
  factor: number;
  file: string;
}

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** The record in `folder`, or undefined when there is none or it is not one (a broken record is no reason to fail a run). */
export async function readReferenceTimings(folder: string): Promise<{ record: ReferenceRecord; file: string } | undefined> {
  const file = join(folder, REFERENCE_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const r = parsed as Partial<ReferenceRecord> | null;
  if (!r || typeof r !== 'object' || !positive(r.scenarios) || !positive(r.startSeconds) || !positive(r.bootSeconds) || !positive(r.cpuSeconds)) return undefined;
  if (!r.seconds || typeof r.seconds !== 'object' || !positive(r.seconds['1'])) return undefined;
  const seconds = Object.fromEntries(Object.entries(r.seconds).filter(([w, s]) => /^[1-9]\d*$/.test(w) && positive(s)));
  return { record: { ...(r as ReferenceRecord), seconds }, file };
}

/**
 * Never taken to be more than this much quicker than the reference machine: a start that happened to be quick (a warm
 * cache, an idle moment) must not make every worker's start look cheap.
 */
export const QUICKEST_FACTOR = 0.5;

/**
 * The reference in this run's seconds. `startSeconds` is this process's start as the record measures it; `scenarios`
 * how many this run selected; `whole` whether that is the whole suite (a selection's splits were never measured).
 */
export function scaleReference(reference: { record: ReferenceRecord; file: string }, now: { startSeconds: number; scenarios: number; whole: boolean }): ScaledReference {
  const { record } = reference;
  const factor = Math.max(QUICKEST_FACTOR, now.startSeconds / record.startSeconds);
  const share = now.scenarios / record.scenarios;
  const serial = record.seconds['1']!;
  // The scenarios' CPU can be no more than their time in one process. What is left of that time is at most their waits:
  // on a busy machine it is also waiting for a CPU, which is work. So one process is taken at the lesser of all of it
  // scaled and only its CPU scaled: on a slower machine than the reference's the first is too much, on a quicker one
  // the second; the lesser is never more than the suite takes, and an underestimate of one process only ever keeps a
  // program in one process.
  const cpu = Math.min(record.cpuSeconds, serial);
  const serialNow = Math.min(serial * factor, serial - cpu + cpu * factor);
  const splits: Record<string, number> = {};
  if (now.whole) {
    // How a split's time divides into work, waits and its workers' starts is unknown: it is taken to shrink with
    // neither a quicker machine nor a smaller suite, only to grow with a slower machine or a larger suite.
    for (const [w, s] of Object.entries(record.seconds)) if (w !== '1') splits[w] = s * Math.max(factor, 1) * Math.max(share, 1);
  }
  return {
    serial: serialNow * share,
    cpu: cpu * factor * share,
    splits,
    boot: record.bootSeconds * factor,
    factor,
    file: reference.file,
  };
}
