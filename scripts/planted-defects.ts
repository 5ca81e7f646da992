/**
 * The planted-defect self-test: `node --import tsx scripts/planted-defects.ts [FILE|GLOB …] [--parallel N] [--timeout S]`.
 * Runs every entry of profiles/<program>/planted-defects.json (or of the files given) as
 * `sello run --program P --quiet --out <tmp> --plant-fault ROLE:fault --tags TAGS`, two at a time, and checks that
 * each fails (exit 3) with exactly the planted rule and with its behaviour × role cell failed (see
 * src/report/planted-defects.ts). Ends with `planted defects: X/N failed with the right rule, F false positives` and
 * `planted-defect coverage: a/b behaviour×role cells have a defect`; exits 1 when anything is short.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAMS, type ProgramDefinition, resolveRole } from '../src/programs/registry.ts';
import { defectCoverage, entryProblems, type JudgedReport, type Judgement, judgedByMap, judgePlantedRun, type PlantedDefect, parsePlantedDefects, tagsOf } from '../src/report/planted-defects.ts';
import type { RequirementCatalogue } from '../src/report/requirements.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Options {
  files: string[];
  parallel: number;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const files: string[] = [];
  let parallel = Number(process.env.SELLO_PLANTED_PARALLEL ?? 2);
  let timeoutMs = 180_000;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--parallel') parallel = Number(argv[++i]);
    else if (a === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else files.push(a);
  }
  if (!(parallel >= 1) || !(timeoutMs > 0)) throw new Error('--parallel takes a count ≥ 1, --timeout seconds');
  return { files, parallel: Math.floor(parallel), timeoutMs };
}

async function defectFiles(args: readonly string[]): Promise<string[]> {
  if (args.length === 0) return PROGRAMS.map((p) => join(p.profilesDir, 'planted-defects.json'));
  const out: string[] = [];
  for (const a of args) {
    // Node 20 has no fs glob: a `*` is honoured in the file name only (e.g. /tmp/trial-*.json).
    if (!basename(a).includes('*')) {
      out.push(resolve(a));
      continue;
    }
    const pattern = new RegExp(
      `^${basename(a)
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const dir = resolve(dirname(a));
    out.push(
      ...(await readdir(dir))
        .filter((f) => pattern.test(f))
        .sort()
        .map((f) => join(dir, f)),
    );
  }
  return out;
}

interface Job {
  program: ProgramDefinition;
  defect: PlantedDefect;
  file: string;
  problems: string[];
}

function runSello(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    // Its own process group, so a hung run can be stopped with whatever it started.
    const child = spawn(process.execPath, [join(root, 'bin/sello.mjs'), ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n(timed out after ${timeoutMs / 1000}s)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

async function runJob(job: Job, catalogues: Map<string, RequirementCatalogue>, timeoutMs: number): Promise<Judgement> {
  const out = await mkdtemp(join(tmpdir(), 'sello-planted-'));
  try {
    const { defect, program } = job;
    const args = ['run', '--program', program.id, '--quiet', '--out', out, '--plant-fault', `${program.id}/${defect.role.toLowerCase()}:${defect.fault}`, '--tags', tagsOf(defect)];
    const { code, output } = await runSello(args, timeoutMs);
    const report = await readFile(join(out, 'latest', 'report.json'), 'utf8')
      .then((t) => JSON.parse(t) as JudgedReport)
      .catch(() => undefined);
    const j = judgePlantedRun(defect, code, report, judgedByMap(catalogues.get(program.id)!.requirements));
    if (!report) j.why += ` — ${output.trim().split('\n').slice(-3).join(' | ')}`;
    if (job.problems.length > 0 && j.outcome === 'caught') return { outcome: 'missed', others: [], why: job.problems.join('; ') };
    return j;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const options = parseArgs(process.argv.slice(2));
const catalogues = new Map<string, RequirementCatalogue>();
const catalogueOf = (p: ProgramDefinition): RequirementCatalogue => {
  if (!catalogues.has(p.id)) catalogues.set(p.id, p.loadCatalogue());
  return catalogues.get(p.id)!;
};

const jobs: Job[] = [];
const setupErrors: string[] = [];
const defectsByProgram = new Map<string, PlantedDefect[]>();
for (const file of await defectFiles(options.files)) {
  const label = relative(root, file) || file;
  let defects: PlantedDefect[];
  try {
    defects = parsePlantedDefects(JSON.parse(await readFile(file, 'utf8')), label);
  } catch (error) {
    // A program without the file yet has no planted defects; a broken file is an error.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.files.length === 0) continue;
    setupErrors.push((error as Error).message);
    continue;
  }
  // A program's own file names its program by where it is; a file given elsewhere by the (unambiguous) roles in it.
  const owner = PROGRAMS.find((p) => resolve(file).startsWith(`${p.profilesDir}/`));
  for (const defect of defects) {
    const resolved = resolveRole(defect.role, owner ? [owner] : PROGRAMS);
    if ('error' in resolved) {
      setupErrors.push(`${label}: ${defect.role}:${defect.fault}: ${resolved.error}`);
      continue;
    }
    const { program } = resolved;
    const { behaviours, requirements } = catalogueOf(program);
    const all = entryProblems(defect, behaviours, judgedByMap(requirements));
    // A rule foreign to the behaviour is doubtful, not wrong: the run still decides whether it was caught right.
    const problems = all.filter((p) => !p.includes('belongs to'));
    for (const w of all.filter((p) => p.includes('belongs to'))) console.log(`warning: ${label} ${defect.role}:${defect.fault}: ${w}`);
    jobs.push({ program, defect, file: label, problems });
    const list = defectsByProgram.get(program.id) ?? [];
    list.push(defect);
    defectsByProgram.set(program.id, list);
  }
}

const results: Judgement[] = new Array(jobs.length);
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: Math.min(options.parallel, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      const jobStarted = Date.now();
      const j = await runJob(job, catalogues, options.timeoutMs);
      const seconds = ((Date.now() - jobStarted) / 1000).toFixed(1);
      results[i] = j;
      const what = `${job.program.id} ${job.defect.role}:${job.defect.fault} → ${job.defect.rule} (${job.defect.behaviour})`;
      const mark = j.outcome === 'caught' ? 'ok            ' : j.outcome === 'false-positive' ? 'FALSE POSITIVE' : 'MISSED        ';
      console.log(`${mark} ${what} [${seconds} s]${j.why ? `: ${j.why}` : ''}`);
    }
  }),
);

const caught = results.filter((r) => r.outcome === 'caught').length;
const falsePositives = results.filter((r) => r.outcome === 'false-positive').length;
for (const e of setupErrors) console.log(`ERROR ${e}`);
console.log(`planted defects: ${caught}/${jobs.length + setupErrors.length} failed with the right rule, ${falsePositives} false positives`);

// Every behaviour × role cell of a catalogue with behaviours needs a defect that proves Sello can fail it. Only the
// programs whose defects were run are checked when files are given (a trial file covers a few cells on purpose).
let cells = 0;
const missing: string[] = [];
const checked = options.files.length === 0 ? PROGRAMS : PROGRAMS.filter((p) => defectsByProgram.has(p.id));
for (const p of checked) {
  const c = defectCoverage(catalogueOf(p).behaviours, defectsByProgram.get(p.id) ?? []);
  cells += c.cells.length;
  missing.push(...c.missing.map((m) => `${p.id} ${m}`));
}
// A SHALL rule × role without any behaviour has no cell at all: the coverage figure would not show the hole.
const gaps = checked.flatMap((p) => catalogueOf(p).missingBehaviours.map((g) => `${p.id} ${g}`));
console.log(`planted-defect coverage: ${cells - missing.length}/${cells} behaviour×role cells have a defect`);
for (const g of gaps) console.log(`  SHALL rule × role without any behaviour in the catalogue: ${g}`);
if (options.files.length === 0) for (const m of missing) console.log(`  no planted defect: ${m}`);
else if (missing.length > 0) console.log("  (cells without a defect are listed, and fail, only when every program's own file is run)");
console.log(`(${jobs.length} runs, parallel ${options.parallel}, ${Math.round((Date.now() - started) / 1000)} s)`);
process.exitCode = caught < jobs.length || setupErrors.length > 0 || falsePositives > 0 || gaps.length > 0 || (options.files.length === 0 && missing.length > 0) ? 1 : 0;
