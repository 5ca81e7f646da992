import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDEMPOTENCY_MAX_ENTRIES, IdempotencyCache } from '../../src/mock/idempotency.ts';

test('hash is SHA-256 hex, the same for a string and its UTF-8 bytes, and differs for other bodies', () => {
  assert.equal(IdempotencyCache.hash(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(IdempotencyCache.hash('{"curp":"Ñ"}'), IdempotencyCache.hash(Buffer.from('{"curp":"Ñ"}', 'utf8')));
  assert.notEqual(IdempotencyCache.hash('{"a":1}'), IdempotencyCache.hash('{"a":2}'));
  // Bodies are compared as bytes: a reformatted JSON body is another body.
  assert.notEqual(IdempotencyCache.hash('{"a":1}'), IdempotencyCache.hash('{ "a": 1 }'));
});

test('an unseen message id is new, and stays new until an answer is remembered', () => {
  const cache = new IdempotencyCache();
  const hash = IdempotencyCache.hash('body');
  assert.deepEqual(cache.decide('m-1', hash), { kind: 'new' });
  assert.deepEqual(cache.decide('m-1', hash), { kind: 'new' }, 'deciding alone records nothing');
});

test('same message id and same body replays the remembered answer', () => {
  const cache = new IdempotencyCache();
  const hash = IdempotencyCache.hash('body');
  const response = { status: 201, body: { acuse: { codigo: 'PGS-000' } } };
  cache.remember('m-1', hash, response);
  assert.deepEqual(cache.decide('m-1', hash), { kind: 'replay', response });
  assert.deepEqual(cache.decide('m-1', IdempotencyCache.hash('body')), { kind: 'replay', response }, 'a recomputed hash matches');
});

test('same message id with another body is a conflict, even when that body was seen under another id', () => {
  const cache = new IdempotencyCache();
  const first = IdempotencyCache.hash('first');
  const second = IdempotencyCache.hash('second');
  cache.remember('m-1', first, { status: 201, body: {} });
  cache.remember('m-2', second, { status: 200, body: {} });
  assert.deepEqual(cache.decide('m-1', second), { kind: 'conflict' });
  assert.deepEqual(cache.decide('m-2', first), { kind: 'conflict' });
});

test('message ids are independent: the same body under a new id is new work', () => {
  const cache = new IdempotencyCache();
  const hash = IdempotencyCache.hash('same body');
  cache.remember('m-1', hash, { status: 201, body: { n: 1 } });
  assert.deepEqual(cache.decide('m-2', hash), { kind: 'new' });
  assert.deepEqual(cache.decide('M-1', hash), { kind: 'new' }, 'ids are compared exactly');
});

test('the cache holds at most its bound: the oldest message id is forgotten first', () => {
  const cache = new IdempotencyCache(3);
  for (const id of ['a', 'b', 'c', 'd']) cache.remember(id, 'h', { status: 201, body: { id } });
  assert.equal(cache.decide('a', 'h').kind, 'new');
  assert.equal(cache.decide('b', 'h').kind, 'replay');
  assert.equal(cache.decide('d', 'x').kind, 'conflict');
  const unbounded = new IdempotencyCache();
  for (let i = 0; i <= IDEMPOTENCY_MAX_ENTRIES; i++) unbounded.remember(`m${i}`, 'h', { status: 201, body: {} });
  assert.equal(unbounded.decide('m0', 'h').kind, 'new');
  assert.equal(unbounded.decide(`m${IDEMPOTENCY_MAX_ENTRIES}`, 'h').kind, 'replay');
});
