import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { DEFAULT_BACKOFF, MAX_DELIVERY_ATTEMPTS, RestHookNotifier } from '../../src/fhir-server/rest-hook-notifier.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';

/** A receiver that answers 503 to its first `failures` requests, then 200, and keeps what it got. */
async function receiver(failures: number): Promise<{ url: string; got: { body: unknown; type: string | undefined }[]; server: Server }> {
  const got: { body: unknown; type: string | undefined }[] = [];
  let left = failures;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (left-- > 0) return void res.writeHead(503).end();
      got.push({ body: JSON.parse(text), type: req.headers['content-type'] });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`, got, server };
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

test("events go out in order, each body the program's, retried with back-off until acknowledged", async () => {
  const r = await receiver(2);
  servers.push(r.server);
  const journal = new ExchangeJournal();
  const notifier = new RestHookNotifier({
    journal,
    from: 'server',
    to: 'subscriber',
    endpoint: r.url,
    subscription: 'Subscription/7',
    body: (event) => ({ n: event.eventNumber, focus: event.focusRef, status: event.focus.status }),
    backoff: { firstMs: 20, factor: 2, maxMs: 100 },
  });
  notifier.notify('Task/1', { status: 'accepted' });
  notifier.notify('Task/1', { status: 'completed' });
  assert.ok(await notifier.drain(5000));
  assert.deepEqual(
    r.got.map((g) => g.body),
    [
      { n: 1, focus: 'Task/1', status: 'accepted' },
      { n: 2, focus: 'Task/1', status: 'completed' },
    ],
  );
  assert.equal(r.got[0]!.type, 'application/fhir+json');
  assert.deepEqual(notifier.stats, { delivered: 2, attempts: 4, dropped: 0 });
  const sent = journal.all().filter((e) => e.to === 'subscriber');
  assert.deepEqual(
    sent.map((e) => [e.messageId, e.status]),
    [
      ['Subscription/7#1', 503],
      ['Subscription/7#1', 503],
      ['Subscription/7#1', 200],
      ['Subscription/7#2', 200],
    ],
  );
  const gaps = sent
    .slice(0, 3)
    .map((e) => Date.parse(e.startedAt))
    .map((t, i, a) => (i === 0 ? 0 : t - a[i - 1]!))
    .slice(1);
  // Load only lengthens a gap, so the floors (first 20 ms, then 40 ms, less 2 ms of clock rounding) cannot flake.
  assert.ok(gaps[0]! >= 18, `the first retry came ${gaps[0]} ms after the failure, before the 20 ms back-off`);
  assert.ok(gaps[1]! >= 38, `the second retry came ${gaps[1]} ms after the first, before the doubled 40 ms back-off`);
});

test('planted defects: each change twice, and a failed delivery dropped instead of retried', async () => {
  const r = await receiver(1);
  servers.push(r.server);
  const twice = new RestHookNotifier({
    journal: new ExchangeJournal(),
    from: 's',
    to: 'r',
    endpoint: r.url,
    subscription: 'Subscription/2',
    body: (e) => ({ n: e.eventNumber }),
    notifyTwice: true,
    noRetry: true,
    contentType: 'application/json',
  });
  twice.notify('Task/1', { status: 'accepted' });
  assert.ok(await twice.drain(5000));
  // Event 1 met the 503 and was dropped; its twin, event 2, got through.
  assert.deepEqual(
    r.got.map((g) => g.body),
    [{ n: 2 }],
  );
  assert.equal(r.got[0]!.type, 'application/json');
  assert.equal(twice.stats.dropped, 1);
});

test('a receiver that stays down: at most maxAttempts attempts of one event, on the back-off schedule, then the notifier gives up', async () => {
  const r = await receiver(Number.POSITIVE_INFINITY);
  servers.push(r.server);
  const seen: number[] = [];
  r.server.prependListener('request', () => seen.push(Date.now()));
  let gaveUp: string | undefined;
  let calls = 0;
  const notifier = new RestHookNotifier({
    journal: new ExchangeJournal(),
    from: 's',
    to: 'r',
    endpoint: r.url,
    subscription: 'Subscription/9',
    body: (e) => ({ n: e.eventNumber }),
    backoff: { firstMs: 20, factor: 2, maxMs: 80 },
    maxAttempts: 5,
    onGiveUp: (failure) => {
      calls++;
      gaveUp = failure;
    },
  });
  notifier.notify('Task/1', { status: 'accepted' });
  notifier.notify('Task/1', { status: 'completed' });
  const deadline = Date.now() + 5000;
  while (!notifier.failure && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(seen.length, 5, `attempts: ${seen.length}`);
  assert.equal(notifier.stats.attempts, 5);
  assert.equal(calls, 1);
  assert.match(gaveUp ?? '', /5 attempts to deliver event 1 to http:\/\/127\.0\.0\.1:\d+\/hook failed \(last: HTTP 503\)/);
  assert.equal(notifier.failure, gaveUp);
  // Waits of 20, 40, 80, 80 ms (capped): never a busy loop.
  const gaps = seen.slice(1).map((t, i) => t - seen[i]!);
  for (const [i, min] of [20, 40, 80, 80].entries()) assert.ok(gaps[i]! >= min - 5, `wait ${i + 1}: ${gaps[i]} ms, expected ≥ ${min} ms`);
  // Given up: a new change is not sent.
  notifier.notify('Task/1', { status: 'cancelled' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(seen.length, 5);
});

test('the attempt budget is per event: a receiver that fails less than maxAttempts times in a row gets everything', async () => {
  const r = await receiver(3);
  servers.push(r.server);
  const notifier = new RestHookNotifier({
    journal: new ExchangeJournal(),
    from: 's',
    to: 'r',
    endpoint: r.url,
    subscription: 'Subscription/10',
    body: (e) => ({ n: e.eventNumber }),
    backoff: { firstMs: 5, factor: 2, maxMs: 20 },
    maxAttempts: 4,
  });
  notifier.notify('Task/1', { status: 'accepted' });
  notifier.notify('Task/1', { status: 'completed' });
  assert.ok(await notifier.drain(3000));
  assert.equal(notifier.failure, undefined);
  assert.deepEqual(
    r.got.map((g) => g.body),
    [{ n: 1 }, { n: 2 }],
  );
});

test('the default schedule: 250 ms doubling to a 5 s cap, 8 attempts (a receiver gets ~18 s to come back)', () => {
  assert.deepEqual({ ...DEFAULT_BACKOFF }, { firstMs: 250, factor: 2, maxMs: 5000 });
  assert.equal(MAX_DELIVERY_ATTEMPTS, 8);
  let wait = DEFAULT_BACKOFF.firstMs;
  let total = 0;
  for (let i = 1; i < MAX_DELIVERY_ATTEMPTS; i++, wait = Math.min(DEFAULT_BACKOFF.maxMs, wait * DEFAULT_BACKOFF.factor)) total += wait;
  assert.equal(total, 17_750);
});
