/**
 * imss-ece's streamed answers on the record (reference/streamed-answer.ts), and a receiver reading one it cannot read.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SYSTEM } from '../../programs/mx-ece/lib/contract.ts';
import { type EceDeployment, startEceDeployment } from '../../programs/mx-ece/reference/deployment.ts';
import { DEFAULT_SEED, seedScene } from '../../programs/mx-ece/reference/seed-scene.ts';
import { bodyStream } from '../../src/journal/body-tap.ts';
import type { ExchangeEntry } from '../../src/journal/exchange.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { freePorts } from '../../src/transport/free-port.ts';
import { sendHttpStreaming } from '../../src/transport/http-client.ts';

const scene = seedScene(DEFAULT_SEED, new Date());
const curp = scene.records[0]!.curp;
const headers = { 'x-institucion': 'ISSSTE', accept: 'application/fhir+json' };

async function sha256Of(x: ExchangeEntry): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of bodyStream(x.response)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('mx-ece reference: streamed answers', () => {
  const journal = new ExchangeJournal();
  let d: EceDeployment;
  let url: string;
  before(async () => {
    const [a, b, c, e] = await freePorts(4);
    d = await startEceDeployment({ journal, ports: { 'imss-ece': a!, issste: b!, 'imss-bienestar': c!, 'ssa-pgs': e! } });
    url = `${d.endpoints.fhirBaseUrl}/Patient/$everything?identifier=${encodeURIComponent(`${SYSTEM.curp}|${curp}`)}&consent=seed-0-issste`;
  });
  after(() => d.stop());
  const everything = () => journal.all().filter((x) => x.url?.includes('$everything'));

  it('copies a record asked for from outside this process to the record, byte for byte', async () => {
    const mark = journal.mark();
    const res = await fetch(url, { headers });
    const sent = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200);
    // The tap settles once its last byte is in the spill file, just after the client has the answer.
    for (let i = 0; i < 100 && !journal.since(mark).some((x) => x.observedBy === 'server' && x.url?.includes('$everything')); i++) await new Promise((r) => setTimeout(r, 20));
    const [served] = journal.since(mark).filter((x) => x.observedBy === 'server' && x.url?.includes('$everything'));
    assert.ok(served, 'the mock journaled the answer it streamed');
    assert.equal(served.response?.spilled?.bytes, sent.length);
    assert.equal(await sha256Of(served), createHash('sha256').update(sent).digest('hex'));
  });

  it("leaves the record of Sello's own client to that client: one entry, the bytes it read", async () => {
    const before = everything().length;
    const answer = await sendHttpStreaming(journal, { method: 'GET', url, headers, from: 'issste', to: 'imss-ece', timeoutMs: 10_000 }, async ({ body }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
    await new Promise((r) => setTimeout(r, 100));
    const added = everything().slice(before);
    assert.deepEqual(
      added.map((x) => x.observedBy),
      ['client'],
    );
    assert.equal(await sha256Of(added[0]!), createHash('sha256').update(answer.read).digest('hex'));
    assert.equal(JSON.parse(answer.read.toString('utf8')).type, 'document');
  });

  it('a receiver refuses a record it cannot read, naming why, instead of failing the command', async () => {
    const source = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end('{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Patient"');
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    try {
      const fuente = `http://127.0.0.1:${(source.address() as AddressInfo).port}/fhir`;
      const res = await fetch(`${d.endpoints.control.issste}/transferencias`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ curp, consentimiento: 'seed-0-issste', fuente }),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { estado: 'rechazado', regla: 'JSON-PARSE', recursos: {} });
    } finally {
      await new Promise((resolve) => source.close(resolve));
    }
  });
});
