import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageIdMemory } from '../../programs/ru-egisz/reference/message-id-memory.ts';
import { RemdRegistry } from '../../programs/ru-egisz/reference/remd-registry.ts';

test('a MessageID is refused again within the window, in either spelling, and let go once two windows passed without it', () => {
  let now = Date.parse('2026-12-06T00:00:00Z');
  const registry = new RemdRegistry(() => new Date(now), 60_000);
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(registry.seen(`urn:uuid:${id}`), false);
  now += 59_000;
  assert.equal(registry.seen(id.toUpperCase()), true);
  // Seen again at +59 s: remembered a window from then at least.
  now += 59_000;
  assert.equal(registry.seen(` urn:uuid:${id} `), true);
  // Other MessageIDs turn the generations over; two windows after its last use it is let go.
  now += 61_000;
  assert.equal(registry.seen('a8098c1a-f86e-11da-bd1a-00112444be1e'), false);
  now += 61_000;
  assert.equal(registry.seen('6fa459ea-ee8a-3ca4-894e-db77e160355e'), false);
  assert.equal(registry.seen(id), false);
});

test('the memory holds at most twice its capacity however many MessageIDs come, the latest always remembered', () => {
  const memory = new MessageIdMemory(() => 0, 60_000, 100);
  for (let i = 0; i < 1_000; i++) {
    assert.equal(memory.seen(`id-${i}`), false);
    assert.ok(memory.size <= 200, `held ${memory.size}`);
  }
  // The last capacity's worth is still there; what came long before was let go.
  assert.equal(memory.seen('id-999'), true);
  assert.equal(memory.seen('id-900'), true);
  assert.equal(memory.seen('id-0'), false);
});
