/**
 * Many clients against each mock for a while, and what that costs the mock's memory (issue 11: "holds 1,000
 * concurrent clients against each mock for 60 s while reporting RSS before/after").
 *
 * Each mock runs as `sello mocks` in its own process, so its RSS (VmRSS, and VmHWM for the peak, from /proc) is its
 * own; the clients run here. The peer, measured the same way in the same run, is the least a server can do on the same
 * socket (bench/load-peer.ts): node:http with a fixed body, a net server with a fixed ACK. Nothing asserts on time;
 * the bench fails only when a mock dies, answers 5xx to a valid request, or no longer serves one after the load.
 *
 * node --import tsx bench/load-clients.ts [--seconds 60] [--clients 1000] [--quick]   (quick: 5 s, 100 clients)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PgsClient } from '../programs/mx-pgs/lib/pgs-client.ts';
import { syntheticBeneficiario } from '../programs/mx-pgs/lib/synthetic.ts';
import { buildAdtA04, triageFacts } from '../programs/pe-ris/lib/v2-messages.ts';
import { frameMllp, MllpDeframer } from '../src/hl7v2/mllp-frame.ts';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';
import { ExchangeJournal } from '../src/journal/journal.ts';
import { freePort } from '../src/transport/free-port.ts';
import { todayInMexico } from '../src/util/dates.ts';
import { triage } from '../test/pe-ris/fixtures.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const quick = args.includes('--quick');
const SECONDS = option('seconds', quick ? 5 : 60);
const CLIENTS = option('clients', quick ? 100 : 1000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REQUEST_TIMEOUT_MS = 30_000;

interface Memory {
  rssMb: number;
  peakMb: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/** A server process, ready once it prints its "Press Ctrl+C" line; its stdout kept for the addresses it prints. */
async function startServer(command: string[], what: string): Promise<{ child: ChildProcess; output: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, command, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Press Ctrl+C')) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${what} did not print its "Press Ctrl+C" line within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

interface Outcome {
  ok: boolean;
  code: string;
  ms: number;
}

/** One client's next request; `ok` false when the answer is not what a valid request gets. */
type Call = () => Promise<Outcome>;

function httpCall(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string, okStatus = 200): Call {
  const target = new URL(url);
  return () =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: { ...headers, 'x-message-id': randomUUID() }, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ ok: res.statusCode === okStatus, code: String(res.statusCode), ms: performance.now() - started }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, code: e.code ?? e.message, ms: performance.now() - started }));
      req.end(body);
    });
}

/** An MLLP client on its own connection, sending one message at a time and waiting for its ACK. */
function mllpClient(host: string, port: number, message: () => string): { call: Call; close(): void } {
  const socket = connect(port, host);
  const deframer = new MllpDeframer();
  let waiting: ((payload: string) => void) | undefined;
  let broken: string | undefined;
  socket.on('data', (chunk) => {
    for (const event of deframer.push(chunk)) if (event.kind === 'message') waiting?.(event.payload.toString('latin1'));
  });
  const fail = (why: string) => {
    broken ??= why;
    waiting?.('');
  };
  socket.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
  socket.on('close', () => fail('closed'));
  return {
    call: () =>
      new Promise((resolve) => {
        const started = performance.now();
        if (broken) return resolve({ ok: false, code: broken, ms: 0 });
        const timer = setTimeout(() => fail('timeout'), REQUEST_TIMEOUT_MS);
        waiting = (ack) => {
          clearTimeout(timer);
          waiting = undefined;
          const msa = /\rMSA\|([A-Z]{2})/.exec(ack)?.[1];
          const err = /\rERR\|[^\r]*?\|(\d{3})\^/.exec(ack)?.[1];
          resolve({ ok: msa === 'AA', code: msa ? `${msa}${err ? ` ERR ${err}` : ''}` : (broken ?? 'no ACK'), ms: performance.now() - started });
        };
        socket.write(frameMllp(message()));
      }),
    close: () => socket.destroy(),
  };
}

interface Load {
  completed: number;
  perSecond: number;
  /** Valid answers only (200, ACK AA): what the ratios compare; an evicted MLLP client's failures are not service. */
  okPerSecond: number;
  outcomes: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/** `clients` loops, each issuing its next call when the last one answered, until the time is up. */
async function hold(calls: Call[], seconds: number): Promise<Load> {
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    calls.map(async (call) => {
      while (Date.now() < end) {
        const o = await call();
        outcomes[o.code] = (outcomes[o.code] ?? 0) + 1;
        if (!o.ok) {
          // A refused or closed connection answers at once: pace it so one dead client does not spin.
          if (o.ms < 1) await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        ok++;
        if (latencies.length < 2_000_000) latencies.push(o.ms);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const completed = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { completed, perSecond: Math.round(completed / seconds), okPerSecond: Math.round(ok / seconds), outcomes, p50Ms: at(0.5), p99Ms: at(0.99) };
}

interface Target {
  name: string;
  /** The server to start, and how to build the clients' calls against it once it is up. */
  server: (port: number) => string[];
  calls: (port: number, output: string, clients: number) => Promise<Calls>;
}

const agentFor = (clients: number) => new Agent({ keepAlive: true, maxSockets: clients });

async function pgsSetup(output: string): Promise<{ consulta: (agent: Agent) => Call }> {
  const url = (who: string) => new RegExp(`${who}\\s+(http://\\S+/pgs/v1)\\s+token: (\\S+)`).exec(output)!;
  const secret = (who: string) => new RegExp(`${who}\\s+client_id=(\\S+) client_secret=(\\S+)`).exec(output)!;
  const endpoints = Object.fromEntries(['IMSS', 'ISSSTE', 'SSA'].map((i) => [i, { baseUrl: url(i)[1]!, tokenUrl: url(i)[2]! }]));
  const credentials = Object.fromEntries(['IMSS', 'ISSSTE', 'SSA'].map((i) => [i, { clientId: secret(i)[1]!, clientSecret: secret(i)[2]! }]));
  const client = new PgsClient(new ExchangeJournal(), endpoints as never, credentials as never);
  const ana = syntheticBeneficiario(new SeededRandom('load-clients'), { institucion: 'IMSS', today: todayInMexico() });
  const alta = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: ana });
  if (alta.status !== 201) throw new Error(`setup: the alta got ${alta.status}: ${alta.text}`);
  const token = await client.token('IMSS', 'IMSS');
  const headers = { authorization: `Bearer ${token}`, 'x-institucion': 'IMSS' };
  return { consulta: (agent) => httpCall(agent, `${endpoints.IMSS!.baseUrl}/beneficiarios/${ana.curp}`, 'GET', headers) };
}

async function sihceSetup(output: string): Promise<{ read: (agent: Agent) => Call; base: string }> {
  const base = /SIHCE\s+FHIR (http:\/\/\S+\/fhir)/.exec(output)![1]!;
  const agent = agentFor(1);
  const created = await new Promise<string>((resolve, reject) => {
    const target = new URL(`${base}/Patient`);
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/fhir+json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve(String(res.headers.location)) : reject(new Error(`setup: Patient create got ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ resourceType: 'Patient', active: true, gender: 'female', birthDate: '1990-05-01' }));
  });
  const id = /Patient\/([^/]+)/.exec(created)![1]!;
  return { base, read: (a) => httpCall(a, `${base}/Patient/${id}`, 'GET', { accept: 'application/fhir+json' }) };
}

const facts = triageFacts(triage('load-clients').bundle)!;
const adt = () => buildAdtA04(facts, { controlId: randomUUID().replace(/-/g, '').slice(0, 20) });

type Calls = { calls: Call[]; health: Call; close(): void };

/** HTTP clients sharing one keep-alive agent (a socket each); the health check on an agent of its own. */
function httpClients(call: (agent: Agent) => Call, clients: number): Calls {
  const agent = agentFor(clients);
  return { calls: Array.from({ length: clients }, () => call(agent)), health: call(agentFor(1)), close: () => agent.destroy() };
}

/** MLLP clients on a connection each; the health check on a fresh connection, which the listener must still take. */
function mllpClients(host: string, port: number, clients: number): Calls {
  const conns = Array.from({ length: clients }, () => mllpClient(host, port, adt));
  return {
    calls: conns.map((c) => c.call),
    health: () => {
      const fresh = mllpClient(host, port, adt);
      return fresh.call().finally(() => fresh.close());
    },
    close: () => {
      for (const c of conns) c.close();
    },
  };
}

const TARGETS: Target[] = [
  {
    name: 'mx-pgs IMSS node: consulta (GET /beneficiarios/{curp}, Bearer token)',
    server: (port) => ['bin/sello.mjs', 'mocks', '--port', String(port)],
    calls: async (_port, output, clients) => httpClients((await pgsSetup(output)).consulta, clients),
  },
  {
    name: 'pe-ris SIHCE FHIR: read (GET /fhir/Patient/{id})',
    server: (port) => ['bin/sello.mjs', 'mocks', '--program', 'pe-ris', '--port', String(port)],
    calls: async (_port, output, clients) => httpClients((await sihceSetup(output)).read, clients),
  },
  {
    name: 'peer node:http (fixed JSON body)',
    server: (port) => ['--import', 'tsx', 'bench/load-peer.ts', 'http', String(port)],
    calls: async (port, _output, clients) => httpClients((a) => httpCall(a, `http://127.0.0.1:${port}/`, 'GET', {}), clients),
  },
  {
    name: 'pe-ris SIHCE MLLP: ADT^A04, one connection per client',
    server: (port) => ['bin/sello.mjs', 'mocks', '--program', 'pe-ris', '--port', String(port)],
    calls: async (_port, output, clients) => {
      const [, host, port] = /MLLP (\S+):(\d+)/.exec(output)!;
      return mllpClients(host!, Number(port), clients);
    },
  },
  {
    name: 'peer net MLLP (fixed ACK)',
    server: (port) => ['--import', 'tsx', 'bench/load-peer.ts', 'mllp', String(port)],
    calls: async (port, _output, clients) => mllpClients('127.0.0.1', port, clients),
  },
];

interface Result extends Load {
  target: string;
  memoryBefore: Memory;
  memoryAfter: Memory;
  servedAfter: boolean;
  alive: boolean;
}

async function measure(target: Target): Promise<Result> {
  const port = await freePort();
  const server = await startServer(target.server(port), target.name);
  try {
    const pid = server.child.pid!;
    const { calls, health, close } = await target.calls(port, server.output(), CLIENTS);
    const memoryBefore = memoryOf(pid);
    const load = await hold(calls, SECONDS);
    close();
    // Let closed connections and their buffers go before "after" is read.
    await new Promise((r) => setTimeout(r, 3000));
    const alive = server.child.exitCode === null;
    const servedAfter = alive && (await health()).ok;
    const memoryAfter = alive ? memoryOf(pid) : { rssMb: 0, peakMb: 0 };
    return { target: target.name, ...load, memoryBefore, memoryAfter, servedAfter, alive };
  } finally {
    await server.stop();
  }
}

const results: Result[] = [];
for (const target of TARGETS) {
  const r = await measure(target);
  results.push(r);
  console.log(
    `${r.target}\n  ${r.completed} answers in ${SECONDS} s, ${r.okPerSecond}/s valid (latency of valid ones: p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms) · ${JSON.stringify(r.outcomes)}\n` +
      `  RSS before ${r.memoryBefore.rssMb} MB · peak ${r.memoryAfter.peakMb} MB · after ${r.memoryAfter.rssMb} MB · alive ${r.alive} · serves a fresh request after ${r.servedAfter}`,
  );
}
const byName = (prefix: string) => results.find((r) => r.target.startsWith(prefix))!;
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const ratios = {
  'mx-pgs consulta / peer http, valid answers/s': ratio(byName('mx-pgs').okPerSecond, byName('peer node:http').okPerSecond),
  'SIHCE FHIR read / peer http, valid answers/s': ratio(byName('pe-ris SIHCE FHIR').okPerSecond, byName('peer node:http').okPerSecond),
  'SIHCE MLLP / peer MLLP, valid answers/s': ratio(byName('pe-ris SIHCE MLLP').okPerSecond, byName('peer net MLLP').okPerSecond),
};
console.log(ratios);
writeFileSync(
  fileURLToPath(new URL('load-clients.results.json', import.meta.url)),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), seconds: SECONDS, clients: CLIENTS, results, ratios }, null, 2)}\n`,
);
const broken = results.filter((r) => !r.alive || !r.servedAfter || Object.keys(r.outcomes).some((c) => c.startsWith('5')));
if (broken.length) {
  console.error(`a mock died, answered 5xx or stopped serving: ${broken.map((r) => r.target).join('; ')}`);
  process.exitCode = 1;
}
