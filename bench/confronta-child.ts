/**
 * One side of the confronta bench in its own process: `node --import tsx bench/confronta-child.ts floor|direct|http
 * <padrón file> <known.json> [read chunk bytes]`. Prints JSON lines; `done` carries the wall and CPU seconds of the work (the index
 * loaded before the clock starts) and the counts the parent checks. `http` prints `ready` with the SSA node's URL and
 * a token, and serves until stdin closes. The parent samples each child's peak RSS (measureChild).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfrontaSession } from '../programs/mx-pgs/lib/confronta/match.ts';
import { altaTitularImss, type PersonaConocida } from '../programs/mx-pgs/lib/confronta/padron-file.ts';
import { PgsClient } from '../programs/mx-pgs/lib/pgs-client.ts';
import { CentralIndex } from '../programs/mx-pgs/reference/central-index.ts';
import { startPgsDeployment } from '../programs/mx-pgs/reference/deployment.ts';
import { ExchangeJournal } from '../src/journal/journal.ts';
import { ResultTally } from './confronta-tally.ts';

const [side, file, knownFile, readBytes] = process.argv.slice(2);
if (!side || !file || !knownFile) throw new Error('usage: confronta-child.ts floor|direct|http <padrón> <known.json> [read chunk bytes]');
/** The parent's chunk size, the same for every side; 64 KiB is fs's default. */
const highWaterMark = Number(readBytes) || 64 * 1024;
/** The bench's list of known people, read where it is used and then dropped: it is input, not any side's memory. */
const readKnown = (): PersonaConocida[] => JSON.parse(readFileSync(knownFile, 'utf8')) as PersonaConocida[];
const emit = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
/** Wall and CPU seconds since `from`: on a shared machine the CPU time is the steadier measure of the work. */
function timing(from: { wall: number; cpu: NodeJS.CpuUsage }): { seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage(from.cpu);
  return { seconds: (performance.now() - from.wall) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
const now = () => ({ wall: performance.now(), cpu: process.cpuUsage() });

/** Everyone the bench knows is TITULAR VIGENTE at IMSS, so an ISSSTE line with their CURP is a DOBLE_AFILIACION. */
function loadIndex(index: CentralIndex): void {
  for (const p of readKnown()) index.apply(altaTitularImss(p));
}

if (side === 'floor') {
  // The least a confronta can do: read each line, cut its CURP, look it up in a Map of the index.
  const index = new Map(readKnown().map((p) => [p.curp, 1]));
  const started = now();
  let lines = -1;
  let hits = 0;
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark }), crlfDelay: Number.POSITIVE_INFINITY })) {
    lines++;
    if (index.has(line.slice(0, line.indexOf('|')))) hits++;
  }
  emit({ event: 'done', ...timing(started), lines, hits });
} else if (side === 'direct') {
  // What the route does, minus HTTP: the same ConfrontaSession over the file's chunks, the result lines tallied.
  const index = new CentralIndex();
  loadIndex(index);
  const started = now();
  const session = new ConfrontaSession('ISSSTE', index);
  const tally = new ResultTally();
  // The route writes the result header itself; the session's lines come after it.
  tally.lines([ConfrontaSession.RESULT_HEADER]);
  for await (const chunk of createReadStream(file, { highWaterMark })) tally.lines(session.push(chunk as Buffer));
  tally.lines(session.end());
  emit({ event: 'done', ...timing(started), ...tally.summary() });
} else if (side === 'http') {
  const journal = new ExchangeJournal();
  const deployment = await startPgsDeployment({ journal, only: ['SSA'] });
  loadIndex(deployment.local.SSA!.index!);
  const token = await new PgsClient(journal, deployment.endpoints, deployment.credentials).token('SSA', 'ISSSTE');
  emit({ event: 'ready', baseUrl: deployment.endpoints.SSA.baseUrl, token });
  // The server's CPU from here to the end of the upload is the route's work (the client runs in the parent).
  const started = now();
  process.stdin.resume();
  process.stdin.once('end', async () => {
    emit({ event: 'done', ...timing(started) });
    await deployment.stop();
    process.exit(0);
  });
} else {
  throw new Error(`confronta-child.ts: unknown side ${side}`);
}
