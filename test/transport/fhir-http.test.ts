import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { fhirRequest } from '../../src/transport/fhir-http.ts';

const seen: { url: string | undefined; accept: string | undefined; type: string | undefined; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ url: req.url, accept: req.headers.accept, type: req.headers['content-type'], body });
    res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType":"Patient","id":"1"}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/fhir/`;
after(() => server.close());

test('a path is joined to the base with one slash; a body is sent as FHIR JSON, a string verbatim; the exchange is journaled', async () => {
  const journal = new ExchangeJournal();
  const read = await fhirRequest(journal, { method: 'GET', base, path: '/Patient/1', from: 'A', to: 'B' });
  assert.deepEqual(read.json, { resourceType: 'Patient', id: '1' });
  await fhirRequest(journal, { method: 'POST', base, path: 'Patient', body: { resourceType: 'Patient' }, from: 'A', to: 'B' });
  await fhirRequest(journal, { method: 'POST', base, path: `${base}Patient`, body: '{"broken', contentType: 'application/json', from: 'A', to: 'B' });
  assert.deepEqual(
    seen.map((s) => [s.url, s.accept, s.type]),
    [
      ['/fhir/Patient/1', 'application/fhir+json', undefined],
      ['/fhir/Patient', 'application/fhir+json', 'application/fhir+json'],
      ['/fhir/Patient', 'application/fhir+json', 'application/json'],
    ],
  );
  assert.deepEqual(JSON.parse(seen[1]!.body), { resourceType: 'Patient' });
  assert.equal(seen[2]!.body, '{"broken');
  assert.deepEqual(
    journal.all().map((e) => [e.method, e.from, e.to, e.status]),
    [
      ['GET', 'A', 'B', 200],
      ['POST', 'A', 'B', 200],
      ['POST', 'A', 'B', 200],
    ],
  );
});
