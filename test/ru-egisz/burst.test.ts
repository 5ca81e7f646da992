import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certainlyWithinOneSecond } from '../../programs/ru-egisz/lib/burst.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const span = (from: number, to: number) => ({ startedAt: at(from), finishedAt: at(to) });

test('a burst sent and answered inside one second counts whole', () => {
  assert.equal(certainlyWithinOneSecond(Array.from({ length: 22 }, (_, i) => span(i, 300 + i))), 22);
});

test('sent together but answered over two seconds: only those answered inside the first second count', () => {
  // Every send at 0: the peer may have seen each at any time until its answer.
  const burst = Array.from({ length: 22 }, (_, i) => span(0, 100 * i));
  assert.equal(certainlyWithinOneSecond(burst), 10);
});

test('the window is the densest one, not the first; an unanswered request (no finishedAt) proves nothing', () => {
  const burst = [span(0, 1500), ...Array.from({ length: 5 }, (_, i) => span(2000 + i, 2500)), { startedAt: at(2001) }];
  assert.equal(certainlyWithinOneSecond(burst), 5);
  assert.equal(certainlyWithinOneSecond([]), 0);
});
