import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { judgeSihceAck } from '../../programs/pe-ris/judges/wire.ts';
import { RisClient } from '../../programs/pe-ris/lib/ris-client.ts';
import type { RisEndpoints } from '../../programs/pe-ris/reference/deployment.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { isInfrastructureError } from '../../src/transport/infrastructure-error.ts';
import { FRAMING_ERROR_HEADER, MllpUnreachableError, sendV2 } from '../../src/transport/mllp-client.ts';

const MESSAGE = 'MSH|^~\\&|SELLO-ENGINE|DIRESA-CAJ|SIHCE|DIRESA-CAJ|20250314093000-0500||ADT^A04^ADT_A01|MSG0001|P|2.5|||||PER|UNICODE UTF-8\r';
const ACK = 'MSH|^~\\&|SIHCE|DIRESA-CAJ|SELLO-ENGINE|DIRESA-CAJ|20250314093001-0500||ACK^A04^ACK|ACK0001|P|2.5||||||UNICODE UTF-8\rMSA|AA|MSG0001\r';

/** A listener that answers every frame with `reply` bytes (a SIHCE with a framing slip), or closes at once. */
async function server(reply: Buffer | 'close'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((socket) => {
    sockets.add(socket);
    if (reply === 'close') return void socket.destroy();
    socket.once('data', () => socket.write(reply));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const x of sockets) x.destroy();
        s.close(() => resolve());
      }),
  };
}

const freePort = async (): Promise<number> => {
  const s = await server('close');
  await s.close();
  return s.port;
};

test('an ACK that ends with FS and no CR is read, and judged a framing defect of its sender (RIS-V2-03)', async () => {
  const sihce = await server(Buffer.concat([Buffer.from([0x0b]), Buffer.from(ACK), Buffer.from([0x1c])]));
  try {
    const journal = new ExchangeJournal();
    const started = Date.now();
    const reply = await sendV2(journal, { to: { host: '127.0.0.1', port: sihce.port }, from: 'engine', toParty: 'SIHCE', message: MESSAGE, timeoutMs: 5000 });
    assert.ok(reply.ok, 'the reply is read, not a transport failure');
    assert.ok(Date.now() - started < 2000, 'no wait for the whole reply timeout');
    const [x] = journal.since(0);
    assert.ok(x?.response?.headers[FRAMING_ERROR_HEADER]);
    assert.deepEqual(
      judgeSihceAck(x).map((f) => [f.ruleId, f.role]),
      [['RIS-V2-03', 'sihce']],
    );
  } finally {
    await sihce.close();
  }
});

test('a well-framed ACK is no framing finding', async () => {
  const sihce = await server(Buffer.concat([Buffer.from([0x0b]), Buffer.from(ACK), Buffer.from([0x1c, 0x0d])]));
  try {
    const journal = new ExchangeJournal();
    await sendV2(journal, { to: { host: '127.0.0.1', port: sihce.port }, from: 'engine', toParty: 'SIHCE', message: MESSAGE, timeoutMs: 5000 });
    assert.deepEqual(judgeSihceAck(journal.since(0)[0]!), []);
  } finally {
    await sihce.close();
  }
});

test("Sello's MLLP send to a listener that is not there is retried once, on the record, then an InfrastructureError", async () => {
  const port = await freePort();
  const journal = new ExchangeJournal();
  const endpoints = { sihce: { fhirBaseUrl: 'http://127.0.0.1:9/fhir', mllp: { host: '127.0.0.1', port }, kind: 'external' } } as unknown as RisEndpoints;
  const client = new RisClient(journal, endpoints, 2000);
  const error = await client.mllp({ message: MESSAGE }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof MllpUnreachableError && isInfrastructureError(error), String(error));
  const attempts = journal.since(0);
  assert.equal(attempts.length, 2);
  assert.equal(attempts[1]!.retryOf, attempts[0]!.id);
  assert.equal(error.exchangeId, attempts[1]!.id);
});
