import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { EndpointUnreachableError, sendHttp } from '../../src/transport/http-client.ts';
import { InfrastructureError } from '../../src/transport/infrastructure-error.ts';
import { sleep, WaitTimeoutError, waitFor } from '../../src/util/wait.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Handler> = {
  '/echo': (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'] ?? null, accept: req.headers.accept ?? null, body }));
  },
  '/text': (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('upstream down');
  },
  '/token': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ access_token: 'at-from-server-9f8e', token_type: 'Bearer', expires_in: 3600 }));
  },
  '/cookie': (_req, res) => {
    res.writeHead(204, { 'set-cookie': 'sid=srv-c00kie-77; Path=/; HttpOnly' });
    res.end();
  },
  // Never answers: the client's own timeout is the only way out.
  '/hang': () => {},
  // Headers, then half a body, then nothing.
  '/stall-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  },
  '/reset-body': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"partial":');
    setTimeout(() => req.socket.destroy(), 20);
  },
};

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => (routes[new URL(req.url ?? '/', 'http://x').pathname] ?? routes['/echo']!)(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

test('a JSON exchange is returned and journaled from the client side', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, {
    method: 'POST',
    url: `${base}/echo?x=1`,
    body: { curp: 'ABCD' },
    from: 'sello:IMSS',
    to: 'IMSS',
    messageId: 'mid-1',
  });
  assert.equal(response.status, 200);
  const echoed = response.json as { contentType: string; accept: string; body: string };
  assert.equal(echoed.contentType, 'application/json', 'an object body is sent as JSON');
  assert.equal(echoed.accept, 'application/json');
  assert.deepEqual(JSON.parse(echoed.body), { curp: 'ABCD' });
  assert.equal(response.text, JSON.stringify(response.json));

  const [entry, ...rest] = journal.all();
  assert.equal(rest.length, 0);
  assert.equal(entry?.observedBy, 'client');
  assert.equal(entry?.from, 'sello:IMSS');
  assert.equal(entry?.to, 'IMSS');
  assert.equal(entry?.method, 'POST');
  assert.equal(entry?.url, `${base}/echo?x=1`);
  assert.equal(entry?.status, 200);
  assert.equal(entry?.messageId, 'mid-1');
  assert.deepEqual(entry?.request.body, { curp: 'ABCD' });
  assert.deepEqual(entry?.response?.body, response.json);
  assert.equal(entry?.error, undefined);
  assert.ok(Date.parse(entry!.startedAt) <= Date.parse(entry!.finishedAt));
});

test('an HTTP error status is an answer, not a failure: returned and journaled, text kept when not JSON', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, { method: 'GET', url: `${base}/text`, from: 'sello', to: 'SUT' });
  assert.equal(response.status, 503);
  assert.equal(response.text, 'upstream down');
  assert.equal(response.json, undefined);
  assert.equal(journal.all()[0]?.status, 503);
  assert.equal(journal.all()[0]?.response?.body, 'upstream down');
});

test('a string body is sent verbatim, malformed JSON included', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, { method: 'POST', url: `${base}/echo`, body: '{"curp":', from: 'sello', to: 'SUT' });
  assert.equal((response.json as { body: string }).body, '{"curp":');
  assert.equal(journal.all()[0]?.request.body, '{"curp":', 'journaled as text when it is not JSON');
});

test('a refused port is EndpointUnreachableError, journaled with an error and no status', async () => {
  const journal = new ExchangeJournal();
  const url = `http://127.0.0.1:${await closedPort()}/pgs/v1/beneficiarios`;
  const error = await sendHttp(journal, { method: 'GET', url, from: 'sello', to: 'SUT', messageId: 'mid-2' }).then(
    () => assert.fail('a refused connection must throw'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EndpointUnreachableError);
  assert.equal(error.url, url);
  assert.equal(error.reason, 'ECONNREFUSED');
  assert.match(error.message, /Cannot reach .*ECONNREFUSED/);
  const [entry] = journal.all();
  assert.equal(entry?.error, 'ECONNREFUSED');
  assert.equal(entry?.status, undefined);
  assert.equal(entry?.response, undefined);
  assert.equal(entry?.messageId, 'mid-2');
});

test('a server that never answers times out after timeoutMs, with a named reason', async () => {
  const journal = new ExchangeJournal();
  const started = Date.now();
  const error = await sendHttp(journal, { method: 'GET', url: `${base}/hang`, timeoutMs: 200, from: 'sello', to: 'SUT' }).then(
    () => assert.fail('must time out'),
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  assert.ok(error instanceof EndpointUnreachableError);
  assert.equal(error.reason, 'no answer within 200 ms');
  assert.ok(elapsed >= 190 && elapsed < 2000, `took ${elapsed} ms`);
  assert.equal(journal.all()[0]?.error, 'no answer within 200 ms');
});

test('secrets are redacted in the journal: form client_secret, JSON access_token, Authorization', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, {
    method: 'POST',
    url: `${base}/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic aW1zczpjcy1zZWNyZXQ=' },
    body: 'grant_type=client_credentials&client_id=imss&client_secret=cs-secret-1234',
    from: 'sello',
    to: 'IMSS',
  });
  assert.equal((response.json as { access_token: string }).access_token, 'at-from-server-9f8e', 'the caller still gets the token');
  const [entry] = journal.all();
  const text = JSON.stringify(entry);
  for (const secret of ['cs-secret-1234', 'at-from-server-9f8e', 'aW1zczpjcy1zZWNyZXQ=']) assert.ok(!text.includes(secret), `${secret} leaked`);
  assert.equal(entry?.request.body, 'grant_type=client_credentials&client_id=imss&client_secret=[redacted]');
  assert.deepEqual(entry?.response?.body, { access_token: '[redacted]', token_type: 'Bearer', expires_in: 3600 });
  assert.equal(entry?.request.headers.authorization, 'Basic [redacted]');
});

test('a Set-Cookie in an answer is redacted in the journal', async () => {
  const journal = new ExchangeJournal();
  await sendHttp(journal, { method: 'GET', url: `${base}/cookie`, from: 'sello', to: 'SUT' });
  const text = JSON.stringify(journal.all());
  assert.ok(!text.includes('srv-c00kie-77'), text);
});

test('caller headers win over the defaults whatever their case', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, {
    method: 'POST',
    url: `${base}/echo`,
    headers: { 'Content-Type': 'text/plain', Accept: 'text/csv' },
    body: 'hola',
    from: 'sello',
    to: 'SUT',
  });
  const echoed = response.json as { contentType: string; accept: string };
  assert.equal(echoed.contentType, 'text/plain');
  assert.equal(echoed.accept, 'text/csv');
});

test('a body that stalls after the headers is a named timeout, journaled', async () => {
  const journal = new ExchangeJournal();
  const error = await sendHttp(journal, { method: 'GET', url: `${base}/stall-body`, timeoutMs: 200, from: 'sello', to: 'SUT' }).then(
    () => assert.fail('must time out'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EndpointUnreachableError, `got ${String(error)}`);
  assert.equal(journal.all().length, 1);
  assert.ok(journal.all()[0]?.error);
});

test('a connection cut in the middle of the body is EndpointUnreachableError, journaled', async () => {
  const journal = new ExchangeJournal();
  const error = await sendHttp(journal, { method: 'GET', url: `${base}/reset-body`, timeoutMs: 2000, from: 'sello', to: 'SUT' }).then(
    () => assert.fail('must fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EndpointUnreachableError, `got ${String(error)}`);
  assert.equal(journal.all().length, 1);
});

test('waitFor resolves with the first defined value, polling until then', async () => {
  let calls = 0;
  const value = await waitFor(
    async () => {
      calls += 1;
      return calls < 3 ? undefined : { curp: 'X', calls };
    },
    { what: 'the record', timeoutMs: 2000, intervalMs: 10 },
  );
  assert.deepEqual(value, { curp: 'X', calls: 3 });
  assert.equal(calls, 3);
});

test('waitFor treats falsy values other than undefined as results', async () => {
  assert.equal(await waitFor(() => 0, { what: 'zero', timeoutMs: 100 }), 0);
  assert.equal(await waitFor(() => false, { what: 'false', timeoutMs: 100 }), false);
  assert.equal(await waitFor(() => null, { what: 'null', timeoutMs: 100 }), null);
});

test('waitFor times out naming what it waited for and the last pending observation', async () => {
  let calls = 0;
  const started = Date.now();
  const error = await waitFor(
    () => {
      calls += 1;
      return { pending: `index answered 404 (${calls})` };
    },
    { what: 'CURP ABCD in the SSA index', timeoutMs: 150, intervalMs: 20 },
  ).then(
    () => assert.fail('must time out'),
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  assert.ok(error instanceof WaitTimeoutError);
  assert.equal(error.what, 'CURP ABCD in the SSA index');
  assert.equal(error.timeoutMs, 150);
  assert.equal(error.lastObservation, `index answered 404 (${calls})`, 'the last observation, not the first');
  assert.ok(calls > 1);
  assert.equal(error.message, `Timed out after 150 ms waiting for CURP ABCD in the SSA index (last seen: index answered 404 (${calls}))`);
  assert.ok(elapsed >= 140 && elapsed < 1000, `took ${elapsed} ms`);
});

test('waitFor without pending observations says only what it waited for', async () => {
  const error = await waitFor(() => undefined, { what: 'nothing', timeoutMs: 30, intervalMs: 10 }).catch((e: unknown) => e);
  assert.ok(error instanceof WaitTimeoutError);
  assert.equal(error.message, 'Timed out after 30 ms waiting for nothing');
  assert.equal(error.lastObservation, undefined);
});

test('an object with more than a pending key is a result, not a pending observation', async () => {
  const result = await waitFor(() => ({ pending: 'no', status: 200 }), { what: 'x', timeoutMs: 50 });
  assert.deepEqual(result, { pending: 'no', status: 200 });
});

test('waitFor stays bounded when a probe itself never settles', async () => {
  const outcome = await Promise.race([
    waitFor(() => new Promise<never>(() => {}), { what: 'a hanging probe', timeoutMs: 100 }).then(
      () => 'resolved',
      (e: unknown) => (e instanceof WaitTimeoutError ? 'timed out' : `rejected: ${String(e)}`),
    ),
    sleep(600).then(() => 'still waiting after 6x timeoutMs'),
  ]);
  assert.equal(outcome, 'timed out');
});

test('a connection reset before any answer is retried once, and both attempts are on the record', async () => {
  let connections = 0;
  const flaky = createServer((req, res) => {
    connections += 1;
    if (connections === 1) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
  try {
    const journal = new ExchangeJournal();
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/pgs/v1/beneficiarios`;
    const response = await sendHttp(journal, { method: 'POST', url, body: { curp: 'X' }, from: 'sello', to: 'SUT', messageId: 'mid-r' });
    assert.equal(response.status, 200);
    const [first, second, ...rest] = journal.all();
    assert.equal(rest.length, 0);
    assert.ok(first?.error, 'the failed attempt is journaled with its error');
    assert.equal(first?.status, undefined);
    assert.equal(second?.retryOf, first?.id, 'the retry names the attempt it repeats');
    assert.equal(second?.status, 200);
    assert.equal(second?.messageId, 'mid-r');
    assert.equal(connections, 2);
  } finally {
    flaky.closeAllConnections();
    flaky.close();
  }
});

test('a refused port is retried once, then EndpointUnreachableError with cause unreachable and the last exchange id', async () => {
  const journal = new ExchangeJournal();
  const url = `http://127.0.0.1:${await closedPort()}/x`;
  const error = await sendHttp(journal, { method: 'GET', url, from: 'sello', to: 'SUT' }).then(
    () => assert.fail('must throw'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InfrastructureError, 'an InfrastructureError, so the scenario is inconclusive');
  assert.ok(error instanceof EndpointUnreachableError);
  assert.equal(error.cause_, 'unreachable');
  const entries = journal.all();
  assert.equal(entries.length, 2);
  assert.equal(entries[1]?.retryOf, entries[0]?.id);
  assert.equal(error.exchangeId, entries[1]?.id);
});

test('a timeout is not retried (the request may be in progress) and its cause is timeout', async () => {
  const journal = new ExchangeJournal();
  const error = await sendHttp(journal, { method: 'GET', url: `${base}/hang`, timeoutMs: 150, from: 'sello', to: 'SUT' }).then(
    () => assert.fail('must throw'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EndpointUnreachableError);
  assert.equal(error.cause_, 'timeout');
  assert.equal(journal.all().length, 1);
  assert.equal(error.exchangeId, journal.all()[0]?.id);
});

test('a slow answer within timeoutMs passes', async () => {
  const slow = createServer((_req, res) => setTimeout(() => res.end('{"late":true}'), 400));
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const journal = new ExchangeJournal();
    const response = await sendHttp(journal, { method: 'GET', url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, timeoutMs: 2000, from: 'sello', to: 'SUT' });
    assert.deepEqual(response.json, { late: true });
  } finally {
    slow.closeAllConnections();
    slow.close();
  }
});
