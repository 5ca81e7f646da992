import { createConnection, createServer, type Server, type Socket } from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** What goes on the wire for one message: its bytes framed VT … FS CR, or other bytes entirely (framing defects). */
export type FrameRewrite = (message: Buffer) => Buffer | { raw: Buffer };

export interface MllpProxyRules {
  /** Messages from the client (the sender) to the upstream listener. */
  toUpstream?: FrameRewrite;
  /** Replies (ACKs) from the upstream listener to the client. */
  toClient?: FrameRewrite;
}

const frame = (message: Buffer): Buffer => Buffer.concat([Buffer.from([VT]), message, Buffer.from([FS, CR])]);

/** Cuts a byte stream into MLLP messages; bytes outside a frame are passed on as they came. */
function pipeFrames(from: Socket, to: Socket, rewrite: FrameRewrite | undefined): void {
  let pending = Buffer.alloc(0);
  from.on('data', (chunk: Buffer) => {
    if (!rewrite) return void to.write(chunk);
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const start = pending.indexOf(VT);
      if (start < 0) break;
      const end = pending.indexOf(Buffer.from([FS, CR]), start);
      if (end < 0) break;
      if (start > 0) to.write(pending.subarray(0, start));
      const out = rewrite(Buffer.from(pending.subarray(start + 1, end)));
      to.write(Buffer.isBuffer(out) ? frame(out) : out.raw);
      pending = pending.subarray(end + 2);
    }
  });
  from.on('end', () => {
    if (pending.length > 0) to.write(pending);
    to.end();
  });
}

/** A TCP proxy in front of an MLLP listener that rewrites whole messages in either direction. */
export async function startMllpProxy(upstreamPort: number, rules: MllpProxyRules): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeFrames(client, upstream, rules.toUpstream);
    pipeFrames(upstream, client, rules.toClient);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** ER7 helpers for rewrites: segments split on CR, fields on `|`. */
export function mapSegments(message: Buffer, map: (fields: string[]) => string[] | undefined): Buffer {
  const segments = message.toString('utf8').split('\r');
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '') {
      out.push(segment);
      continue;
    }
    const mapped = map(segment.split('|'));
    if (mapped) out.push(mapped.join('|'));
  }
  return Buffer.from(out.join('\r'), 'utf8');
}
