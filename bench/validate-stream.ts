/**
 * `sello validate` on a large NDJSON cohort, through the CLI, beside two peers reading the same file line by line
 * (readline, JSON.parse, validate, base R4): @medplum/core `validateResource` and FHIR.js (`fhir`)
 * `new Fhir().validate`. Each tool is its own process on the same generated file, its output written to a file;
 * peak RSS is the kernel's high-water mark (VmHWM) sampled while it runs (bench/child.ts measureChild).
 *
 * The cohort (synthetic base-R4 Patients and laboratory Observations, seeded, no real person, no meta.profile, no
 * vital-sign code, which would imply a profile) carries planted defects: one line in ten has exactly one, of a kind the
 * R4 specification makes an error (see PLANTED). Per tool the bench counts the lines it reports an error on, how many of the planted lines are among them (per kind), and how many
 * lines without a planted defect got an error.
 *
 *   node --import tsx bench/validate-stream.ts [--mb 100] [--rounds 3]    (--mb 20 --rounds 1 for a smoke run)
 *   node --import tsx bench/validate-stream.ts --write FILE [--mb 20]     (only the cohort, to profile one tool on it)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';
import { measureChild } from './child.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? (process.argv[process.argv.indexOf(name) + 1] ?? fallback) : fallback);

type Json = Record<string, unknown>;

/** Each kind breaks one rule of the R4 specification, so every planted line is invalid under base R4. */
const PLANTED: Record<string, { type: 'Patient' | 'Observation'; rule: string; plant(r: Json): void }> = {
  'date-month-13': { type: 'Patient', rule: 'date: the primitive type regex (month 01-12)', plant: (r) => void (r.birthDate = '1987-13-05') },
  'date-feb-30': { type: 'Patient', rule: 'date: "SHALL be a valid date" (datatypes §2.24.0.1)', plant: (r) => void (r.birthDate = '1987-02-30') },
  'unknown-element': { type: 'Patient', rule: 'JSON: properties not defined for the type are an error (json.html)', plant: (r) => void (r.nickname = 'Pepe') },
  'required-binding': { type: 'Patient', rule: 'Patient.gender: required binding to administrative-gender', plant: (r) => void (r.gender = 'hombre') },
  'missing-status': { type: 'Observation', rule: 'Observation.status: cardinality 1..1', plant: (r) => void delete r.status },
  'value-as-string': { type: 'Observation', rule: 'Quantity.value: a decimal is a JSON number, not a string', plant: (r) => void ((r.valueQuantity as Json).value = '36.6') },
  'qty-3': { type: 'Observation', rule: 'qty-3: a unit code SHALL have a system', plant: (r) => void delete (r.valueQuantity as Json).system },
  'obs-6': { type: 'Observation', rule: 'obs-6: dataAbsentReason only when there is no value[x]', plant: (r) => void (r.dataAbsentReason = { text: 'not measured' }) },
  'empty-object': { type: 'Observation', rule: 'ele-1 / JSON: an element has a value or children (subject: {})', plant: (r) => void (r.subject = {}) },
  'bad-id': { type: 'Observation', rule: 'id: [A-Za-z0-9\\-\\.]{1,64}', plant: (r) => void (r.id = 'o 1!') },
};
const PLANTED_SHARE = 0.1;

/** Synthetic base-R4 Patients and Observations; returns the planted kind of each planted line (1-based). */
async function generate(file: string, targetBytes: number): Promise<{ resources: number; planted: Map<number, string> }> {
  const rng = new SeededRandom('bench-validate-stream');
  const out = createWriteStream(file);
  const planted = new Map<number, string>();
  const kinds = { Patient: Object.keys(PLANTED).filter((k) => PLANTED[k]?.type === 'Patient'), Observation: Object.keys(PLANTED).filter((k) => PLANTED[k]?.type === 'Observation') };
  let bytes = 0;
  let count = 0;
  const given = ['Ana', 'Luis', 'Rosa', 'Juan', 'Elena', 'Pedro'];
  const family = ['Quispe', 'Huaman', 'Mamani', 'Flores', 'Rojas', 'Chavez'];
  while (bytes < targetBytes) {
    const id = `p${count}`;
    const patient: Json = {
      resourceType: 'Patient',
      id,
      identifier: [{ system: 'urn:oid:2.999.1', value: String(rng.int(10_000_000, 99_999_999)) }],
      name: [{ family: rng.pick(family), given: [rng.pick(given)] }],
      gender: rng.pick(['male', 'female']),
      birthDate: `19${rng.int(40, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`,
    };
    const observation: Json = {
      resourceType: 'Observation',
      id: `o${count}`,
      status: 'final',
      // A laboratory result, not a vital sign: R4 makes a vital-sign code imply the vital-signs profiles, and a profile
      // walk on every Observation would not be base R4 (nor what the peers do).
      code: { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] },
      subject: { reference: `Patient/${id}` },
      valueQuantity: { value: 70 + rng.int(0, 60), unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    };
    for (const resource of [patient, observation]) {
      count++;
      if (rng.next() < PLANTED_SHARE) {
        const kind = rng.pick(kinds[resource.resourceType as 'Patient' | 'Observation']);
        PLANTED[kind]?.plant(resource);
        planted.set(count, kind);
      }
      const line = `${JSON.stringify(resource)}\n`;
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return { resources: count, planted };
}

/** A peer: readline, JSON.parse, validate; the numbers of the lines with an error, one per line, written in batches. */
async function peer(name: string, file: string): Promise<void> {
  const { loadMedplumPeer } = await import('./peer-medplum.ts');
  const { loadFhirJsPeer } = await import('./peer-fhirjs.ts');
  const validator = name === 'fhirjs' ? await loadFhirJsPeer() : await loadMedplumPeer();
  let number = 0;
  let batch = '';
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
    number++;
    if (line.trim() === '') continue;
    let error: boolean;
    try {
      error = validator.validate(JSON.parse(line)).some((f) => f.severity === 'error' || f.severity === 'fatal');
    } catch {
      error = true;
    }
    if (error) batch += `${number}\n`;
    if (batch.length > 65_536) {
      if (!process.stdout.write(batch)) await once(process.stdout, 'drain');
      batch = '';
    }
  }
  process.stdout.write(batch);
}

/** The lines a tool's output says have an error: Sello's text output (`FILE:N: K error(s)`) or a peer's numbers. */
async function errorLines(output: string, sello: boolean): Promise<Set<number>> {
  const lines = new Set<number>();
  const pattern = /:(\d+): \d+ error\(s\)/;
  for await (const text of createInterface({ input: createReadStream(output) })) {
    if (!sello) {
      if (/^\d+$/.test(text)) lines.add(Number(text));
      continue;
    }
    if (text.startsWith(' ')) continue;
    const m = pattern.exec(text);
    if (m) lines.add(Number(m[1]));
  }
  return lines;
}

interface Side {
  name: string;
  args: (file: string) => string[];
  threads: number;
  sello: boolean;
}

const SIDES: Side[] = [
  { name: 'sello', args: (f) => [join(root, 'bin/sello.mjs'), 'validate', f], threads: 1, sello: true },
  { name: 'medplum', args: (f) => ['--import', 'tsx', fileURLToPath(import.meta.url), '--peer', 'medplum', f], threads: 1, sello: false },
  { name: 'fhirjs', args: (f) => ['--import', 'tsx', fileURLToPath(import.meta.url), '--peer', 'fhirjs', f], threads: 1, sello: false },
  { name: 'sello --threads 2', args: (f) => [join(root, 'bin/sello.mjs'), 'validate', f, '--threads', '2'], threads: 2, sello: true },
];

async function run(side: Side, file: string, resources: number, planted: Map<number, string>, dir: string) {
  const output = join(dir, 'out.txt');
  const fd = openSync(output, 'w');
  const child = spawn(process.execPath, side.args(file), { cwd: root, stdio: ['ignore', fd, 'inherit'] });
  const measured = await measureChild(child);
  closeSync(fd);
  // Exit 3 is Sello's "errors found"; anything else but 0 means the tool did not judge the file, and a rate would lie.
  if (measured.code !== 0 && measured.code !== 3) throw new Error(`${side.name} exited ${measured.code}`);
  const errors = await errorLines(output, side.sello);
  const found: Record<string, number> = {};
  let plantedFound = 0;
  for (const [line, kind] of planted)
    if (errors.has(line)) {
      plantedFound++;
      found[kind] = (found[kind] ?? 0) + 1;
    }
  return {
    exit: measured.code,
    seconds: Number(measured.seconds.toFixed(2)),
    resourcesPerSecond: Math.round(resources / measured.seconds),
    cpuSeconds: Number(measured.cpuSeconds.toFixed(2)),
    resourcesPerCpuSecond: Math.round(resources / Math.max(0.01, measured.cpuSeconds)),
    peakRssMb: measured.peakRssMb,
    linesWithErrors: errors.size,
    plantedFound,
    unplantedLinesWithErrors: errors.size - plantedFound,
    plantedFoundByKind: found,
  };
}

async function bench(): Promise<void> {
  const megabytes = Number(arg('--mb', '100')) || 100;
  const rounds = Number(arg('--rounds', '3')) || 3;
  const dir = mkdtempSync(join(tmpdir(), 'sello-bench-ndjson-'));
  if (!process.env.KEEP) process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cohort.ndjson');
  console.log(`generating a ${megabytes} MB NDJSON cohort…`);
  const { resources, planted } = await generate(file, megabytes * 1024 * 1024);
  const plantedByKind: Record<string, number> = {};
  for (const kind of planted.values()) plantedByKind[kind] = (plantedByKind[kind] ?? 0) + 1;
  console.log(`${resources} resources, ${Math.round(statSync(file).size / 1024 / 1024)} MB, ${planted.size} planted defects`);
  const perRound: Record<string, unknown>[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating who goes first: the machine warms (page cache, CPU clock) for whoever runs later.
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
    for (const side of order) {
      results[side.name] = await run(side, file, resources, planted, dir);
      console.log(`round ${round + 1} ${side.name}: ${JSON.stringify(results[side.name])}`);
    }
    const r = (a: string, b: string, k: 'resourcesPerSecond' | 'resourcesPerCpuSecond' = 'resourcesPerSecond'): number =>
      Number(((results[a]?.[k] ?? 0) / Math.max(1, results[b]?.[k] ?? 0)).toFixed(2));
    perRound.push({
      round: round + 1,
      ...results,
      ratio: {
        overMedplum: r('sello', 'medplum'),
        overFhirJs: r('sello', 'fhirjs'),
        threads2OverMedplum: r('sello --threads 2', 'medplum'),
        threads2OverFhirJs: r('sello --threads 2', 'fhirjs'),
        perCpuSecondOverMedplum: r('sello', 'medplum', 'resourcesPerCpuSecond'),
        perCpuSecondOverFhirJs: r('sello', 'fhirjs', 'resourcesPerCpuSecond'),
      },
    });
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const ratios = perRound.map((p) => p.ratio as Record<string, number>);
  const results = {
    measuredAt: new Date().toISOString(),
    file: { megabytes, resources, planted: planted.size, plantedByKind, plantedRules: Object.fromEntries(Object.entries(PLANTED).map(([k, v]) => [k, `${v.type}: ${v.rule}`])) },
    sides: SIDES.map((s) => ({ name: s.name, threads: s.threads, command: s.sello ? `sello ${s.args('cohort.ndjson').slice(1).join(' ')} > out.txt` : `${s.name} over readline > out.txt` })),
    rounds: perRound,
    medianRatio: Object.fromEntries(Object.keys(ratios[0] ?? {}).map((k) => [k, median(ratios.map((r) => r[k] ?? 0))])),
    target: { overMedplum: 5, overFhirJs: 2 },
  };
  console.log(JSON.stringify({ file: results.file, medianRatio: results.medianRatio }, null, 2));
  writeFileSync(join(root, 'bench/validate-stream.results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv.includes('--peer')) await peer(arg('--peer', 'medplum'), process.argv[process.argv.length - 1] as string);
else if (process.argv.includes('--write')) {
  const { resources, planted } = await generate(arg('--write', 'cohort.ndjson'), (Number(arg('--mb', '20')) || 20) * 1024 * 1024);
  console.log(`${resources} resources, ${planted.size} planted defects`);
} else await bench();
