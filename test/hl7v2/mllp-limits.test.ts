import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_SEGMENTS, parseEr7, valueAt } from '../../src/hl7v2/er7.ts';
import { type MllpListenerEvent, type MllpReply, sendMllp, startMllpListener, VT } from '../../src/hl7v2/mllp.ts';

// The listener's documented limits (connections, idle time, segments): each enforced with HL7's own answer, and
// none of them able to lock a well-behaved sender out.

const ADT = readFileSync(join(fileURLToPath(new URL('../fixtures/hl7v2/', import.meta.url)), 'valid/adt-a04.hl7'), 'utf8');
const field = (reply: MllpReply, segment: string, n: number): string => (reply.ok ? valueAt(parseEr7(reply.ack), { segment, field: n }) : `(${reply.reason})`);
const accept = (message: string): string =>
  `MSH|^~\\&|RCV|F|SND|F|20240101||ACK|A${valueAt(parseEr7(message), { segment: 'MSH', field: 10 })}|P|2.5\rMSA|AA|${valueAt(parseEr7(message), { segment: 'MSH', field: 10 })}\r`;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('idle connections filling every slot do not lock a sender out: the idlest is closed to make room', async () => {
  const events: MllpListenerEvent[] = [];
  const listener = await startMllpListener({ port: 0, maxConnections: 4, onMessage: accept, onEvent: (e) => events.push(e) });
  const idle = await Promise.all([1, 2, 3, 4].map(() => connect(listener.port)));
  try {
    await new Promise((r) => setTimeout(r, 50));
    const reply = await sendMllp('127.0.0.1', listener.port, ADT, { timeoutMs: 3000 });
    assert.equal(field(reply, 'MSA', 1), 'AA');
    assert.equal(events.filter((e) => e.kind === 'connection-limit' && e.action === 'evicted').length, 1);
  } finally {
    for (const s of idle) s.destroy();
    await listener.close();
  }
});

test('when every connection is busy inside a frame, a new sender gets AR with ERR 207 naming the limit, and the others carry on', async () => {
  const events: MllpListenerEvent[] = [];
  const listener = await startMllpListener({ port: 0, maxConnections: 2, onMessage: accept, onEvent: (e) => events.push(e) });
  const busy = await Promise.all([1, 2].map(() => connect(listener.port)));
  try {
    for (const s of busy) s.write(Buffer.from([VT, ...Buffer.from('MSH|^~\\&|half')]));
    await new Promise((r) => setTimeout(r, 50));
    const reply = await sendMllp('127.0.0.1', listener.port, ADT, { timeoutMs: 3000 });
    assert.equal(field(reply, 'MSA', 1), 'AR');
    assert.equal(field(reply, 'ERR', 3), '207');
    assert.match(reply.ok ? reply.ack : '', /limit: 2 connections are open and busy/);
    assert.ok(events.some((e) => e.kind === 'connection-limit' && e.action === 'refused'));
    assert.ok(
      busy.every((s) => !s.destroyed),
      'the busy connections were left alone',
    );
  } finally {
    for (const s of busy) s.destroy();
    await listener.close();
  }
});

test('a connection silent past connectionIdleMs is closed; one inside a frame is not', async () => {
  const events: MllpListenerEvent[] = [];
  const listener = await startMllpListener({ port: 0, connectionIdleMs: 100, frameTimeoutMs: 10_000, onMessage: accept, onEvent: (e) => events.push(e) });
  const idle = await connect(listener.port);
  const framing = await connect(listener.port);
  framing.write(Buffer.from([VT, ...Buffer.from('MSH|^~\\&|half')]));
  try {
    const closed = await Promise.race([new Promise<boolean>((r) => idle.once('close', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    assert.equal(closed, true, 'the idle connection was closed');
    assert.equal(framing.destroyed, false);
    assert.equal(events.filter((e) => e.kind === 'connection-limit' && e.action === 'idle-closed').length, 1);
  } finally {
    framing.destroy();
    await listener.close();
  }
});

test(`a message past ${MAX_SEGMENTS} segments is read no further and says so, without exhausting the stack`, () => {
  const segments = [ADT.split('\r')[0] ?? ''];
  for (let i = 0; i < 250_000; i++) segments.push(`NTE|${i}|x`);
  const parsed = parseEr7(segments.join('\r'));
  assert.equal(parsed.segments.length, MAX_SEGMENTS);
  const limit = parsed.findings.filter((f) => f.severity === 'fatal');
  assert.equal(limit.length, 1);
  assert.match(limit[0]?.message.en ?? '', new RegExp(`more than ${MAX_SEGMENTS} segments`));
});
