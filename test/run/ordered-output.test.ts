import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrderedOutput } from '../../src/run/ordered-output.ts';

test('the first unfinished producer writes through; the others come out whole, in order, once those before them finish', () => {
  const written: string[] = [];
  const out = new OrderedOutput(3, (text) => written.push(text));
  out.write(2, 'c1 ');
  out.write(0, 'a1 ');
  out.write(1, 'b1 ');
  assert.deepEqual(written, ['a1 ']);
  out.write(2, 'c2 ');
  out.finish(2);
  assert.deepEqual(written, ['a1 '], 'a finished producer after a running one is still held');
  out.write(0, 'a2 ');
  out.finish(0);
  assert.deepEqual(written, ['a1 ', 'a2 ', 'b1 ']);
  out.write(1, 'b2 ');
  assert.deepEqual(written, ['a1 ', 'a2 ', 'b1 ', 'b2 '], 'the producer now first writes through');
  out.finish(1);
  assert.equal(written.join(''), 'a1 a2 b1 b2 c1 c2 ');
});

test('finishing every producer, in any order, leaves nothing held', () => {
  const written: string[] = [];
  const out = new OrderedOutput(4, (text) => written.push(text));
  for (const p of [3, 1, 2, 0]) out.write(p, `${p}`);
  for (const p of [1, 3, 2]) out.finish(p);
  assert.equal(written.join(''), '0');
  out.finish(0);
  assert.equal(written.join(''), '0123');
});
