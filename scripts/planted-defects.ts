/**
 * The planted-defect self-test:
 * `node --import tsx scripts/planted-defects.ts [FILE|GLOB …] [--parallel N] [--timeout S] [--runs-per-process N]`.
 * Runs every entry of profiles/<program>/planted-defects.json (or of the files given) as
 * `sello run --program P --quiet --out <tmp> --plant-fault ROLE:fault --tags TAGS`, N at a time in a pool of
 * processes that each make up to 40 runs (scripts/planted-worker.ts; `--runs-per-process 1`: a fresh process per
 * defect), and checks that
 * each fails (exit 3) with exactly the planted rule and with its behaviour × role cell failed (see
 * src/report/planted-defects.ts). Ends with `planted defects: X/N failed with the right rule, F false positives` and
 * `planted-defect coverage: a/b behaviour×role cells have a defect`; exits 1 when anything is short.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAMS, type ProgramDefinition, resolveRole } from '../src/programs/registry.ts';
import { defectCoverage, entryProblems, type JudgedReport, type Judgement, judgedByMap, judgePlantedRun, type PlantedDefect, parsePlantedDefects, tagsOf } from '../src/report/planted-defects.ts';
import type { RequirementCatalogue } from '../src/report/requirements.ts';
import type { PlantedRunAnswer, PlantedRunRequest } from './planted-worker.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Options {
  files: string[];
  parallel: number;
  timeoutMs: number;
  /** Runs one process makes before the pool replaces it; 1 gives every defect a fresh process. */
  runsPerProcess: number;
}

function parseArgs(argv: string[]): Options {
  const files: string[] = [];
  let parallel = Number(process.env.SELLO_PLANTED_PARALLEL ?? 2);
  let timeoutMs = 180_000;
  let runsPerProcess = 40;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--parallel') parallel = Number(argv[++i]);
    else if (a === '--runs-per-process') runsPerProcess = Number(argv[++i]);
    else if (a === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else files.push(a);
  }
  if (!(parallel >= 1) || !(timeoutMs > 0) || !(runsPerProcess >= 1)) throw new Error('--parallel and --runs-per-process take a count ≥ 1, --timeout seconds');
  return { files, parallel: Math.floor(parallel), timeoutMs, runsPerProcess: Math.floor(runsPerProcess) };
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

/**
 * A process of the pool: `sello run` for one defect after another (scripts/planted-worker.ts), replaced after
 * `runsPerProcess` runs so memory a run leaves behind cannot pile up, and killed with whatever it started when a run
 * outlives its timeout or the process dies (the next run gets a fresh one).
 */
class PlantedProcess {
  readonly #child: ChildProcess;
  #output = '';
  #pending: { id: number; done: (r: { code: number | null; output: string }) => void } | undefined;
  #nextId = 0;
  runs = 0;
  exited = false;

  constructor() {
    // Its own process group, so a hung run can be stopped with whatever it started.
    this.#child = fork(join(root, 'scripts/planted-worker.ts'), [], { cwd: root, execArgv: ['--import', 'tsx'], detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.#child.stdout!.on('data', (c: Buffer) => (this.#output += c.toString()));
    this.#child.stderr!.on('data', (c: Buffer) => (this.#output += c.toString()));
    this.#child.on('message', (answer: PlantedRunAnswer) => {
      if (answer.id === this.#pending?.id) this.#finish(answer.code, '');
    });
    this.#child.on('exit', (code, signal) => {
      this.exited = true;
      this.#finish(null, `\n(the run's process exited: ${signal ?? `code ${code}`})`);
    });
  }

  #finish(code: number | null, note: string): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    const output = this.#output + note;
    this.#output = '';
    pending.done({ code, output });
  }

  run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
    this.runs++;
    this.#output = '';
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.#finish(null, `\n(timed out after ${timeoutMs / 1000}s)`);
        this.kill();
      }, timeoutMs);
      const id = this.#nextId++;
      this.#pending = {
        id,
        done: (r) => {
          clearTimeout(timer);
          done(r);
        },
      };
      this.#child.send({ id, args } satisfies PlantedRunRequest);
    });
  }

  kill(): void {
    this.exited = true;
    try {
      process.kill(-this.#child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }

  /** No more work: the process ends once its current run has. */
  close(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((done) => {
      this.#child.once('exit', () => done());
      this.#child.disconnect();
    });
  }
}

async function runJob(job: Job, catalogues: Map<string, RequirementCatalogue>, timeoutMs: number, runner: PlantedProcess): Promise<Judgement> {
  const out = await mkdtemp(join(tmpdir(), 'sello-planted-'));
  try {
    const { defect, program } = job;
    const args = ['run', '--program', program.id, '--quiet', '--out', out, '--plant-fault', `${program.id}/${defect.role.toLowerCase()}:${defect.fault}`, '--tags', tagsOf(defect)];
    const { code, output } = await runner.run(args, timeoutMs);
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
    let worker: PlantedProcess | undefined;
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      const jobStarted = Date.now();
      if (!worker || worker.exited || worker.runs >= options.runsPerProcess) {
        await worker?.close();
        worker = new PlantedProcess();
      }
      const j = await runJob(job, catalogues, options.timeoutMs, worker);
      const seconds = ((Date.now() - jobStarted) / 1000).toFixed(1);
      results[i] = j;
      const what = `${job.program.id} ${job.defect.role}:${job.defect.fault} → ${job.defect.rule} (${job.defect.behaviour})`;
      const mark = j.outcome === 'caught' ? 'ok            ' : j.outcome === 'false-positive' ? 'FALSE POSITIVE' : 'MISSED        ';
      console.log(`${mark} ${what} [${seconds} s]${j.why ? `: ${j.why}` : ''}`);
    }
    await worker?.close();
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
