/**
 * MLLP (Minimal Lower Layer Protocol, HL7 v2 over TCP): each message is framed VT (0x0B) … FS (0x1C) CR (0x0D).
 *
 * - `MllpDeframer`: incremental, byte-level deframer. Frames may arrive split across TCP chunks or several in one;
 *   bytes before VT are garbage; a VT inside an open frame means the previous frame lost its FS; FS must be
 *   followed by CR; a frame larger than `maxFrameBytes` is reported and discarded without being buffered (memory
 *   stays bounded). Whitespace between frames (CR, LF) is tolerated.
 * - `startMllpListener`: a listener that answers every frame with what `onMessage` returns, and every piece of
 *   garbage or bad framing with AR and an ERR saying what was wrong; a handler that throws or hangs gets AE/CE 207.
 *   Nothing a peer sends can crash it.
 * - `sendMllp` / `MllpConnection`: a sender whose every wait is bounded, and which reports what it waited for.
 *
 * node-hl7-server and node-hl7-client were evaluated for these roles and are not used: node-hl7-server (2.5.0 —
 * there is no 3.x) answers nothing to a frame that does not start with MSH, keeps the garbage in its buffer so the
 * next good message on that connection fails too, drops a message preceded by stray bytes, has no frame size
 * bound, and builds its own ACKs (MSH-9 `ACK^A04^ACK_A04`, MSH-10 always `ACK`, no ERR). node-hl7-client 3.2's
 * connection only sends its own `Message` objects (it cannot send the deliberately broken frames a conformance
 * test needs), trims every line of the reply and strips VT/FS anywhere before handing it over (so a badly framed
 * reply cannot be reported as such), and reconnects and retries on its own schedule. The test suite uses
 * node-hl7-client's sender against this listener as an interoperability check.
 */
import net from 'node:net';
import { finding, type Finding } from '../findings/finding.ts';
import { ackMode, buildAck, type AckCode, type AckError } from './ack.ts';
import { parseEr7 } from './er7.ts';

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
const SAMPLE_BYTES = 64;
/** How much of an oversize frame is kept, to read its MSH for the reply's MSA-2. */
const HEAD_BYTES = 8 * 1024;

export type BadFrameReason = 'missing-fs' | 'no-cr-after-fs' | 'oversize' | 'incomplete';

export type MllpEvent =
  | { kind: 'message'; payload: Buffer }
  | { kind: 'garbage'; bytes: number; sample: Buffer }
  | { kind: 'bad-frame'; reason: BadFrameReason; bytes: number; payload: Buffer };

/** Wraps a message in VT … FS CR. */
export function frameMllp(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}

/** Bytes to text: UTF-8, or Latin-1 when they are not valid UTF-8. */
export function decodePayload(payload: Buffer): string {
  return decodeWithEncoding(payload).text;
}

/** Bytes to text, saying how they were read: a receiver must tell bytes that do not match MSH-18 (v1.1). */
export function decodeWithEncoding(payload: Buffer): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(payload), encoding: 'utf-8' };
  } catch {
    return { text: payload.toString('latin1'), encoding: 'latin1' };
  }
}

const isWhitespace = (b: number): boolean => b === CR || b === 0x0a || b === 0x20 || b === 0x09;

export class MllpDeframer {
  private state: 'outside' | 'frame' | 'after-fs' | 'discard' = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private garbageBytes = 0;
  private garbageSample: Buffer[] = [];
  private garbageSampleSize = 0;
  private discarded = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** True while a frame is open (VT seen, FS CR not yet). */
  get inFrame(): boolean {
    return this.state !== 'outside';
  }
  /** True when a frame has its FS and waits for the CR that ends it. */
  get awaitingCr(): boolean {
    return this.state === 'after-fs';
  }
  /** True when garbage waits for `flushIdle`. */
  get pendingIdle(): boolean {
    return this.garbageBytes > 0;
  }

  private addGarbage(bytes: Buffer): void {
    this.garbageBytes += bytes.length;
    if (this.garbageSampleSize < SAMPLE_BYTES) {
      const take = bytes.subarray(0, SAMPLE_BYTES - this.garbageSampleSize);
      this.garbageSample.push(take);
      this.garbageSampleSize += take.length;
    }
  }
  private endGarbage(out: MllpEvent[]): void {
    if (this.garbageBytes === 0) return;
    out.push({ kind: 'garbage', bytes: this.garbageBytes, sample: Buffer.concat(this.garbageSample) });
    this.garbageBytes = 0;
    this.garbageSample = [];
    this.garbageSampleSize = 0;
  }
  private takeFrame(): Buffer {
    const payload = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return payload;
  }
  private openFrame(): void {
    this.state = 'frame';
    this.parts = [];
    this.size = 0;
  }

  push(chunk: Buffer): MllpEvent[] {
    const out: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'outside': {
          const vt = chunk.indexOf(VT, i);
          const end = vt === -1 ? chunk.length : vt;
          let start = i;
          // Whitespace between frames is not garbage; anything else (and whatever follows it up to VT) is.
          if (this.garbageBytes === 0) while (start < end && isWhitespace(chunk[start] ?? 0)) start++;
          if (start < end) this.addGarbage(chunk.subarray(start, end));
          if (vt === -1) return out;
          this.endGarbage(out);
          this.openFrame();
          i = vt + 1;
          break;
        }
        case 'frame': {
          const fs = chunk.indexOf(FS, i);
          const vt = chunk.indexOf(VT, i);
          const stop = fs === -1 ? vt : vt === -1 ? fs : Math.min(fs, vt);
          const end = stop === -1 ? chunk.length : stop;
          if (this.size + (end - i) > this.maxFrameBytes) {
            const room = Math.max(0, HEAD_BYTES - this.size);
            this.head = Buffer.concat([...this.parts, chunk.subarray(i, i + room)]).subarray(0, HEAD_BYTES);
            this.discarded = this.size;
            this.parts = [];
            this.size = 0;
            this.state = 'discard';
            break;
          }
          this.parts.push(chunk.subarray(i, end));
          this.size += end - i;
          if (stop === -1) return out;
          if (stop === vt) {
            out.push({ kind: 'bad-frame', reason: 'missing-fs', bytes: this.size, payload: this.takeFrame() });
            this.openFrame();
            i = vt + 1;
          } else {
            this.state = 'after-fs';
            i = fs + 1;
          }
          break;
        }
        case 'after-fs': {
          const payload = this.takeFrame();
          this.state = 'outside';
          if (chunk[i] === CR) {
            out.push({ kind: 'message', payload });
            i++;
          } else {
            out.push({ kind: 'bad-frame', reason: 'no-cr-after-fs', bytes: payload.length, payload });
          }
          break;
        }
        case 'discard': {
          const fs = chunk.indexOf(FS, i);
          const vt = chunk.indexOf(VT, i);
          const stop = fs === -1 ? vt : vt === -1 ? fs : Math.min(fs, vt);
          const end = stop === -1 ? chunk.length : stop;
          this.discarded += end - i;
          if (stop === -1) return out;
          out.push({ kind: 'bad-frame', reason: 'oversize', bytes: this.discarded, payload: this.head });
          this.head = Buffer.alloc(0);
          this.discarded = 0;
          if (stop === vt) {
            this.openFrame();
            i = vt + 1;
          } else {
            this.state = 'outside';
            i = fs + 1;
          }
          break;
        }
      }
    }
    return out;
  }

  /** The sender has gone quiet: report the garbage so far (there is no frame to wait for). */
  flushIdle(): MllpEvent[] {
    const out: MllpEvent[] = [];
    this.endGarbage(out);
    return out;
  }

  /**
   * Gives up on whatever is open (frame timeout, or the connection ended): an FS still waiting for its CR (which may
   * just be late, in the next TCP segment, so only the frame timeout ends the wait), an unclosed frame, an oversize
   * frame being discarded.
   */
  abort(): MllpEvent[] {
    const out = this.flushIdle();
    if (this.state === 'after-fs') {
      const payload = this.takeFrame();
      out.push({ kind: 'bad-frame', reason: 'no-cr-after-fs', bytes: payload.length, payload });
    } else if (this.state === 'frame') {
      const payload = this.takeFrame();
      out.push({ kind: 'bad-frame', reason: 'incomplete', bytes: payload.length, payload });
    } else if (this.state === 'discard') {
      out.push({ kind: 'bad-frame', reason: 'oversize', bytes: this.discarded, payload: this.head });
      this.head = Buffer.alloc(0);
      this.discarded = 0;
    }
    this.state = 'outside';
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Listener

export type MllpListenerEvent =
  | { kind: 'message'; remote: string; message: string; ack: string | undefined; encoding: 'utf-8' | 'latin1' }
  | { kind: 'garbage'; remote: string; bytes: number; ack: string }
  | { kind: 'bad-frame'; remote: string; reason: BadFrameReason; bytes: number; ack: string }
  | { kind: 'handler-error'; remote: string; error: string; ack: string }
  | { kind: 'socket-error'; remote: string; error: string }
  | { kind: 'server-error'; error: string };

export interface MllpListenerOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Gets each framed message (decoded), returns the ACK to send back (or undefined for none). */
  onMessage: (message: string, info: { remote: string; encoding: 'utf-8' | 'latin1' }) => string | undefined | Promise<string | undefined>;
  maxFrameBytes?: number;
  /** Quiet time after which garbage (bytes outside a frame) is answered. Default 200 ms. */
  idleMs?: number;
  /** Silence allowed inside an open frame (VT seen, FS CR not yet) before it is answered AR. Default 5000 ms. */
  frameTimeoutMs?: number;
  /** Time `onMessage` may take before the sender gets AE 207. Default 10000 ms. */
  handlerTimeoutMs?: number;
  maxConnections?: number;
  /** MSH-3/MSH-4 of the ACKs the listener writes itself (for garbage and bad frames). */
  sender?: { application?: string; facility?: string };
  onEvent?: (event: MllpListenerEvent) => void;
  /** How a reply goes on the wire; default VT … FS CR (a planted defect may frame otherwise). */
  frame?: (reply: string) => Buffer;
  /** Whether garbage and bad frames are answered (AR); default true. */
  answerFraming?: boolean;
}

export interface MllpListener {
  readonly port: number;
  readonly host: string;
  readonly stats: { connections: number; messages: number; garbage: number; badFrames: number; handlerErrors: number };
  close(): Promise<void>;
}

const FRAMING_TEXT: Record<BadFrameReason | 'garbage', { en: string; es: string }> = {
  garbage: { en: 'bytes outside an MLLP frame (before VT)', es: 'bytes fuera de un marco MLLP (antes de VT)' },
  'missing-fs': { en: 'an MLLP frame without its end (FS): a new VT arrived first', es: 'un marco MLLP sin su fin (FS): llegó antes un nuevo VT' },
  'no-cr-after-fs': { en: 'an MLLP frame whose FS is not followed by CR', es: 'un marco MLLP cuyo FS no va seguido de CR' },
  oversize: { en: 'an MLLP frame larger than the limit', es: 'un marco MLLP mayor que el límite' },
  incomplete: { en: 'an MLLP frame that was never closed (no FS CR)', es: 'un marco MLLP que nunca se cerró (sin FS CR)' },
};

/** The AR (CR in enhanced mode) for garbage or a bad frame, correlated with the frame's MSH-10 when it has one. */
export function framingAck(reason: BadFrameReason | 'garbage', payload: Buffer, bytes: number, sender?: { application?: string; facility?: string }, maxFrameBytes?: number): string {
  const text = reason === 'garbage' ? '' : decodePayload(payload);
  const parsed = parseEr7(text);
  const code: AckCode = parsed.ok && ackMode(parsed) === 'enhanced' ? 'CR' : 'AR';
  const what = FRAMING_TEXT[reason];
  const limit = reason === 'oversize' && maxFrameBytes !== undefined ? ` (${bytes} bytes > ${maxFrameBytes})` : ` (${bytes} bytes)`;
  const error: AckError = {
    // No table 0357 code names framing; 100 (segment sequence) says "this is not a message starting with MSH",
    // 207 the rest. ERR-8 says what was wrong.
    code: parsed.ok ? '207' : '100',
    message: `Rechazado: ${what.es}${limit}.`,
    diagnostic: `MLLP framing: ${what.en}${limit}`,
  };
  return buildAck(parsed, code, [error], sender ? { sender } : {});
}

export async function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const host = opts.host ?? '127.0.0.1';
  const idleMs = opts.idleMs ?? 200;
  const frameTimeoutMs = opts.frameTimeoutMs ?? 5000;
  const handlerTimeoutMs = opts.handlerTimeoutMs ?? 10_000;
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const stats = { connections: 0, messages: 0, garbage: 0, badFrames: 0, handlerErrors: 0 };
  const sockets = new Set<net.Socket>();
  const emit = (e: MllpListenerEvent): void => {
    try {
      opts.onEvent?.(e);
    } catch {
      // An observer's bug must not take the listener down.
    }
  };

  // Half-open: a peer that sends and then shuts down its side still gets its replies.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    stats.connections++;
    sockets.add(socket);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const deframer = new MllpDeframer(maxFrameBytes);
    let chain: Promise<void> = Promise.resolve();
    let pending = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    let frameTimer: NodeJS.Timeout | undefined;

    const write = (ackText: string | undefined): void => {
      if (ackText !== undefined && !socket.destroyed && socket.writable) socket.write((opts.frame ?? frameMllp)(ackText));
    };

    const handleMessage = async (payload: Buffer): Promise<void> => {
      const { text: message, encoding } = decodeWithEncoding(payload);
      stats.messages++;
      let timer: NodeJS.Timeout | undefined;
      try {
        const reply = await Promise.race([
          Promise.resolve().then(() => opts.onMessage(message, { remote, encoding })),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`the handler did not answer within ${handlerTimeoutMs} ms`)), handlerTimeoutMs);
          }),
        ]);
        write(reply);
        emit({ kind: 'message', remote, message, ack: reply, encoding });
      } catch (error) {
        stats.handlerErrors++;
        const detail = error instanceof Error ? error.message : String(error);
        const parsed = parseEr7(message);
        const code: AckCode = ackMode(parsed) === 'enhanced' && parsed.segments[0]?.fields[15] !== 'NE' ? 'CE' : 'AE';
        const ackText = buildAck(parsed, code, [{ code: '207', message: 'Error interno de la aplicación receptora.', diagnostic: detail }], opts.sender ? { sender: opts.sender } : {});
        write(ackText);
        emit({ kind: 'handler-error', remote, error: detail, ack: ackText });
      } finally {
        clearTimeout(timer);
      }
    };

    const handle = (events: MllpEvent[]): void => {
      for (const e of events) {
        pending++;
        if (pending > 64) socket.pause();
        chain = chain
          .then(async () => {
            if (e.kind === 'message') return handleMessage(e.payload);
            const reason = e.kind === 'garbage' ? 'garbage' : e.reason;
            const ackText = framingAck(reason, e.kind === 'garbage' ? e.sample : e.payload, e.bytes, opts.sender, maxFrameBytes);
            if (opts.answerFraming !== false) write(ackText);
            if (e.kind === 'garbage') {
              stats.garbage++;
              emit({ kind: 'garbage', remote, bytes: e.bytes, ack: ackText });
            } else {
              stats.badFrames++;
              emit({ kind: 'bad-frame', remote, reason: e.reason, bytes: e.bytes, ack: ackText });
            }
          })
          .catch((error: unknown) => emit({ kind: 'socket-error', remote, error: String(error) }))
          .finally(() => {
            pending--;
            if (pending <= 16 && socket.isPaused()) socket.resume();
          });
      }
    };

    const arm = (): void => {
      clearTimeout(idleTimer);
      idleTimer = deframer.pendingIdle ? setTimeout(() => handle(deframer.flushIdle()), idleMs) : undefined;
      // The frame timeout counts silence inside an open frame: a slow but steady sender is not cut off.
      clearTimeout(frameTimer);
      frameTimer = deframer.inFrame
        ? setTimeout(() => {
          frameTimer = undefined;
          handle(deframer.abort());
        }, frameTimeoutMs)
        : undefined;
    };

    socket.on('data', (chunk: Buffer) => {
      try {
        handle(deframer.push(chunk));
        arm();
      } catch (error) {
        emit({ kind: 'socket-error', remote, error: String(error) });
        socket.destroy();
      }
    });
    socket.on('end', () => {
      handle(deframer.abort());
      void chain.then(() => socket.end());
    });
    socket.on('error', (error) => emit({ kind: 'socket-error', remote, error: error.message }));
    socket.on('close', () => {
      clearTimeout(idleTimer);
      clearTimeout(frameTimer);
      sockets.delete(socket);
    });
  });
  server.maxConnections = opts.maxConnections ?? 64;
  server.on('error', (error) => emit({ kind: 'server-error', error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => reject(error);
    server.once('error', fail);
    server.listen(opts.port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    host,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sender

export type MllpFailure = 'connect-failed' | 'connect-timeout' | 'reply-timeout' | 'closed-before-reply' | 'bad-reply-frame' | 'socket-error';

export type MllpReply =
  | { ok: true; ack: string; elapsedMs: number; waitedFor: string; framing: Finding[]; encoding?: 'utf-8' | 'latin1' }
  | { ok: false; reason: MllpFailure; waitedFor: string; elapsedMs: number; detail: string; received?: string };

export interface MllpSendOptions {
  /** Bound on the wait for the reply after sending. Default 5000 ms. */
  timeoutMs?: number;
  /** Bound on the TCP connect. Default `timeoutMs`. */
  connectTimeoutMs?: number;
  maxReplyBytes?: number;
}

/** How long a reply's FS waits for its CR before the reply is read as badly framed. */
const CR_GRACE_MS = 300;

const framingFinding = (location: string, en: string, es: string): Finding => finding('V2-MLLP', 'warning', 'structure', location, { en, es }, 'hl7v2');

/** One MLLP connection: send frames (or raw bytes) and read replies one by one, every wait bounded. */
export class MllpConnection {
  private readonly deframer: MllpDeframer;
  private readonly queue: MllpEvent[] = [];
  private waiter: (() => void) | undefined;
  private closed: { reason: 'closed-before-reply' | 'socket-error'; detail: string } | undefined;

  private constructor(private readonly socket: net.Socket, readonly remote: string, maxReplyBytes: number) {
    this.deframer = new MllpDeframer(maxReplyBytes);
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(...this.deframer.push(chunk));
      this.waiter?.();
    });
    socket.on('close', () => {
      this.queue.push(...this.deframer.abort());
      this.closed ??= { reason: 'closed-before-reply', detail: 'the peer closed the connection' };
      this.waiter?.();
    });
    socket.on('error', (error) => {
      this.closed = { reason: 'socket-error', detail: error.message };
      this.waiter?.();
    });
  }

  /** Connects, or rejects with an `MllpError` that says what it waited for. */
  static open(host: string, port: number, opts: { connectTimeoutMs?: number; maxReplyBytes?: number } = {}): Promise<MllpConnection> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    const waitedFor = `a TCP connection to ${host}:${port} within ${connectTimeoutMs} ms`;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MllpError('connect-timeout', waitedFor, Date.now() - started, 'no connection'));
      }, connectTimeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new MllpError('connect-failed', waitedFor, Date.now() - started, error.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MllpConnection(socket, `${host}:${port}`, opts.maxReplyBytes ?? DEFAULT_MAX_FRAME_BYTES));
      });
    });
  }

  /** Sends one message, framed. */
  send(message: string): void {
    this.sendRaw(frameMllp(message));
  }

  /** Sends bytes as they are (garbage, broken frames, split frames). */
  sendRaw(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /**
   * The next reply frame, waiting at most `timeoutMs`. Garbage before it becomes a framing warning. A reply that is
   * a message but badly framed (FS without CR, closed without FS) is still read — the sender gets its ACK judged — with
   * a framing error (`V2-MLLP-FRAMING`) against whoever wrote it, rather than a hang or a transport failure.
   */
  async nextReply(timeoutMs = 5000): Promise<MllpReply> {
    const started = Date.now();
    const waitedFor = `an MLLP-framed reply (VT … FS CR) from ${this.remote} within ${timeoutMs} ms`;
    const framing: Finding[] = [];
    for (;;) {
      const e = this.queue.shift();
      if (e?.kind === 'message') {
        const { text, encoding } = decodeWithEncoding(e.payload);
        return { ok: true, ack: text, elapsedMs: Date.now() - started, waitedFor, framing, encoding };
      }
      if (e?.kind === 'garbage') {
        framing.push(framingFinding('MSH', `The reply was preceded by ${e.bytes} byte(s) outside any MLLP frame.`, `La respuesta llegó precedida de ${e.bytes} byte(s) fuera de todo marco MLLP.`));
        continue;
      }
      if (e?.kind === 'bad-frame') {
        const text = decodePayload(e.payload);
        if (e.reason !== 'oversize' && text.startsWith('MSH')) {
          const what = FRAMING_TEXT[e.reason];
          framing.push(finding('V2-MLLP-FRAMING', 'error', 'structure', 'MSH', { en: `The reply is ${what.en}.`, es: `La respuesta es ${what.es}.` }, 'hl7v2'));
          return { ok: true, ack: text, elapsedMs: Date.now() - started, waitedFor, framing };
        }
        return { ok: false, reason: 'bad-reply-frame', waitedFor, elapsedMs: Date.now() - started, detail: FRAMING_TEXT[e.reason].en, received: text.slice(0, 200) };
      }
      if (this.closed) return { ok: false, reason: this.closed.reason, waitedFor, elapsedMs: Date.now() - started, detail: this.closed.detail };
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) return { ok: false, reason: 'reply-timeout', waitedFor, elapsedMs: Date.now() - started, detail: `no complete reply frame within ${timeoutMs} ms` };
      // An FS whose CR has not come: the CR may be in the next TCP segment, so wait a moment, then take what came.
      const awaitingCr = this.deframer.awaitingCr;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (awaitingCr && this.deframer.awaitingCr) this.queue.push(...this.deframer.abort());
          resolve();
        }, awaitingCr ? Math.min(left, CR_GRACE_MS) : left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export class MllpError extends Error {
  constructor(readonly reason: MllpFailure, readonly waitedFor: string, readonly elapsedMs: number, readonly detail: string) {
    super(`${reason}: waited for ${waitedFor}: ${detail}`);
    this.name = 'MllpError';
  }
}

/**
 * Sends one message (framed VT … FS CR) over a new connection and waits for its reply. Never throws: a failure says
 * which wait ran out or what broke (`waitedFor`, `reason`, `detail`).
 */
export function sendMllp(host: string, port: number, message: string, opts: MllpSendOptions = {}): Promise<MllpReply> {
  return exchangeMllp(host, port, frameMllp(message), opts);
}

/** Like `sendMllp`, but sends the bytes exactly as given (to test a receiver with garbage or broken frames). */
export async function exchangeMllp(host: string, port: number, bytes: Buffer, opts: MllpSendOptions = {}): Promise<MllpReply> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const started = Date.now();
  let connection: MllpConnection;
  try {
    connection = await MllpConnection.open(host, port, {
      connectTimeoutMs: opts.connectTimeoutMs ?? timeoutMs,
      ...(opts.maxReplyBytes === undefined ? {} : { maxReplyBytes: opts.maxReplyBytes }),
    });
  } catch (error) {
    if (error instanceof MllpError) return { ok: false, reason: error.reason, waitedFor: error.waitedFor, elapsedMs: Date.now() - started, detail: error.detail };
    return { ok: false, reason: 'socket-error', waitedFor: `a TCP connection to ${host}:${port}`, elapsedMs: Date.now() - started, detail: String(error) };
  }
  try {
    connection.sendRaw(bytes);
    const reply = await connection.nextReply(timeoutMs);
    return { ...reply, elapsedMs: Date.now() - started };
  } finally {
    connection.close();
  }
}
