import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for listeners that must keep their number across a restart (a role brought down and back up) or that a
 * test hands to several processes. They are drawn below the kernel's ephemeral range: a port from `listen(0)` comes
 * from that range and is free only at the instant it is read, so another process's `listen(0)` — or any outgoing
 * connection's local port — could take it before its owner binds it again. Below the range only an explicit choice
 * can collide, and a bind probe rules that out.
 */
const LOWEST = 10_000;
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && low > LOWEST + 1_000) return low;
  } catch {
    // not Linux: IANA's dynamic range starts at 49152 (macOS, Windows)
  }
  return 32_768;
}

const HIGHEST = ephemeralRangeStart() - 1;

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A port free now on `host`, outside the ephemeral range, never handed out twice by this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (handedOut.has(port)) continue;
    if (await canBind(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  // A machine whose low ports are all taken still gets a working, if less stable, port.
  return ephemeralPort(host);
}

/** `n` distinct free ports: a test that wires several listeners must not hand the same port to two of them. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort(host);
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}
