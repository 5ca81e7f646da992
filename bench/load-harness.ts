/**
 * What the load benches share (bench/load-clients.ts, bench/mock-throughput.ts): a server in its own process (a mock
 * through bench/load-mock.ts, a peer through bench/load-peer.ts) whose memory is read from /proc, and HTTP clients that
 * each send their next request as soon as the last one was answered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ExchangeJournal } from '../src/journal/journal.ts';
import type { LoadMockConfig } from './load-mock.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REQUEST_TIMEOUT_MS = 30_000;

export interface Memory {
  rssMb: number;
  peakMb: number;
  heapUsedMb?: number;
  /** A mock's journal: entries in memory, entries dropped, body bytes in memory, bytes spilled. */
  journal?: JournalStats;
}

export type JournalStats = ExchangeJournal['stats'];

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** CPU seconds a process has used so far (user + system, from /proc/<pid>/stat). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

export interface Server {
  child: ChildProcess;
  endpoints: Record<string, unknown>;
  /** Two full GCs in the child (--expose-gc), then its memory. */
  collect(): Promise<Memory>;
  stop(): Promise<void>;
}

/** A mock (bench/load-mock.ts) or a peer (bench/load-peer.ts) in its own process, ready once it sends { ready }. */
export async function startServer(script: string, argv: string[], config?: LoadMockConfig, env: Record<string, string> = {}): Promise<Server> {
  // SELLO_LOAD_PROFILE=DIR: a CPU profile of each mock (of the peers too with SELLO_LOAD_PROFILE_PEERS=1), in DIR.
  const profile = process.env.SELLO_LOAD_PROFILE && (script.endsWith('load-mock.ts') || process.env.SELLO_LOAD_PROFILE_PEERS) ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SELLO_LOAD_PROFILE}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, '--import', 'tsx', script, ...argv], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...env, ...(config ? { SELLO_LOAD_MOCK: JSON.stringify(config) } : {}) },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const endpoints = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} ${argv.join(' ')} not ready within 60 s:\n${output}`)), 60_000);
    child.on('message', (m: { ready?: Record<string, unknown> }) => {
      if (!m.ready) return;
      clearTimeout(timer);
      resolve(m.ready);
    });
    child.once('exit', (code) => reject(new Error(`${script} ${argv.join(' ')} exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    child,
    endpoints,
    collect: () =>
      new Promise((resolve) => {
        const onMessage = (m: { gc?: NodeJS.MemoryUsage; journal?: JournalStats }) => {
          if (!m.gc) return;
          child.off('message', onMessage);
          resolve({ ...memoryOf(child.pid!), heapUsedMb: mb(m.gc.heapUsed), ...(m.journal ? { journal: m.journal } : {}) });
        };
        child.on('message', onMessage);
        child.send('gc');
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export interface Outcome {
  ok: boolean;
  code: string;
  ms: number;
  /** The answer's body, kept for the first of each unexpected code so the report says what it was. */
  body?: string;
}

/** One client's next request; `ok` false when the answer is not what a valid request gets. */
export type Call = () => Promise<Outcome>;

export interface HttpAsk {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The status a valid request gets. */
  ok: number;
}

export function send(agent: Agent, ask: HttpAsk): Promise<Outcome & { body: string; headers: IncomingHttpHeaders }> {
  const target = new URL(ask.url);
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: ask.method,
        headers: { 'x-message-id': randomUUID(), ...ask.headers },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ok: res.statusCode === ask.ok, code: String(res.statusCode), ms: performance.now() - started, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? e.message, ms: performance.now() - started, body: '', headers: {} }));
    req.end(ask.body);
  });
}

/**
 * An HTTP client: `next(n)` is its n-th request (from 0). With `token`, its first request asks for one and every later
 * request carries it, as a PGS client does.
 */
export function httpClient(agent: Agent, next: (n: number, token: string) => HttpAsk, token?: HttpAsk): Call {
  let n = 0;
  let bearer = '';
  return async () => {
    if (token && !bearer) {
      const got = await send(agent, token);
      if (got.ok) bearer = (JSON.parse(got.body) as { access_token: string }).access_token;
      return got;
    }
    return send(agent, next(n++, bearer));
  };
}

export interface MllpStats {
  /** Connections the server closed under a client that had not asked it to: evictions, and refusals after their AR. */
  closedByServer: number;
  reconnects: number;
  /** ACKs that arrived with no message outstanding: the listener's refusal on accepting (AR, ERR 207), or an ACK later than the client's timeout. */
  unsolicited: Record<string, number>;
}

export interface Load {
  completed: number;
  perSecond: number;
  /** Valid answers only (200/201, ACK AA): what the ratios compare; an evicted MLLP client's failures are not service. */
  okPerSecond: number;
  outcomes: Record<string, number>;
  /** The start of the first answer of each unexpected code. */
  samples: Record<string, string>;
  p50Ms: number;
  p99Ms: number;
}

/** `clients` loops, each issuing its next call when the last one answered, until the time is up. */
export async function hold(calls: Call[], seconds: number): Promise<Load> {
  const outcomes: Record<string, number> = {};
  const samples: Record<string, string> = {};
  const latencies: number[] = [];
  let ok = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    calls.map(async (call) => {
      while (Date.now() < end) {
        const o = await call();
        outcomes[o.code] = (outcomes[o.code] ?? 0) + 1;
        if (!o.ok) {
          if (o.body && !(o.code in samples)) samples[o.code] = o.body.slice(0, 400);
          // A refused connection answers at once: pace it so one dead client does not spin.
          if (o.ms < 1) await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        ok++;
        if (latencies.length < 5_000_000) latencies.push(o.ms);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const completed = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { completed, perSecond: Math.round(completed / seconds), okPerSecond: Math.round(ok / seconds), outcomes, samples, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export type Clients = { calls: Call[]; health: Call; close(): void; mllp?: MllpStats };

export const agentFor = (clients: number) => new Agent({ keepAlive: true, maxSockets: clients });

/** HTTP clients sharing one keep-alive agent (a socket each); the health check on an agent of its own, fresh socket. */
export function httpClients(clients: number, make: (agent: Agent, i: number) => Call): Clients {
  const agent = agentFor(clients);
  return {
    calls: Array.from({ length: clients }, (_, i) => make(agent, i)),
    health: async () => {
      const fresh = agentFor(1);
      const call = make(fresh, clients);
      try {
        let o = await call();
        // A PGS client's first call is its token: the valid request that must still be served comes after it.
        if (o.ok && o.code === '200') o = await call();
        return o;
      } finally {
        fresh.destroy();
      }
    },
    close: () => agent.destroy(),
  };
}
