import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { fetchClientToken } from '../../programs/mx-pgs/lib/client-token.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';

// A token endpoint written by someone else that accepts only what RFC 6749 §2.3.1 obliges: HTTP Basic client
// authentication. Sello must get a token from it without being told anything.
const CLIENT = { clientId: 'odd client', clientSecret: 'p@ss:w/rd+100%' };
const seen: { authorization?: string; body: string }[] = [];
let server: Server;
let tokenUrl: string;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
  });
}

function basicOnly(authorization: string | undefined): boolean {
  const match = authorization && /^Basic (\S+)$/.exec(authorization);
  if (!match?.[1]) return false;
  const [id, secret] = Buffer.from(match[1], 'base64')
    .toString('utf8')
    .split(':')
    .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
  return id === CLIENT.clientId && secret === CLIENT.clientSecret;
}

before(async () => {
  server = createServer(async (request, response) => {
    const body = await readBody(request);
    seen.push({ ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}), body });
    const form = new URLSearchParams(body);
    const bodyCredentials = form.get('client_id') === CLIENT.clientId && form.get('client_secret') === CLIENT.clientSecret;
    const accepted = request.url === '/basic-only' ? basicOnly(request.headers.authorization) : bodyCredentials;
    response.writeHead(accepted ? 200 : 401, { 'content-type': 'application/json' });
    response.end(JSON.stringify(accepted ? { access_token: 'tok', token_type: 'Bearer', expires_in: 60 } : { error: 'invalid_client' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  tokenUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('by default Sello authenticates with HTTP Basic (form-urlencoded id and secret) and sends no secret in the body', async () => {
  const token = await fetchClientToken(new ExchangeJournal(), { tokenUrl: `${tokenUrl}/basic-only`, ...CLIENT, from: 'sello:IMSS', to: 'IMSS' });
  assert.equal(token, 'tok');
  const last = seen.at(-1)!;
  assert.match(last.authorization ?? '', /^Basic /);
  assert.equal(new URLSearchParams(last.body).get('grant_type'), 'client_credentials');
  assert.equal(new URLSearchParams(last.body).get('client_secret'), null);
});

test('a target may choose credentials in the form body, for a token endpoint that only takes those', async () => {
  const token = await fetchClientToken(new ExchangeJournal(), { tokenUrl: `${tokenUrl}/body-only`, ...CLIENT, clientAuth: 'body', from: 'sello:IMSS', to: 'IMSS' });
  assert.equal(token, 'tok');
  assert.equal(seen.at(-1)!.authorization, undefined);
});

test('the journal keeps neither the Basic credentials nor the body secret', async () => {
  const journal = new ExchangeJournal();
  await fetchClientToken(journal, { tokenUrl: `${tokenUrl}/basic-only`, ...CLIENT, from: 'sello:IMSS', to: 'IMSS' });
  await fetchClientToken(journal, { tokenUrl: `${tokenUrl}/body-only`, ...CLIENT, clientAuth: 'body', from: 'sello:IMSS', to: 'IMSS' });
  const evidence = JSON.stringify(journal.since(0));
  assert.ok(!evidence.includes(CLIENT.clientSecret) && !evidence.includes(encodeURIComponent(CLIENT.clientSecret)), evidence);
  assert.ok(!evidence.includes(Buffer.from(`odd+client:`).toString('base64').slice(0, 8)), evidence);
});
