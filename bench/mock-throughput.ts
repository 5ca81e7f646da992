/**
 * Each mock's requests/s beside bare hapi's on the same route shape, in one run (issue 14: "the mocks ≥ 80 % of bare
 * hapi's requests/s with a bounded journal"), and the mock's journal memory at the start and the end.
 *
 * A mock runs alone in its own process (bench/load-mock.ts, the start functions `sello mocks` uses, with the
 * process's one journal); its peer is bare hapi in its own process (bench/load-peer.ts hapi) with one route of the
 * mock's method and path pattern that answers, fixed, the answer the mock gave to the first request. Both get the same
 * requests from the same clients (here, one keep-alive socket each, each sending its next request when the last was
 * answered), in rounds that alternate which goes first. Reported per round: answers/s, valid answers/s, and the
 * server's CPU per answer (from /proc: robust to other processes on a shared machine, as long as the server is the
 * bottleneck); the ratios mock / peer. The journal's memory is read after two forced GCs: before the load, after the
 * first round and after the last (flat: the journal is bounded, README "Limits"), with its stats (entries held,
 * dropped). A SOAP mock also runs beside a SOAP peer, bare hapi that reads each envelope with xmldom and relates its
 * fixed answer to the request's MessageID: bare hapi answers without reading the XML at all, which no SOAP endpoint
 * can, so the second ratio shows what the mock costs beyond the reading every SOAP server does. Nothing asserts on time; the bench exits 1 when a mock answers a valid request with anything but its
 * valid answer.
 *
 * node --import tsx bench/mock-throughput.ts [--seconds 10] [--clients 50] [--rounds 2] [--warmup 3] [--only NAME]   (--quick: 3 s, 1 round, 1 s warm-up)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syntheticBeneficiario } from '../programs/mx-pgs/lib/synthetic.ts';
import { ephemeralCredentials } from '../programs/mx-pgs/reference/deployment.ts';
import { ruEnvelope, searchRegistryItemBody } from '../programs/ru-egisz/lib/messages.ts';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';
import { newUrnUuid } from '../src/soap/index.ts';
import { freePorts } from '../src/transport/free-port.ts';
import { todayInMexico } from '../src/util/dates.ts';
import { agentFor, cpuSecondsOf, type HttpAsk, hold, httpClient, httpClients, type Load, type Memory, type Server, send, startServer } from './load-harness.ts';
import type { PeerRoute } from './load-peer.ts';
import { median } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const quick = args.includes('--quick');
const SECONDS = option('seconds', quick ? 3 : 10);
const CLIENTS = option('clients', 50);
const ROUNDS = option('rounds', quick ? 1 : 2);
/** Load on each server before the rounds, not measured: JIT and caches warm, so a round measures the steady state. */
const WARMUP_SECONDS = option('warmup', quick ? 1 : 3);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

interface Prepared {
  mock: Server;
  /** The route the mock served, for the peer: its method and path pattern. */
  route: { method: string; path: string };
  /** Client i's n-th request (after its token, if `token`). */
  next(client: number): (n: number, bearer: string) => HttpAsk;
  token?: HttpAsk;
  /** A SOAP mock: also measured beside a SOAP peer that reads each envelope (bench/load-peer.ts, PeerRoute.relatesTo). */
  soap?: boolean;
}

interface Target {
  name: string;
  workload: string;
  prepare(): Promise<Prepared>;
}

const credentials = ephemeralCredentials();
const today = todayInMexico();
const bearerOf = (body: string): string => (JSON.parse(body) as { access_token: string }).access_token;

const TARGETS: Target[] = [
  {
    name: 'mx-pgs consulta',
    workload: 'GET /pgs/v1/beneficiarios/{curp} at the SSA node with a Bearer token (50 registered beneficiaries by turns)',
    prepare: async () => {
      const [port] = await freePorts(1);
      const clients = Object.entries(credentials).map(([party, c]) => ({ ...c, party }));
      const mock = await startServer('bench/load-mock.ts', ['pgs-ssa'], { port: port!, clients });
      const { baseUrl, tokenUrl } = mock.endpoints as { baseUrl: string; tokenUrl: string };
      const token: HttpAsk = {
        method: 'POST',
        url: tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.SSA.clientId, client_secret: credentials.SSA.clientSecret }).toString(),
        ok: 200,
      };
      const agent = agentFor(1);
      const bearer = bearerOf((await send(agent, token)).body);
      const curps: string[] = [];
      for (let i = 0; i < 50; i++) {
        const b = syntheticBeneficiario(new SeededRandom(`throughput-${i}`), { institucion: 'SSA', today });
        const alta = await send(agent, {
          method: 'POST',
          url: `${baseUrl}/beneficiarios`,
          headers: { authorization: `Bearer ${bearer}`, 'x-institucion': 'SSA', 'content-type': 'application/json' },
          body: JSON.stringify(b),
          ok: 201,
        });
        if (!alta.ok) throw new Error(`setup: alta got ${alta.code}: ${alta.body}`);
        curps.push(b.curp);
      }
      agent.destroy();
      return {
        mock,
        route: { method: 'GET', path: `${new URL(baseUrl).pathname}/beneficiarios/{curp}` },
        token,
        next: (client) => (n, bearer) => ({
          method: 'GET',
          url: `${baseUrl}/beneficiarios/${curps[(client + n) % curps.length]}`,
          headers: { authorization: `Bearer ${bearer}`, 'x-institucion': 'SSA' },
          ok: 200,
        }),
      };
    },
  },
  {
    name: 'pe-ris SIHCE FHIR read',
    workload: 'GET /fhir/Patient/{id} (application/fhir+json) of a Patient created at setup',
    prepare: async () => {
      const [port, mllpPort] = await freePorts(2);
      const mock = await startServer('bench/load-mock.ts', ['sihce'], { port: port!, mllpPort: mllpPort! });
      const base = mock.endpoints.fhirBaseUrl as string;
      const headers = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
      const agent = agentFor(1);
      const body = JSON.stringify({ resourceType: 'Patient', active: true, gender: 'female', birthDate: '1990-05-01' });
      const created = await send(agent, { method: 'POST', url: `${base}/Patient`, headers, body, ok: 201 });
      agent.destroy();
      if (!created.ok) throw new Error(`setup: Patient create got ${created.code}: ${created.body}`);
      const id = (JSON.parse(created.body) as { id: string }).id;
      return {
        mock,
        route: { method: 'GET', path: `${new URL(base).pathname}/Patient/{id}` },
        next: () => () => ({ method: 'GET', url: `${base}/Patient/${id}`, headers, ok: 200 }),
      };
    },
  },
  {
    name: 'ru-egisz REMD SOAP',
    workload: 'POST /port/emdr searchRegistryItem (SOAP 1.2, a new wsa:MessageID each) as Sello’s MIS',
    prepare: async () => {
      const [port] = await freePorts(1);
      const mock = await startServer('bench/load-mock.ts', ['remd'], { port: port! });
      const { serviceUrl, clientEntityId } = mock.endpoints as { serviceUrl: string; clientEntityId: string };
      const search = searchRegistryItemBody({ organization: '1.2.643.5.1.13.13.12.2.77.7777', dateFrom: '2024-01-01', dateTo: today });
      return {
        mock,
        route: { method: 'POST', path: new URL(serviceUrl).pathname },
        soap: true,
        next: () => () => ({
          method: 'POST',
          url: serviceUrl,
          headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
          body: ruEnvelope('searchRegistryItem', { body: search, messageId: newUrnUuid(), clientEntityId }),
          ok: 200,
        }),
      };
    },
  },
];

interface Phase extends Load {
  server: 'mock' | 'peer' | 'soap peer';
  /** Server CPU per answer, µs: what the server spends on one request, whatever else shares the machine. */
  cpuMicrosPerAnswer: number;
  /** Share of one CPU the server used: near 100 % the server is the bottleneck, well below it the clients are. */
  serverCpuPercent: number;
}

async function phase(server: Server, which: Phase['server'], prepared: Prepared, seconds = SECONDS): Promise<Phase> {
  // The same requests; to a peer, at its own address (the token still comes from the mock, outside the measure).
  const origin = which !== 'mock' ? new URL(server.endpoints.url as string).origin : undefined;
  const at = (ask: HttpAsk): HttpAsk => (origin ? { ...ask, url: origin + new URL(ask.url).pathname + new URL(ask.url).search } : ask);
  const clients = httpClients(CLIENTS, (agent, i) => {
    const next = prepared.next(i);
    return httpClient(agent, (n, bearer) => at(next(n, bearer)), prepared.token);
  });
  // Tokens first, outside the measure: a client's first call is its token.
  if (prepared.token) await Promise.all(clients.calls.map((call) => call()));
  const cpuBefore = cpuSecondsOf(server.child.pid!);
  const load = await hold(clients.calls, seconds);
  const cpu = cpuSecondsOf(server.child.pid!) - cpuBefore;
  clients.close();
  return { server: which, ...load, cpuMicrosPerAnswer: Math.round((cpu / Math.max(1, load.completed)) * 1e6), serverCpuPercent: Math.round((cpu / seconds) * 100) };
}

/** The mock's answer to the first request, fixed, on the mock's route: the peer (`soap`: the SOAP peer). */
async function startPeer(prepared: Prepared, soap = false): Promise<Server> {
  const agent = agentFor(1);
  let bearer = '';
  if (prepared.token) bearer = bearerOf((await send(agent, prepared.token)).body);
  const ask = prepared.next(0)(0, bearer);
  const sample = await send(agent, ask);
  agent.destroy();
  if (!sample.ok) throw new Error(`the mock answered ${sample.code} to a valid request: ${sample.body.slice(0, 300)}`);
  const contentType = sample.headers['content-type'] ?? 'application/json';
  const body = /json/.test(contentType) ? JSON.parse(sample.body) : sample.body;
  const route: PeerRoute = { ...prepared.route, status: Number(sample.code), contentType, body };
  if (soap) {
    const messageId = /<(?:\w+:)?MessageID>([^<]+)</.exec(ask.body ?? '')?.[1];
    if (!messageId || !sample.body.includes(messageId)) throw new Error(`the SOAP mock's answer does not relate to the request's MessageID ${messageId}`);
    route.relatesTo = messageId;
  }
  const [port] = await freePorts(1);
  return startServer('bench/load-peer.ts', ['hapi', String(port)], undefined, { SELLO_LOAD_PEER: JSON.stringify([route]) });
}

const round2 = (x: number) => Math.round(x * 100) / 100;

interface Result {
  target: string;
  workload: string;
  rounds: Array<{ mock: Phase; peer: Phase; ratio: number; cpuRatio: number; soapPeer?: Phase; soapRatio?: number }>;
  /** Median over rounds of mock / peer valid answers/s. */
  ratio: number;
  /** Median over rounds of peer / mock server CPU per answer: the same ratio, as the CPU sees it. */
  cpuRatio: number;
  /** A SOAP mock: the median of mock / SOAP peer valid answers/s. */
  soapRatio?: number;
  journal: { start: Memory; afterFirstRound: Memory; end: Memory };
}

async function measure(target: Target): Promise<Result> {
  const prepared = await target.prepare();
  let peer: Server | undefined;
  let soapPeer: Server | undefined;
  try {
    peer = await startPeer(prepared);
    if (prepared.soap) soapPeer = await startPeer(prepared, true);
    for (const server of [peer, prepared.mock, ...(soapPeer ? [soapPeer] : [])]) await phase(server, server === prepared.mock ? 'mock' : 'peer', prepared, WARMUP_SECONDS);
    const start = await prepared.mock.collect();
    let afterFirstRound: Memory | undefined;
    const rounds: Result['rounds'] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first: the second of a pair runs on a machine the first has warmed (or heated).
      const servers: Array<[Phase['server'], Server]> = [['peer', peer], ['mock', prepared.mock], ...(soapPeer ? [['soap peer', soapPeer] as [Phase['server'], Server]] : [])];
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      const got: Partial<Record<Phase['server'], Phase>> = {};
      for (const [which, server] of order) got[which] = await phase(server, which, prepared);
      afterFirstRound ??= await prepared.mock.collect();
      const { mock, peer: p } = got as Record<'mock' | 'peer', Phase>;
      const soap = got['soap peer'];
      rounds.push({
        mock,
        peer: p,
        ratio: round2(mock.okPerSecond / Math.max(1, p.okPerSecond)),
        cpuRatio: round2(p.cpuMicrosPerAnswer / Math.max(1, mock.cpuMicrosPerAnswer)),
        ...(soap ? { soapPeer: soap, soapRatio: round2(mock.okPerSecond / Math.max(1, soap.okPerSecond)) } : {}),
      });
      console.log(
        `  round ${r + 1}: mock ${mock.okPerSecond}/s valid (${mock.cpuMicrosPerAnswer} µs CPU each, server at ${mock.serverCpuPercent} %) · bare hapi ${p.okPerSecond}/s (${p.cpuMicrosPerAnswer} µs, ${p.serverCpuPercent} %) · ratio ${rounds.at(-1)!.ratio} (CPU ${rounds.at(-1)!.cpuRatio})` +
          (soap ? ` · SOAP peer (hapi + xmldom) ${soap.okPerSecond}/s (${soap.cpuMicrosPerAnswer} µs, ${soap.serverCpuPercent} %) · ratio ${rounds.at(-1)!.soapRatio}` : ''),
      );
    }
    const end = await prepared.mock.collect();
    return {
      target: target.name,
      workload: target.workload,
      rounds,
      ratio: round2(median(rounds.map((r) => r.ratio))),
      cpuRatio: round2(median(rounds.map((r) => r.cpuRatio))),
      ...(soapPeer ? { soapRatio: round2(median(rounds.map((r) => r.soapRatio ?? 0))) } : {}),
      journal: { start, afterFirstRound: afterFirstRound!, end },
    };
  } finally {
    await peer?.stop();
    await soapPeer?.stop();
    await prepared.mock.stop();
  }
}

const results: Result[] = [];
for (const target of TARGETS.filter((t) => !only || t.name.includes(only))) {
  console.log(`${target.name} — ${target.workload}`);
  const r = await measure(target);
  const j = (m: Memory) => `${m.heapUsedMb} MB heap, ${m.journal?.entries ?? '?'} entries held, ${m.journal?.dropped ?? '?'} dropped`;
  console.log(
    `  ${r.target}: ${r.ratio} of bare hapi's valid answers/s (median of ${r.rounds.length}); CPU per answer ${r.cpuRatio}` +
      (r.soapRatio !== undefined ? `; ${r.soapRatio} of the SOAP peer's (hapi reading each envelope with xmldom)` : ''),
  );
  console.log(`  journal: start ${j(r.journal.start)} · after round 1 ${j(r.journal.afterFirstRound)} · end ${j(r.journal.end)}`);
  results.push(r);
}
writeFileSync(
  fileURLToPath(new URL('mock-throughput.results.json', import.meta.url)),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, seconds: SECONDS, clients: CLIENTS, rounds: ROUNDS, results }, null, 2)}\n`,
);
const wrong = results.filter((r) => r.rounds.some((x) => Object.keys(x.mock.outcomes).some((code) => code !== String(Object.keys(x.peer.outcomes)[0]))));
if (wrong.length) {
  console.error(`a mock answered a valid request with something else: ${wrong.map((r) => r.target).join('; ')}`);
  process.exitCode = 1;
}
