import { createHash, createPrivateKey, type JsonWebKey, randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { availableParallelism, devNull } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfiguration, loadSources, loadSupport, runCucumber } from '@cucumber/cucumber/api';
import parseTagExpression from '@cucumber/tag-expressions';
import { ConfigurationError, EXIT, InfrastructureError } from '../config/errors.ts';
import { describeSut, loadTarget, sutAddress, sutEndpoints, type TargetFile, targetSecrets, unscrubbedVariables } from '../config/target.ts';
import { SelloWorld } from '../cucumber/world.ts';
import { PROGRAMS, type ProgramDefinition, programById, resolveRole } from '../programs/registry.ts';
import { buildReport } from '../report/build-report.ts';
import { CERTIFICATION_FILE, type Certification, type CertificationProgram } from '../report/certification.ts';
import { certificationHtml } from '../report/certification-html.ts';
import { ephemeralKey, KeyError, loadSigningKey, type SigningKey, signCertification, signingKeyOf } from '../report/integrity.ts';
import type { ReportModel, Totals, Verdict } from '../report/model.ts';
import type { OutputFilter } from '../report/output-filter.ts';
import { CatalogueError, type RequirementCatalogue } from '../report/requirements.ts';
import { readReferenceTimings, scaleReference } from '../run/reference-timings.ts';
import { type RunConfig, worldParametersOf } from '../run/run-config.ts';
import { chooseWorkers, type RunTiming, readTimings, recordTiming, type Timings, type WorkerChoice } from '../run/worker-count.ts';
import { DEFAULT_REQUEST_MS } from '../transport/http-client.ts';
import { withFilteredOutput } from '../util/filtered-output.ts';
import { filterStrings, MIN_SECRET_LENGTH, secretScrubber } from '../util/secret-scrubber.ts';
import { chosenProgram } from './program-option.ts';
import { REPO_ROOT, seloVersion } from './repo.ts';
import { runSideBySide } from './side-by-side.ts';

export interface RunOptions {
  program?: string;
  target?: string;
  tags?: string;
  parallel?: string;
  seed?: string;
  out?: string;
  'plant-fault'?: string[];
  quiet?: boolean;
  'signing-key'?: string;
  /** Short form of --signing-key. */
  key?: string;
  redact?: boolean;
  /** Programs run at once, each in its own process (default: one per core). */
  'programs-at-once'?: string;
}

interface ProgramRun {
  program: ProgramDefinition;
  catalogue: RequirementCatalogue;
  faults: Record<string, string[]>;
  /** Scenarios the tag selection leaves to run. */
  selected?: number;
}

/** What the certification and the console need of a program's report: all that a program's own process sends back. */
type ReportSummary = Pick<ReportModel, 'verdict' | 'verdictReason' | 'totals' | 'seed'>;

export interface ProgramOutcome {
  program: string;
  dir: string;
  report?: ReportSummary;
  /** Why the program did not run (no scenario matches the tags). */
  skipped?: string;
  code: number;
  /** What its whole suite took, when it ran whole on the reference implementations: recorded by the run's own process. */
  timing?: RunTiming;
}

/** A program of a run over every program, as its own process gets it (program-child.ts): plain JSON. */
export interface ProgramJob extends Pick<ProgramContext, 'options' | 'parallel' | 'runId' | 'seed' | 'outDir' | 'timings'> {
  program: string;
  faults: Record<string, string[]>;
  selected: number;
  /** The run's key, private half included: every program of a certification is signed by the same key. */
  key: { jwk: JsonWebKey; kind: SigningKey['kind'] };
}

/**
 * `sello run`. With `--program P` (or a target file, which names its program) one program runs and its report is the
 * run directory itself. With neither, every program of the registry runs, in order (mx-pgs, then pe-ris): the run
 * directory holds one complete, separately signed run directory per program and `certification.json`, the overall
 * verdict (CERTIFIABLE only when every program is) with each program's verdict, totals and report hash.
 * `reports/latest` points at the newest run directory either way.
 */
export async function runCommand(options: RunOptions): Promise<number> {
  startedAfterMs ??= performance.now();
  // A program folder given by path must be loaded before the target file, whose `program` it may name.
  const chosen = await chosenProgram(options.program);
  const target = options.target ? await loadTarget(resolve(options.target)) : undefined;
  // The values the target read from the environment are scrubbed from every file and line the run writes.
  const outputFilter = secretScrubber(targetSecrets(target));
  const short = unscrubbedVariables(target);
  if (short.length)
    console.error(
      `sello: warning: ${short.join(', ')} ${short.length === 1 ? 'is' : 'are'} shorter than ${MIN_SECRET_LENGTH} characters: not scrubbed from the output (too short to tell from other text)`,
    );
  return withFilteredOutput(outputFilter, () => runWithTarget(options, chosen, target, outputFilter));
}

async function runWithTarget(options: RunOptions, chosen: ProgramDefinition | undefined, target: TargetFile | undefined, outputFilter: OutputFilter | undefined): Promise<number> {
  const parallel = Number(options.parallel ?? '1');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) throw new ConfigurationError('--parallel must be a whole number from 1 to 16');
  const atMost = programsAtOnceAsked(options);
  if (target && chosen && target.program !== chosen.id) {
    throw new ConfigurationError(`target file is for ${target.program}, not ${chosen.id}`);
  }
  // One system under test has one state, which scenarios in parallel would interleave; and the workers' console is
  // their own process's, out of reach of the secret filter: parallel runs are for the reference implementations.
  if (target && parallel > 1) {
    throw new ConfigurationError('--parallel > 1 runs the reference implementations only; with a target file, run with --parallel 1');
  }
  const programs = chosen ? [chosen] : target ? [programById(target.program)!] : [...PROGRAMS];
  // A redaction that misses what a program's evidence carries would be worse than none: it would look done.
  const unredactable = options.redact ? programs.filter((p) => p.redactable === false) : [];
  if (unredactable.length > 0) {
    throw new ConfigurationError(
      `--redact cannot pseudonymize the evidence of ${unredactable.map((p) => p.id).join(', ')} yet (README); run ${programs.length > 1 ? 'the other programs with --program, or ' : ''}without --redact and keep the directory private`,
    );
  }
  const faults = parseFaults(options['plant-fault'] ?? [], programs);
  // Catalogues and key are checked before any scenario runs: a typo must not cost a whole run.
  const runs: ProgramRun[] = programs.map((program) => ({ program, catalogue: loadCatalogue(program), faults: faults.get(program.id) ?? {} }));
  // One key per run: every program of a certification and certification.json are signed by the same key.
  const signingKey = (await signingKeyOption(options)) ?? ephemeralKey();
  if (options.tags !== undefined) checkTagExpression(options.tags);
  // Which scenarios each program would run, before any runs: a selection that matches nothing is a usage error.
  for (const run of runs) run.selected = await countSelected(run.program, tagExpressionOf(run.program, target, options.tags));
  if (runs.every((r) => r.selected === 0)) {
    throw new ConfigurationError(
      `no scenario matches${options.tags ? ` --tags "${options.tags}"` : ''}${target ? ` for the role ${target.sut.role}` : ''} in ${runs.map((r) => r.program.id).join(', ')}`,
    );
  }
  if (target) await checkReachable(target);

  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
  const reportsDir = resolve(options.out ?? 'reports');
  const runDir = join(reportsDir, runId);
  await mkdir(runDir, { recursive: true });
  const seed = options.seed ?? runId;
  const single = runs.length === 1;

  // What each program's scenarios took in earlier full runs: --parallel is the most workers a program gets (worker-count.ts).
  const timings = await readTimings();
  const contextOf = (run: ProgramRun): ProgramContext => ({
    options,
    target,
    parallel,
    runId: single ? runId : `${runId}-${run.program.id}`,
    seed,
    outDir: single ? runDir : join(runDir, run.program.id),
    signingKey,
    single,
    outputFilter,
    timings,
  });
  // In a run over every program, a program with nothing to run under the tag filter is left out, and said so.
  const skipped = (run: ProgramRun): ProgramOutcome => ({
    program: run.program.id,
    dir: run.program.id,
    skipped: `no scenario matches ${tagExpressionOf(run.program, target, options.tags)}`,
    code: EXIT.passed,
  });
  const toRun = runs.filter((run) => run.selected !== 0);
  const atOnce = Math.min(toRun.length, atMost);
  let outcomes: ProgramOutcome[];
  if (atOnce > 1) {
    // Only a run without a target has several programs: no secret to scrub from the processes' output.
    const key = { jwk: signingKey.privateKey.export({ format: 'jwk' }), kind: signingKey.kind };
    const jobs = [];
    for (const run of toRun) {
      const { outDir, runId: programRunId } = contextOf(run);
      const job: ProgramJob = { program: run.program.id, options, parallel, runId: programRunId, seed, outDir, faults: run.faults, selected: run.selected ?? 0, timings, key };
      jobs.push({ program: run.program.id, job, expectedSeconds: await expectedSeconds(run, timings) });
    }
    const ran = await runSideBySide<ProgramJob, ProgramOutcome>(jobs, atOnce, new URL('./program-child.ts', import.meta.url));
    outcomes = runs.map((run) => (run.selected === 0 ? skipped(run) : ran[toRun.indexOf(run)]!));
  } else {
    outcomes = [];
    for (const run of runs) outcomes.push(run.selected === 0 ? skipped(run) : await runProgram(run, contextOf(run)));
  }
  // One process writes the timings file: programs side by side would each rewrite it over the others.
  for (const o of outcomes) if (o.timing) await recordTiming(o.program, o.timing);
  if (!single) await writeCertification(runDir, runId, seed, startedAt, outcomes, signingKey, outputFilter);
  await pointLatest(reportsDir, runId);
  if (!single) printCertification(outcomes, runDir);
  return exitCodeOf(overallVerdict(outcomes.flatMap((o) => (o.report ? [o.report.verdict] : []))));
}

/** The exit code says what the report says: 0 CERTIFIABLE (or a partial run PASSED), 3 NOT CERTIFIABLE / FAILED, 5 INCONCLUSIVE (no verdict on conformance). */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'CERTIFIABLE' || verdict === 'PASSED' ? EXIT.passed : verdict === 'INCONCLUSIVE' ? EXIT.infrastructureError : EXIT.conformanceFailure;
}

/** Across programs: NOT CERTIFIABLE (or FAILED) if any is, else INCONCLUSIVE if any is, else CERTIFIABLE (or PASSED, for partial runs). */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0 || verdicts.includes('NOT CERTIFIABLE')) return 'NOT CERTIFIABLE';
  if (verdicts.includes('FAILED')) return 'FAILED';
  if (verdicts.includes('INCONCLUSIVE')) return 'INCONCLUSIVE';
  return verdicts.every((v) => v === 'PASSED') ? 'PASSED' : 'CERTIFIABLE';
}

interface ProgramContext {
  options: RunOptions;
  target: TargetFile | undefined;
  parallel: number;
  runId: string;
  seed: string;
  outDir: string;
  signingKey: SigningKey;
  single: boolean;
  outputFilter: OutputFilter | undefined;
  timings: Timings;
}

/**
 * A program's support code, built once per process: its modules run their top level (where steps register) only on
 * the first import, so a second build in the same process would come back empty. Step definitions and hooks hold no
 * run's state (that lives in the world parameters and is reset by each program's AfterAll), so runs share the library.
 */
const supportByProgram = new Map<string, Awaited<ReturnType<typeof loadSupport>>>();

async function supportOf(program: ProgramDefinition, runConfiguration: Parameters<typeof loadSupport>[0], environment: Parameters<typeof loadSupport>[1]) {
  let support = supportByProgram.get(program.id);
  if (!support) {
    support = await loadSupport(runConfiguration, environment);
    supportByProgram.set(program.id, support);
  }
  return support;
}

/** How long this process took to reach the run command (Node, tsx, the CLI's modules): what a worker's start repeats. */
let startedAfterMs: number | undefined;

/** Inside the run directory, where the journals spill; never there when the directory is hashed. */
const JOURNAL_SPILL_DIR = '.journal-spill';

async function runProgram(run: ProgramRun, ctx: ProgramContext): Promise<ProgramOutcome> {
  const { program, catalogue } = run;
  const { options, target } = ctx;
  const startedAt = new Date();
  const runConfig: RunConfig = {
    runId: ctx.runId,
    program: program.id,
    seed: ctx.seed,
    ...(target ? { target } : {}),
    ...(Object.keys(run.faults).length ? { faults: run.faults } : {}),
    spillDir: join(ctx.outDir, JOURNAL_SPILL_DIR),
  };

  const tags = tagExpressionOf(program, target, options.tags);
  const environment = { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr, env: process.env };
  const messagesFile = join(ctx.outDir, 'cucumber-messages.ndjson');
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [`${program.featuresDir}/**/*.feature`],
        // Only this program's steps: another program's parameter types and hooks never load into its run.
        import: [program.stepsGlob],
        worldParameters: worldParametersOf(runConfig) as unknown as Record<string, never>,
        tags,
        parallel: ctx.parallel > 1 ? ctx.parallel : 0,
        // Cucumber gives stdout to one formatter only: the Allure reporter, which writes its results to resultsDir and
        // nothing to its stream, gets the null device so the progress formatter cannot displace it.
        format: [`message:${messagesFile}`, `allure-cucumberjs/reporter:${devNull}`, ...(options.quiet ? [] : ['progress'])],
        // Labelled with the program: one Allure report of a run over every program groups each program's scenarios.
        formatOptions: { resultsDir: join(ctx.outDir, 'allure-results'), globalLabels: { parentSuite: program.id, epic: program.id } },
      },
    },
    environment,
  );
  await mkdir(ctx.outDir, { recursive: true });
  if (!options.quiet && !ctx.single) console.log(`\n== ${program.id}: ${program.title}`);
  const loading = performance.now();
  const support = await supportOf(program, runConfiguration, environment);
  if ((support as unknown as { World?: unknown }).World !== SelloWorld) {
    throw new ConfigurationError(`${program.stepsGlob} does not install Sello's support: add steps/sello.ts calling installSelloSupport()`);
  }
  // A worker boots as this process did (Node, tsx, the CLI) and loads the same steps: that much before its first scenario.
  const bootSeconds = (performance.now() - loading + (startedAfterMs ?? 0)) / 1000;
  // Only a program's whole suite on the reference implementations is what the timings describe.
  const whole = !options.tags && Object.keys(run.faults).length === 0 && !target;
  const startSeconds = (startedAfterMs ?? 0) / 1000;
  const { workers, reason } = await workersFor(run, ctx, { whole, startSeconds, bootSeconds });
  if (reason) console.log(`--parallel ${ctx.parallel}: ${program.id} ${reason}`);
  const runStarted = performance.now();
  const cpuBefore = process.cpuUsage();
  let timing: RunTiming | undefined;
  try {
    await runCucumber({ ...runConfiguration, runtime: { ...runConfiguration.runtime, parallel: workers > 1 ? workers : 0 }, support }, environment);
    // Only a run that went to its end says what the suite takes.
    const cpu = process.cpuUsage(cpuBefore);
    // In one process the scenarios and the reference mocks all run here: this process's CPU is the suite's.
    if (whole) timing = { workers, seconds: (performance.now() - runStarted) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, startSeconds, bootSeconds };
  } finally {
    // Every worker removed its own spills in AfterAll; what a worker that died left behind goes before the signing.
    await rm(runConfig.spillDir!, { recursive: true, force: true });
  }

  const report = await buildReport({
    messagesFile,
    outDir: ctx.outDir,
    runId: ctx.runId,
    program: program.id,
    programVersion: catalogue.rulesVersion,
    rules: catalogue.rules,
    requirements: catalogue.requirements,
    catalogue: { version: catalogue.version, files: catalogue.files },
    signingKey: ctx.signingKey,
    redact: options.redact === true,
    locale: program.locale,
    ...(options.tags ? { selection: { tags: options.tags } } : {}),
    sut: describeSut(target),
    seed: ctx.seed,
    startedAt: startedAt.toISOString(),
    seloVersion: await seloVersion(),
    roleTags: [...program.roles],
    ...(ctx.outputFilter ? { outputFilter: ctx.outputFilter } : {}),
  });
  printSummary(report, ctx.outDir, target);
  const code = exitCodeOf(report.verdict);
  const { verdict, verdictReason, totals, seed } = report;
  return { program: program.id, dir: ctx.single ? '.' : program.id, report: { verdict, verdictReason, totals, seed }, code, ...(timing ? { timing } : {}) };
}

/** One program of a run over every program, in a process of its own (program-child.ts). */
export async function runProgramJob(job: ProgramJob): Promise<ProgramOutcome> {
  startedAfterMs ??= performance.now();
  const program = programById(job.program);
  if (!program) throw new ConfigurationError(`no program ${job.program}`);
  const signingKey = signingKeyOf(createPrivateKey({ key: job.key.jwk, format: 'jwk' }), job.key.kind);
  const run: ProgramRun = { program, catalogue: loadCatalogue(program), faults: job.faults, selected: job.selected };
  const { options, parallel, runId, seed, outDir, timings } = job;
  return runProgram(run, { options, target: undefined, parallel, runId, seed, outDir, signingKey, single: false, outputFilter: undefined, timings });
}

/**
 * The most programs that run at once: --programs-at-once, else one per core (a program's reference run is one process,
 * mostly one core busy, much of it waiting on protocol timeouts). A target names one program: always 1 then.
 */
function programsAtOnceAsked(options: RunOptions): number {
  const asked = options['programs-at-once'];
  if (asked === undefined) return availableParallelism();
  const n = Number(asked);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new ConfigurationError('--programs-at-once must be a whole number from 1 to 16');
  return n;
}

/** Serial seconds of the program's suite: the user's latest whole run, else its reference timings; by its share of scenarios. */
async function expectedSeconds(run: ProgramRun, timings: Timings): Promise<number> {
  const recorded = timings[run.program.id]?.['1'];
  const latest = Array.isArray(recorded) ? recorded.at(-1) : undefined;
  const reference = await readReferenceTimings(run.program.folder);
  const whole = typeof latest === 'number' ? latest : (reference?.record.seconds['1'] ?? 0);
  const scenarios = reference?.record.scenarios;
  return scenarios ? (whole * (run.selected ?? 0)) / scenarios : whole;
}

/**
 * The workers a program's scenarios get under --parallel N (worker-count.ts), from the user's timings of its whole
 * suite and its reference timings; SELLO_PARALLEL_EXACT=1 takes N as asked (scripts/reference-timings.ts measures each
 * count so).
 */
async function workersFor(run: ProgramRun, ctx: ProgramContext, now: { whole: boolean; startSeconds: number; bootSeconds: number }): Promise<WorkerChoice> {
  if (ctx.parallel <= 1 || process.env.SELLO_PARALLEL_EXACT === '1') return { workers: ctx.parallel };
  const found = await readReferenceTimings(run.program.folder);
  const reference = found && run.selected ? scaleReference(found, { startSeconds: now.startSeconds, scenarios: run.selected, whole: now.whole }) : undefined;
  // The user's timings are of whole suites: a selection, or a suite with a planted defect, goes by the reference alone.
  return chooseWorkers(ctx.parallel, now.whole ? ctx.timings[run.program.id] : undefined, now.bootSeconds, reference);
}

/** The program's own tag, the SUT's role with a target file, and the user's selection. */
function tagExpressionOf(program: ProgramDefinition, target: TargetFile | undefined, userTags: string | undefined): string {
  return [`@${program.id}`, target ? `@${target.sut.role}` : undefined, userTags ? `(${userTags})` : undefined].filter(Boolean).join(' and ');
}

/** A tag expression cucumber cannot parse is a usage error with cucumber's own reason, before anything runs. */
function checkTagExpression(tags: string): void {
  try {
    parseTagExpression(tags);
  } catch (error) {
    throw new ConfigurationError(`--tags "${tags}" is not a tag expression: ${(error as Error).message.replace(/^Tag expression ".*?" could not be parsed because of syntax error: /, '')}`);
  }
}

/** How many scenarios of the program the tag expression selects (features are only parsed). */
async function countSelected(program: ProgramDefinition, tags: string): Promise<number> {
  const environment = { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr, env: process.env };
  const { runConfiguration } = await loadConfiguration({ file: false, provided: { paths: [`${program.featuresDir}/**/*.feature`], tags } }, environment);
  const { plan } = await loadSources(runConfiguration.sources, environment);
  return plan.length;
}

/** `ROLE:fault` or `PROGRAM/ROLE:fault` (mx-pgs/imss:skip-RN-01): a bare role must belong to one program of the run. */
function parseFaults(specs: string[], programs: readonly ProgramDefinition[]): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  for (const spec of specs) {
    const colon = spec.lastIndexOf(':');
    const fault = colon > 0 ? spec.slice(colon + 1) : '';
    const resolved = colon > 0 ? resolveRole(spec.slice(0, colon), programs) : { error: 'no role' };
    if ('error' in resolved || !fault) {
      throw new ConfigurationError(
        `--plant-fault takes [PROGRAM/]ROLE:fault with a role of the programs run, e.g. mx-pgs/imss:skip-RN-01, got '${spec}'${'error' in resolved ? `: ${resolved.error}` : ''}`,
      );
    }
    let faults = out.get(resolved.program.id);
    if (!faults) out.set(resolved.program.id, (faults = {}));
    (faults[resolved.role] ??= []).push(fault);
  }
  return out;
}

/**
 * Before any scenario: a SUT that is not listening is an infrastructure problem, not a conformance verdict. It gets
 * the target's requestMs to accept a connection, like any request of the run.
 */
async function checkReachable(target: TargetFile): Promise<void> {
  const timeoutMs = target.timeouts?.requestMs ?? DEFAULT_REQUEST_MS;
  for (const url of new Set(sutEndpoints(target))) {
    const { hostname, port, protocol } = new URL(url);
    const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
    await new Promise<void>((resolvePromise, reject) => {
      const socket = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: portNumber, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new InfrastructureError(url, 'timeout', `did not accept a connection within ${timeoutMs} ms (timeouts.requestMs)`));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => reject(new InfrastructureError(url, 'unreachable', error.code ?? error.message)));
    });
  }
}

/** The requirement catalogue (profiles/<program>/requirements.json and the rules it names): the one loader. */
function loadCatalogue(program: ProgramDefinition): RequirementCatalogue {
  try {
    return program.loadCatalogue();
  } catch (error) {
    if (error instanceof CatalogueError) throw new ConfigurationError(`requirement catalogue of ${program.id}: ${error.message}`);
    throw error;
  }
}

async function signingKeyOption(options: RunOptions): Promise<SigningKey | undefined> {
  const a = options['signing-key'];
  const b = options.key;
  if (a && b && a !== b) throw new ConfigurationError('--signing-key and --key name different files; give one');
  const file = a ?? b;
  if (!file) return undefined;
  try {
    return await loadSigningKey(resolve(file));
  } catch (error) {
    if (error instanceof KeyError) throw new ConfigurationError(error.message);
    throw error;
  }
}

async function pointLatest(reportsDir: string, runId: string): Promise<void> {
  const link = join(reportsDir, 'latest');
  // `latest` is Sello's symlink; a directory or file of that name is someone else's: said, and left alone.
  const existing = await lstat(link).catch(() => undefined);
  if (existing && !existing.isSymbolicLink()) {
    console.error(`sello: ${link} is not a symbolic link: left alone (not pointed at ${runId})`);
    return;
  }
  await rm(link, { force: true });
  await symlink(runId, link).catch(() => undefined);
}

// ——— the certification across programs ———

/**
 * certification.json, signed like a report.json (detached JWS of its RFC 8785 form, certification.json.jws) by the
 * programs' key. Every other file of the directory outside the programs' run directories (index.html) is written
 * first and listed with its SHA-256, so the page a regulator opens first is covered too.
 */
async function writeCertification(runDir: string, runId: string, seed: string, startedAt: Date, outcomes: ProgramOutcome[], key: SigningKey, outputFilter?: OutputFilter): Promise<Certification> {
  const programs: CertificationProgram[] = [];
  for (const o of outcomes) {
    if (!o.report) {
      programs.push({ program: o.program, verdict: 'SKIPPED', verdictReason: { es: `No se ejecutó: ${o.skipped ?? ''}`, en: `Not run: ${o.skipped ?? ''}` }, directory: o.dir });
      continue;
    }
    const bytes = await readFile(join(runDir, o.dir, 'report.json'));
    programs.push({
      program: o.program,
      verdict: o.report.verdict,
      verdictReason: o.report.verdictReason,
      totals: o.report.totals,
      directory: o.dir,
      reportSha256: createHash('sha256').update(bytes).digest('hex'),
      seed: o.report.seed,
    });
  }
  const ran = programs.filter((p) => p.verdict !== 'SKIPPED');
  const failing = ran.filter((p) => p.verdict === 'NOT CERTIFIABLE' || p.verdict === 'FAILED').map((p) => p.program);
  const unsettled = ran.filter((p) => p.verdict === 'INCONCLUSIVE').map((p) => p.program);
  const verdict = overallVerdict(ran.map((p) => p.verdict as Verdict));
  const totals: Totals = { scenarios: 0, passed: 0, failed: 0, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: 0 };
  for (const p of ran) for (const k of Object.keys(totals) as (keyof Totals)[]) totals[k] += p.totals?.[k] ?? 0;
  const cert: Certification = {
    kind: 'sello-certification',
    schemaVersion: '1.2.0',
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seed,
    verdict,
    verdictReason:
      ran.length === 0
        ? { es: 'Ningún programa se ejecutó.', en: 'No program ran.' }
        : verdict === 'PASSED'
          ? {
              es: `Ejecución parcial (--tags): todos los escenarios seleccionados de ${ran.map((p) => p.program).join(', ')} fueron aprobados; no es un veredicto de certificación.`,
              en: `Partial run (--tags): every selected scenario of ${ran.map((p) => p.program).join(', ')} passed; not a certification verdict.`,
            }
          : verdict === 'CERTIFIABLE'
            ? { es: `Todos los programas (${ran.map((p) => p.program).join(', ')}) son certificables.`, en: `Every program (${ran.map((p) => p.program).join(', ')}) is certifiable.` }
            : {
                es: [failing.length ? `No certificables: ${failing.join(', ')}.` : '', unsettled.length ? `No concluyentes (errores de infraestructura): ${unsettled.join(', ')}.` : '']
                  .filter(Boolean)
                  .join(' '),
                en: [failing.length ? `Not certifiable: ${failing.join(', ')}.` : '', unsettled.length ? `Inconclusive (infrastructure errors): ${unsettled.join(', ')}.` : '']
                  .filter(Boolean)
                  .join(' '),
              },
    totals,
    programs,
    sello: { version: await seloVersion() },
  };
  // Strings only: the certification stays valid JSON whatever a secret looks like.
  const shown = filterStrings(cert, outputFilter, CERTIFICATION_FILE);
  await writeFile(join(runDir, 'index.html'), outputFilter ? outputFilter(certificationHtml(shown), 'index.html') : certificationHtml(shown));
  return signCertification(runDir, shown, key);
}

function printCertification(outcomes: ProgramOutcome[], runDir: string): void {
  const lines = ['', '== Sello certification across programs'];
  for (const o of outcomes) {
    if (!o.report) lines.push(`  ${o.program.padEnd(7)} skipped (${o.skipped ?? ''})`);
    else lines.push(`  ${o.program.padEnd(7)} ${o.report.verdict} — ${o.report.totals.passed}/${o.report.totals.scenarios} scenarios passed · ${join(runDir, o.dir, 'report.html')}`);
  }
  const verdict = overallVerdict(outcomes.flatMap((o) => (o.report ? [o.report.verdict] : [])));
  lines.push(`Overall verdict: ${verdict}`, `Certification: ${join(runDir, CERTIFICATION_FILE)}`, `Report: ${join(runDir, 'index.html')}`);
  console.log(lines.join('\n'));
}

function printSummary(report: ReportModel, outDir: string, target: TargetFile | undefined): void {
  const t = report.totals;
  const lines = [
    '',
    `Sello ${report.program} — ${target ? `SUT ${target.sut.role} at ${sutAddress(target)}` : 'reference implementations'}`,
    `Verdict: ${report.verdict}${report.selection ? ` (partial run limited by --tags ${report.selection.tags}: not a certification verdict)` : ''}`,
    `Scenarios: ${t.scenarios} (${t.passed} passed, ${t.failed} failed${t.inconclusive ? `, ${t.inconclusive} inconclusive` : ''}${t.undefined ? `, ${t.undefined} undefined` : ''}${t.skipped ? `, ${t.skipped} skipped` : ''}) · findings: ${t.findings}`,
  ];
  if (report.violated.length) lines.push(`  Violated: ${report.violated.join(', ')}`);
  for (const r of report.requirements.filter((x) => x.verdict === 'failed')) lines.push(`  ${r.id}: failed (${r.severity}) — ${r.title.en}`);
  const notAssessed = report.requirements.filter((x) => x.verdict === 'not-assessed').map((x) => x.id);
  if (notAssessed.length) lines.push(`  Not assessed, blocked by the above or by infrastructure (${notAssessed.length}): ${notAssessed.join(', ')}`);
  for (const s of report.features
    .flatMap((f) => f.scenarios)
    .filter((x) => x.status === 'inconclusive')
    .slice(0, 5)) {
    lines.push(`  inconclusive ${s.id}: ${s.infrastructure?.cause ?? '?'} — ${s.infrastructure?.message ?? ''}${s.infrastructure?.exchangeId ? ` (exchange ${s.infrastructure.exchangeId})` : ''}`);
  }
  const played = report.summary.filter((r) => r.verdict === 'PLAYED BY SELLO').map((r) => r.role);
  if (played.length) lines.push(`  Played by Sello, not judged: ${played.join(', ')}`);
  const uncovered = report.requirements.filter((x) => x.verdict === 'not-covered' && x.severity === 'SHALL').map((x) => x.id);
  if (uncovered.length) lines.push(`  SHALL requirements no scenario covers (${uncovered.length}): ${uncovered.join(', ')}`);
  const sig = report.integrity.signature;
  lines.push(
    sig.key === 'ephemeral'
      ? `Signed: report.json.jws with an EPHEMERAL Ed25519 key (thumbprint ${sig.keyThumbprint}) — proves the directory is unaltered, not who produced it; sign with --signing-key FILE (sello keygen)`
      : `Signed: report.json.jws with the Ed25519 key ${sig.keyThumbprint}`,
  );
  if (report.redaction.applied)
    lines.push(
      `Redacted: ${report.redaction.values ?? 0} identifiers (${(report.redaction.kinds ?? []).join(', ')}) pseudonymized, birth dates to the year and postal codes to two digits, in every file of the run directory (evidence included)`,
    );
  lines.push(`Verify: sello verify ${outDir}`);
  lines.push(`Report: ${join(outDir, 'report.html')}`);
  console.log(lines.join('\n'));
}
