import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { journaledText, journaledValue, textBodyMessage } from '../../src/journal/text-body.ts';

const entry = (request: ReturnType<typeof textBodyMessage>) => ({
  protocol: 'http' as const,
  from: 'peer',
  to: 'MOCK',
  startedAt: '2025-06-15T10:00:00.000Z',
  finishedAt: '2025-06-15T10:00:00.010Z',
  request,
});

test('a body journaled as text reads back as the value it was, and serialises as that value', () => {
  const value = { acuse: { estatus: 'ACEPTADO', errores: [] }, beneficiario: { curp: 'X', n: 1 } };
  const message = textBodyMessage({ headers: {} }, journaledValue(value)!);
  assert.deepEqual(message.body, value);
  assert.equal(message.body, message.body, 'parsed once: a reader sees the same object each time');
  assert.deepEqual(JSON.parse(JSON.stringify(message)), { headers: {}, body: value });
  assert.deepEqual({ ...message }.body, value);
});

test('text journaled as a JSON candidate reads back parsed when it parses, as text when not; XML stays text', () => {
  assert.deepEqual(textBodyMessage({ headers: {} }, journaledText('{"a":[1,2]}', true)).body, { a: [1, 2] });
  assert.equal(textBodyMessage({ headers: {} }, journaledText('{not json', true)).body, '{not json');
  assert.equal(textBodyMessage({ headers: {} }, journaledText('<a>1</a>', true)).body, '<a>1</a>');
  // A handler's string answer is the string, even when it looks like JSON.
  assert.equal(textBodyMessage({ headers: {} }, journaledText('{"a":1}', false)).body, '{"a":1}');
});

test('secrets are redacted on the way in, in JSON text, in values, in forms and behind escapes', () => {
  const parsed = (text: string) => textBodyMessage({ headers: {} }, journaledText(text, true)).body;
  assert.deepEqual(parsed('{"client_secret":"s3cr3t","x":1}'), { client_secret: '[redacted]', x: 1 });
  assert.deepEqual(parsed('{"client\\u005fsecret":"s3cr3t"}'), { client_secret: '[redacted]' });
  assert.equal(parsed('grant_type=client_credentials&client_secret=s3cr3t'), 'grant_type=client_credentials&client_secret=[redacted]');
  const value = textBodyMessage({ headers: {} }, journaledValue({ access_token: 'abc', nested: [{ password: 'p' }] })!).body;
  assert.deepEqual(value, { access_token: '[redacted]', nested: [{ password: '[redacted]' }] });
});

test('the journal measures a text body as its text and spills it whole past the threshold', () => {
  const journal = new ExchangeJournal({ spillThresholdBytes: 100 });
  const small = journal.record(entry(textBodyMessage({ headers: {} }, journaledValue({ a: 'x'.repeat(10) })!)));
  const large = journal.record(entry(textBodyMessage({ headers: {} }, journaledValue({ a: 'y'.repeat(500) })!)));
  assert.equal(small.request.spilled, undefined);
  assert.equal(journal.stats.bodyBytesInMemory, JSON.stringify({ a: 'x'.repeat(10) }).length);
  assert.ok(large.request.spilled, 'the large one went to the spill file');
  assert.deepEqual(large.request.body, { a: 'y'.repeat(500) });
  journal.close();
});
