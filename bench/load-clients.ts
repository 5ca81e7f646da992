/**
 * Many clients against each mock for a while, and what that costs the mock's memory (issue 11: "holds 1,000
 * concurrent clients against each mock for 60 s while reporting RSS before/after").
 *
 * Each mock runs alone in its own process (bench/load-mock.ts, the start functions `sello mocks` uses), so its RSS
 * (VmRSS, and VmHWM for the peak, from /proc) is its own; the clients run here. The peer, measured the same way in the
 * same run, is the least a server can do on the same socket (bench/load-peer.ts): node:http with a fixed body, a net
 * server with a fixed ACK. Nothing asserts on time; the bench fails only when a mock dies, answers 5xx to a valid
 * request, or no longer serves one after the load.
 *
 * node --import tsx bench/load-clients.ts [--seconds 60] [--clients 1000] [--quick]   (quick: 5 s, 100 clients)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { syntheticBeneficiario } from '../programs/mx-pgs/lib/synthetic.ts';
import { ephemeralCredentials } from '../programs/mx-pgs/reference/deployment.ts';
import { notificationBundle } from '../programs/pe-ris/judges/notifications.ts';
import { SYSTEM } from '../programs/pe-ris/lib/constants.ts';
import { buildTriageBundle } from '../programs/pe-ris/lib/triage-bundle.ts';
import { buildAdtA04, buildOruR01, type TriageFacts, triageFacts } from '../programs/pe-ris/lib/v2-messages.ts';
import { frameMllp, MllpDeframer } from '../src/hl7v2/mllp-frame.ts';
import { generatePersonPe } from '../src/identifiers/pe/person.ts';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';
import { freePorts } from '../src/transport/free-port.ts';
import { todayInMexico } from '../src/util/dates.ts';
import {
  agentFor,
  type Call,
  type Clients,
  type HttpAsk,
  hold,
  httpClient,
  httpClients,
  type Load,
  type Memory,
  type MllpStats,
  memoryOf,
  REQUEST_TIMEOUT_MS,
  type Server,
  send,
  startServer,
} from './load-harness.ts';
import type { LoadMockConfig } from './load-mock.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const quick = args.includes('--quick');
const SECONDS = option('seconds', quick ? 5 : 60);
const CLIENTS = option('clients', quick ? 100 : 1000);
/** A real MLLP sender waits before it reconnects; without a pause an evicted client would evict another at once. */
const MLLP_RECONNECT_PAUSE_MS = 1000;

// Both ends of every socket are on this machine: the clients here and the server in its child, each a descriptor.
const openFiles = Number(/Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]?.replace('unlimited', 'Infinity') ?? 1024);
const fdNote =
  openFiles >= CLIENTS + 256
    ? `open-file limit ${openFiles} ≥ ${CLIENTS} clients + 256: the sockets fit on each side`
    : `open-file limit ${openFiles} < ${CLIENTS} clients + 256: raise it (ulimit -n) or the clients get EMFILE, which says nothing about the mock`;
console.log(fdNote);

const ackCodeOf = (ack: string): string => {
  const msa = /\rMSA\|([A-Z]{2})/.exec(ack)?.[1];
  const err = /\rERR\|[^\r]*?\|(\d{3})\^/.exec(ack)?.[1];
  return msa ? `${msa}${err ? ` ERR ${err}` : ''}` : 'no MSA';
};

/**
 * An MLLP sender on its own connection, one message at a time, waiting for each ACK. When the server closes the
 * connection it reconnects after a pause, as a real sender does; what that costs is counted in `stats`.
 */
function mllpClient(host: string, port: number, message: (n: number) => string, stats: MllpStats): { call: Call; close(): void } {
  let socket: Socket | undefined;
  let waiting: ((ack: string | undefined, why?: string) => void) | undefined;
  let closing = false;
  let n = 0;
  let connections = 0;
  const open = (): Socket => {
    if (connections++ > 0) stats.reconnects++;
    const s = connect(port, host);
    const deframer = new MllpDeframer();
    s.on('data', (chunk) => {
      for (const event of deframer.push(chunk)) {
        if (event.kind !== 'message') continue;
        const ack = event.payload.toString('latin1');
        if (waiting) waiting(ack);
        else stats.unsolicited[ackCodeOf(ack)] = (stats.unsolicited[ackCodeOf(ack)] ?? 0) + 1;
      }
    });
    let why = 'closed';
    s.on('error', (e: NodeJS.ErrnoException) => (why = e.code ?? e.message));
    s.on('close', () => {
      if (socket === s) socket = undefined;
      if (!closing) stats.closedByServer++;
      waiting?.(undefined, why);
    });
    return s;
  };
  return {
    call: () =>
      new Promise((resolve) => {
        socket ??= open();
        const started = performance.now();
        const timer = setTimeout(() => waiting?.(undefined, 'timeout'), REQUEST_TIMEOUT_MS);
        waiting = (ack, why) => {
          clearTimeout(timer);
          waiting = undefined;
          const ms = performance.now() - started;
          if (ack === undefined) return setTimeout(() => resolve({ ok: false, code: why ?? 'closed', ms }), MLLP_RECONNECT_PAUSE_MS);
          const code = ackCodeOf(ack);
          resolve({ ok: code === 'AA', code, ms });
        };
        socket.write(frameMllp(message(n++)));
      }),
    close: () => {
      closing = true;
      socket?.destroy();
    },
  };
}

interface Target {
  name: string;
  /** What a client sends, for the report. */
  workload: string;
  peer?: boolean;
  /** Starts the measured server (and any unmeasured helper it talks to), and prepares the clients. */
  start(clients: number): Promise<{ server: Server; helpers: Server[]; clients: Clients }>;
}

/** MLLP clients on a connection each; the health check on a fresh connection, which the listener must still take. */
function mllpClients(host: string, port: number, clients: number, message: (client: number, n: number) => string): Clients {
  const stats: MllpStats = { closedByServer: 0, reconnects: 0, unsolicited: {} };
  const conns = Array.from({ length: clients }, (_, i) => mllpClient(host, port, (n) => message(i, n), stats));
  return {
    calls: conns.map((c) => c.call),
    health: async () => {
      const fresh = mllpClient(host, port, (n) => message(clients, n), { closedByServer: 0, reconnects: 0, unsolicited: {} });
      try {
        return await fresh.call();
      } finally {
        fresh.close();
      }
    },
    close: () => {
      for (const c of conns) c.close();
    },
    mllp: stats,
  };
}

// --- mx-pgs ---------------------------------------------------------------------------------------------------------

const credentials = ephemeralCredentials();
const pgsClients = Object.entries(credentials).map(([party, c]) => ({ ...c, party }));
const today = todayInMexico();
const beneficiario = (seed: string, institucion: 'IMSS' | 'SSA') => syntheticBeneficiario(new SeededRandom(seed), { institucion, today });

function pgsToken(tokenUrl: string, as: 'IMSS' | 'SSA'): HttpAsk {
  const { clientId, clientSecret } = credentials[as];
  return {
    method: 'POST',
    url: tokenUrl,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
    ok: 200,
  };
}

/** Registers `count` beneficiaries at a node (its own institution), for the clients' reads. */
async function pgsRegister(baseUrl: string, tokenUrl: string, as: 'IMSS' | 'SSA', count: number): Promise<string[]> {
  const agent = agentFor(1);
  const token = await send(agent, pgsToken(tokenUrl, as));
  if (!token.ok) throw new Error(`setup: token ${token.code}: ${token.body}`);
  const bearer = (JSON.parse(token.body) as { access_token: string }).access_token;
  const curps: string[] = [];
  for (let i = 0; i < count; i++) {
    const b = beneficiario(`load-setup-${as}-${i}`, as);
    const alta = await send(agent, pgsAlta(baseUrl, as, bearer, b));
    if (!alta.ok) throw new Error(`setup: alta at ${as} got ${alta.code}: ${alta.body}`);
    curps.push(b.curp);
  }
  agent.destroy();
  return curps;
}

function pgsAlta(baseUrl: string, as: 'IMSS' | 'SSA', bearer: string, body: object): HttpAsk {
  return {
    method: 'POST',
    url: `${baseUrl}/beneficiarios`,
    headers: { authorization: `Bearer ${bearer}`, 'x-institucion': as, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ok: 201,
  };
}

/** Every tenth request an alta of a new synthetic beneficiary (201); the others reads of registered ones (200). */
function pgsWorkload(baseUrl: string, as: 'IMSS' | 'SSA', curps: string[], read: (curp: string) => string) {
  return (client: number) =>
    (n: number, bearer: string): HttpAsk => {
      if (n % 10 === 9) {
        return pgsAlta(baseUrl, as, bearer, beneficiario(`load-${as}-${client}-${n}`, as));
      }
      return { method: 'GET', url: read(curps[(client + n) % curps.length]!), headers: { authorization: `Bearer ${bearer}`, 'x-institucion': as }, ok: 200 };
    };
}

async function startSsa(): Promise<Server> {
  const [port] = await freePorts(1);
  return startServer('bench/load-mock.ts', ['pgs-ssa'], { port: port!, clients: pgsClients });
}

// --- pe-ris ---------------------------------------------------------------------------------------------------------

const person = (seed: string) => generatePersonPe(new SeededRandom(seed), { dniCheck: 'letter', born: { from: '1960-01-01', to: '2000-12-31' } });
const triageOf = (seed: string) => buildTriageBundle(new SeededRandom(`bundle:${seed}`), { person: person(seed), prioridad: 'II', renipress: '00004321', at: new Date() });
const FHIR_JSON = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
/** Not a national id: the bench's own Patient, so a search finds exactly it. */
const LOAD_ID_SYSTEM = 'urn:sello:bench:load-clients';
const subscriptionToken = randomBytes(24).toString('base64url');

async function startSihce(): Promise<Server> {
  const [port, mllpPort] = await freePorts(2);
  return startServer('bench/load-mock.ts', ['sihce'], { port: port!, mllpPort: mllpPort!, subscriptionToken });
}

const controlId = () => randomUUID().replace(/-/g, '').slice(0, 20);
let mllpFacts: TriageFacts[] = [];
/** A sender's n-th message: an ADT^A04 registering a person, then ORU^R01 of their triage, by turns. */
const v2Message = (client: number, n: number): string => {
  const facts = mllpFacts[client % mllpFacts.length]!;
  return n % 2 === 0 ? buildAdtA04(facts, { controlId: controlId() }) : buildOruR01(facts, { controlId: controlId() });
};

const peerHttp = (clients: number, url: string) => httpClients(clients, (agent) => httpClient(agent, () => ({ method: 'GET', url: `${url}/`, ok: 200 })));

const TARGETS: Target[] = [
  {
    name: 'peer node:http',
    workload: 'GET / answered with a fixed JSON body',
    peer: true,
    start: async (clients) => {
      const [port] = await freePorts(1);
      const server = await startServer('bench/load-peer.ts', ['http', String(port)]);
      return { server, helpers: [], clients: peerHttp(clients, server.endpoints.url as string) };
    },
  },
  {
    name: 'mx-pgs IMSS node',
    workload: 'a token per client, then consulta GET /beneficiarios/{curp} ×9 and an alta POST /beneficiarios ×1 in 10 (reported on to the SSA index, another process)',
    start: async (clients) => {
      const ssa = await startSsa();
      const [port] = await freePorts(1);
      const { baseUrl: indexBase, tokenUrl: indexToken } = ssa.endpoints as { baseUrl: string; tokenUrl: string };
      const server = await startServer('bench/load-mock.ts', ['pgs-imss'], {
        port: port!,
        clients: pgsClients,
        centralIndex: { baseUrl: indexBase, tokenUrl: indexToken, ...credentials.IMSS },
      });
      const { baseUrl, tokenUrl } = server.endpoints as { baseUrl: string; tokenUrl: string };
      const curps = await pgsRegister(baseUrl, tokenUrl, 'IMSS', 50);
      const next = pgsWorkload(baseUrl, 'IMSS', curps, (curp) => `${baseUrl}/beneficiarios/${curp}`);
      return { server, helpers: [ssa], clients: httpClients(clients, (agent, i) => httpClient(agent, next(i), pgsToken(tokenUrl, 'IMSS'))) };
    },
  },
  {
    name: 'mx-pgs SSA node + central index',
    workload: 'a token per client, then consulta-indice GET /indice/{curp} ×9 and an alta at SSA ×1 in 10 (which the index applies)',
    start: async (clients) => {
      const server = await startSsa();
      const { baseUrl, tokenUrl } = server.endpoints as { baseUrl: string; tokenUrl: string };
      const curps = await pgsRegister(baseUrl, tokenUrl, 'SSA', 50);
      const next = pgsWorkload(baseUrl, 'SSA', curps, (curp) => `${baseUrl}/indice/${curp}`);
      return { server, helpers: [], clients: httpClients(clients, (agent, i) => httpClient(agent, next(i), pgsToken(tokenUrl, 'SSA'))) };
    },
  },
  {
    name: 'pe-ris SIHCE FHIR',
    workload: 'read GET /Patient/{id} ×6, search GET /Patient?identifier=… ×3, create POST /Patient ×1 in 10',
    start: async (clients) => {
      const server = await startSihce();
      const base = server.endpoints.fhirBaseUrl as string;
      const agent = agentFor(1);
      const created = await send(agent, {
        method: 'POST',
        url: `${base}/Patient`,
        headers: FHIR_JSON,
        body: JSON.stringify({ resourceType: 'Patient', active: true, gender: 'female', birthDate: '1990-05-01' }),
        ok: 201,
      });
      agent.destroy();
      if (!created.ok) throw new Error(`setup: Patient create got ${created.code}: ${created.body}`);
      const id = (JSON.parse(created.body) as { id: string }).id;
      const next = (n: number): HttpAsk => {
        const k = n % 10;
        if (k === 9)
          return { method: 'POST', url: `${base}/Patient`, headers: FHIR_JSON, body: JSON.stringify({ resourceType: 'Patient', active: true, gender: 'male', birthDate: '1985-01-01' }), ok: 201 };
        if (k >= 6) return { method: 'GET', url: `${base}/Patient?identifier=${encodeURIComponent(`${LOAD_ID_SYSTEM}|LOAD-1`)}&_count=10`, headers: FHIR_JSON, ok: 200 };
        return { method: 'GET', url: `${base}/Patient/${id}`, headers: FHIR_JSON, ok: 200 };
      };
      return { server, helpers: [], clients: httpClients(clients, (a) => httpClient(a, next)) };
    },
  },
  {
    name: 'pe-ris engine FHIR',
    workload: 'a valid triage transaction POST /fhir (100 synthetic people by turns), which the engine checks and forwards as ADT^A04, ORU^R01, SIU^S12 to SIHCE (another process)',
    start: async (clients) => {
      const sihce = await startSihce();
      const [qhaliPort, port] = await freePorts(2);
      const qhali = await startServer('bench/load-mock.ts', ['qhali'], { port: qhaliPort! });
      const server = await startServer('bench/load-mock.ts', ['engine'], {
        port: port!,
        subscriptionToken,
        sihce: sihce.endpoints as LoadMockConfig['sihce'] & object,
        qhaliNotificationUrl: qhali.endpoints.notificationUrl as string,
      });
      const base = server.endpoints.fhirBaseUrl as string;
      const bundles = Array.from({ length: 100 }, (_, i) => JSON.stringify(triageOf(`load-engine-${i}`).bundle));
      const next =
        (client: number) =>
        (n: number): HttpAsk => ({ method: 'POST', url: base, headers: FHIR_JSON, body: bundles[(client + n) % bundles.length]!, ok: 200 });
      return { server, helpers: [sihce, qhali], clients: httpClients(clients, (a, i) => httpClient(a, next(i))) };
    },
  },
  {
    name: 'pe-ris Qhali notifications',
    workload: 'a follow-up notification POST /notificaciones (Backport history Bundle, full-resource Task): a subscription per client, its events numbered 1, 2, 3…',
    start: async (clients) => {
      const [port] = await freePorts(1);
      const server = await startServer('bench/load-mock.ts', ['qhali'], { port: port! });
      const url = server.endpoints.notificationUrl as string;
      const statuses = ['requested', 'accepted', 'in-progress', 'completed'];
      const next =
        (client: number) =>
        (n: number): HttpAsk => {
          const focus = {
            resourceType: 'Task',
            id: `load-${client}`,
            meta: { versionId: String(n + 1) },
            identifier: [{ system: SYSTEM.qhaliTask, value: `SEG-LOAD-${client}` }],
            status: statuses[n % statuses.length],
            intent: 'order',
          };
          const event = { eventNumber: n + 1, timestamp: new Date().toISOString(), focusRef: `Task/load-${client}`, focus };
          const body = notificationBundle({
            subscription: `Subscription/load-${client}`,
            eventsSinceSubscriptionStart: n + 1,
            events: [event],
            payload: 'full-resource',
            baseUrl: 'http://127.0.0.1/fhir',
          });
          return { method: 'POST', url, headers: FHIR_JSON, body: JSON.stringify(body), ok: 200 };
        };
      return { server, helpers: [], clients: httpClients(clients, (a, i) => httpClient(a, next(i))) };
    },
  },
  {
    name: 'peer net MLLP',
    workload: 'each client on its own connection: a frame answered with a fixed ACK AA',
    peer: true,
    start: async (clients) => {
      const [port] = await freePorts(1);
      const server = await startServer('bench/load-peer.ts', ['mllp', String(port)]);
      return { server, helpers: [], clients: mllpClients('127.0.0.1', port!, clients, v2Message) };
    },
  },
  {
    name: 'pe-ris SIHCE MLLP',
    workload: 'each client on its own connection: ADT^A04 then ORU^R01 (100 synthetic people), each waiting for its ACK; reconnect 1 s after the server closes the connection',
    start: async (clients) => {
      const server = await startSihce();
      const { host, port } = server.endpoints.mllp as { host: string; port: number };
      return { server, helpers: [], clients: mllpClients(host, port, clients, v2Message) };
    },
  },
];

interface Result extends Load {
  target: string;
  workload: string;
  memoryBefore: Memory;
  /** VmHWM: the most the process held at once, from its start to the end of the load. */
  memoryPeakMb: number;
  memoryAfter: Memory;
  rssGrowthMb: number;
  peakGrowthMb: number;
  mllp?: MllpStats;
  alive: boolean;
  servedAfter: boolean;
  healthCheck: string;
  helpersAlive: boolean;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(target: Target): Promise<Result> {
  const { server, helpers, clients } = await target.start(CLIENTS);
  try {
    const pid = server.child.pid!;
    const memoryBefore = await server.collect();
    const load = await hold(clients.calls, SECONDS);
    const peak = memoryOf(pid).peakMb;
    clients.close();
    // Let closed connections, their buffers and in-flight work (index reports, notifications) go before "after".
    await pause(3000);
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const memoryAfter = alive ? await server.collect() : { rssMb: 0, peakMb: 0 };
    const health = alive ? await clients.health() : { ok: false, code: 'dead', ms: 0 };
    return {
      target: target.name,
      workload: target.workload,
      ...load,
      memoryBefore,
      memoryPeakMb: peak,
      memoryAfter,
      rssGrowthMb: memoryAfter.rssMb - memoryBefore.rssMb,
      peakGrowthMb: peak - memoryBefore.rssMb,
      ...(clients.mllp ? { mllp: clients.mllp } : {}),
      alive,
      servedAfter: health.ok,
      healthCheck: health.code,
      helpersAlive: helpers.every((h) => h.child.exitCode === null && h.child.signalCode === null),
    };
  } finally {
    await server.stop();
    for (const h of helpers) await h.stop();
  }
}

mllpFacts = Array.from({ length: 100 }, (_, i) => triageFacts(triageOf(`load-mllp-${i}`).bundle)!);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]! : undefined;
const results: Result[] = [];
for (const target of TARGETS.filter((t) => !only || t.peer || t.name.includes(only))) {
  const r = await measure(target);
  results.push(r);
  const mllp = r.mllp ? `\n  MLLP: ${r.mllp.closedByServer} connections closed by the server, ${r.mllp.reconnects} reconnects, unsolicited ACKs ${JSON.stringify(r.mllp.unsolicited)}` : '';
  console.log(
    `${r.target} — ${r.workload}\n  ${r.completed} answers in ${SECONDS} s (${r.perSecond}/s), ${r.okPerSecond}/s valid (their latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms) · ${JSON.stringify(r.outcomes)}${mllp}\n` +
      `  RSS before ${r.memoryBefore.rssMb} MB · peak (VmHWM) ${r.memoryPeakMb} MB · after ${r.memoryAfter.rssMb} MB (heap ${r.memoryBefore.heapUsedMb} → ${r.memoryAfter.heapUsedMb} MB after GC) · alive ${r.alive} · a fresh valid request after: ${r.healthCheck}${r.helpersAlive ? '' : ' · A HELPER PROCESS DIED'}`,
  );
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 100) / 100);
const peerOf = (r: Result) => results.find((p) => p.target === (r.mllp ? 'peer net MLLP' : 'peer node:http'))!;
const ratios = Object.fromEntries(
  results
    .filter((r) => !r.target.startsWith('peer'))
    .map((r) => {
      const p = peerOf(r);
      return [
        r.target,
        {
          peer: p.target,
          validPerSecond: ratio(r.okPerSecond, p.okPerSecond),
          rssGrowth: ratio(r.rssGrowthMb, p.rssGrowthMb),
          peakGrowth: ratio(r.peakGrowthMb, p.peakGrowthMb),
          rssBefore: ratio(r.memoryBefore.rssMb, p.memoryBefore.rssMb),
        },
      ];
    }),
);
console.log('Sello / peer:', ratios);
writeFileSync(
  fileURLToPath(new URL('load-clients.results.json', import.meta.url)),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, cpus: cpus().length, openFiles, fdNote, seconds: SECONDS, clients: CLIENTS, results, ratios }, null, 2)}\n`,
);
const broken = results.filter((r) => !r.alive || !r.servedAfter || !r.helpersAlive || Object.keys(r.outcomes).some((c) => c.startsWith('5')));
if (broken.length) {
  console.error(`a mock died, answered 5xx or stopped serving: ${broken.map((r) => r.target).join('; ')}`);
  process.exitCode = 1;
}
