import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { WaitTimeoutError, waitFor } from '../../src/util/wait.ts';

/*
 * A wait ends on the event it waits for. The polling interval here is an hour: were the wait to look again only
 * when the interval ran out, these tests would stall until node:test's timeout cut them and fail.
 */
const HOUR = 3_600_000;
const NO_STALL = { timeout: 20_000 };
const on =
  (bus: EventEmitter) =>
  (wake: () => void): (() => void) => {
    bus.on('entry', wake);
    return () => bus.off('entry', wake);
  };

test('a wait woken by its event ends on that event, not at the next interval', NO_STALL, async () => {
  const bus = new EventEmitter();
  const log: string[] = [];
  let arrived = false;
  let probes = 0;
  const waiting = waitFor(
    () => {
      probes++;
      return arrived ? 'delivered' : { pending: 'nothing yet' };
    },
    { what: 'the delivery', timeoutMs: 2 * HOUR, intervalMs: HOUR, wakeOn: on(bus) },
  ).then((value) => log.push(`wait ended: ${value}`));
  await new Promise((resolve) => setImmediate(resolve));
  log.push('event');
  arrived = true;
  bus.emit('entry');
  await waiting;
  assert.deepEqual(log, ['event', 'wait ended: delivered']);
  assert.equal(probes, 2, 'one look before the event, one on it');
  assert.equal(bus.listenerCount('entry'), 0, 'the wait unsubscribes when it ends');
});

test('an event that comes while a probe is running is not lost', NO_STALL, async () => {
  const bus = new EventEmitter();
  let arrived = false;
  let probes = 0;
  const value = await waitFor(
    async () => {
      probes++;
      const seen = arrived;
      if (probes === 1) {
        // The event lands after the probe looked and before it answered.
        arrived = true;
        bus.emit('entry');
      }
      return seen ? 'delivered' : { pending: 'nothing yet' };
    },
    { what: 'the delivery', timeoutMs: 2 * HOUR, intervalMs: HOUR, wakeOn: on(bus) },
  );
  assert.equal(value, 'delivered');
  assert.equal(probes, 2);
});

test('a wait whose event never comes ends at its bound, naming what it waited for and what it last saw', async () => {
  const bus = new EventEmitter();
  const error = await waitFor(() => ({ pending: '2 of 3 notices' }), {
    what: "Qhali's 3 notices",
    timeoutMs: 50,
    intervalMs: 10,
    wakeOn: on(bus),
  }).catch((e: unknown) => e);
  assert.ok(error instanceof WaitTimeoutError);
  assert.match(error.message, /Qhali's 3 notices.*2 of 3 notices/);
  assert.equal(bus.listenerCount('entry'), 0);
});
