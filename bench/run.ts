/**
 * `npm run bench`: Sello's FHIR validator against two named peers, @medplum/core `validateResource` and FHIR.js
 * (`fhir`, `new Fhir().validate`). The headline is base R4 on every side, each tool in its own process
 * (bench/child.ts), ROUNDS rounds in alternating order with the ratio of every round. Beside it: profile runs (Sello
 * and Medplum only — FHIR.js loads no profile — leaving out the profiles Medplum cannot load, with Medplum's
 * per-call profile parse timed apart), cold start (the library and `sello validate --profile` through the CLI),
 * peak memory, and "findings right" on the invalid corpus. Writes bench/results.json.
 * `--quick` shrinks the workloads for a smoke run.
 *
 * Numbers are reported, never asserted: a benchmark that fails a build on a slow CI machine teaches nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/findings/finding.ts';
import { isError, issueFound, readCorpus } from '../test/fhir/profiles/corpus-files.ts';
import { loadSelloEngine, PROFILE_DIRS, REPO_ROOT } from '../test/fhir/profiles/engine.ts';
import { stripProfiles } from './child.ts';
import { loadFhirJsPeer } from './peer-fhirjs.ts';
import { loadMedplumPeer } from './peer-medplum.ts';
import { selloProfileSnapshots } from './sello-snapshots.ts';
import { median } from './stats.ts';
import { singles } from './workloads.ts';

const quick = process.argv.includes('--quick');
const SINGLES = quick ? 1_000 : 10_000;
const BUNDLE_PASSES = quick ? 1 : 5;
const PROFILE_SINGLES = quick ? 200 : 1_000;
const ROUNDS = quick ? 1 : 5;
const COLD_RUNS = quick ? 1 : 5;
const TARGET_RATIO = 5;
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const TOOLS = ['sello', 'medplum', 'fhirjs'] as const;
type ToolName = (typeof TOOLS)[number];

const ratio = (a: number | undefined, b: number | undefined): number => Number(((a ?? 0) / Math.max(1, b ?? 0)).toFixed(2));

/** One child process; its JSON lines by event, and the wall time from spawn to exit. */
function runChild(args: string[], env: Record<string, string> = {}): Promise<{ events: Record<string, Record<string, unknown>>; wallMs: number; error?: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('close', (code) => {
      const events: Record<string, Record<string, unknown>> = {};
      for (const line of out.split('\n')) {
        try {
          const msg = JSON.parse(line) as Record<string, unknown>;
          events[String(msg['event'])] = msg;
        } catch {
          // Not one of the child's JSON lines (e.g. sello validate's own output).
        }
      }
      resolve({ events, wallMs: performance.now() - started, ...(code !== 0 && code !== 3 ? { error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}` } : {}) });
    });
  });
}
const tool = (name: ToolName, workload: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runChild(['--import', 'tsx', join(REPO_ROOT, 'bench/child.ts'), name, workload, ...extra], env);

interface FindingsRight {
  defects: number;
  /** Planted defects reported at the expected place with the expected severity (rule ids are Sello's vocabulary). */
  reported: number;
  /** Also with the expected rule id (Sello only: the peers have no shared rule vocabulary). */
  reportedWithRuleId: number;
  validFiles: number;
  /** Valid corpus files on which the tool reports at least one error. */
  falsePositiveFiles: number;
  missed: string[];
  falsePositives: string[];
}

type Validate = (resource: Record<string, unknown>, profile: string) => Finding[];

function findingsRight(validate: Validate): FindingsRight {
  const out: FindingsRight = { defects: 0, reported: 0, reportedWithRuleId: 0, validFiles: 0, falsePositiveFiles: 0, missed: [], falsePositives: [] };
  for (const c of readCorpus()) {
    let findings: Finding[];
    try {
      findings = validate(c.resource, c.profile);
    } catch (error) {
      findings = [{ ruleId: 'CRASH', severity: 'fatal', code: 'exception', location: '', locationKind: 'fhirpath', message: { en: (error as Error).message } }];
    }
    if (c.kind === 'valid') {
      out.validFiles++;
      if (findings.some(isError)) {
        out.falsePositiveFiles++;
        out.falsePositives.push(c.path);
      }
      continue;
    }
    for (const e of c.expected) {
      out.defects++;
      const { ruleId: _ruleId, ...withoutRule } = e;
      if (issueFound(withoutRule, findings)) out.reported++;
      else out.missed.push(`${c.path} (${e.ruleId ?? e.severity} @ ${e.location})`);
      if (issueFound(e, findings)) out.reportedWithRuleId++;
    }
  }
  return out;
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

// --- findings right (in this process: not timed) -------------------------------------------------------------------

const engine = await loadSelloEngine();
if (!engine.ok) throw new Error(`Sello's FHIR engine is not available: ${engine.reason}`);
const snapshotLoad = await selloProfileSnapshots();
const medplum = await loadMedplumPeer(snapshotLoad.snapshots);
const fhirjs = await loadFhirJsPeer();
const sello = engine.createFhirValidator({ profileDirs: PROFILE_DIRS.map((d) => join(REPO_ROOT, d)) });
const findings = {
  sello: findingsRight((r, p) => sello.validate(r, { profile: p })),
  medplum: findingsRight((r, p) => medplum.validate(r, p)),
  // Base R4 (profiles stripped): what each tool says without the program's profiles.
  selloBaseR4: findingsRight((r) => sello.validate(stripProfiles(r), {})),
  medplumBaseR4: findingsRight((r) => medplum.validate(stripProfiles(r) as Record<string, unknown>)),
  fhirjsBaseR4: findingsRight((r) => fhirjs.validate(stripProfiles(r) as Record<string, unknown>)),
};
// Profiles Medplum cannot load (its parser refuses Sello's snapshot): left out of both sides' profile runs.
const excluded = [...new Set(singles(SINGLES).map((i) => i.profile))].filter((p) => !medplum.profiles.has(p)).sort();
console.log(`peer profiles: ${snapshotLoad.note}; Medplum cannot load: ${excluded.join(', ') || 'none'}`);

// --- headline: base R4, each tool its own process, ROUNDS rounds --------------------------------------------------

const rounds: Record<string, unknown>[] = [];
const profileRounds: Record<string, unknown>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternating who goes first: the machine warms (page cache, CPU clock) for whoever runs later.
  const order = round % 2 === 0 ? TOOLS : [...TOOLS].reverse();
  const base: Record<string, Record<string, unknown>> = {};
  for (const name of order) {
    const r = await tool(name, 'base', [String(SINGLES), String(BUNDLE_PASSES)]);
    base[name] = r.events['done'] ?? { error: r.error ?? 'no result' };
  }
  const n = (t: ToolName, k: string): number => Number(base[t]?.[k] ?? 0);
  rounds.push({
    round: round + 1,
    ...base,
    ratio: {
      singlesOverMedplum: ratio(n('sello', 'singlesPerSecond'), n('medplum', 'singlesPerSecond')),
      singlesOverFhirJs: ratio(n('sello', 'singlesPerSecond'), n('fhirjs', 'singlesPerSecond')),
      bundleOverMedplum: ratio(n('sello', 'bundlePerSecond'), n('medplum', 'bundlePerSecond')),
      bundleOverFhirJs: ratio(n('sello', 'bundlePerSecond'), n('fhirjs', 'bundlePerSecond')),
      singlesPerCpuSecondOverMedplum: ratio(n('sello', 'singlesPerCpuSecond'), n('medplum', 'singlesPerCpuSecond')),
      singlesPerCpuSecondOverFhirJs: ratio(n('sello', 'singlesPerCpuSecond'), n('fhirjs', 'singlesPerCpuSecond')),
      bundlePerCpuSecondOverMedplum: ratio(n('sello', 'bundlePerCpuSecond'), n('medplum', 'bundlePerCpuSecond')),
      bundlePerCpuSecondOverFhirJs: ratio(n('sello', 'bundlePerCpuSecond'), n('fhirjs', 'bundlePerCpuSecond')),
    },
  });
  const profiles: Record<string, Record<string, unknown>> = {};
  for (const name of round % 2 === 0 ? (['sello', 'medplum'] as const) : (['medplum', 'sello'] as const)) {
    const r = await tool(name, 'profiles', [String(PROFILE_SINGLES)], { BENCH_EXCLUDE_PROFILES: JSON.stringify(excluded) });
    profiles[name] = r.events['done'] ?? { error: r.error ?? 'no result' };
  }
  profileRounds.push({
    round: round + 1,
    ...profiles,
    ratio: {
      overMedplum: ratio(Number(profiles['sello']?.['perSecond']), Number(profiles['medplum']?.['perSecond'])),
      overMedplumWithoutItsParse: ratio(Number(profiles['sello']?.['perSecond']), Number(profiles['medplum']?.['perSecondWithoutParse'])),
    },
  });
  console.log(`round ${round + 1}: ${JSON.stringify(rounds.at(-1))}\n  profiles: ${JSON.stringify(profileRounds.at(-1))}`);
}

// --- cold start: the library's first result, and the CLI with a profile spawn to exit ------------------------------

const PACIENTE = 'test/fixtures/fhir/pe-ris/valid/paciente-dni.json';
const PACIENTE_PE = 'https://www.gob.pe/minsa/RENHICE/fhir/StructureDefinition/PacientePe';
const cold: Record<string, unknown> = {};
for (const name of TOOLS) {
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) runs.push((await tool(name, 'cold')).events['first'] ?? {});
  cold[name] = {
    profile: name === 'sello' ? PACIENTE_PE : 'none (base R4)',
    sinceProcessStartMs: Math.round(median(runs.map((r) => Number(r['sinceProcessStartMs'])))),
    loadAndFirstMs: Math.round(median(runs.map((r) => Number(r['loadAndFirstMs'])))),
  };
}
const cliRuns: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) cliRuns.push((await runChild([join(REPO_ROOT, 'bin/sello.mjs'), 'validate', '--profile', PACIENTE_PE, PACIENTE])).wallMs);
const cliCold = { command: `sello validate --profile ${PACIENTE_PE} ${PACIENTE}`, spawnToExitMs: Math.round(median(cliRuns)), runsMs: cliRuns.map(Math.round), targetMs: 1000 };

// --- summary -------------------------------------------------------------------------------------------------------

const med = (k: string, src = rounds): number => median(src.map((r) => Number((r['ratio'] as Record<string, number>)[k])));
const perTool = (t: ToolName, k: string): number => Math.round(median(rounds.map((r) => Number((r[t] as Record<string, unknown>)?.[k] ?? 0))));
const headline = Object.fromEntries(
  TOOLS.map((t) => [
    t,
    {
      singlesPerSecond: perTool(t, 'singlesPerSecond'),
      bundlePerSecond: perTool(t, 'bundlePerSecond'),
      singlesPerCpuSecond: perTool(t, 'singlesPerCpuSecond'),
      bundlePerCpuSecond: perTool(t, 'bundlePerCpuSecond'),
      maxRssMb: perTool(t, 'maxRssMb'),
      threads: 1,
    },
  ]),
);
const results = {
  generatedAt: new Date().toISOString(),
  commit: gitCommit(),
  quick,
  environment: { node: process.version, platform: `${process.platform} ${process.arch}`, cpu: cpus()[0]?.model, cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 1024 / 1024) },
  workloads: { singles: SINGLES, bundleEntries: 1000, bundlePasses: BUNDLE_PASSES, profileSingles: PROFILE_SINGLES, rounds: ROUNDS, coldRuns: COLD_RUNS },
  headline: { what: 'base R4 (meta.profile stripped), each tool in its own process, median of the rounds', ...headline },
  ratios: <Record<string, number>>{
    ...Object.fromEntries(Object.keys((rounds[0]?.['ratio'] as Record<string, number>) ?? {}).map((k) => [k, med(k)])),
    profilesOverMedplum: med('overMedplum', profileRounds),
    profilesOverMedplumWithoutItsParse: med('overMedplumWithoutItsParse', profileRounds),
  },
  rounds,
  profileRuns: { peerProfiles: snapshotLoad.note, excludedProfiles: excluded, rounds: profileRounds },
  coldStart: { library: cold, cli: cliCold },
  findingsRight: findings,
  targetRatio: TARGET_RATIO,
};
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const fr = (f: FindingsRight): string => `${f.reported}/${f.defects} (valid files with an error ${f.falsePositiveFiles}/${f.validFiles})`;
console.log(`
base R4, own process each, median of ${ROUNDS} rounds (1 thread each):
  singles resources/s  Sello ${fmt(headline.sello?.singlesPerSecond ?? 0)} · Medplum ${fmt(headline.medplum?.singlesPerSecond ?? 0)} · FHIR.js ${fmt(headline.fhirjs?.singlesPerSecond ?? 0)}
  bundle  resources/s  Sello ${fmt(headline.sello?.bundlePerSecond ?? 0)} · Medplum ${fmt(headline.medplum?.bundlePerSecond ?? 0)} · FHIR.js ${fmt(headline.fhirjs?.bundlePerSecond ?? 0)}
  ratios per round     singles/Medplum ${rounds.map((r) => (r['ratio'] as Record<string, number>)['singlesOverMedplum']).join(' ')} · singles/FHIR.js ${rounds.map((r) => (r['ratio'] as Record<string, number>)['singlesOverFhirJs']).join(' ')}
                       bundle/Medplum ${rounds.map((r) => (r['ratio'] as Record<string, number>)['bundleOverMedplum']).join(' ')} · bundle/FHIR.js ${rounds.map((r) => (r['ratio'] as Record<string, number>)['bundleOverFhirJs']).join(' ')}
  per CPU second       singles/Medplum ${results.ratios['singlesPerCpuSecondOverMedplum']} · singles/FHIR.js ${results.ratios['singlesPerCpuSecondOverFhirJs']} · bundle/Medplum ${results.ratios['bundlePerCpuSecondOverMedplum']} · bundle/FHIR.js ${results.ratios['bundlePerCpuSecondOverFhirJs']} (medians)
  peak RSS MB          Sello ${headline.sello?.maxRssMb} · Medplum ${headline.medplum?.maxRssMb} · FHIR.js ${headline.fhirjs?.maxRssMb}
profiles (left out: ${excluded.join(', ') || 'none'}): Sello/Medplum ${results.ratios.profilesOverMedplum}× (without Medplum's per-call parse ${results.ratios.profilesOverMedplumWithoutItsParse}×)
cold start: library Sello ${JSON.stringify(cold['sello'])}; CLI ${cliCold.command}: ${cliCold.spawnToExitMs} ms spawn to exit
findings right: Sello ${fr(findings.sello)} · Medplum ${fr(findings.medplum)} · base R4: Sello ${fr(findings.selloBaseR4)} · Medplum ${fr(findings.medplumBaseR4)} · FHIR.js ${fr(findings.fhirjsBaseR4)}
target Sello/Medplum ≥ ${TARGET_RATIO}× (base R4): ${Number(results.ratios['singlesOverMedplum']) >= TARGET_RATIO && Number(results.ratios['bundleOverMedplum']) >= TARGET_RATIO ? 'met' : 'NOT met'}
wrote ${RESULTS}`);
