import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';
import { registerTokenEndpoint, TOKEN_PATH, TokenAuthority } from '../../src/mock/oauth.ts';

const IMSS = { clientId: 'imss-client', clientSecret: 'imss-s3cret-value', party: 'IMSS' };
// RFC 6749 §2.3.1: Basic credentials are form-urlencoded first, so reserved characters must survive the trip.
const ODD = { clientId: 'odd client', clientSecret: 'p@ss:w/rd+100%', party: 'SSA' };

const journal = new ExchangeJournal();
const authority = new TokenAuthority([IMSS, ODD]);
let mock: MockServer;

before(async () => {
  mock = await startMockServer({ name: 'AUTH', journal, errorBody: (status, message) => ({ protocolError: { status, message } }) }, async (server) => {
    registerTokenEndpoint(server, authority);
  });
});
after(() => mock.stop());

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function requestToken(init: { body?: string; contentType?: string; authorization?: string }): Promise<TokenAnswer> {
  const headers: Record<string, string> = {};
  if (init.contentType) headers['content-type'] = init.contentType;
  if (init.authorization) headers.authorization = init.authorization;
  const response = await fetch(`${mock.url}${TOKEN_PATH}`, { method: 'POST', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const form = (fields: Record<string, string>) => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function assertIssued(answer: TokenAnswer, party: string): string {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.token_type, 'Bearer');
  assert.equal(answer.body.expires_in, 3600);
  assert.equal(answer.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1: token responses are not cached');
  const token = answer.body.access_token;
  assert.equal(typeof token, 'string');
  assert.deepEqual(authority.verify(`Bearer ${token as string}`), { ok: true, party });
  return token as string;
}

test('client credentials in a form body get a bearer token for the client party', async () => {
  assertIssued(await requestToken(form({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: IMSS.clientSecret })), 'IMSS');
});

test('client credentials in a JSON body get a bearer token', async () => {
  const answer = await requestToken({
    contentType: 'application/json',
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: IMSS.clientSecret }),
  });
  assertIssued(answer, 'IMSS');
});

test('HTTP Basic client authentication gets a bearer token, with form-urlencoded id and secret decoded', async () => {
  assertIssued(await requestToken({ ...form({ grant_type: 'client_credentials' }), authorization: basic(IMSS.clientId, IMSS.clientSecret) }), 'IMSS');
  const encoded = basic(encodeURIComponent(ODD.clientId), encodeURIComponent(ODD.clientSecret));
  assertIssued(await requestToken({ ...form({ grant_type: 'client_credentials' }), authorization: encoded }), 'SSA');
});

test('every grant issues a different token', async () => {
  const credentials = form({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: IMSS.clientSecret });
  const first = assertIssued(await requestToken(credentials), 'IMSS');
  const second = assertIssued(await requestToken(credentials), 'IMSS');
  assert.notEqual(first, second);
});

test('a wrong secret or an unknown client is 401 invalid_client, in the body and with Basic', async () => {
  const cases: TokenAnswer[] = [
    await requestToken(form({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: 'wrong' })),
    // Same length as the real secret: the comparison must not only look at lengths.
    await requestToken(form({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: 'imss-s3cret-valuX' })),
    await requestToken(form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: IMSS.clientSecret })),
    await requestToken({ ...form({ grant_type: 'client_credentials' }), authorization: basic(IMSS.clientId, 'wrong') }),
  ];
  for (const answer of cases) {
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'invalid_client');
    assert.equal(answer.body.access_token, undefined);
  }
});

test('a grant other than client_credentials is 400 unsupported_grant_type', async () => {
  for (const grant of ['password', 'authorization_code', '']) {
    const answer = await requestToken(form({ grant_type: grant, client_id: IMSS.clientId, client_secret: IMSS.clientSecret }));
    assert.equal(answer.status, 400, grant);
    assert.equal(answer.body.error, 'unsupported_grant_type');
  }
});

test('a grant without client credentials is 400 invalid_request', async () => {
  const answer = await requestToken(form({ grant_type: 'client_credentials', client_id: IMSS.clientId }));
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error, 'invalid_request');
});

test('the server journal of a token exchange carries neither the secret nor the token', async () => {
  const mark = journal.mark();
  const token = assertIssued(await requestToken(form({ grant_type: 'client_credentials', client_id: IMSS.clientId, client_secret: IMSS.clientSecret })), 'IMSS');
  const entries = journal.since(mark);
  assert.equal(entries.length, 1);
  const text = JSON.stringify(entries);
  assert.ok(!text.includes(IMSS.clientSecret), 'client_secret redacted');
  assert.ok(!text.includes(token), 'access_token redacted');
  assert.equal((entries[0]?.request.body as Record<string, unknown> | undefined)?.client_id, IMSS.clientId, 'non-secret fields are kept');
});

test('verify: missing, malformed and unknown tokens are refused with a reason', () => {
  assert.deepEqual(authority.verify(undefined), { ok: false, reason: 'missing bearer token' });
  assert.deepEqual(authority.verify(''), { ok: false, reason: 'missing bearer token' });
  for (const malformed of ['Bearer', 'Bearer ', 'Basic aW1zczpzZWNyZXQ=', 'Bearer two tokens', 'Token abc']) {
    assert.deepEqual(authority.verify(malformed), { ok: false, reason: 'authorization is not a bearer token' }, malformed);
  }
  assert.deepEqual(authority.verify('Bearer never-issued-token'), { ok: false, reason: 'unknown token' });
});

test('verify: an issued token is accepted whatever the case of the scheme, and expires after an hour', (t) => {
  const issued = authority.issue(IMSS.clientId, IMSS.clientSecret);
  assert.ok(issued);
  assert.deepEqual(authority.verify(`bearer ${issued.access_token}`), { ok: true, party: 'IMSS' });
  const now = Date.now();
  t.mock.method(Date, 'now', () => now + 3601 * 1000);
  assert.deepEqual(authority.verify(`Bearer ${issued.access_token}`), { ok: false, reason: 'expired token' });
});

test('issue() refuses a wrong secret without throwing, whatever its length', () => {
  assert.equal(authority.issue(IMSS.clientId, ''), undefined);
  assert.equal(authority.issue(IMSS.clientId, 'x'.repeat(1000)), undefined);
  assert.equal(authority.issue('unknown', IMSS.clientSecret), undefined);
});

test('a Basic header whose credentials are not valid percent-encoding is a client error, not a 500', async () => {
  const answer = await requestToken({ ...form({ grant_type: 'client_credentials' }), authorization: basic(IMSS.clientId, '100%') });
  assert.ok(answer.status === 400 || answer.status === 401, `status ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.ok(answer.body.error === 'invalid_client' || answer.body.error === 'invalid_request');
});

test('a 401 to a client that authenticated with Basic carries WWW-Authenticate (RFC 6749 §5.2 MUST)', async () => {
  const answer = await requestToken({ ...form({ grant_type: 'client_credentials' }), authorization: basic(IMSS.clientId, 'wrong') });
  assert.equal(answer.status, 401);
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic\b/i);
});

test('Basic credentials encoded with the form-urlencoded algorithm (space as "+") are decoded as RFC 6749 §2.3.1 says', async () => {
  const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  assert.equal(formEncode(ODD.clientId), 'odd+client');
  const answer = await requestToken({
    ...form({ grant_type: 'client_credentials' }),
    authorization: basic(formEncode(ODD.clientId), formEncode(ODD.clientSecret)),
  });
  assertIssued(answer, 'SSA');
});

test('a token outlives the mock that issued it: a new authority with the same clients (the next run) honours it', () => {
  const issued = new TokenAuthority([IMSS], 'SSA').issue(IMSS.clientId, IMSS.clientSecret);
  assert.ok(issued);
  assert.deepEqual(new TokenAuthority([IMSS], 'SSA').verify(`Bearer ${issued.access_token}`), { ok: true, party: 'IMSS' });
  // Another issuer, another secret for the same client, or a forged party: not this authority's token.
  assert.deepEqual(new TokenAuthority([IMSS], 'ISSSTE').verify(`Bearer ${issued.access_token}`), { ok: false, reason: 'unknown token' });
  assert.deepEqual(new TokenAuthority([{ ...IMSS, clientSecret: 'rotated' }], 'SSA').verify(`Bearer ${issued.access_token}`), { ok: false, reason: 'unknown token' });
  const [id, , expiry, mac] = issued.access_token.split('.');
  const forged = [id, Buffer.from('SSA').toString('base64url'), expiry, mac].join('.');
  assert.deepEqual(new TokenAuthority([IMSS], 'SSA').verify(`Bearer ${forged}`), { ok: false, reason: 'unknown token' });
});
