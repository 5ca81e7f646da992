import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type MockServer, markUnauthenticated, startMockServer } from '../../src/mock/mock-server.ts';
import { MAX_JSON_DEPTH } from '../../src/util/json-depth.ts';

const journal = new ExchangeJournal();
let handled = 0;
let mock: MockServer;

before(async () => {
  mock = await startMockServer({ name: 'MOCK', journal, errorBody: (status, message) => ({ protocolError: { status, message } }) }, async (server) => {
    server.route({
      method: 'POST',
      path: '/items',
      handler: (request, h) => {
        handled++;
        if (request.headers.authorization !== 'Bearer ok') {
          markUnauthenticated(request);
          return h.response({ protocolError: { status: 401 } }).code(401);
        }
        return h.response({ ok: true }).code(201);
      },
    });
    server.route({
      method: 'POST',
      path: '/raw',
      options: { payload: { parse: false, output: 'data' } },
      handler: (_r, h) => {
        handled++;
        return h.response({ ok: true });
      },
    });
    server.route({ method: 'GET', path: '/items/{id}', handler: () => ({ ok: true }) });
    server.route({ method: 'DELETE', path: '/items/{id}', handler: (_r, h) => h.response().code(204) });
  });
});

after(() => mock.stop());

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

test('a known path asked with a method it does not serve is 405 with Allow and the protocol error; an unknown path stays 404', async () => {
  const put = await fetch(`${mock.url}/items/7`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(put.status, 405);
  assert.deepEqual(put.headers.get('allow')?.split(', ').sort(), ['DELETE', 'GET', 'HEAD']);
  assert.deepEqual(await put.json(), { protocolError: { status: 405, message: 'method PUT not allowed on /items/7' } });
  const get = await fetch(`${mock.url}/items`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  const unknown = await fetch(`${mock.url}/nowhere`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get('allow'), null);
  assert.equal((await unknown.json()).protocolError.status, 404);
});

test(`a JSON body nested deeper than ${MAX_JSON_DEPTH} is refused 400 before any handler runs, parsed or raw; at the limit it passes`, async () => {
  const before = handled;
  for (const path of ['/items', '/raw']) {
    const deep = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ok' }, body: nested(MAX_JSON_DEPTH + 1) });
    assert.equal(deep.status, 400, path);
    assert.match((await deep.json()).protocolError.message, /nested deeper than 100/);
    const huge = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ok' }, body: nested(200_000) });
    assert.equal(huge.status, 400, `${path}: 200,000 levels`);
  }
  assert.equal(handled, before, 'no handler saw a too-deep body');
  const atLimit = await fetch(`${mock.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ok' }, body: nested(MAX_JSON_DEPTH) });
  assert.equal(atLimit.status, 201);
  const text = await fetch(`${mock.url}/raw`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: nested(MAX_JSON_DEPTH + 1) });
  assert.equal(text.status, 200, 'a body of another media type is not JSON');
});

test('a request refused by the authentication check is journaled without its body, and the entry says so', async () => {
  const mark = journal.mark();
  const refused = await fetch(`${mock.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret: 'x'.repeat(1000) }) });
  assert.equal(refused.status, 401);
  const accepted = await fetch(`${mock.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ok' }, body: JSON.stringify({ a: 1 }) });
  assert.equal(accepted.status, 201);
  const [r, a] = journal.since(mark);
  assert.equal(r?.status, 401);
  assert.equal(r?.request.body, undefined);
  assert.match(r?.request.bodyOmitted ?? '', /authentication check \(401\)/);
  assert.deepEqual(r?.response?.body, { protocolError: { status: 401 } }, 'the answer is kept');
  assert.deepEqual(a?.request.body, { a: 1 });
  assert.equal(a?.request.bodyOmitted, undefined);
});

test('300 x 1 MiB uploads (refused 401, then accepted) grow the heap by a few MiB, not 600', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/journal-memory.ts', '300', '1'], { timeout: 120_000 });
  const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as { heapGrowthUnauthenticatedMiB: number; heapGrowthAcceptedMiB: number };
  assert.ok(figures.heapGrowthUnauthenticatedMiB < 16, `refused uploads: +${figures.heapGrowthUnauthenticatedMiB} MiB`);
  assert.ok(figures.heapGrowthAcceptedMiB < 16, `accepted uploads: +${figures.heapGrowthAcceptedMiB} MiB`);
});
