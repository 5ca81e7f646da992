/**
 * `npm run bench`: Sello's FHIR validator against the peer (@medplum/core validateResource), in the same
 * process and run, on (a) one 1,000-entry Bundle and (b) 10,000 single resources, after warm-up; plus
 * cold start and peak memory measured in fresh child processes (one per tool, so memory is not shared),
 * and "findings right": how many of the invalid corpus's planted defects each tool reports.
 * Prints a table and writes bench/results.json. `--quick` shrinks the workloads for a smoke run.
 *
 * Numbers are reported, never asserted: a benchmark that fails a build on a slow CI machine teaches nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/findings/finding.ts';
import { isError, issueFound, readCorpus } from '../test/fhir/profiles/corpus-files.ts';
import { loadSelloEngine, PROFILE_DIRS, REPO_ROOT } from '../test/fhir/profiles/engine.ts';
import { loadMedplumPeer } from './peer-medplum.ts';
import { selloProfileSnapshots } from './sello-snapshots.ts';
import { bigBundle, type Item, singles } from './workloads.ts';

const quick = process.argv.includes('--quick');
const SINGLES = quick ? 1_000 : 10_000;
const BUNDLE_PASSES = quick ? 1 : 5;
const ROUNDS = quick ? 1 : 3;
const COLD_RUNS = quick ? 1 : 3;
const TARGET_RATIO = 5;
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

type Validate = (item: Item) => Finding[];

interface Tool {
  name: string;
  validate: Validate;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Resources per second over `rounds` timed passes; the median pass is reported. */
function throughput(tool: Tool, items: readonly Item[], resourcesPerItem: number, repeat: number): number {
  const ms = time(() => {
    for (let r = 0; r < repeat; r++) for (const item of items) tool.validate(item);
  });
  return (items.length * resourcesPerItem * repeat) / (ms / 1000);
}

interface ChildResult {
  first?: { sinceProcessStartMs: number; loadAndFirstMs: number; wallMs: number };
  done?: { maxRssKb: number; heapPeakBytes: number };
  unavailable?: string;
  error?: string;
}

function runChild(tool: 'sello' | 'peer', args: string[]): Promise<ChildResult> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/child.ts'), tool, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: ChildResult = {};
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (msg['event'] === 'first') {
          result.first = {
            sinceProcessStartMs: Number(msg['sinceProcessStartMs']),
            loadAndFirstMs: Number(msg['loadAndFirstMs']),
            wallMs: Number(process.hrtime.bigint() - started) / 1e6,
          };
        } else if (msg['event'] === 'done') {
          result.done = { maxRssKb: Number(msg['maxRssKb']), heapPeakBytes: Number(msg['heapPeakBytes']) };
        } else if (msg['event'] === 'unavailable') {
          result.unavailable = String(msg['reason']);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      if (code !== 0 && !result.unavailable) result.error = `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
      resolve(result);
    });
  });
}

interface FindingsRight {
  defects: number;
  /** Planted defects reported at the expected place with the expected severity (rule ids are Sello's vocabulary). */
  reported: number;
  /** Also with the expected rule id (Sello only: the peer has no shared rule vocabulary). */
  reportedWithRuleId: number;
  validFiles: number;
  /** Valid corpus files on which the tool reports at least one error. */
  falsePositiveFiles: number;
  missed: string[];
  falsePositives: string[];
}

function findingsRight(tool: Tool): FindingsRight {
  const corpus = readCorpus();
  const out: FindingsRight = { defects: 0, reported: 0, reportedWithRuleId: 0, validFiles: 0, falsePositiveFiles: 0, missed: [], falsePositives: [] };
  for (const c of corpus) {
    let findings: Finding[];
    try {
      findings = tool.validate({ resource: c.resource, profile: c.profile });
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

const errorsOn = (tool: Tool, items: readonly Item[]): number => items.reduce((n, i) => n + tool.validate(i).filter(isError).length, 0);

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

const engine = await loadSelloEngine();
const snapshotLoad = await selloProfileSnapshots();
const peerValidator = await loadMedplumPeer(snapshotLoad.snapshots);
const peer: Tool = { name: 'peer (@medplum/core validateResource)', validate: (i) => peerValidator.validate(i.resource, i.profile) };
// Medplum re-parses a profile's snapshot on every validateResource call (its API takes the
// StructureDefinition, not a compiled schema), so its base-R4 path is shown too: the fastest the peer goes.
const peerBase: Tool = { name: 'peer, base R4 only', validate: (i) => peerValidator.validate(i.resource, undefined) };
let sello: Tool | undefined;
if (engine.ok) {
  const v = engine.createFhirValidator({ profileDirs: PROFILE_DIRS.map((d) => join(REPO_ROOT, d)) });
  sello = { name: 'Sello createFhirValidator', validate: (i) => v.validate(i.resource, { profile: i.profile }) };
} else {
  console.log(`\nSello's FHIR engine is not available: ${engine.reason}.`);
  console.log('Only the peer half runs; Sello figures and the ratio will appear once src/fhir/index.ts exports createFhirValidator.\n');
}
const tools: Tool[] = sello ? [sello, peer, peerBase] : [peer, peerBase];

const items = singles(SINGLES);
const bundle = bigBundle(1000);
const bundleEntries = (bundle.resource['entry'] as unknown[]).length;

console.log(`workloads: ${bundleEntries}-entry Bundle × ${BUNDLE_PASSES} passes, ${items.length} single resources; ${ROUNDS} round(s) after warm-up`);
console.log(`peer profiles: ${snapshotLoad.note}`);

// Findings first: it also warms every code path the timed loops take.
const findings = new Map(tools.map((t) => [t.name, findingsRight(t)]));
const validWorkloadErrors = new Map(tools.map((t) => [t.name, { singles: errorsOn(t, items.slice(0, 200)), bundle: errorsOn(t, [bundle]) }]));

for (const t of tools) {
  for (const item of items.slice(0, Math.min(2_000, items.length))) t.validate(item);
  t.validate(bundle);
  t.validate(bundle);
}

const bundleRps = new Map<string, number[]>(tools.map((t) => [t.name, []]));
const singleRps = new Map<string, number[]>(tools.map((t) => [t.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Alternating who goes first keeps GC debt and CPU boost from favouring one tool.
  const order = round % 2 === 0 ? tools : [...tools].reverse();
  for (const t of order) bundleRps.get(t.name)?.push(throughput(t, [bundle], bundleEntries, BUNDLE_PASSES));
  for (const t of order) singleRps.get(t.name)?.push(throughput(t, items, 1, 1));
}
const mainMaxRssKb = process.resourceUsage().maxRSS;

// Fresh processes: cold start and each tool's own peak memory.
const snapshotDir = mkdtempSync(join(tmpdir(), 'sello-bench-'));
process.once('exit', () => rmSync(snapshotDir, { recursive: true, force: true }));
const snapshotFile = join(snapshotDir, 'snapshots.json');
writeFileSync(snapshotFile, JSON.stringify(snapshotLoad.snapshots));
const cold = async (tool: 'sello' | 'peer'): Promise<ChildResult[]> => {
  const runs: ChildResult[] = [];
  for (let i = 0; i < COLD_RUNS; i++) runs.push(await runChild(tool, []));
  return runs;
};
const selloCold = engine.ok ? await cold('sello') : [];
const peerCold = await cold('peer');
const selloMemory = engine.ok ? await runChild('sello', [String(SINGLES), String(BUNDLE_PASSES)]) : undefined;
const peerMemory = await runChild('peer', [String(SINGLES), String(BUNDLE_PASSES), snapshotFile]);

const coldSummary = (runs: ChildResult[]) => {
  const ok = runs.filter((r) => r.first);
  if (ok.length === 0) return { error: runs.map((r) => r.error ?? r.unavailable).join('; ') || 'not run' };
  return {
    runs: ok.length,
    sinceProcessStartMs: median(ok.map((r) => r.first?.sinceProcessStartMs ?? 0)),
    loadAndFirstMs: median(ok.map((r) => r.first?.loadAndFirstMs ?? 0)),
    spawnToFirstResultMs: median(ok.map((r) => r.first?.wallMs ?? 0)),
  };
};

const toolResult = (t: Tool | undefined, memory: ChildResult | undefined, coldRuns: ChildResult[]) =>
  t === undefined
    ? null
    : {
        name: t.name,
        bundleResourcesPerSecond: median(bundleRps.get(t.name) ?? []),
        singleResourcesPerSecond: median(singleRps.get(t.name) ?? []),
        bundleRounds: bundleRps.get(t.name),
        singleRounds: singleRps.get(t.name),
        coldStart: coldSummary(coldRuns),
        memory: memory?.done ? { maxRssMb: memory.done.maxRssKb / 1024, heapPeakMb: memory.done.heapPeakBytes / 1024 / 1024 } : { error: memory?.error ?? memory?.unavailable ?? 'not run' },
        errorsOnValidWorkload: validWorkloadErrors.get(t.name),
        findingsRight: findings.get(t.name),
      };

const selloResult = toolResult(sello, selloMemory, selloCold);
const peerResult = toolResult(peer, peerMemory, peerCold);
const peerBaseResult = {
  name: peerBase.name,
  bundleResourcesPerSecond: median(bundleRps.get(peerBase.name) ?? []),
  singleResourcesPerSecond: median(singleRps.get(peerBase.name) ?? []),
  findingsRight: findings.get(peerBase.name),
};
const ratio =
  selloResult && peerResult
    ? {
        bundle: selloResult.bundleResourcesPerSecond / peerResult.bundleResourcesPerSecond,
        singles: selloResult.singleResourcesPerSecond / peerResult.singleResourcesPerSecond,
        bundleVsPeerBaseOnly: selloResult.bundleResourcesPerSecond / peerBaseResult.bundleResourcesPerSecond,
        singlesVsPeerBaseOnly: selloResult.singleResourcesPerSecond / peerBaseResult.singleResourcesPerSecond,
      }
    : null;

const results = {
  generatedAt: new Date().toISOString(),
  commit: gitCommit(),
  quick,
  environment: { node: process.version, platform: `${process.platform} ${process.arch}`, cpu: cpus()[0]?.model, cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 1024 / 1024) },
  workloads: { bundleEntries, bundlePasses: BUNDLE_PASSES, singles: items.length, rounds: ROUNDS, coldRuns: COLD_RUNS },
  peerProfiles: snapshotLoad.note,
  selloAvailable: engine.ok,
  selloUnavailableReason: engine.ok ? undefined : engine.reason,
  sello: selloResult,
  peer: peerResult,
  peerBaseOnly: peerBaseResult,
  ratioSelloOverPeer: ratio,
  targetRatio: TARGET_RATIO,
  targetMet: ratio ? ratio.bundle >= TARGET_RATIO && ratio.singles >= TARGET_RATIO : null,
  mainProcessMaxRssMb: mainMaxRssKb / 1024,
};
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

// ---------------------------------------------------------------------------------------------
// Table

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const rows: [string, string, string, string][] = [];
const cell = (r: typeof selloResult, f: (x: NonNullable<typeof selloResult>) => string): string => (r ? f(r) : 'n/a (engine missing)');
const coldCell = (r: NonNullable<typeof selloResult>): string =>
  'error' in r.coldStart ? `error: ${r.coldStart.error}` : `${fmt(r.coldStart.sinceProcessStartMs)} ms (load+first ${fmt(r.coldStart.loadAndFirstMs)} ms)`;
const memCell = (r: NonNullable<typeof selloResult>): string => ('error' in r.memory ? `error: ${r.memory.error}` : `${fmt(r.memory.maxRssMb)} MB RSS, heap ${fmt(r.memory.heapPeakMb)} MB`);
const fr = (r: NonNullable<typeof selloResult>): string => {
  const f = r.findingsRight;
  return f ? `${f.reported}/${f.defects}` : '—';
};
rows.push([
  'Bundle (1,000 entries), resources/s',
  cell(selloResult, (r) => fmt(r.bundleResourcesPerSecond)),
  cell(peerResult, (r) => fmt(r.bundleResourcesPerSecond)),
  ratio ? `${fmt(ratio.bundle, 1)}×` : '—',
]);
rows.push([
  `${fmt(items.length)} single resources, resources/s`,
  cell(selloResult, (r) => fmt(r.singleResourcesPerSecond)),
  cell(peerResult, (r) => fmt(r.singleResourcesPerSecond)),
  ratio ? `${fmt(ratio.singles, 1)}×` : '—',
]);
rows.push([
  '  peer on base R4 only (no profile), resources/s',
  '',
  `bundle ${fmt(peerBaseResult.bundleResourcesPerSecond)}, singles ${fmt(peerBaseResult.singleResourcesPerSecond)}`,
  ratio ? `${fmt(ratio.bundleVsPeerBaseOnly, 1)}× / ${fmt(ratio.singlesVsPeerBaseOnly, 1)}×` : '—',
]);
rows.push(['cold start to first result (fresh process)', cell(selloResult, coldCell), cell(peerResult, coldCell), '']);
rows.push(['peak memory (own child process)', cell(selloResult, memCell), cell(peerResult, memCell), '']);
rows.push(['planted defects reported (location+severity)', cell(selloResult, fr), cell(peerResult, fr), '']);
rows.push(['  … with Sello rule id too', cell(selloResult, (r) => `${r.findingsRight?.reportedWithRuleId ?? 0}/${r.findingsRight?.defects ?? 0}`), 'n/a', '']);
rows.push([
  'valid corpus files with an error',
  cell(selloResult, (r) => `${r.findingsRight?.falsePositiveFiles ?? 0}/${r.findingsRight?.validFiles ?? 0}`),
  cell(peerResult, (r) => `${r.findingsRight?.falsePositiveFiles ?? 0}/${r.findingsRight?.validFiles ?? 0}`),
  '',
]);
const header: [string, string, string, string] = ['', 'Sello', 'peer (Medplum)', 'Sello/peer'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(`\n${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
if (ratio) {
  console.log(`\ntarget Sello/peer ≥ ${TARGET_RATIO}×: ${results.targetMet ? 'met' : 'NOT met'} (bundle ${fmt(ratio.bundle, 1)}×, singles ${fmt(ratio.singles, 1)}×)`);
}
for (const t of tools.filter((x) => x !== peerBase)) {
  const f = findings.get(t.name);
  if (f && f.missed.length) console.log(`\n${t.name} missed ${f.missed.length}:\n  ${f.missed.join('\n  ')}`);
  if (f && f.falsePositives.length) console.log(`${t.name} reports errors on valid files:\n  ${f.falsePositives.join('\n  ')}`);
}
console.log(`\nwrote ${RESULTS}`);
