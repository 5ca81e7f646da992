import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Hapi from '@hapi/hapi';
import { isoTime } from '../../src/journal/iso-time.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { journaledText } from '../../src/journal/text-body.ts';
import { jsonTextResponse, startMockServer } from '../../src/mock/mock-server.ts';

test('an answer sent as JSON text goes out as those bytes and is journaled as the JSON value, like an object answer', async () => {
  const journal = new ExchangeJournal();
  const value = { resourceType: 'Patient', id: '1', name: [{ family: 'Pérez' }], meta: { versionId: '2' } };
  const mock = await startMockServer({ name: 'MOCK', journal }, async (server: Hapi.Server) => {
    server.route({ method: 'GET', path: '/text', handler: (_r, h) => jsonTextResponse(h, JSON.stringify(value), 'application/fhir+json').header('etag', 'W/"2"') });
    server.route({ method: 'GET', path: '/object', handler: (_r, h) => h.response(value).type('application/fhir+json').header('etag', 'W/"2"') });
    server.route({ method: 'GET', path: '/plain', handler: (_r, h) => h.response('{"a":1}').type('application/json') });
  });
  try {
    const asText = await fetch(`${mock.url}/text`, { headers: { 'x-message-id': 'm-text' } });
    const asObject = await fetch(`${mock.url}/object`, { headers: { 'x-message-id': 'm-object' } });
    await fetch(`${mock.url}/plain`);
    assert.equal(await asText.text(), await asObject.text());
    assert.equal(asText.headers.get('content-type'), asObject.headers.get('content-type'));
    assert.equal(asText.headers.get('etag'), 'W/"2"');
    const [text, object, plain] = journal.all();
    assert.deepEqual(text!.response!.body, value);
    assert.deepEqual(JSON.parse(JSON.stringify(text!.response)), JSON.parse(JSON.stringify(object!.response)));
    assert.equal(text!.messageId, 'm-text');
    // A handler's own string answer still reads back as the string it was.
    assert.equal(plain!.response!.body, '{"a":1}');
  } finally {
    await mock.stop();
    journal.close();
  }
});

test('entry timestamps: each millisecond formatted as toISOString does, whatever order they come in', () => {
  const base = Date.UTC(2026, 11, 6, 1, 2, 3, 4);
  for (const ms of [base, base + 1, base, base + 1, base + 7, base, base + 1000]) assert.equal(isoTime(ms), new Date(ms).toISOString());
});

test('JSON text kept as it is up to the redaction depth, and cut past it however few other brackets it has', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  assert.deepEqual(journaledText(nested(64), true), { text: nested(64), kind: 'json' });
  const deep = journaledText(nested(65), true);
  assert.equal(deep.kind, 'json');
  assert.notEqual(deep.text, nested(65), 'past 64 levels the redaction walk cuts it');
  // Many brackets side by side are not depth: kept as they are.
  const wide = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i })));
  assert.deepEqual(journaledText(wide, true), { text: wide, kind: 'json' });
});
