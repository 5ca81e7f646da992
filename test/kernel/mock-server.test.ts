import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, test } from 'node:test';
import type Hapi from '@hapi/hapi';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';

const MIB = 1024 * 1024;
const journal = new ExchangeJournal();
const errorCalls: { status: number; message: string; path: string }[] = [];
let mock: MockServer;

before(async () => {
  mock = await startMockServer(
    {
      name: 'MOCK',
      journal,
      // A shape hapi would never produce, so a test can tell the protocol body from hapi's default one.
      errorBody: (status, message, request) => {
        errorCalls.push({ status, message, path: request.path });
        return { protocolError: { status, message } };
      },
    },
    async (server: Hapi.Server) => {
      server.route({
        method: 'POST',
        path: '/items/{id}',
        handler: (request, h) => h.response({ id: request.params.id, received: request.payload }).code(201),
      });
      server.route({ method: 'POST', path: '/token', handler: () => ({ access_token: 'live-token-123', token_type: 'Bearer', nested: [{ password: 'pw-456' }] }) });
      server.route({ method: 'POST', path: '/sink', handler: (request, h) => h.response({ bytes: JSON.stringify(request.payload).length }) });
      server.route({
        method: 'GET',
        path: '/boom',
        handler: () => {
          throw new Error('database password is hunter2');
        },
      });
    },
  );
});

after(() => mock.stop());

function lastEntry() {
  const entry = journal.all().at(-1);
  assert.ok(entry, 'the journal has an entry');
  return entry;
}

test('a request to a mock server is journaled with method, url, status, message id, timestamps and both bodies', async () => {
  const mark = journal.mark();
  const before = Date.now();
  const response = await fetch(`${mock.url}/items/7?view=full`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer tok-abc.def-123',
      'x-message-id': '0b9c7a8e-4c1b-4d36-9a53-2f1e7c9d0a11',
      'x-institucion': 'IMSS',
    },
    body: JSON.stringify({ nombre: 'ANA', edad: 30 }),
  });
  assert.equal(response.status, 201);
  await response.text();
  const afterResponse = Date.now();

  const entries = journal.since(mark);
  assert.equal(entries.length, 1);
  const entry = entries[0]!;
  assert.equal(entry.protocol, 'http');
  assert.equal(entry.observedBy, 'server');
  assert.equal(entry.from, 'IMSS');
  assert.equal(entry.to, 'MOCK');
  assert.equal(entry.method, 'POST');
  assert.equal(entry.url, `${mock.url}/items/7?view=full`);
  assert.equal(entry.status, 201);
  assert.equal(entry.messageId, '0b9c7a8e-4c1b-4d36-9a53-2f1e7c9d0a11');
  assert.deepEqual(entry.request.body, { nombre: 'ANA', edad: 30 });
  assert.deepEqual(entry.response?.body, { id: '7', received: { nombre: 'ANA', edad: 30 } });

  const started = Date.parse(entry.startedAt);
  const finished = Date.parse(entry.finishedAt);
  assert.equal(new Date(started).toISOString(), entry.startedAt, 'startedAt is an ISO-8601 instant');
  assert.equal(new Date(finished).toISOString(), entry.finishedAt, 'finishedAt is an ISO-8601 instant');
  assert.ok(started >= before - 5 && finished <= afterResponse + 5, 'timestamps fall within the request');
  assert.ok(started <= finished);

  assert.equal(entry.request.headers.authorization, 'Bearer [redacted]');
  assert.ok(!JSON.stringify(entry).includes('tok-abc.def-123'), 'the bearer token never reaches the journal');
});

test('without X-Institucion the journal names the client by its user agent', async () => {
  const response = await fetch(`${mock.url}/items/1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'vendor-node/2.3' },
    body: '{}',
  });
  await response.text();
  const entry = lastEntry();
  assert.equal(entry.from, 'vendor-node/2.3');
  assert.equal(entry.messageId, undefined, 'no message id header, no message id');
});

test('an unknown route answers 404 with the protocol error body, and is journaled', async () => {
  const mark = journal.mark();
  const response = await fetch(`${mock.url}/does/not/exist`);
  assert.equal(response.status, 404);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await response.json(), { protocolError: { status: 404, message: 'Not Found' } });
  assert.deepEqual(errorCalls.at(-1), { status: 404, message: 'Not Found', path: '/does/not/exist' });
  const [entry] = journal.since(mark);
  assert.equal(entry?.status, 404);
  assert.deepEqual(entry?.response?.body, { protocolError: { status: 404, message: 'Not Found' } });
});

test('a payload over 1 MiB gets 413 with the protocol body, and the server still answers afterwards', async () => {
  const big = JSON.stringify({ blob: 'x'.repeat(2 * MIB) });
  const rejected = await fetch(`${mock.url}/sink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  assert.equal(rejected.status, 413);
  const body = (await rejected.json()) as { protocolError?: { status: number; message: string } };
  assert.equal(body.protocolError?.status, 413);
  assert.equal(lastEntry().status, 413);

  const next = await fetch(`${mock.url}/items/2`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  assert.equal(next.status, 201);
  assert.deepEqual(await next.json(), { id: '2', received: { ok: true } });
});

test('the 1 MiB limit is inclusive: exactly 1 MiB passes, one byte more is refused', async () => {
  // {"blob":"…"} adds 11 bytes of JSON around the string.
  const exact = JSON.stringify({ blob: 'y'.repeat(MIB - 11) });
  assert.equal(Buffer.byteLength(exact), MIB);
  const ok = await fetch(`${mock.url}/sink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exact });
  assert.equal(ok.status, 200);
  await ok.text();
  const over = await fetch(`${mock.url}/sink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exact + ' ' });
  assert.equal(over.status, 413);
  await over.text();
});

test('a handler crash answers 500 through errorBody without leaking the exception text', async () => {
  const response = await fetch(`${mock.url}/boom`);
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), { protocolError: { status: 500, message: 'internal error' } });
  assert.ok(!text.includes('hunter2'));
  assert.ok(!JSON.stringify(lastEntry()).includes('hunter2'));
});

test('a custom message id header is the one journaled', async () => {
  const local = new ExchangeJournal();
  const server = await startMockServer({ name: 'HL7', journal: local, messageIdHeader: 'X-Correlation-Id', errorBody: (status) => ({ status }) }, async (s) => {
    s.route({ method: 'GET', path: '/', handler: () => ({ ok: true }) });
  });
  try {
    const response = await fetch(`${server.url}/`, { headers: { 'x-correlation-id': 'corr-42', 'x-message-id': 'not-this-one' } });
    await response.text();
    assert.equal(local.all().at(-1)?.messageId, 'corr-42');
  } finally {
    await server.stop();
  }
});

test('a Cookie sent to a mock never reaches the journal', async () => {
  const response = await fetch(`${mock.url}/items/3`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: 'session=s3ss10n-v4lue' },
    body: '{}',
  });
  await response.text();
  assert.ok(!JSON.stringify(lastEntry()).includes('s3ss10n-v4lue'), `journaled cookie: ${lastEntry().request.headers.cookie}`);
});

test('a JSON answer holding secrets is journaled as the value with the secrets redacted; odd URLs are journaled as hapi reads them', async () => {
  const mark = journal.mark();
  const answer = await fetch(`${mock.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=x&client_secret=s3cr3t-789' });
  assert.equal(((await answer.json()) as { access_token: string }).access_token, 'live-token-123', 'the client gets the answer whole');
  // Sent as is (fetch would resolve the dot segments itself).
  await new Promise((done) => get({ host: new URL(mock.url).hostname, port: new URL(mock.url).port, path: '/a/./b/../items%20x?q=1' }, (r) => r.resume().on('end', done)));
  const [token, odd] = journal.since(mark);
  assert.deepEqual(token?.response?.body, { access_token: '[redacted]', token_type: 'Bearer', nested: [{ password: '[redacted]' }] });
  assert.deepEqual(token?.request.body, { grant_type: 'x', client_secret: '[redacted]' });
  assert.ok(!/live-token-123|pw-456|s3cr3t-789/.test(JSON.stringify(token)), 'no secret reaches the journal');
  assert.equal(token?.url, `${mock.url}/token`);
  assert.equal(odd?.url, `${mock.url}/a/items%20x?q=1`, 'dot segments resolved as a URL parser does');
});
