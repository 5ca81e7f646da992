import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ScaledReference } from '../../src/run/reference-timings.ts';
import { chooseWorkers, readTimings, recordTiming, TIMINGS_KEPT, timingsFile } from '../../src/run/worker-count.ts';
import { tempDir } from '../support/temp-dir.ts';

test('--parallel is an upper bound: the count asked, unless what the suite took says fewer is quicker', () => {
  assert.deepEqual(chooseWorkers(1, { '1': [80] }, 1), { workers: 1 });
  assert.equal(chooseWorkers(2, undefined, 1.3).workers, 2, 'nothing known: as asked');
  assert.equal(chooseWorkers(2, { '2': [7] }, 1.3).workers, 2, 'no one-process time to compare with: as asked');
  // mx-pgs: 1.4 s of scenarios cannot pay for a 1.3 s worker boot.
  const small = chooseWorkers(2, { '1': [1.4] }, 1.3);
  assert.equal(small.workers, 1);
  assert.match(small.reason ?? '', /one process.*1\.4 s.*1\.3 s/);
  assert.equal(chooseWorkers(2, { '1': [80] }, 1.5).workers, 2, 'a long suite is split');
  assert.equal(chooseWorkers(4, { '1': [80], '2': [30] }, 1.5).workers, 4, '80/4 + 4 boots of 1.5 estimated beats 30 measured');
});

test('a count never run is estimated as if no second CPU were free: a split overlaps waits, not CPU work', () => {
  // ru-egisz: 83 s in one process, 78 s of it CPU; mx-ece: 61 s, mostly waiting.
  const cpuBound = chooseWorkers(2, { '1': [83], cpu: [78] }, 1.5);
  assert.equal(cpuBound.workers, 1);
  assert.match(cpuBound.reason ?? '', /83 s in one process \(78 s of CPU\)/);
  assert.equal(chooseWorkers(2, { '1': [61], cpu: [20] }, 1.5).workers, 2);
  assert.equal(chooseWorkers(2, { '1': [83], '2': [50], cpu: [78] }, 1.5).workers, 2, 'once run, what the split took decides');
});

test('the quickest of the recorded runs decides, and a parallel run must beat one process by a margin', () => {
  assert.equal(chooseWorkers(2, { '1': [3.9, 13.3], '2': [7.2] }, 1.3).workers, 1, 'one slow serial run does not flip it');
  assert.equal(chooseWorkers(2, { '1': [20], '2': [14] }, 1.3).workers, 2);
  const close = chooseWorkers(2, { '1': [20], '2': [19] }, 1.3);
  assert.equal(close.workers, 1);
  assert.match(close.reason ?? '', /19 s at best with 2 workers, 20 s in one process/);
});

test('timings are recorded per program and worker count, the last few kept; a broken file is ignored', async () => {
  const file = join(await tempDir('worker-count-'), 'cache', 'sello', 'timings.json');
  assert.deepEqual(await readTimings(file), {});
  for (let i = 1; i <= TIMINGS_KEPT + 2; i++) await recordTiming('p', { workers: 1, seconds: i }, file);
  await recordTiming('p', { workers: 2, seconds: 0.5, cpuSeconds: 9, startSeconds: 0.61, bootSeconds: 1.234 }, file);
  await recordTiming('p', { workers: 1, seconds: 8, cpuSeconds: 4 }, file);
  const timings = await readTimings(file);
  assert.deepEqual(timings.p?.['1'], [...Array.from({ length: TIMINGS_KEPT - 1 }, (_, i) => i + 4), 8]);
  assert.deepEqual(timings.p?.['2'], [0.5]);
  assert.deepEqual(timings.p?.cpu, [4], 'CPU is recorded for one-process runs only');
  assert.deepEqual([timings.p?.start, timings.p?.boot], [[0.61], [1.23]], 'the starts measured are kept for scripts/reference-timings.ts');
  await writeFile(file, '{not json');
  assert.deepEqual(await readTimings(file), {});
  assert.equal(timingsFile({ XDG_CACHE_HOME: '/c' }), '/c/sello/timings.json');
  assert.equal(timingsFile({ SELLO_TIMINGS_FILE: '/t.json', XDG_CACHE_HOME: '/c' }), '/t.json');
});

// A first run: nothing recorded by the user, the program's reference timings carried over (reference-timings.ts).
const reference = (over: Partial<ScaledReference> = {}): ScaledReference => ({ serial: 1.5, cpu: 1.2, splits: {}, boot: 1, factor: 1, file: '/p/mx-pgs/timings.json', ...over });

test('with nothing recorded by the user, the reference stands in: a short suite runs in one process, and says whose figures', () => {
  const choice = chooseWorkers(2, undefined, 0.8, reference());
  assert.equal(choice.workers, 1);
  assert.match(choice.reason ?? '', /one process, not 2: its scenarios take 1\.5 s in one process \(1\.2 s of CPU\), and a worker takes about 1\.0 s to start \(/);
  assert.match(choice.reason ?? '', /\/p\/mx-pgs\/timings\.json: the program's reference timings, ×1\.00 for this machine/);
  assert.equal(chooseWorkers(4, {}, 0.8, reference({ serial: 30, cpu: 6, boot: 1 })).workers, 4, 'a suite of waits is split');
  assert.equal(chooseWorkers(2, undefined, 0.8, reference({ serial: 30, cpu: 29 })).workers, 1, 'a suite of CPU work is not');
});

test("the reference's boot is a floor: a later program of a run finds the engine loaded and under-measures a worker's start", () => {
  const later = reference({ serial: 8, cpu: 2, boot: 2.5 });
  assert.equal(chooseWorkers(2, undefined, 0.3, later).workers, 1, 'max(8/2, 2) + 2 × 2.5 is not under 8 × 0.9');
  assert.equal(chooseWorkers(2, undefined, 0.3, reference({ serial: 8, cpu: 2, boot: 0.3 })).workers, 2);
});

test('a split the reference measured is taken at the slower of that measure and the estimate', () => {
  // Estimated 30/2 + 2 = 17 s, but the reference saw 2 workers take 28 s (one long scenario at the end, say).
  const slowSplit = chooseWorkers(2, undefined, 1, reference({ serial: 30, cpu: 6, splits: { '2': 28 } }));
  assert.equal(slowSplit.workers, 1);
  assert.match(slowSplit.reason ?? '', /its reference measured 28 s with 2 workers; its scenarios take 30 s in one process/);
  assert.equal(chooseWorkers(2, undefined, 1, reference({ serial: 30, cpu: 6, splits: { '2': 12 } })).workers, 2, 'the estimate 17 s decides then');
});

test("the user's own timings take precedence over the reference once recorded", () => {
  // The reference says split; this machine's one-process run says the suite is short.
  const split = reference({ serial: 30, cpu: 6, splits: { '2': 14 } });
  assert.equal(chooseWorkers(2, undefined, 1, split).workers, 2);
  const own = chooseWorkers(2, { '1': [2], cpu: [1.5] }, 1, split);
  assert.equal(own.workers, 1);
  assert.match(own.reason ?? '', /2\.0 s in one process \(1\.5 s of CPU\)/);
  assert.doesNotMatch(own.reason ?? '', /reference timings/, "the one-process figure quoted is the user's, and so is the file named");
  assert.equal(chooseWorkers(2, { '1': [30], '2': [29] }, 1, reference({ serial: 100, cpu: 1 })).workers, 1, "the user's measured split decides over the reference");
  // A user who only ever ran split: the reference's one-process time is what the split is held against.
  assert.equal(chooseWorkers(2, { '2': [4] }, 1, reference()).workers, 1);
});
