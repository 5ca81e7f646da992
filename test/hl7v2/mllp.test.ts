import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEr7, valueAt } from '../../src/hl7v2/er7.ts';
import {
  exchangeMllp,
  FS,
  frameMllp,
  MllpConnection,
  MllpDeframer,
  type MllpEvent,
  type MllpListener,
  type MllpListenerEvent,
  type MllpListenerOptions,
  type MllpReply,
  sendMllp,
  startMllpListener,
  VT,
} from '../../src/hl7v2/mllp.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { checkAck, ReferenceReceiver } from './pe-ris-contract.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/hl7v2/', import.meta.url));
const ADT = readFileSync(join(FIXTURES, 'valid/adt-a04.hl7'), 'utf8');
const SIU = readFileSync(join(FIXTURES, 'valid/siu-s12.hl7'), 'utf8');
const withId = (text: string, id: string): string => text.replace('|ADT0001|', `|${id}|`).replace('|SIU0001|', `|${id}|`);
const msa = (reply: MllpReply, n = 1): string => (reply.ok ? valueAt(parseEr7(reply.ack), { segment: 'MSA', field: n }) : `(${reply.reason})`);
const err3 = (reply: MllpReply): string => (reply.ok ? valueAt(parseEr7(reply.ack), { segment: 'ERR', field: 3 }) : '');
const describe = (events: MllpEvent[]): string[] =>
  events.map((e) => (e.kind === 'message' ? `message ${e.payload.toString('latin1').slice(0, 12)}` : e.kind === 'garbage' ? `garbage ${e.bytes}` : `bad-frame ${e.reason}`));
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

// ---------------------------------------------------------------------------------------------------------------
// Deframer

test('deframer: one frame, two frames in a chunk, whitespace between frames', () => {
  const d = new MllpDeframer();
  assert.deepEqual(describe(d.push(frameMllp('MSH|one'))), ['message MSH|one']);
  assert.deepEqual(describe(d.push(Buffer.concat([frameMllp('MSH|two'), b('\r\n'), frameMllp('MSH|three')]))), ['message MSH|two', 'message MSH|three']);
  assert.equal(d.inFrame, false);
  assert.equal(d.pendingIdle, false);
});

test('deframer: a frame split at every possible byte boundary', () => {
  const bytes = Buffer.concat([frameMllp(ADT), frameMllp(SIU)]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new MllpDeframer();
    const events = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(
      events.map((e) => (e.kind === 'message' ? e.payload.toString('utf8') : e.kind)),
      [ADT, SIU],
      `cut at ${cut}`,
    );
  }
  const d = new MllpDeframer();
  const oneByOne = [...bytes].flatMap((byte) => d.push(Buffer.from([byte])));
  assert.deepEqual(
    oneByOne.map((e) => e.kind),
    ['message', 'message'],
  );
});

test('deframer: random chunking of many frames gives the same messages', () => {
  const rng = new SeededRandom('mllp-chunks');
  const messages = Array.from({ length: 30 }, (_, i) => `MSH|^~\\&|${'x'.repeat(rng.int(0, 300))}|${i}`);
  const bytes = Buffer.concat(messages.map((m) => frameMllp(m)));
  for (let round = 0; round < 50; round++) {
    const d = new MllpDeframer();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; ) {
      const n = rng.int(1, 97);
      for (const e of d.push(bytes.subarray(i, i + n))) got.push(e.kind === 'message' ? e.payload.toString() : e.kind);
      i += n;
    }
    assert.deepEqual(got, messages);
  }
});

test('deframer: garbage before VT, a VT without the previous FS, FS without CR', () => {
  const d = new MllpDeframer();
  assert.deepEqual(describe(d.push(Buffer.concat([b('GET / HTTP/1.1\r\n'), frameMllp('MSH|ok')]))), ['garbage 16', 'message MSH|ok']);
  assert.deepEqual(describe(d.push(b('\x0bMSH|lost-fs\r\x0bMSH|next\x1c\r'))), ['bad-frame missing-fs', 'message MSH|next']);
  assert.deepEqual(describe(d.push(b('\x0bMSH|no-cr\x1cX'))), ['bad-frame no-cr-after-fs'], 'FS then anything but CR');
  assert.equal(d.pendingIdle, true, 'the X after FS is garbage waiting for the sender to go quiet');
  assert.deepEqual(describe(d.flushIdle()), ['garbage 1']);
  // FS at the end of one chunk, CR at the start of the next.
  assert.deepEqual(describe(d.push(b('\x0bMSH|split\x1c'))), []);
  assert.deepEqual(describe(d.push(b('\r'))), ['message MSH|split']);
});

test('deframer: garbage with no frame is released by flushIdle; an FS whose CR never comes, or an open frame, by abort', () => {
  const d = new MllpDeframer();
  assert.deepEqual(describe(d.push(b('hello'))), []);
  assert.deepEqual(describe(d.push(b(' world'))), []);
  assert.deepEqual(describe(d.flushIdle()), ['garbage 11']);
  assert.deepEqual(describe(d.push(b('\x0bMSH|x\x1c'))), []);
  assert.deepEqual(describe(d.flushIdle()), [], 'the CR may be in the next segment');
  assert.deepEqual(describe(d.abort()), ['bad-frame no-cr-after-fs']);
  assert.deepEqual(describe(d.push(b('\x0bMSH|never-closed'))), []);
  assert.deepEqual(describe(d.flushIdle()), []);
  assert.deepEqual(describe(d.abort()), ['bad-frame incomplete']);
});

test('deframer: an oversize frame is reported once, discarded without buffering, and the next frame is fine', () => {
  const d = new MllpDeframer(1024);
  const big = `MSH|^~\\&|A|B|C|D|20250101||ADT^A04^ADT_A01|BIG1|P|2.5\r${'Z'.repeat(200_000)}`;
  const events: MllpEvent[] = [];
  const bytes = frameMllp(big);
  for (let i = 0; i < bytes.length; i += 4096) events.push(...d.push(bytes.subarray(i, i + 4096)));
  assert.deepEqual(describe(events), ['bad-frame oversize']);
  const e = events[0];
  assert.ok(e?.kind === 'bad-frame');
  assert.equal(e.bytes, Buffer.byteLength(big));
  assert.ok(e.payload.length <= 8 * 1024, 'only the head is kept');
  assert.match(e.payload.toString(), /\|BIG1\|/);
  assert.deepEqual(describe(d.push(frameMllp('MSH|after'))), ['message MSH|after']);
});

// ---------------------------------------------------------------------------------------------------------------
// Listener over a real loopback socket

async function withListener(opts: Partial<MllpListenerOptions>, body: (l: MllpListener, events: MllpListenerEvent[]) => Promise<void>): Promise<void> {
  const events: MllpListenerEvent[] = [];
  const receiver = new ReferenceReceiver({ sender: { application: 'SIHCE', facility: '00004321' } });
  const listener = await startMllpListener({
    port: 0,
    idleMs: 50,
    frameTimeoutMs: 300,
    handlerTimeoutMs: 300,
    onMessage: (m) => receiver.handle(m),
    sender: { application: 'SIHCE', facility: '00004321' },
    onEvent: (e) => events.push(e),
    ...opts,
  });
  try {
    await body(listener, events);
  } finally {
    await listener.close();
  }
}

async function stillAlive(l: MllpListener, id = `ALIVE${Math.random().toString(36).slice(2, 8)}`): Promise<void> {
  const reply = await sendMllp('127.0.0.1', l.port, withId(ADT, id), { timeoutMs: 2000 });
  assert.equal(msa(reply), 'AA', 'the listener still answers a good message');
  assert.equal(msa(reply, 2), id);
}

test('listener: a good ADT^A04 gets an AA that passes checkAck', async () => {
  await withListener({}, async (l) => {
    const reply = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 2000 });
    assert.ok(reply.ok, JSON.stringify(reply));
    assert.deepEqual(reply.framing, []);
    assert.equal(msa(reply), 'AA');
    assert.deepEqual(checkAck(ADT, reply.ack), []);
    assert.match(reply.waitedFor, /MLLP-framed reply \(VT … FS CR\) from 127\.0\.0\.1:\d+ within 2000 ms/);
  });
});

test('listener: garbage without any frame gets AR (ERR 100), and the same connection still works', async () => {
  await withListener({}, async (l, events) => {
    const c = await MllpConnection.open('127.0.0.1', l.port);
    try {
      c.sendRaw('hello, is this the HL7 port?\r\n');
      const ar = await c.nextReply(2000);
      assert.equal(msa(ar), 'AR');
      assert.equal(msa(ar, 2), '');
      assert.equal(err3(ar), '100');
      c.send(withId(ADT, 'SAME-CONN'));
      assert.equal(msa(await c.nextReply(2000)), 'AA');
    } finally {
      c.close();
    }
    assert.deepEqual(
      events.map((e) => e.kind),
      ['garbage', 'message'],
    );
    await stillAlive(l);
  });
});

test("listener: garbage before VT is answered AR before the frame's AA, in order", async () => {
  await withListener({}, async (l) => {
    const c = await MllpConnection.open('127.0.0.1', l.port);
    try {
      c.sendRaw(Buffer.concat([b('\x00\xff junk '), frameMllp(withId(ADT, 'AFTER-JUNK'))]));
      assert.equal(msa(await c.nextReply(2000)), 'AR');
      const aa = await c.nextReply(2000);
      assert.equal(msa(aa), 'AA');
      assert.equal(msa(aa, 2), 'AFTER-JUNK');
    } finally {
      c.close();
    }
  });
});

test('listener: a frame without FS (next VT) gets AR correlated to its MSH-10, then the next frame AA', async () => {
  await withListener({}, async (l) => {
    const c = await MllpConnection.open('127.0.0.1', l.port);
    try {
      c.sendRaw(Buffer.concat([b('\x0b'), Buffer.from(withId(ADT, 'NO-FS')), frameMllp(withId(ADT, 'WITH-FS'))]));
      const ar = await c.nextReply(2000);
      assert.equal(msa(ar), 'AR');
      assert.equal(msa(ar, 2), 'NO-FS');
      assert.equal(err3(ar), '207');
      assert.ok(ar.ok && ar.ack.includes('MLLP framing'), 'ERR-7 says it was the framing');
      assert.deepEqual(ar.ok ? checkAck(withId(ADT, 'NO-FS'), ar.ack) : ['no reply'], []);
      assert.equal(msa(await c.nextReply(2000), 2), 'WITH-FS');
    } finally {
      c.close();
    }
  });
});

test('listener: a frame never closed, or whose FS never gets its CR, gets AR after the frame timeout', async () => {
  await withListener({}, async (l, events) => {
    const open = await exchangeMllp('127.0.0.1', l.port, Buffer.concat([b('\x0b'), Buffer.from(withId(ADT, 'OPEN'))]), { timeoutMs: 2000 });
    assert.equal(msa(open), 'AR');
    assert.equal(msa(open, 2), 'OPEN');
    const noCr = await exchangeMllp('127.0.0.1', l.port, Buffer.concat([b('\x0b'), Buffer.from(withId(ADT, 'NOCR')), Buffer.from([FS])]), { timeoutMs: 2000 });
    assert.equal(msa(noCr), 'AR');
    assert.equal(msa(noCr, 2), 'NOCR');
    assert.deepEqual(
      events.map((e) => (e.kind === 'bad-frame' ? e.reason : e.kind)),
      ['incomplete', 'no-cr-after-fs'],
    );
    await stillAlive(l);
  });
});

test('listener: a frame split across TCP writes with pauses is one message', async () => {
  await withListener({ idleMs: 20 }, async (l) => {
    const c = await MllpConnection.open('127.0.0.1', l.port);
    try {
      const bytes = frameMllp(withId(ADT, 'SPLIT'));
      for (const [from, to] of [
        [0, 1],
        [1, 40],
        [40, bytes.length - 1],
        [bytes.length - 1, bytes.length],
      ] as const) {
        c.sendRaw(bytes.subarray(from, to));
        await new Promise((r) => setTimeout(r, 60));
      }
      const reply = await c.nextReply(2000);
      assert.equal(msa(reply), 'AA');
      assert.equal(msa(reply, 2), 'SPLIT');
    } finally {
      c.close();
    }
  });
});

test('listener: an oversize frame gets AR without the listener buffering it', async () => {
  await withListener({ maxFrameBytes: 4096 }, async (l) => {
    const huge = withId(ADT, 'HUGE') + `NTE|1||${'x'.repeat(2_000_000)}\r`;
    const reply = await sendMllp('127.0.0.1', l.port, huge, { timeoutMs: 5000 });
    assert.equal(msa(reply), 'AR');
    assert.equal(msa(reply, 2), 'HUGE');
    assert.ok(reply.ok && /larger than the limit \(\d+ bytes > 4096\)/.test(reply.ack));
    await stillAlive(l);
  });
});

test('listener: a handler that throws or hangs gives AE 207, not a crash', async () => {
  let calls = 0;
  await withListener(
    {
      onMessage: async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        if (calls === 2) return new Promise<string>(() => {});
        return undefined;
      },
    },
    async (l, events) => {
      const thrown = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 2000 });
      assert.equal(msa(thrown), 'AE');
      assert.equal(err3(thrown), '207');
      const hung = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 2000 });
      assert.equal(msa(hung), 'AE');
      // A handler that answers nothing: the sender's wait runs out and says what it waited for.
      const silent = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 200 });
      assert.equal(silent.ok, false);
      assert.ok(!silent.ok && silent.reason === 'reply-timeout' && /within 200 ms/.test(silent.waitedFor));
      assert.deepEqual(
        events.map((e) => e.kind),
        ['handler-error', 'handler-error', 'message'],
      );
    },
  );
});

test('listener: a retransmitted ADT is acknowledged twice the same way and processed once', async () => {
  const receiver = new ReferenceReceiver();
  await withListener({ onMessage: (m) => receiver.handle(m) }, async (l) => {
    const first = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 2000 });
    const second = await sendMllp('127.0.0.1', l.port, ADT, { timeoutMs: 2000 });
    assert.ok(first.ok && second.ok);
    assert.equal(second.ack, first.ack);
    assert.equal(receiver.processed.length, 1);
  });
});

test('listener: peers that vanish mid-frame, reset, or flood garbage do not take it down', async () => {
  await withListener({}, async (l, events) => {
    // Half a frame, then gone.
    const a = net.connect(l.port, '127.0.0.1');
    await new Promise((r) => a.once('connect', r));
    a.write(b('\x0bMSH|^~\\&|half'));
    a.destroy();
    // A reset in the middle of a write.
    const r = net.connect(l.port, '127.0.0.1');
    await new Promise((res) => r.once('connect', res));
    r.write(frameMllp(ADT).subarray(0, 50));
    r.resetAndDestroy();
    // Twenty connections of garbage at once, each answered AR.
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => exchangeMllp('127.0.0.1', l.port, b(`garbage ${i}\r`), { timeoutMs: 3000 })));
    assert.deepEqual(
      replies.map((x) => msa(x)),
      Array(20).fill('AR'),
    );
    // A peer that sends and half-closes still gets its answer.
    const h = net.connect(l.port, '127.0.0.1');
    const got: Buffer[] = [];
    h.on('data', (c: Buffer) => got.push(c));
    await new Promise((res) => h.once('connect', res));
    h.end(b('nothing framed at all'));
    await new Promise((res) => h.once('close', res));
    const reply = new MllpDeframer().push(Buffer.concat(got));
    assert.ok(reply[0]?.kind === 'message' && /MSA\|AR/.test(reply[0].payload.toString()));
    await stillAlive(l);
    assert.ok(!events.some((e) => e.kind === 'server-error'));
  });
});

test('sender: a closed port is connect-failed, a silent peer reply-timeout — each saying what it waited for', async () => {
  const server = net.createServer((s) => s.on('data', () => {}));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const silent = await sendMllp('127.0.0.1', port, ADT, { timeoutMs: 150 });
    assert.ok(!silent.ok);
    assert.equal(silent.reason, 'reply-timeout');
    assert.match(silent.waitedFor, /an MLLP-framed reply \(VT … FS CR\) from 127\.0\.0\.1:\d+ within 150 ms/);
    assert.ok(silent.elapsedMs >= 140 && silent.elapsedMs < 2000);
  } finally {
    await new Promise((r) => server.close(r));
  }
  const refused = await sendMllp('127.0.0.1', port, ADT, { timeoutMs: 1000 });
  assert.ok(!refused.ok);
  assert.equal(refused.reason, 'connect-failed');
  assert.match(refused.waitedFor, /a TCP connection to 127\.0\.0\.1:\d+ within 1000 ms/);
});

test('sender: a reply preceded by garbage is read, with a framing warning; a peer that hangs up is closed-before-reply', async () => {
  const server = net.createServer((s) => {
    s.once('data', () => {
      if (s.localPort === undefined) return;
      s.write(Buffer.concat([b('noise'), frameMllp('MSH|^~\\&|X|Y|A|B|20250101||ACK^A04^ACK|1|P|2.5\rMSA|AA|ADT0001\r')]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const hangup = net.createServer((s) => s.once('data', () => s.end()));
  await new Promise<void>((r) => hangup.listen(0, '127.0.0.1', r));
  try {
    const reply = await sendMllp('127.0.0.1', port, ADT, { timeoutMs: 2000 });
    assert.ok(reply.ok);
    assert.deepEqual(
      reply.framing.map((f) => `${f.ruleId}:${f.severity}`),
      ['V2-MLLP:warning'],
    );
    const closed = await sendMllp('127.0.0.1', (hangup.address() as net.AddressInfo).port, ADT, { timeoutMs: 2000 });
    assert.ok(!closed.ok && closed.reason === 'closed-before-reply', JSON.stringify(closed));
  } finally {
    await new Promise((r) => server.close(r));
    await new Promise((r) => hangup.close(r));
  }
});

test('frameMllp writes VT … FS CR around UTF-8 text', () => {
  const f = frameMllp('MSH|ñ');
  assert.equal(f[0], VT);
  assert.deepEqual([...f.subarray(-2)], [FS, 0x0d]);
  assert.equal(f.subarray(1, -2).toString('utf8'), 'MSH|ñ');
});

test('interop: node-hl7-client 3.2 (a third-party MLLP sender) gets its AA from the listener', async () => {
  const { Client, Message } = await import('node-hl7-client');
  const received: string[] = [];
  const receiver = new ReferenceReceiver();
  await withListener({ onMessage: (m) => (received.push(m), receiver.handle(m)) }, async (l) => {
    const client = new Client({ host: '127.0.0.1' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const ack = await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('no ACK through node-hl7-client within 3000 ms')), 3000);
        const connection = client.createConnection({ port: l.port, waitAck: true }, (res) => resolve(res.getMessage().toString()));
        void connection.sendMessage(new Message({ text: ADT }));
      });
      assert.equal(received.length, 1);
      assert.equal(received[0]?.replace(/\r$/, ''), ADT.replace(/\r$/, ''), 'the message arrives as sent');
      assert.match(ack, /\rMSA\|AA\|ADT0001/);
      assert.deepEqual(checkAck(ADT, ack), []);
    } finally {
      clearTimeout(timer);
      client.closeAll();
    }
  });
});
