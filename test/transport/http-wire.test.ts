import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import Hapi from '@hapi/hapi';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { sendHttp } from '../../src/transport/http-client.ts';

/*
 * The client records what was on the wire, against real sockets: a redirect is an answer, repeated header lines stay
 * separate and in order, and the caller gets the journal entry of the exchange it caused.
 */

let server: Server;
let base: string;
let hits: string[] = [];
let acceptEncoding: string | undefined;

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    acceptEncoding = req.headers['accept-encoding'];
    switch (req.url) {
      case '/moved':
        res.writeHead(302, { location: '/landing', 'content-type': 'text/plain' });
        res.end('see /landing');
        return;
      case '/landing':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"landed":true}');
        return;
      case '/repeated':
        // Raw lines, so the order and the repeats are exactly what the test expects on the wire.
        res.writeHead(200, [
          'Set-Cookie',
          'a=first-c00kie; Path=/',
          'Warning',
          '199 - "first"',
          'Content-Type',
          'application/json',
          'Set-Cookie',
          'b=second-c00kie; Path=/',
          'Link',
          '</p/1>; rel="next"',
          'Warning',
          '199 - "second"',
          'Link',
          '</p/0>; rel="prev"',
        ]);
        res.end('{}');
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync('{"zipped":true}'));
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

test('a 302 from node:http is returned and journaled as the 302 it is, against the URL that answered it, not followed', async () => {
  hits = [];
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, { method: 'GET', url: `${base}/moved`, from: 'sello', to: 'SUT' });
  assert.equal(response.status, 302);
  assert.equal(response.headers.location, '/landing');
  assert.equal(response.text, 'see /landing');
  assert.deepEqual(hits, ['/moved'], 'the Location was not requested');
  const entries = journal.all();
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.status, 302);
  assert.equal(entries[0]?.url, `${base}/moved`);
  assert.equal(entries[0]?.response?.headers.location, '/landing');
});

test('a 302 from a hapi server is returned and journaled as 302 with its Location', async () => {
  const hapi = Hapi.server({ host: '127.0.0.1', port: 0 });
  hapi.route({ method: 'POST', path: '/old', handler: (_request, h) => h.redirect('/new').code(302) });
  hapi.route({ method: '*', path: '/new', handler: () => ({ followed: true }) });
  await hapi.start();
  try {
    const journal = new ExchangeJournal();
    const url = `${hapi.info.uri}/old`;
    const response = await sendHttp(journal, { method: 'POST', url, body: { curp: 'X' }, from: 'sello', to: 'SUT' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.location, '/new');
    assert.equal(response.json, undefined, 'the body is the redirect, not the followed answer');
    const [entry, ...rest] = journal.all();
    assert.equal(rest.length, 0);
    assert.equal(entry?.status, 302);
    assert.equal(entry?.url, url);
    assert.equal(entry?.method, 'POST');
    assert.equal(entry?.response?.headers.location, '/new');
  } finally {
    await hapi.stop();
  }
});

test('repeated headers are all kept, in wire order: raw lines to the caller and (redacted) to the journal', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, { method: 'GET', url: `${base}/repeated`, from: 'sello', to: 'SUT' });
  assert.equal(response.status, 200);
  const lines = response.rawHeaders.filter(([name]) => /^(set-cookie|warning|link)$/i.test(name));
  assert.deepEqual(lines, [
    ['Set-Cookie', 'a=first-c00kie; Path=/'],
    ['Warning', '199 - "first"'],
    ['Set-Cookie', 'b=second-c00kie; Path=/'],
    ['Link', '</p/1>; rel="next"'],
    ['Warning', '199 - "second"'],
    ['Link', '</p/0>; rel="prev"'],
  ]);
  assert.equal(response.headers.warning, '199 - "first", 199 - "second"', 'the lookup map joins repeats in order');
  assert.equal(response.headers.link, '</p/1>; rel="next", </p/0>; rel="prev"');

  const entry = journal.all()[0];
  assert.deepEqual(
    entry?.response?.rawHeaders?.filter(([name]) => /^(set-cookie|warning|link)$/i.test(name)),
    [
      ['Set-Cookie', '[redacted]'],
      ['Warning', '199 - "first"'],
      ['Set-Cookie', '[redacted]'],
      ['Link', '</p/1>; rel="next"'],
      ['Warning', '199 - "second"'],
      ['Link', '</p/0>; rel="prev"'],
    ],
  );
  assert.equal(entry?.response?.headers.warning, '199 - "first", 199 - "second"');
  assert.equal(entry?.response?.headers.link, '</p/1>; rel="next", </p/0>; rel="prev"');
  assert.ok(!JSON.stringify(entry).includes('c00kie'), 'cookies stay secret in every shape');
});

test('the caller gets the very journal entry of the exchange it caused', async () => {
  const journal = new ExchangeJournal();
  await sendHttp(journal, { method: 'GET', url: `${base}/landing`, from: 'sello', to: 'SUT' });
  const response = await sendHttp(journal, { method: 'GET', url: `${base}/moved`, from: 'sello', to: 'SUT', messageId: 'mid-x' });
  const entries = journal.all();
  assert.equal(entries.length, 2);
  assert.equal(response.exchange, entries[1], 'the same object the journal holds');
  assert.equal(response.exchange.messageId, 'mid-x');
  assert.equal(response.exchange.status, 302);
});

test('a body the server compressed unasked is decoded; the request carries no Accept-Encoding it did not journal', async () => {
  const journal = new ExchangeJournal();
  const response = await sendHttp(journal, { method: 'GET', url: `${base}/gzip`, from: 'sello', to: 'SUT' });
  assert.deepEqual(response.json, { zipped: true });
  assert.equal(response.headers['content-encoding'], 'gzip');
  assert.equal(acceptEncoding, undefined, 'what the server saw');
  assert.equal(journal.all()[0]?.request.headers['accept-encoding'], undefined);
});
