import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Boom from '@hapi/boom';
import type Hapi from '@hapi/hapi';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { type ErrorShape, escapeXml, fhirOperationOutcome, jsonError, soapFault } from '../../src/mock/error-shape.ts';
import { type MockServer, startMockServer } from '../../src/mock/mock-server.ts';

const journal = new ExchangeJournal();

/** One server per shape, each with a JSON route (hapi parses its body), an XML route that refuses a bad envelope, and a crash. */
const routes = async (server: Hapi.Server): Promise<void> => {
  server.route({ method: 'POST', path: '/json', handler: (request) => ({ got: request.payload }) });
  server.route({
    method: 'POST',
    path: '/soap',
    options: { payload: { parse: false, allow: ['text/xml', 'application/soap+xml'] } },
    handler: (request) => {
      const text = String(request.payload);
      if (!/<(\w+:)?Envelope[\s>]/.test(text)) throw Boom.badRequest('the body is not a SOAP envelope <Envelope> & friends');
      return 'ok';
    },
  });
  server.route({
    method: 'GET',
    path: '/crash',
    handler: () => {
      throw new Error('secret stack detail');
    },
  });
};

const servers: Record<string, MockServer> = {};
const shapes: Record<string, ErrorShape | undefined> = {
  default: undefined,
  json: jsonError((status, message) => ({ fault: `${status} ${message}` })),
  fhir: fhirOperationOutcome(),
  soap11: soapFault('1.1'),
  soap12: soapFault('1.2', { lang: 'ru', detail: (status) => `<code>E${status}</code>` }),
};

before(async () => {
  for (const [name, shape] of Object.entries(shapes)) {
    servers[name] = await startMockServer({ name, journal, ...(shape ? { errorShape: shape } : {}) }, routes);
  }
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

const malformedJson = (name: string) => fetch(`${servers[name]!.url}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken": ' });
const unknownRoute = (name: string) => fetch(`${servers[name]!.url}/nowhere`);

test('by default an error is a JSON body, on a malformed body as on an unknown route', async () => {
  const bad = await malformedJson('default');
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await bad.json()) as { error: { status: number; message: string } };
  assert.equal(body.error.status, 400);
  assert.match(body.error.message, /JSON/i);
  const missing = await unknownRoute('default');
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: { status: 404, message: 'Not Found' } });
});

test("a program's own JSON body replaces the default one", async () => {
  const missing = await unknownRoute('json');
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type') ?? '', /^application\/json; charset=utf-8$/);
  assert.deepEqual(await missing.json(), { fault: '404 Not Found' });
});

test('the FHIR shape answers an OperationOutcome as application/fhir+json, its issue code from the status', async () => {
  const bad = await malformedJson('fhir');
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  const outcome = (await bad.json()) as { resourceType: string; issue: { severity: string; code: string; diagnostics: string }[] };
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.deepEqual([outcome.issue[0]!.severity, outcome.issue[0]!.code], ['error', 'invalid']);
  const missing = await unknownRoute('fhir');
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { issue: { code: string }[] }).issue[0]!.code, 'not-found');
  const crash = await fetch(`${servers.fhir!.url}/crash`);
  assert.equal(crash.status, 500);
  const text = await crash.text();
  assert.match(text, /"code":"exception"/);
  assert.doesNotMatch(text, /secret stack detail/);
});

test('the SOAP 1.1 shape answers a Fault as text/xml with HTTP 500 (WS-I BP R1126): Client for bad input, Server for a crash', async () => {
  const bad = await fetch(`${servers.soap11!.url}/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: '<notSoap/>' });
  assert.equal(bad.status, 500);
  assert.equal(bad.headers.get('content-type'), 'text/xml; charset=utf-8');
  const fault = await bad.text();
  assert.match(fault, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<soap:Envelope xmlns:soap="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"><soap:Body><soap:Fault>/);
  assert.match(fault, /<faultcode>soap:Client<\/faultcode>/);
  // The message is escaped: a fault that is not well-formed XML is no fault at all.
  assert.match(fault, /<faultstring xml:lang="en">the body is not a SOAP envelope &lt;Envelope&gt; &amp; friends<\/faultstring>/);
  const missing = await unknownRoute('soap11');
  assert.equal(missing.status, 500);
  assert.match(await missing.text(), /<faultcode>soap:Client<\/faultcode><faultstring xml:lang="en">Not Found<\/faultstring>/);
  const crash = await fetch(`${servers.soap11!.url}/crash`);
  assert.equal(crash.status, 500);
  const crashed = await crash.text();
  assert.match(crashed, /<faultcode>soap:Server<\/faultcode>/);
  assert.doesNotMatch(crashed, /secret stack detail/);
});

test('the SOAP 1.2 shape answers a Fault as application/soap+xml, Sender with the 4xx kept, Receiver with 500, detail and language as given', async () => {
  const bad = await fetch(`${servers.soap12!.url}/soap`, { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, body: 'garbage' });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('content-type'), 'application/soap+xml; charset=utf-8');
  const fault = await bad.text();
  assert.match(fault, /<env:Envelope xmlns:env="http:\/\/www.w3.org\/2003\/05\/soap-envelope"><env:Body><env:Fault>/);
  assert.match(fault, /<env:Code><env:Value>env:Sender<\/env:Value><\/env:Code><env:Reason><env:Text xml:lang="ru">the body is not a SOAP envelope/);
  assert.match(fault, /<env:Detail><code>E400<\/code><\/env:Detail>/);
  // A media type the route does not take is hapi's own 415, in the same shape.
  const wrongType = await fetch(`${servers.soap12!.url}/soap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(wrongType.status, 415);
  assert.match(await wrongType.text(), /env:Sender/);
  const missing = await unknownRoute('soap12');
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /<env:Text xml:lang="ru">Not Found<\/env:Text>/);
  const crash = await fetch(`${servers.soap12!.url}/crash`);
  assert.equal(crash.status, 500);
  assert.match(await crash.text(), /env:Receiver/);
});

test('the journal keeps what each shape sent', () => {
  const soap = journal.all().find((e) => e.to === 'soap11' && e.url?.endsWith('/nowhere'));
  assert.ok(soap, 'the unknown route of the SOAP 1.1 server is journaled');
  assert.equal(soap.status, 500);
  assert.match(String(soap.response?.body), /<soap:Fault>/);
});

test('escapeXml escapes the five XML specials and nothing else', () => {
  assert.equal(escapeXml(`a<b>&"c'é`), 'a&lt;b&gt;&amp;&quot;c&apos;é');
});
