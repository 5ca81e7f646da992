/**
 * The MLLP sender: `MllpConnection` and `sendMllp`/`exchangeMllp`, every wait bounded and reported by what it
 * waited for (see `mllp.ts`).
 */
import net from 'node:net';
import { type Finding, finding } from '../findings/finding.ts';
import { DEFAULT_MAX_FRAME_BYTES, decodePayload, decodeWithEncoding, FRAMING_TEXT, frameMllp, MllpDeframer, type MllpEvent } from './mllp-frame.ts';

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
  /** Told once the socket has closed, whoever closed it (a pool drops the connection then). */
  onClose: (() => void) | undefined;

  private constructor(
    private readonly socket: net.Socket,
    readonly remote: string,
    maxReplyBytes: number,
  ) {
    this.deframer = new MllpDeframer(maxReplyBytes);
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(...this.deframer.push(chunk));
      this.waiter?.();
    });
    socket.on('close', () => {
      this.queue.push(...this.deframer.abort());
      this.closed ??= { reason: 'closed-before-reply', detail: 'the peer closed the connection' };
      this.waiter?.();
      this.onClose?.();
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
        const timer = setTimeout(
          () => {
            if (awaitingCr && this.deframer.awaitingCr) this.queue.push(...this.deframer.abort());
            resolve();
          },
          awaitingCr ? Math.min(left, CR_GRACE_MS) : left,
        );
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** False once the peer closed the connection or it broke: a pool must not send on it again. */
  get isOpen(): boolean {
    return this.closed === undefined && !this.socket.destroyed;
  }

  close(): void {
    this.socket.destroy();
  }
}

export class MllpError extends Error {
  constructor(
    readonly reason: MllpFailure,
    readonly waitedFor: string,
    readonly elapsedMs: number,
    readonly detail: string,
  ) {
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
