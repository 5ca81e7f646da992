import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactHeaders } from '../../src/journal/exchange.ts';
import { redactExchange } from '../../src/report/build-report.ts';
import type { ExchangeEntry } from '../../src/report/model.ts';

const headers = {
  Authorization: 'Bearer eyJ.secret.sig',
  'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
  Cookie: 'sid=c00kie',
  'Set-Cookie': 'sid=c00kie2',
  'X-Api-Key': 'k3y',
  'X-Auth-Token': 't0k',
  'X-Access-Token': 'acc3ss',
  apikey: 'k3y2',
  'X-Message-Id': 'abc',
  'Content-Type': 'application/json',
};

const entry = (h: Record<string, string>, url: string): ExchangeEntry => ({
  id: 'x1',
  protocol: 'http',
  from: 'sello',
  to: 'sut',
  url,
  startedAt: '',
  finishedAt: '',
  request: { headers: h, body: {} },
});

test('the journal and the report hide the same secrets the same way', () => {
  const journaled = redactHeaders(headers);
  const reported = redactExchange(entry(headers, 'https://sut.test/x')).request.headers;
  for (const [name, value] of Object.entries(headers)) {
    assert.equal(reported[name], journaled[name.toLowerCase()], name);
    if (!/message-id|content-type/i.test(name)) assert.ok(!reported[name]?.includes(value), `${name} leaked`);
  }
  assert.equal(reported.Authorization, 'Bearer [redacted]');
  assert.equal(reported['X-Message-Id'], 'abc');
  // Already journaled entries pass through unchanged: applying the policy twice changes nothing.
  assert.deepEqual(redactExchange(entry(journaled, 'https://sut.test/x')).request.headers, journaled);
});

test('credentials in a URL are redacted in the report: userinfo and secret query parameters', () => {
  const url = redactExchange(entry({}, 'https://user:pa55@sut.test/x?access_token=abc&page=2&apiKey=k')).url ?? '';
  for (const secret of ['user', 'pa55', 'abc', '=k']) assert.ok(!url.includes(secret), `${secret} in ${url}`);
  assert.match(url, /page=2/);
  assert.equal(redactExchange(entry({}, '/relative?token=x')).url, '/relative?token=x', 'a request line has no userinfo and is kept');
});
