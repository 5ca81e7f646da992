import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';
import { RestHookNotifier } from '../../src/fhir-server/rest-hook-notifier.ts';
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
  assert.ok(gaps[1]! >= gaps[0]!, `the second wait (${gaps[1]} ms) is not shorter than the first (${gaps[0]} ms)`);
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
