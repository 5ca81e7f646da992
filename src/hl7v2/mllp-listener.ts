/**
 * The MLLP listener: answers every frame with what `onMessage` returns, and every piece of garbage or bad framing
 * with AR and an ERR saying what was wrong; a handler that throws or hangs gets AE/CE 207 (see `mllp.ts`).
 */
import net from 'node:net';
import { asListenError } from '../transport/listen-error.ts';
import { type AckCode, type AckError, ackMode, buildAck } from './ack.ts';
import { parseEr7 } from './er7.ts';
import { type BadFrameReason, DEFAULT_MAX_FRAME_BYTES, decodePayload, decodeWithEncoding, FRAMING_TEXT, frameMllp, MllpDeframer, type MllpEvent } from './mllp-frame.ts';

export type MllpListenerEvent =
  | { kind: 'message'; remote: string; message: string; ack: string | undefined; encoding: 'utf-8' | 'latin1' }
  | { kind: 'garbage'; remote: string; bytes: number; ack: string }
  | { kind: 'bad-frame'; remote: string; reason: BadFrameReason; bytes: number; ack: string }
  | { kind: 'handler-error'; remote: string; error: string; ack: string }
  | { kind: 'socket-error'; remote: string; error: string }
  /** A connection closed by the listener's limits: idle too long, evicted for a new sender, or refused when every slot was busy. */
  | { kind: 'connection-limit'; remote: string; action: 'idle-closed' | 'evicted' | 'refused'; ack?: string }
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
  /**
   * Connections held at once. Default 64. When all are taken, a new sender takes the slot of the connection idle the
   * longest (no frame open, no message being handled); when none is idle it gets AR with ERR 207 and is closed.
   */
  maxConnections?: number;
  /** A connection with no byte in either direction for this long, and nothing in progress, is closed. Default 300000 ms. */
  connectionIdleMs?: number;
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

export const DEFAULT_MAX_CONNECTIONS = 64;
export const DEFAULT_CONNECTION_IDLE_MS = 300_000;
const REFUSED_LINGER_MS = 2_000;

/** AR with ERR 207 for a sender the listener cannot serve now; MSA-2 is empty since no message was read. */
function limitAck(en: string, es: string, sender?: { application?: string; facility?: string }): string {
  const error: AckError = { code: '207', message: `Rechazado: ${es}; reintente más tarde.`, diagnostic: `MLLP listener limit: ${en}; retry later` };
  return buildAck(parseEr7(''), 'AR', [error], sender ? { sender } : {});
}

export async function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const host = opts.host ?? '127.0.0.1';
  const idleMs = opts.idleMs ?? 200;
  const frameTimeoutMs = opts.frameTimeoutMs ?? 5000;
  const handlerTimeoutMs = opts.handlerTimeoutMs ?? 10_000;
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const connectionIdleMs = opts.connectionIdleMs ?? DEFAULT_CONNECTION_IDLE_MS;
  const stats = { connections: 0, messages: 0, garbage: 0, badFrames: 0, handlerErrors: 0 };
  /** Open connections, each with what the limits need to know: when it last moved and whether work is in flight. */
  const sockets = new Map<net.Socket, { lastActivity: number; busy: () => boolean; remote: string }>();
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
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (sockets.size >= maxConnections && !evictIdlest()) {
      const ack = limitAck(`${maxConnections} connections are open and busy`, `${maxConnections} conexiones abiertas y ocupadas`, opts.sender);
      socket.on('error', () => undefined);
      socket.end((opts.frame ?? frameMllp)(ack));
      // Read and drop what the sender sends, so its FIN is seen and the socket closes; a peer that never closes is cut.
      socket.resume();
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      emit({ kind: 'connection-limit', remote, action: 'refused', ack });
      return;
    }
    const deframer = new MllpDeframer(maxFrameBytes);
    let chain: Promise<void> = Promise.resolve();
    let pending = 0;
    const state = { lastActivity: Date.now(), busy: () => pending > 0 || deframer.inFrame, remote };
    sockets.set(socket, state);
    socket.setTimeout(connectionIdleMs, () => {
      if (state.busy()) return;
      emit({ kind: 'connection-limit', remote, action: 'idle-closed' });
      socket.destroy();
    });
    let idleTimer: NodeJS.Timeout | undefined;
    let frameTimer: NodeJS.Timeout | undefined;

    const write = (ackText: string | undefined): void => {
      state.lastActivity = Date.now();
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
      state.lastActivity = Date.now();
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
  /** Frees a slot by closing the connection idle the longest; false when every connection has work in flight. */
  function evictIdlest(): boolean {
    let idlest: [net.Socket, { lastActivity: number; remote: string }] | undefined;
    for (const [socket, state] of sockets) if (!state.busy() && (!idlest || state.lastActivity < idlest[1].lastActivity)) idlest = [socket, state];
    if (!idlest) return false;
    const [socket, state] = idlest;
    sockets.delete(socket);
    emit({ kind: 'connection-limit', remote: state.remote, action: 'evicted' });
    socket.destroy();
    return true;
  }
  // The kernel-level backstop: beyond twice the limit connections are dropped unanswered (a flood, not a sender).
  server.maxConnections = maxConnections * 2;
  server.on('error', (error) => emit({ kind: 'server-error', error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => reject(asListenError(error, `MLLP listener${opts.sender?.application ? ` (${opts.sender.application})` : ''}`, host, opts.port));
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
        for (const s of sockets.keys()) s.destroy();
        server.close(() => resolve());
      }),
  };
}
