import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonValueTooDeep, MAX_JSON_DEPTH } from '../../src/util/json-depth.ts';

/** `levels` arrays and objects nested in turn, the innermost holding a number. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

test('a value nested exactly MAX_JSON_DEPTH levels is taken, one level more is too deep', () => {
  assert.equal(jsonValueTooDeep(nested(MAX_JSON_DEPTH)), false);
  assert.equal(jsonValueTooDeep(nested(MAX_JSON_DEPTH + 1)), true);
  assert.equal(jsonValueTooDeep(nested(3), 3), false);
  assert.equal(jsonValueTooDeep(nested(4), 3), true);
});

test('depth is found in any branch, after wide siblings, and primitives and null are depth 0', () => {
  const wide = { many: Array.from({ length: 10_000 }, (_, i) => ({ i })), deep: nested(MAX_JSON_DEPTH) };
  assert.equal(jsonValueTooDeep(wide), true, 'the deep branch is one level under the root');
  assert.equal(jsonValueTooDeep({ a: [null, 'x', 2, { b: [] }] }), false);
  for (const primitive of [null, 1, 'x', true, undefined]) assert.equal(jsonValueTooDeep(primitive, 0), false);
  assert.equal(jsonValueTooDeep({}, 0), true);
});

test('a cycle is too deep, not an endless walk', () => {
  const a: Record<string, unknown> = {};
  a.self = a;
  assert.equal(jsonValueTooDeep(a), true);
});
