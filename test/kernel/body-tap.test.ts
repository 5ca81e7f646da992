import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import type Hapi from '@hapi/hapi';
import { BodyTap, bodyStream, STREAMED_BODY_TEXT_LIMIT } from '../../src/journal/body-tap.ts';
import type { ExchangeEntry } from '../../src/journal/exchange.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';
import { sendHttpStreaming } from '../../src/transport/http-client.ts';

const journal = new ExchangeJournal();
let mock: MockServer;

/** `count` NDJSON lines, produced lazily so the server never holds them either. */
function* lines(count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `${JSON.stringify({ resourceType: 'Observation', id: `o${i}`, status: 'final', note: 'x'.repeat(80) })}\n`;
}

const expected = (count: number): string => [...lines(count)].join('');

before(async () => {
  mock = await startMockServer({ name: 'SOURCE', journal }, async (server: Hapi.Server) => {
    server.route({
      method: 'GET',
      path: '/lines/{count}',
      handler: (request, h) => {
        const tap = new BodyTap('text');
        Readable.from(lines(Number(request.params.count))).pipe(tap);
        return h.response(tap).type('application/fhir+ndjson');
      },
    });
  });
});

after(async () => {
  await mock.stop();
  journal.close();
});

async function journaled(url: string): Promise<ExchangeEntry> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const entry = journal.all().find((x) => x.url?.endsWith(url));
    if (entry) return entry;
    if (Date.now() > deadline) throw new Error(`no journal entry for ${url} within 5 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a streamed answer of a mock is on the record byte for byte, read back as a stream', async () => {
  const answer = await fetch(`${mock.url}/lines/2000`);
  const received = await answer.text();
  assert.equal(received, expected(2000));
  const entry = await journaled('/lines/2000');
  assert.equal(entry.status, 200);
  assert.equal(entry.response?.spilled?.bytes, Buffer.byteLength(received));
  assert.equal(entry.response?.spilled?.sha256, createHash('sha256').update(received).digest('hex'));
  assert.equal(await text(bodyStream(entry.response)), received);
  // Small enough to read back as text too.
  assert.equal(entry.response?.body, received);
});

test('a streamed body larger than the text limit reads back through `body` as its summary only', async () => {
  const count = Math.ceil(STREAMED_BODY_TEXT_LIMIT / 100) + 100;
  const answer = await fetch(`${mock.url}/lines/${count}`);
  const bytes = (await answer.arrayBuffer()).byteLength;
  const entry = await journaled(`/lines/${count}`);
  assert.ok(bytes > STREAMED_BODY_TEXT_LIMIT);
  assert.match(String(entry.response?.body), new RegExp(`^\\[streamed body of ${bytes} bytes, sha256 [0-9a-f]{64}`));
  let streamed = 0;
  for await (const chunk of bodyStream(entry.response)) streamed += (chunk as Buffer).length;
  assert.equal(streamed, bytes);
});

test("Sello's streaming client reads the body while the journal keeps the same bytes", async () => {
  const clientJournal = new ExchangeJournal();
  try {
    const answer = await sendHttpStreaming(clientJournal, { method: 'GET', url: `${mock.url}/lines/500`, from: 'sello', to: 'SOURCE' }, async ({ status, body }) => {
      assert.equal(status, 200);
      let newlines = 0;
      for await (const chunk of body) for (const byte of chunk as Buffer) if (byte === 10) newlines++;
      return newlines;
    });
    assert.equal(answer.read, 500);
    assert.equal(answer.exchange.observedBy, 'client');
    assert.equal(answer.headers['content-type'], 'application/fhir+ndjson');
    assert.equal(await text(bodyStream(answer.exchange.response)), expected(500));
  } finally {
    clientJournal.close();
  }
});

test('a reader that stops early still leaves the whole body on the record', async () => {
  const clientJournal = new ExchangeJournal();
  try {
    const answer = await sendHttpStreaming(clientJournal, { method: 'GET', url: `${mock.url}/lines/300`, from: 'sello', to: 'SOURCE' }, async ({ body }) => {
      for await (const chunk of body) return (chunk as Buffer).length > 0;
      return false;
    });
    assert.equal(answer.read, true);
    assert.equal(answer.exchange.response?.spilled?.bytes, Buffer.byteLength(expected(300)));
  } finally {
    clientJournal.close();
  }
});

test('a stand-in answering with a stimulus journals it under the party it names, other answers under its own', async () => {
  const own = new ExchangeJournal();
  const standIn = await startMockServer({ name: 'IMSS', journal: own, answeringParty: (r) => (r.query.estimulo ? 'sello (imss-ece)' : undefined) }, async (server: Hapi.Server) => {
    server.route({ method: 'GET', path: '/x', handler: () => ({ ok: true }) });
  });
  try {
    await fetch(`${standIn.url}/x`);
    await fetch(`${standIn.url}/x?estimulo=1`);
    assert.deepEqual(
      own.all().map((x) => x.to),
      ['IMSS', 'sello (imss-ece)'],
    );
  } finally {
    await standIn.stop();
    own.close();
  }
});

test('a body too large for the evidence is named there by its size and sha256, a small one is whole', async () => {
  const { exchangeEvidence, EVIDENCE_BODY_BYTES } = await import('../../src/journal/evidence.ts');
  const own = new ExchangeJournal();
  try {
    const big = 'x'.repeat(EVIDENCE_BODY_BYTES + 10);
    const entry = own.record({ protocol: 'http', from: 'sello', to: 'IMSS', startedAt: '', finishedAt: '', request: { headers: {}, body: big }, response: { headers: {}, body: { ok: true } } });
    // The spilled body is not read back to be replaced: reading it would throw here.
    const spilled = entry.request!;
    const read = Object.getOwnPropertyDescriptor(spilled, 'body');
    Object.defineProperty(spilled, 'body', { get: () => assert.fail('the evidence read the spilled body back'), enumerable: true, configurable: true });
    const evidence = JSON.parse(exchangeEvidence(entry)) as { request: { body: string; headers: object }; response: { body: unknown } };
    if (read) Object.defineProperty(spilled, 'body', read);
    assert.match(evidence.request.body, new RegExp(`^\\[body of ${EVIDENCE_BODY_BYTES + 10} bytes, sha256 ${createHash('sha256').update(big).digest('hex')}`));
    assert.deepEqual(evidence.request.headers, {});
    assert.deepEqual(evidence.response.body, { ok: true });
  } finally {
    own.close();
  }
});
