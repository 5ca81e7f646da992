import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultSet } from '../../src/mock/faults.ts';

test('no specs: no fault, and numberParam falls back', () => {
  const faults = new FaultSet();
  assert.equal(faults.has('skip-RN-05'), false);
  assert.deepEqual(faults.list(), []);
  assert.equal(faults.numberParam('delay-index-notification', 7), 7);
});

test('a bare name is a flag, listed as written', () => {
  const faults = new FaultSet(['skip-RN-05', 'echo-wrong-message-id']);
  assert.equal(faults.has('skip-RN-05'), true);
  assert.equal(faults.has('echo-wrong-message-id'), true);
  assert.equal(faults.has('skip-RN-0'), false, 'names match exactly, not by prefix');
  assert.deepEqual(faults.list(), ['skip-RN-05', 'echo-wrong-message-id']);
});

test('name=value carries a number; whitespace around either part is ignored', () => {
  const faults = new FaultSet(['delay-index-notification=6000', '  slow = 250 ']);
  assert.equal(faults.has('delay-index-notification'), true);
  assert.equal(faults.numberParam('delay-index-notification', 0), 6000);
  assert.equal(faults.has('slow'), true);
  assert.equal(faults.numberParam('slow', 0), 250);
  assert.deepEqual(faults.list(), ['delay-index-notification=6000', 'slow=250']);
});

test('numberParam falls back when the value is not a number or the fault is a flag', () => {
  const faults = new FaultSet(['delay=soon', 'flag', 'inf=Infinity']);
  assert.equal(faults.numberParam('delay', 5), 5);
  assert.equal(faults.numberParam('flag', 5), 5);
  assert.equal(faults.numberParam('inf', 5), 5, 'only finite numbers count');
  assert.equal(faults.numberParam('absent', 5), 5);
});

test('a later spec of the same fault replaces the earlier one', () => {
  const faults = new FaultSet(['delay=100', 'delay=200']);
  assert.equal(faults.numberParam('delay', 0), 200);
  assert.deepEqual(faults.list(), ['delay=200']);
});

test('list() round-trips: a FaultSet built from its own list is the same set', () => {
  const original = new FaultSet(['skip-RN-09', 'delay-index-notification=6000']);
  const copy = new FaultSet(original.list());
  assert.deepEqual(copy.list(), original.list());
});

test('a value containing "=" is kept whole', () => {
  const faults = new FaultSet(['header=x-test=1']);
  assert.deepEqual(faults.list(), ['header=x-test=1']);
});
