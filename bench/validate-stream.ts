/**
 * `sello validate` on a large NDJSON cohort: resources/s and peak RSS, beside a peer that reads the same lines with
 * readline and validates each with @medplum/core (base R4). Both run as child processes on the same generated file;
 * peak RSS is the kernel's high-water mark (VmHWM) read while each runs. The target (issue 11): memory independent
 * of file size, a 1 GB NDJSON under 300 MB RSS.
 *
 *   node --import tsx bench/validate-stream.ts [--mb 1024]    (default 1024 MB; --mb 50 for a smoke run)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const megabytes = Number(process.argv[process.argv.indexOf('--mb') + 1] ?? 1024) || 1024;
const dir = mkdtempSync(join(tmpdir(), 'sello-bench-ndjson-'));
if (!process.env.KEEP) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'cohort.ndjson');

/** Synthetic base-R4 Patients and Observations, no real person: names and numbers come from a seeded generator. */
async function generate(targetBytes: number): Promise<number> {
  const rng = new SeededRandom('bench-validate-stream');
  const out = createWriteStream(file);
  let bytes = 0;
  let count = 0;
  const given = ['Ana', 'Luis', 'Rosa', 'Juan', 'Elena', 'Pedro'];
  const family = ['Quispe', 'Huaman', 'Mamani', 'Flores', 'Rojas', 'Chavez'];
  while (bytes < targetBytes) {
    const id = `p${count}`;
    const patient = {
      resourceType: 'Patient',
      id,
      identifier: [{ system: 'urn:oid:2.999.1', value: String(rng.int(10_000_000, 99_999_999)) }],
      name: [{ family: rng.pick(family), given: [rng.pick(given)] }],
      gender: rng.pick(['male', 'female']),
      birthDate: `19${rng.int(40, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`,
    };
    const observation = {
      resourceType: 'Observation',
      id: `o${count}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
      subject: { reference: `Patient/${id}` },
      valueQuantity: { value: 36 + rng.int(0, 30) / 10, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
    };
    for (const resource of [patient, observation]) {
      const line = `${JSON.stringify(resource)}\n`;
      bytes += Buffer.byteLength(line);
      count++;
      if (!out.write(line)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return count;
}

interface Measured {
  seconds: number;
  peakRssMb: number;
  code: number | null;
  /** Documents the tool reported on (Sello: outcomes in its JSON output), to prove every line was judged. */
  reported: number;
}

function peakRssKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function measure(args: string[]): Promise<Measured> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let reported = 0;
  let tail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('utf8');
    reported += text.split('"outcome":').length - 1;
    tail = text.slice(-12);
    if (tail.includes('"outcome":')) tail = '';
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRssKb(child.pid ?? 0));
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: Math.round(peak / 1024), code, reported };
}

const PEER = `
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
const { loadMedplumPeer } = await import(${JSON.stringify(join(root, 'bench/peer-medplum.ts'))});
const peer = await loadMedplumPeer();
let errors = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]) })) {
  if (line.trim() === '') continue;
  if (peer.validate(JSON.parse(line)).some((f) => f.severity === 'error' || f.severity === 'fatal')) errors++;
}
console.log(JSON.stringify({ "outcome": errors }));
process.exitCode = errors > 0 ? 3 : 0;
`;

console.log(`generating a ${megabytes} MB NDJSON cohort…`);
const resources = await generate(megabytes * 1024 * 1024);
const fileMb = Math.round(statSync(file).size / 1024 / 1024);
console.log(`${resources} resources, ${fileMb} MB`);
const peerScript = join(dir, 'peer.mts');
writeFileSync(peerScript, PEER);
const sello = await measure([join(root, 'bin/sello.mjs'), 'validate', file, '--format', 'json']);
const peer = await measure(['--import', 'tsx', peerScript, file]);
const rate = (m: Measured) => Math.round(resources / m.seconds);
const results = {
  file: { megabytes: fileMb, resources },
  sello: {
    command: 'sello validate cohort.ndjson --format json',
    exit: sello.code,
    judged: sello.reported,
    seconds: Number(sello.seconds.toFixed(1)),
    resourcesPerSecond: rate(sello),
    peakRssMb: sello.peakRssMb,
  },
  peer: { name: '@medplum/core validateResource, readline', exit: peer.code, seconds: Number(peer.seconds.toFixed(1)), resourcesPerSecond: rate(peer), peakRssMb: peer.peakRssMb },
  ratio: { throughput: Number((rate(sello) / rate(peer)).toFixed(2)), peakRss: Number((sello.peakRssMb / Math.max(1, peer.peakRssMb)).toFixed(2)) },
  target: { peakRssMbUnder: 300, met: sello.peakRssMb < 300 },
};
console.log(JSON.stringify(results, null, 2));
writeFileSync(join(root, 'bench/validate-stream.results.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), ...results }, null, 2)}\n`);
