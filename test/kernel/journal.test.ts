import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerLines, redactBody, redactHeaders, redactRawHeaders } from '../../src/journal/exchange.ts';
import { ExchangeJournal, type NewExchange } from '../../src/journal/journal.ts';

const exchange = (url: string): NewExchange => ({
  protocol: 'http',
  from: 'sello',
  to: 'IMSS',
  url,
  startedAt: '2025-06-15T10:00:00.000Z',
  finishedAt: '2025-06-15T10:00:00.010Z',
  request: { headers: {}, body: undefined },
});

test('record() gives each entry its own id; mark/since slice per scenario without clearing', () => {
  const journal = new ExchangeJournal();
  const a = journal.record(exchange('/a'));
  const mark = journal.mark();
  const b = journal.record(exchange('/b'));
  const c = journal.record(exchange('/c'));
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  assert.equal(new Set([a.id, b.id, c.id]).size, 3);
  assert.deepEqual(
    journal.since(mark).map((e) => e.url),
    ['/b', '/c'],
  );
  assert.deepEqual(
    journal.all().map((e) => e.url),
    ['/a', '/b', '/c'],
  );
  assert.deepEqual(journal.since(journal.mark()), []);
});

test('onRecord listeners see each entry once, and stop after unsubscribing', () => {
  const journal = new ExchangeJournal();
  const seen: string[] = [];
  const unsubscribe = journal.onRecord((entry) => seen.push(entry.url ?? ''));
  journal.record(exchange('/one'));
  unsubscribe();
  journal.record(exchange('/two'));
  assert.deepEqual(seen, ['/one']);
});

test('credential headers keep their scheme and lose their value; other headers are kept, names lower-cased', () => {
  const out = redactHeaders({
    Authorization: 'Bearer eyJhbGciOi.secret.sig',
    'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
    'X-Message-Id': 'abc',
    'Accept-Language': ['es-MX', 'en'],
    'x-absent': undefined,
  });
  assert.deepEqual(out, {
    authorization: 'Bearer [redacted]',
    'proxy-authorization': 'Basic [redacted]',
    'x-message-id': 'abc',
    'accept-language': 'es-MX, en',
  });
});

test('secret fields are redacted at any depth of a JSON body, others are kept', () => {
  const body = {
    client_id: 'imss',
    CLIENT_SECRET: 'cs-1',
    nested: { access_token: 'at-1', list: [{ password: 'pw-1', refresh_token: 'rt-1', keep: 'yes' }] },
  };
  assert.deepEqual(redactBody(body), {
    client_id: 'imss',
    CLIENT_SECRET: '[redacted]',
    nested: { access_token: '[redacted]', list: [{ password: '[redacted]', refresh_token: '[redacted]', keep: 'yes' }] },
  });
  assert.equal(body.nested.access_token, 'at-1', 'the input is not modified');
  assert.equal(redactBody(null), null);
  assert.equal(redactBody(42), 42);
  assert.equal(redactBody(undefined), undefined);
});

test('secret fields in a form-encoded body are redacted', () => {
  assert.equal(
    redactBody('grant_type=client_credentials&client_id=imss&client_secret=cs-1&password=pw-1'),
    'grant_type=client_credentials&client_id=imss&client_secret=[redacted]&password=[redacted]',
  );
  assert.equal(redactBody('access_token=at-1'), 'access_token=[redacted]');
});

test('a refresh_token in a form-encoded body is redacted like in a JSON body', () => {
  const out = redactBody('grant_type=refresh_token&refresh_token=rt-secret-1') as string;
  assert.ok(!out.includes('rt-secret-1'), out);
});

test('cookies, set-cookies and scheme-less credentials never reach the journal', () => {
  const out = redactHeaders({ cookie: 'sid=c00kie-1', 'set-cookie': 'sid=c00kie-2; Path=/; HttpOnly', authorization: 'raw-t0ken' });
  const text = JSON.stringify(out);
  for (const secret of ['c00kie-1', 'c00kie-2', 'raw-t0ken']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
});

test('redacting a deeply nested body does not overflow the stack', () => {
  const depth = 20_000;
  const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
  assert.doesNotThrow(() => redactBody(deep));
});

test('raw header lines keep names as spelled, order and repeats; only credential values are redacted', () => {
  const lines = headerLines(['Set-Cookie', 'a=1', 'Authorization', 'Bearer tok-1', 'Warning', '199 - "x"', 'set-cookie', 'b=2', 'Dangling']);
  assert.deepEqual(
    lines,
    [
      ['Set-Cookie', 'a=1'],
      ['Authorization', 'Bearer tok-1'],
      ['Warning', '199 - "x"'],
      ['set-cookie', 'b=2'],
    ],
    'a name without a value is not a line',
  );
  assert.deepEqual(redactRawHeaders(lines), [
    ['Set-Cookie', '[redacted]'],
    ['Authorization', 'Bearer [redacted]'],
    ['Warning', '199 - "x"'],
    ['set-cookie', '[redacted]'],
  ]);
  assert.equal(lines[1]?.[1], 'Bearer tok-1', 'the input is not modified');
});
