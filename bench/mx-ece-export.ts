/**
 * A Bulk export judged as it streams in (issue 13, mx-ece RE-05/RE-10): a synthetic IMSS cohort (programs/mx-ece
 * lib/cohort.ts, seeded, no real person) generated on the fly and served as one NDJSON body over HTTP by a tiny local
 * server in this process; each judge runs in its own child process and reads the body as it arrives:
 * - Sello: src/fhir/stream/ndjson.ts judgeNdjson over the response, createFhirValidator per line;
 * - peer: @medplum/core validateResource per line (bench/peer-medplum.ts), lines read with readline.
 * Both judge base R4 (and each line's meta.profile only when the side knows it: Sello's validator is given no program
 * profiles, so both judge the same rules). Reported per round: resources/s and peak RSS (VmHWM) of each child, and
 * their ratios; nothing asserts on time.
 *
 * A third child, `read`, only counts the lines: the rate the server and socket allow, the ceiling of both judges.
 *
 *   node --import tsx bench/mx-ece-export.ts [--resources 1000000] [--rounds 1] [--only read|sello|medplum]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cohortLines } from '../programs/mx-ece/lib/cohort.ts';
import type { Finding } from '../src/findings/finding.ts';
import { measureChild } from './child.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] ?? fallback) : fallback);
const SEED = 'bench-mx-ece-export';
/** A fixed instant: the same cohort (the 7-year window included) every run. */
const NOW = new Date('2026-06-01T12:00:00Z');

interface JudgeReport {
  side: string;
  resources: number;
  withErrors: number;
  seconds: number;
}

const blocking = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error' || f.severity === 'fatal');

function response(url: string): Promise<import('node:http').IncomingMessage> {
  return new Promise((resolve, reject) => get(url, resolve).on('error', reject));
}

/** Child mode: judge the body at `url` with one side, report counts as one JSON line on stdout. */
async function judge(side: string, url: string): Promise<void> {
  let resources = 0;
  let withErrors = 0;
  let started = 0n;
  if (side === 'sello') {
    const { createFhirValidator } = await import('../src/fhir/index.ts');
    const { judgeNdjson } = await import('../src/fhir/stream/ndjson.ts');
    const validator = createFhirValidator();
    started = process.hrtime.bigint();
    for await (const line of judgeNdjson(await response(url), (r) => validator.validate(r), { maxLineBytes: 64 * 1024 * 1024 })) {
      resources++;
      if (blocking(line.findings)) withErrors++;
    }
  } else if (side === 'read') {
    started = process.hrtime.bigint();
    for await (const line of createInterface({ input: await response(url), crlfDelay: Number.POSITIVE_INFINITY })) if (line.trim() !== '') resources++;
  } else {
    const { loadMedplumPeer } = await import('./peer-medplum.ts');
    const peer = await loadMedplumPeer();
    started = process.hrtime.bigint();
    for await (const line of createInterface({ input: await response(url), crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() === '') continue;
      resources++;
      if (blocking(peer.validate(JSON.parse(line) as Record<string, unknown>))) withErrors++;
    }
  }
  const report: JudgeReport = { side, resources, withErrors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  console.log(JSON.stringify(report));
}

/** Serves `resources` lines of the cohort per request, generated as they are written, waiting on a slow reader. */
async function serve(resources: number): Promise<{ url: string; close: () => void }> {
  const server = createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
    let sent = 0;
    let batch = '';
    for (const { line } of cohortLines(SEED, { patients: Number.MAX_SAFE_INTEGER, now: NOW })) {
      if (sent++ >= resources) break;
      batch += `${line}\n`;
      if (batch.length >= 64 * 1024) {
        if (!res.write(batch)) await once(res, 'drain');
        batch = '';
      }
    }
    res.end(batch);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Patient/$export/output.ndjson`, close: () => server.close() };
}

async function measure(side: string, url: string): Promise<JudgeReport & { peakRssMb: number; resourcesPerSecond: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--judge', side, '--url', url], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  const { code, peakRssMb } = await measureChild(child);
  if (code !== 0) throw new Error(`${side} judge exited ${code}`);
  const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as JudgeReport;
  return { ...report, seconds: Number(report.seconds.toFixed(1)), resourcesPerSecond: Math.round(report.resources / report.seconds), peakRssMb };
}

async function bench(): Promise<void> {
  const resources = Number(arg('--resources', '1000000'));
  const rounds = Number(arg('--rounds', '1'));
  const only = arg('--only', '');
  // `read` only counts lines: the ceiling the server and the socket allow, so a judge's rate can be read against it.
  const sides = ['read', 'sello', 'medplum'].filter((s) => !only || s === only);
  const server = await serve(resources);
  const perRound: Record<string, unknown>[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternating who goes first: the machine warms (page cache, CPU clock) for whoever runs second.
      const order = round % 2 === 0 ? sides : [sides[0]!, ...sides.slice(1).reverse()];
      const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      for (const side of order) {
        results[side] = await measure(side, server.url);
        console.log(`round ${round + 1} ${side}: ${JSON.stringify(results[side])}`);
      }
      const s = results.sello;
      const m = results.medplum;
      perRound.push({
        round: round + 1,
        ...results,
        ...(s && m ? { ratio: { throughput: Number((s.resourcesPerSecond / m.resourcesPerSecond).toFixed(2)), peakRss: Number((s.peakRssMb / Math.max(1, m.peakRssMb)).toFixed(2)) } } : {}),
      });
    }
  } finally {
    server.close();
  }
  const results = {
    measuredAt: new Date().toISOString(),
    export: { resources, seed: SEED, now: NOW.toISOString(), served: 'one NDJSON body over HTTP (chunked), generated on the fly' },
    sello: 'judgeNdjson (src/fhir/stream/ndjson.ts) + createFhirValidator, base R4',
    peer: '@medplum/core validateResource over readline, base R4',
    rounds: perRound,
  };
  console.log(JSON.stringify(results, null, 2));
  writeFileSync(new URL(`mx-ece-export.results.${resources}${only ? `.${only}` : ''}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv.includes('--judge')) await judge(arg('--judge', 'sello'), arg('--url', ''));
else await bench();
