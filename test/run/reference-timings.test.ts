import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { QUICKEST_FACTOR, type ReferenceRecord, readReferenceTimings, scaleReference } from '../../src/run/reference-timings.ts';
import { chooseWorkers } from '../../src/run/worker-count.ts';
import { tempDir } from '../support/temp-dir.ts';

// mx-pgs-like: 1.5 s in one process, 1.2 s of it CPU, 1 s to start a worker; ru-egisz-like: 30 s, mostly waiting.
const short: ReferenceRecord = { scenarios: 143, startSeconds: 0.5, bootSeconds: 1, seconds: { '1': 1.5, '2': 2.9 }, cpuSeconds: 1.2 };
const waits: ReferenceRecord = { scenarios: 100, startSeconds: 0.5, bootSeconds: 1, seconds: { '1': 30, '2': 17 }, cpuSeconds: 6 };
const at = (record: ReferenceRecord) => ({ record, file: '/p/x/timings.json' });

test("a reference is carried over by the machine's start: the work scales, the waits never grow", () => {
  const slower = scaleReference(at(waits), { startSeconds: 1, scenarios: 100, whole: true });
  assert.equal(slower.factor, 2);
  assert.equal(slower.serial, 24 + 6 * 2, '24 s of waits stay 24 s, 6 s of work takes 12');
  assert.equal(slower.cpu, 12);
  assert.equal(slower.boot, 2);
  assert.deepEqual(slower.splits, { '2': 34 }, 'a measured split grows with a slower machine');
  const quicker = scaleReference(at(waits), { startSeconds: 0.4, scenarios: 100, whole: true });
  assert.equal(quicker.factor, 0.8);
  assert.equal(quicker.serial, 24, 'on a quicker machine all of it is taken to shrink: the lesser of the two estimates');
  assert.deepEqual(quicker.splits, { '2': 17 }, 'a measured split never shrinks: how it divides into waits and work is unknown');
  assert.equal(scaleReference(at(waits), { startSeconds: 0.05, scenarios: 100, whole: true }).factor, QUICKEST_FACTOR, 'a lucky quick start is not a machine ten times quicker');
});

test('a selection is its share of the suite, and a split of the whole suite says nothing of it', () => {
  const tenth = scaleReference(at(waits), { startSeconds: 0.5, scenarios: 10, whole: false });
  assert.equal(tenth.serial, 3);
  assert.deepEqual(tenth.splits, {});
  assert.equal(chooseWorkers(4, undefined, 1, tenth).workers, 1, 'three seconds of a suite cannot pay for workers');
  assert.equal(chooseWorkers(4, undefined, 1, scaleReference(at(waits), { startSeconds: 0.5, scenarios: 100, whole: false })).workers, 4);
});

test('the choice on a first run, from the reference alone: a short suite in one process, a suite of waits split', () => {
  const mxPgs = chooseWorkers(4, undefined, 1.1, scaleReference(at(short), { startSeconds: 0.55, scenarios: 143, whole: true }));
  assert.equal(mxPgs.workers, 1);
  assert.match(mxPgs.reason ?? '', /runs in one process, not 4: .* \(\/p\/x\/timings\.json: the program's reference timings, ×1\.10 for this machine\)/);
  // Even on a machine taken to be twice as quick, 1.5 s cannot pay for two workers' starts.
  assert.equal(chooseWorkers(2, undefined, 0.5, scaleReference(at(short), { startSeconds: 0.1, scenarios: 143, whole: true })).workers, 1);
  assert.equal(chooseWorkers(2, undefined, 1, scaleReference(at(waits), { startSeconds: 0.5, scenarios: 100, whole: true })).workers, 2);
  // The same suite on a machine four times slower: its work and workers' starts grow, its waits do not.
  const loaded = chooseWorkers(2, undefined, 4, scaleReference(at(waits), { startSeconds: 2, scenarios: 100, whole: true }));
  assert.equal(loaded.workers, 1, `48 s in one process against max(24, 24) + 2 × 4 = 32 s estimated and 68 s measured: ${loaded.reason}`);
});

test('a record that is missing or not one is no reference, and never fails the run', async () => {
  const dir = await tempDir('reference-timings-');
  assert.equal(await readReferenceTimings(dir), undefined);
  await writeFile(join(dir, 'timings.json'), '{broken');
  assert.equal(await readReferenceTimings(dir), undefined);
  await writeFile(join(dir, 'timings.json'), JSON.stringify({ ...short, seconds: { '2': 3 } }));
  assert.equal(await readReferenceTimings(dir), undefined, 'no one-process time: nothing to hold a split against');
  await writeFile(join(dir, 'timings.json'), JSON.stringify({ ...short, bootSeconds: -1 }));
  assert.equal(await readReferenceTimings(dir), undefined);
  await writeFile(join(dir, 'timings.json'), JSON.stringify({ ...short, seconds: { '1': 1.5, '2': 'soon', x: 4 } }));
  const found = await readReferenceTimings(dir);
  assert.deepEqual(found?.record.seconds, { '1': 1.5 }, 'figures that are not a worker count and a time are dropped');
  assert.equal(found?.file, join(dir, 'timings.json'));
});

test('a reference measured on a busy machine: its waiting for a CPU is not taken for waits a quicker machine keeps', () => {
  // 35 s in one process with 6.3 s of CPU while the start took 5.6 s: most of it was waiting for a CPU.
  const busy: ReferenceRecord = { scenarios: 143, startSeconds: 5.6, bootSeconds: 9.2, seconds: { '1': 35 }, cpuSeconds: 6.3 };
  const quiet = scaleReference(at(busy), { startSeconds: 2.8, scenarios: 143, whole: true });
  assert.equal(quiet.serial, 17.5, 'all of it scales on a quicker machine, not 28.7 s of it kept as waits');
  assert.equal(chooseWorkers(2, undefined, 0.6, quiet).workers, 1);
  // On a slower machine only its CPU is taken to grow: the lesser of the two is never more than the suite takes.
  assert.equal(scaleReference(at(busy), { startSeconds: 11.2, scenarios: 143, whole: true }).serial, 35 - 6.3 + 12.6);
});
