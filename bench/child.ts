/**
 * Each tool in its own process, for bench/run.ts, and the memory probe every bench uses on its children.
 *
 *   node --import tsx bench/child.ts sello|medplum|fhirjs cold|base|profiles [singles] [bundlePasses]
 *
 * Prints JSON lines: `first` as soon as the first validation result exists (cold start, from the process's time
 * origin), then for `base` / `profiles` one `done` line with the timed rates and the process's peak memory. `base`
 * is base R4 on every side: the workloads' `meta.profile` are stripped, so no tool follows a profile. `profiles`
 * validates each single against its profile, leaving out those the peer cannot load; Medplum re-parses a profile on
 * every call, so the time its parse alone takes over the same calls is measured apart and reported beside the total.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/findings/finding.ts';

/**
 * The kernel's high-water mark of a child's resident memory (VmHWM) and its CPU time (user + system, from
 * /proc/PID/stat), sampled every 100 ms until it exits: the CPU time is up to one interval short. On a machine shared
 * with other work, resources per CPU second move less than resources per wall second.
 */
export async function measureChild(child: ChildProcess): Promise<{ code: number | null; seconds: number; peakRssMb: number; cpuSeconds: number }> {
  const started = process.hrtime.bigint();
  const ticksPerSecond = 100; // USER_HZ on Linux
  let peak = 0;
  let cpuTicks = 0;
  const sample = (): void => {
    try {
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      cpuTicks = Math.max(cpuTicks, Number(fields[11] ?? 0) + Number(fields[12] ?? 0));
    } catch {
      // The process has exited between two samples: its last sample stands.
    }
  };
  const timer = setInterval(sample, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  return { code, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: Math.round(peak / 1024), cpuSeconds: cpuTicks / ticksPerSecond };
}

type Validate = (resource: Record<string, unknown>, profile: string | undefined) => Finding[];
const emit = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const FIRST_PROFILE = 'https://www.gob.pe/minsa/RENHICE/fhir/StructureDefinition/PacientePe';

/** Every `meta.profile` removed, deep (a Bundle's entries too): what base R4 validation of the same content sees. */
export function stripProfiles(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripProfiles);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'meta' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const { profile: _profile, ...rest } = v as Record<string, unknown>;
      if (Object.keys(rest).length > 0) out[k] = rest;
    } else out[k] = stripProfiles(v);
  }
  return out;
}

const rate = (count: number, ms: number): number => Math.round(count / (ms / 1000));
/** Wall and CPU milliseconds (user + system, every thread of the process: GC helpers count) of `fn`. */
function timed(fn: () => void): { ms: number; cpuMs: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function runTool(tool: string, workload: string, singlesCount: number, passes: number): Promise<void> {
  const { REPO_ROOT, PROFILE_DIRS, loadSelloEngine } = await import('../test/fhir/profiles/engine.ts');
  // The first input is read before tooling loads: reading a fixture is not the validator's cold start.
  const firstInput = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/fhir/pe-ris/valid/paciente-dni.json'), 'utf8')) as Record<string, unknown>;
  const loadStart = performance.now();
  let validate: Validate;
  let firstProfile: string | undefined;
  let medplumParse: ((profile: string) => void) | undefined;
  let loadable: (profile: string) => boolean = () => true;
  if (tool === 'sello') {
    const engine = await loadSelloEngine();
    if (!engine.ok) return emit({ event: 'unavailable', reason: engine.reason });
    const validator = engine.createFhirValidator({ profileDirs: PROFILE_DIRS.map((d) => join(REPO_ROOT, d)) });
    validate = (r, p) => validator.validate(r, p === undefined ? {} : { profile: p });
    // What the peer cannot load (bench/run.ts passes it) is left out of Sello's profile run too.
    const excluded = new Set(JSON.parse(process.env.BENCH_EXCLUDE_PROFILES ?? '[]') as string[]);
    loadable = (p) => !excluded.has(p);
    // Sello's cold start is with a profile (the issue's target); the peers' is base R4, their fastest.
    firstProfile = FIRST_PROFILE;
  } else if (tool === 'medplum') {
    const { loadMedplumPeer } = await import('./peer-medplum.ts');
    let peer = await loadMedplumPeer();
    validate = (r, p) => peer.validate(r, p);
    if (workload === 'profiles') {
      const { selloProfileSnapshots } = await import('./sello-snapshots.ts');
      const snapshots = (await selloProfileSnapshots()).snapshots;
      peer = await loadMedplumPeer(snapshots);
      loadable = (p) => peer.profiles.has(p);
      const core = await import('@medplum/core');
      const byUrl = new Map(snapshots.map((s) => [s.url, s]));
      medplumParse = (p) => core.parseStructureDefinition(byUrl.get(p) as never);
    }
  } else if (tool === 'fhirjs') {
    const { loadFhirJsPeer } = await import('./peer-fhirjs.ts');
    const peer = await loadFhirJsPeer();
    validate = (r) => peer.validate(r);
    loadable = () => false;
  } else {
    throw new Error(`child.ts: tool must be sello, medplum or fhirjs, got ${tool}`);
  }
  const findings = validate(firstInput, firstProfile);
  emit({ event: 'first', sinceProcessStartMs: performance.now(), loadAndFirstMs: performance.now() - loadStart, findings: findings.length });
  if (workload === 'cold') return;

  const { bigBundle, singles } = await import('./workloads.ts');
  const errorsOf = (fs: Finding[]): number => fs.filter((f) => f.severity === 'error' || f.severity === 'fatal').length;
  if (workload === 'base') {
    const items = singles(singlesCount).map((i) => stripProfiles(i.resource) as Record<string, unknown>);
    const bundle = stripProfiles(bigBundle(1000).resource) as Record<string, unknown>;
    const entries = (bundle['entry'] as unknown[]).length;
    let errors = 0;
    for (const r of items.slice(0, 2000)) errors += errorsOf(validate(r, undefined));
    validate(bundle, undefined);
    const singlesTime = timed(() => {
      for (const r of items) validate(r, undefined);
    });
    const bundleTime = timed(() => {
      for (let i = 0; i < passes; i++) validate(bundle, undefined);
    });
    // Per CPU second too: on a machine shared with other work, a process waiting for a CPU loses wall time, not CPU time.
    return emit({
      event: 'done',
      singlesPerSecond: rate(items.length, singlesTime.ms),
      bundlePerSecond: rate(entries * passes, bundleTime.ms),
      singlesPerCpuSecond: rate(items.length, singlesTime.cpuMs),
      bundlePerCpuSecond: rate(entries * passes, bundleTime.cpuMs),
      errorsOnFirst2000: errors,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  }
  // profiles: only the singles whose profile the peer (Medplum) loads, for Sello too, so both do the same work.
  const all = singles(singlesCount);
  const excluded = [...new Set(all.map((i) => i.profile).filter((p) => !loadable(p)))].sort();
  const items = all.filter((i) => loadable(i.profile));
  for (const i of items.slice(0, 1000)) validate(i.resource, i.profile);
  // Medplum's parse of the profile is timed right before each call, over the same call sequence, so both windows see
  // the same machine; the call itself parses again, and that share is what is taken out.
  let totalMs = 0;
  let parseMs = 0;
  for (const i of items) {
    const t0 = performance.now();
    medplumParse?.(i.profile);
    const t1 = performance.now();
    validate(i.resource, i.profile);
    parseMs += t1 - t0;
    totalMs += performance.now() - t1;
  }
  emit({
    event: 'done',
    resources: items.length,
    excludedProfiles: excluded,
    perSecond: rate(items.length, totalMs),
    profileParseMs: Math.round(parseMs),
    perSecondWithoutParse: rate(items.length, Math.max(1, totalMs - parseMs)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [tool = '', workload = 'cold', singlesArg, passesArg] = process.argv.slice(2);
  await runTool(tool, workload, Number(singlesArg ?? 10_000), Number(passesArg ?? 5));
}
