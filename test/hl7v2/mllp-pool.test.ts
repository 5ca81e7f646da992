import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { buildAck } from '../../src/hl7v2/ack.ts';
import { parseEr7, valueAt } from '../../src/hl7v2/er7.ts';
import { frameMllp, MllpDeframer, type MllpListenerEvent, MllpPool, startMllpListener } from '../../src/hl7v2/mllp.ts';
import { waitFor } from '../../src/util/wait.ts';

const message = (id: string): string => `MSH|^~\\&|SELLO-ENGINE|DIRESA-CAJ|SIHCE|DIRESA-CAJ|20250314093000-0500||ADT^A04^ADT_A01|${id}|P|2.5|||||PER|UNICODE UTF-8\rPID|1||12345678\r`;
const msa2 = (ack: string): string => valueAt(parseEr7(ack), { segment: 'MSA', field: 2 });

/** A listener that ACKs every message with AA after `delayMs`, and says which connection each came on. */
async function listener(opts: { delayMs?: number; connectionIdleMs?: number; onEvent?: (e: MllpListenerEvent) => void } = {}) {
  const remotes: string[] = [];
  const l = await startMllpListener({
    port: 0,
    onMessage: async (text, info) => {
      remotes.push(info.remote);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      return buildAck(parseEr7(text), 'AA');
    },
    ...(opts.connectionIdleMs ? { connectionIdleMs: opts.connectionIdleMs } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  return { l, remotes };
}

test('many messages at once share the pool: each gets the ACK naming its own MSH-10, over at most `connections` connections', async () => {
  const { l, remotes } = await listener({ delayMs: 2 });
  const pool = new MllpPool({ host: '127.0.0.1', port: l.port, connections: 2 });
  try {
    const ids = Array.from({ length: 20 }, (_, i) => `MSG${String(i).padStart(4, '0')}`);
    const replies = await Promise.all(ids.map((id) => pool.exchange(frameMllp(message(id)), { timeoutMs: 10_000 })));
    assert.deepEqual(
      replies.map((r) => (r.ok ? msa2(r.ack) : r.reason)),
      ids,
    );
    assert.equal(new Set(remotes).size, 2, 'two connections carried all twenty messages');
    assert.equal(pool.stats.opened, 2);
    assert.equal(l.stats.connections, 2);
  } finally {
    pool.close();
    await l.close();
  }
});

test('a late, repeated ACK of an earlier message is skipped: the next message gets its own', async () => {
  // A listener that answers every message twice: the second copy is still on the connection when the next message goes.
  const server = net.createServer((socket) => {
    const deframer = new MllpDeframer();
    socket.on('data', (chunk) => {
      for (const e of deframer.push(chunk)) {
        if (e.kind !== 'message') continue;
        const ack = frameMllp(buildAck(parseEr7(e.payload.toString('utf8')), 'AA'));
        socket.write(Buffer.concat([ack, ack]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pool = new MllpPool({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, connections: 1 });
  try {
    const first = await pool.exchange(frameMllp(message('FIRST')));
    const second = await pool.exchange(frameMllp(message('SECOND')));
    assert.ok(first.ok && second.ok);
    assert.deepEqual([msa2(first.ack), msa2(second.ack)], ['FIRST', 'SECOND']);
    assert.equal(pool.stats.opened, 1, 'one connection, reused');
    assert.ok(pool.stats.lateRepliesSkipped >= 1);
  } finally {
    pool.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a connection the listener closed is replaced: the next message goes on a new one', async () => {
  const events: MllpListenerEvent[] = [];
  const wakers = new Set<() => void>();
  const { l } = await listener({
    connectionIdleMs: 50,
    onEvent: (e) => {
      events.push(e);
      for (const w of wakers) w();
    },
  });
  const pool = new MllpPool({ host: '127.0.0.1', port: l.port, connections: 1 });
  try {
    const first = await pool.exchange(frameMllp(message('BEFORE')));
    assert.ok(first.ok);
    // The listener closes the idle connection: the event, not a pause, says when.
    await waitFor(() => events.some((e) => e.kind === 'connection-limit' && e.action === 'idle-closed') || undefined, {
      what: 'the listener closing the idle connection',
      timeoutMs: 10_000,
      wakeOn: (wake) => {
        wakers.add(wake);
        return () => wakers.delete(wake);
      },
    });
    await waitFor(() => pool.openConnections === 0 || undefined, { what: 'the pool dropping the closed connection', timeoutMs: 5000, intervalMs: 5 });
    const second = await pool.exchange(frameMllp(message('AFTER')));
    assert.ok(second.ok, second.ok ? '' : second.detail);
    assert.equal(msa2(second.ack), 'AFTER');
    assert.equal(pool.stats.opened, 2, 'a new connection after the close');
    assert.equal(l.stats.connections, 2);
  } finally {
    pool.close();
    await l.close();
  }
});

test('a message queued behind a busy connection is bounded by its timeout and says what it waited for', async () => {
  const { l } = await listener({ delayMs: 300 });
  const pool = new MllpPool({ host: '127.0.0.1', port: l.port, connections: 1 });
  try {
    const slow = pool.exchange(frameMllp(message('SLOW')), { timeoutMs: 10_000 });
    const queued = await pool.exchange(frameMllp(message('QUEUED')), { timeoutMs: 20 });
    assert.equal(queued.ok, false);
    assert.match(queued.ok ? '' : queued.waitedFor, /free connection/);
    const done = await slow;
    assert.ok(done.ok && msa2(done.ack) === 'SLOW');
  } finally {
    pool.close();
    await l.close();
  }
});
