import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

// Regression pin: changing the algorithm would silently change every stored scenario.
const PINNED_SELLO = [852625, 969689, 347030];

const draws = (rng: SeededRandom, n: number): number[] => Array.from({ length: n }, () => rng.next());

test('same seed gives the same stream', () => {
  assert.deepEqual(draws(new SeededRandom('alpha'), 50), draws(new SeededRandom('alpha'), 50));
  assert.deepEqual(draws(new SeededRandom(42), 50), draws(new SeededRandom(42), 50));
});

test('different seeds give different streams', () => {
  assert.notDeepEqual(draws(new SeededRandom('alpha'), 10), draws(new SeededRandom('alphb'), 10));
  assert.notDeepEqual(draws(new SeededRandom(1), 10), draws(new SeededRandom(2), 10));
});

test('a number seed and its decimal text are the same seed', () => {
  assert.deepEqual(draws(new SeededRandom(7), 5), draws(new SeededRandom('7'), 5));
});

test('stream is pinned across runs and machines', () => {
  const rng = new SeededRandom('sello');
  const first = [rng.int(0, 999_999), rng.int(0, 999_999), rng.int(0, 999_999)];
  assert.deepEqual(first, PINNED_SELLO);
});
test('next() stays in [0, 1) and is roughly uniform', () => {
  const rng = new SeededRandom('uniform');
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 20_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1, `out of range: ${x}`);
    buckets[Math.floor(x * 10)]!++;
  }
  for (const b of buckets) assert.ok(b > 1700 && b < 2300, `bucket count ${b} far from 2000`);
});

test('int() covers both bounds and nothing outside', () => {
  const rng = new SeededRandom('int');
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = rng.int(-2, 3);
    assert.ok(Number.isInteger(v) && v >= -2 && v <= 3, `out of range: ${v}`);
    seen.add(v);
  }
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [-2, -1, 0, 1, 2, 3],
  );
  assert.equal(rng.int(5, 5), 5);
});

test('int() rejects reversed or non-integer bounds', () => {
  const rng = new SeededRandom('bad');
  assert.throws(() => rng.int(3, 1), RangeError);
  assert.throws(() => rng.int(0.5, 3), RangeError);
});

test('pick() returns members, reaches all of them, and refuses an empty list', () => {
  const rng = new SeededRandom('pick');
  const items = ['a', 'b', 'c', 'd'] as const;
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) seen.add(rng.pick(items));
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c', 'd']);
  assert.throws(() => rng.pick([]), RangeError);
});

test('fork() is deterministic, label-dependent and independent of draws already made', () => {
  const a = new SeededRandom('root');
  const b = new SeededRandom('root');
  draws(b, 17); // the parent's position must not matter
  assert.deepEqual(draws(a.fork('scenario-1'), 20), draws(b.fork('scenario-1'), 20));
  assert.notDeepEqual(draws(a.fork('scenario-1'), 20), draws(a.fork('scenario-2'), 20));
  assert.notDeepEqual(draws(new SeededRandom('root').fork('x'), 20), draws(new SeededRandom('other').fork('x'), 20));
});

test('fork() streams differ from the parent and from look-alike paths', () => {
  const root = new SeededRandom('root');
  assert.notDeepEqual(draws(new SeededRandom('root'), 20), draws(root.fork('root'), 20));
  assert.notDeepEqual(draws(root.fork('a').fork('b'), 20), draws(root.fork('a/b'), 20));
  assert.notDeepEqual(draws(root.fork('a').fork('b'), 20), draws(root.fork('ab'), 20));
  assert.notDeepEqual(draws(root.fork('a').fork('b'), 20), draws(root.fork('b').fork('a'), 20));
});

test('forking does not consume draws from the parent', () => {
  const a = new SeededRandom('p');
  const b = new SeededRandom('p');
  a.fork('child');
  assert.deepEqual(draws(a, 10), draws(b, 10));
});
