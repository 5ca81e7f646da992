import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
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
  for (let i = 1; i <= TIMINGS_KEPT + 2; i++) await recordTiming('p', 1, i, undefined, file);
  await recordTiming('p', 2, 0.5, 9, file);
  await recordTiming('p', 1, 8, 4, file);
  const timings = await readTimings(file);
  assert.deepEqual(timings.p?.['1'], [...Array.from({ length: TIMINGS_KEPT - 1 }, (_, i) => i + 4), 8]);
  assert.deepEqual(timings.p?.['2'], [0.5]);
  assert.deepEqual(timings.p?.cpu, [4], 'CPU is recorded for one-process runs only');
  await writeFile(file, '{not json');
  assert.deepEqual(await readTimings(file), {});
  assert.equal(timingsFile({ XDG_CACHE_HOME: '/c' }), '/c/sello/timings.json');
  assert.equal(timingsFile({ SELLO_TIMINGS_FILE: '/t.json', XDG_CACHE_HOME: '/c' }), '/t.json');
});
