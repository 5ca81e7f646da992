/**
 * The batch confronta on a big padrón (issue 14): Sello's ConfrontaSession directly and through the SSA node's
 * `POST /pgs/v1/confronta` route, beside a floor (readline + a Map lookup of each line's CURP), on the same
 * generated file, each side in its own process (bench/confronta-child.ts), rounds alternating the order.
 *
 *   node --import tsx bench/confronta.ts [--lines 10000000] [--rounds 3]     (--lines 200000 for a smoke run)
 *   CHILD_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/p' node --import tsx bench/confronta.ts …   (profiles each side)
 *
 * The file is a seeded synthetic ISSSTE padrón (lib/confronta/padron-file.ts) with planted CURP_INVALIDA, generic
 * CURPs, known IMSS TITULARES (DOBLE_AFILIACION) and some of them under another name (MISMA_CURP_DATOS_DISTINTOS);
 * each side's result is checked against those counts. Nothing asserts on time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sendConfronta } from '../programs/mx-pgs/lib/confronta/client.ts';
import { generatePadronFile, mixedIsssteOptions, type PersonaConocida, type PlantedCounts } from '../programs/mx-pgs/lib/confronta/padron-file.ts';
import { generatePerson, SeededRandom } from '../src/identifiers/mx/index.ts';
import { measureChild } from './child.ts';
import { ResultTally, type TallySummary } from './confronta-tally.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]) || fallback;
};
const DEFAULT_LINES = 10_000_000;
const LINES = arg('--lines', DEFAULT_LINES);
const ROUNDS = arg('--rounds', 3);
/** People the central index holds (TITULAR VIGENTE at IMSS); the file's known lines are drawn from them. */
const KNOWN = 100_000;
const TARGET = { linesPerSecond: 500_000, peakRssMbUnder: 512 };
/** Every side reads the file in chunks of this size (the floor's readline, the session, the HTTP upload alike). */
const READ_BYTES = 1 << 20;

const dir = mkdtempSync(join(tmpdir(), 'sello-bench-confronta-'));
if (!process.env.KEEP) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const padron = join(dir, 'padron-issste.txt');
const knownFile = join(dir, 'known.json');

async function generate(): Promise<PlantedCounts> {
  const rng = new SeededRandom('bench-confronta');
  const known: PersonaConocida[] = Array.from({ length: KNOWN }, (_, i) => generatePerson(rng.fork(`known-${i}`)));
  writeFileSync(knownFile, JSON.stringify(known));
  const { stream, planted } = generatePadronFile(rng.fork('padron'), LINES, mixedIsssteOptions(known));
  await pipeline(stream, createWriteStream(padron));
  return planted;
}

interface Side {
  seconds: number;
  linesPerSecond: number;
  /** Lines per second of the process's own CPU time (user + system): steadier than wall time on a shared machine. */
  linesPerCpuSecond: number;
  /** Over HTTP: lines per CPU-second of the client (this process: reading the file, sending, tallying the answer). */
  clientLinesPerCpuSecond?: number;
  peakRssMb: number;
  /** What the side's result says, to be compared with what was planted. */
  counts: Record<string, number>;
}

/** CHILD_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`) go to every side's process: NODE_OPTIONS refuses --cpu-prof. */
const childFlags = (process.env.CHILD_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const childArgs = (side: string): string[] => [...childFlags, '--import', 'tsx', join(root, 'bench/confronta-child.ts'), side, padron, knownFile, String(READ_BYTES)];

/** JSON lines from a child, one promise per awaited event. */
function events(child: ChildProcess): (name: string) => Promise<Record<string, unknown>> {
  const seen = new Map<string, Record<string, unknown>>();
  const waiting = new Map<string, (o: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const o = JSON.parse(line) as Record<string, unknown>;
    const name = String(o.event);
    const w = waiting.get(name);
    if (w) w(o);
    else seen.set(name, o);
  });
  return (name) =>
    new Promise((resolve, reject) => {
      const s = seen.get(name);
      if (s) return resolve(s);
      waiting.set(name, resolve);
      child.once('exit', (code) => reject(new Error(`confronta child exited ${code} before '${name}'`)));
    });
}

const countsOf = (t: TallySummary): Record<string, number> => ({
  LINEAS: t.resumen.LINEAS ?? -1,
  CON_HALLAZGOS: t.rows,
  CURP_GENERICA: t.resumen.CURP_GENERICA ?? -1,
  ...t.porResultado,
});

interface Done {
  seconds: number;
  cpuSeconds: number;
}
const side = (wallSeconds: number, done: Done, peakRssMb: number, counts: Record<string, number>): Side => ({
  seconds: Number(wallSeconds.toFixed(2)),
  linesPerSecond: Math.round(LINES / wallSeconds),
  linesPerCpuSecond: Math.round(LINES / done.cpuSeconds),
  peakRssMb,
  counts,
});

async function inProcess(name: 'floor' | 'direct'): Promise<Side> {
  const child = spawn(process.execPath, childArgs(name), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const measured = measureChild(child);
  const done = (await events(child)('done')) as unknown as Done & TallySummary & { lines?: number; hits?: number };
  const { peakRssMb } = await measured;
  const counts = name === 'floor' ? { LINEAS: done.lines ?? -1, INDEX_HITS: done.hits ?? -1 } : countsOf(done);
  return side(done.seconds, done, peakRssMb, counts);
}

/** The SSA node in a child; the upload is streamed from the file and the answer tallied here, as a node would. */
async function overHttp(): Promise<Side> {
  const child = spawn(process.execPath, childArgs('http'), { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const measured = measureChild(child);
  const next = events(child);
  const ready = (await next('ready')) as { baseUrl: string; token: string };
  const started = performance.now();
  const clientCpu = process.cpuUsage();
  const body = createReadStream(padron, { highWaterMark: READ_BYTES });
  const reply = await sendConfronta({ baseUrl: ready.baseUrl, token: ready.token, institucion: 'ISSSTE', body, idleTimeoutMs: 120_000 });
  if (reply.status !== 200) throw new Error(`confronta answered ${reply.status}`);
  const tally = new ResultTally();
  for await (const chunk of reply.body) tally.bytes(chunk as Buffer);
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientCpu);
  child.stdin!.end();
  const done = (await next('done')) as unknown as Done;
  const { peakRssMb } = await measured;
  return { ...side(seconds, done, peakRssMb, countsOf(tally.summary())), clientLinesPerCpuSecond: Math.round(LINES / ((client.user + client.system) / 1e6)) };
}

function expected(planted: PlantedCounts): { sello: Record<string, number>; floorHits: number } {
  const doble = planted.conocidas + planted.datosDistintos;
  const sello: Record<string, number> = {
    LINEAS: planted.lineas,
    CON_HALLAZGOS: planted.curpInvalida + doble,
    CURP_GENERICA: planted.curpGenerica,
    CURP_INVALIDA: planted.curpInvalida,
    DOBLE_AFILIACION: doble,
  };
  if (planted.datosDistintos > 0) sello.MISMA_CURP_DATOS_DISTINTOS = planted.datosDistintos;
  return { sello, floorHits: doble };
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

console.log(`generating a ${LINES.toLocaleString('en')}-line padrón…`);
const planted = await generate();
const fileMb = Math.round(statSync(padron).size / 1024 / 1024);
console.log(`${fileMb} MB, planted ${JSON.stringify(planted)}`);
const want = expected(planted);

const rounds: Record<string, Side | number | number[]>[] = [];
const sides = { floor: () => inProcess('floor'), direct: () => inProcess('direct'), http: overHttp };
for (let r = 0; r < ROUNDS; r++) {
  const order = (Object.keys(sides) as (keyof typeof sides)[]).map((_, i, all) => all[(i + r) % all.length]!);
  const round: Record<string, Side> = {};
  // Other processes on a shared machine move every figure; the load beside each round says how much.
  const loadBefore = loadavg()[0]!;
  for (const name of order) {
    round[name] = await sides[name]();
    const m = round[name];
    console.log(`round ${r + 1} ${name}: ${m.linesPerSecond.toLocaleString('en')} lines/s, ${m.linesPerCpuSecond.toLocaleString('en')} lines/CPU-s, ${m.peakRssMb} MB`);
  }
  rounds.push({
    ...round,
    directToFloor: ratio(round.direct!, round.floor!),
    httpToFloor: ratio(round.http!, round.floor!),
    loadAverage1m: [Number(loadBefore.toFixed(1)), Number(loadavg()[0]!.toFixed(1))],
  });
  console.log(`round ${r + 1} ratios to the floor: direct ${ratio(round.direct!, round.floor!)}, http ${ratio(round.http!, round.floor!)}`);
}

function ratio(a: { linesPerSecond: number }, b: { linesPerSecond: number }): number {
  return Number((a.linesPerSecond / b.linesPerSecond).toFixed(3));
}
const cpuRatio = (a: { linesPerCpuSecond: number }, b: { linesPerCpuSecond: number }): number => Number((a.linesPerCpuSecond / b.linesPerCpuSecond).toFixed(3));
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (name: 'floor' | 'direct' | 'http') => {
  const all = rounds.map((r) => r[name] as Side);
  return {
    linesPerSecond: median(all.map((s) => s.linesPerSecond)),
    linesPerCpuSecond: median(all.map((s) => s.linesPerCpuSecond)),
    peakRssMb: Math.max(...all.map((s) => s.peakRssMb)),
    resultsRight: name === 'floor' ? all.every((s) => s.counts.INDEX_HITS === want.floorHits && s.counts.LINEAS === LINES) : all.every((s) => sameCounts(s.counts, want.sello)),
  };
};
const floor = summary('floor');
const direct = summary('direct');
const http = summary('http');
const meets = (s: ReturnType<typeof summary>): boolean => s.linesPerSecond >= TARGET.linesPerSecond && s.peakRssMb < TARGET.peakRssMbUnder && s.resultsRight;
const results = {
  measuredAt: new Date().toISOString(),
  file: { lines: LINES, megabytes: fileMb, knownInIndex: KNOWN, planted },
  cpus: cpus().length,
  expected: want,
  target: TARGET,
  floor,
  direct: { ...direct, ratioToFloor: ratio(direct, floor), cpuRatioToFloor: cpuRatio(direct, floor), targetMet: meets(direct) },
  http: { ...http, ratioToFloor: ratio(http, floor), cpuRatioToFloor: cpuRatio(http, floor), targetMet: meets(http) },
  rounds,
};
console.log(JSON.stringify({ floor: results.floor, direct: results.direct, http: results.http }, null, 2));
// A smoke run must not overwrite the 10 M-line figures the README quotes.
const resultsFile = LINES === DEFAULT_LINES ? 'bench/confronta.results.json' : `bench/confronta.results.${LINES}.json`;
writeFileSync(join(root, resultsFile), `${JSON.stringify(results, null, 2)}\n`);
if (!direct.resultsRight || !http.resultsRight || !floor.resultsRight) {
  console.error('a side did not find what was planted: see rounds[].*.counts against expected');
  process.exitCode = 1;
}
