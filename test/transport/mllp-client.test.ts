import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { ackCode, FRAMING_ERROR_HEADER, sendV2, showBytes, v2Header } from '../../src/transport/mllp-client.ts';

const MESSAGE = 'MSH|^~\\&|APP-A|FAC|APP-B|FAC|20250314093000||ADT^A04^ADT_A01|MSG0001|P|2.5\r';
const ACK = 'MSH|^~\\&|APP-B|FAC|APP-A|FAC|20250314093001||ACK^A04^ACK|ACK0001|P|2.5\rMSA|AA|MSG0001\r';

/** A listener that answers the first frame with `reply` bytes. */
async function listener(reply: Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.write(reply));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    port: (s.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const x of sockets) x.destroy();
        s.close(() => resolve());
      }),
  };
}

test('one exchange is journaled as mllp: MSH-9 its method, MSH-10 its message id, mllp://host:port its URL, the ACK its response', async () => {
  const peer = await listener(Buffer.concat([Buffer.from([0x0b]), Buffer.from(ACK), Buffer.from([0x1c, 0x0d])]));
  try {
    const journal = new ExchangeJournal();
    const reply = await sendV2(journal, { to: { host: '127.0.0.1', port: peer.port }, from: 'A', toParty: 'B', message: MESSAGE, timeoutMs: 3000 });
    assert.ok(reply.ok);
    assert.deepEqual(ackCode(reply.ack), { code: 'AA', correlation: 'MSG0001' });
    const [x] = journal.all();
    assert.deepEqual([x?.protocol, x?.method, x?.messageId, x?.url, x?.from, x?.to], ['mllp', 'ADT^A04', 'MSG0001', `mllp://127.0.0.1:${peer.port}`, 'A', 'B']);
    assert.equal(x?.response?.body, ACK);
    assert.equal(x?.response?.headers[FRAMING_ERROR_HEADER], undefined);
    assert.equal(reply.exchangeId, x?.id);
  } finally {
    await peer.close();
  }
});

test('showBytes names the control characters; v2Header reads MSH-9 and MSH-10, nothing from non-HL7', async () => {
  assert.equal(showBytes(Buffer.from([0x0b, 0x41, 0x0d, 0x42, 0x1c, 0x0d])), '<VT>A<CR>\rB<FS>\r');
  assert.deepEqual(v2Header(MESSAGE), { type: 'ADT^A04', controlId: 'MSG0001' });
  assert.deepEqual(v2Header('not hl7'), {});
});
