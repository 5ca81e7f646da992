/**
 * `npm test`: the unit tests (node's test runner), the full certification suite of every program (programs.json)
 * against the reference implementations, and the planted-defect self-test (scripts/planted-defects.ts: each defect
 * is one test), ending with one line a CI reads: `N passed, N failed`, counting all three.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// Reporters colour their output when they think a terminal reads it: match the text, not the escape codes.
const plain = (output: string): string => output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

const count = (output: string, label: string): number => {
  const matches = [...plain(output).matchAll(new RegExp(`^ℹ ${label} (\\d+)\\s*$`, 'gm'))];
  return Number(matches.at(-1)?.[1] ?? 0);
};

console.log('== type check (tsc --noEmit, strict)');
const typecheck = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root]);
const typecheckPassed = typecheck.code === 0 ? 1 : 0;

console.log('\n== layering (dependency-cruiser, .dependency-cruiser.cjs): one test per error rule');
const layerRules = ['engine-knows-no-program', 'engine-no-tooling', 'judges-never-import-reference', 'no-cross-program', 'no-circular'];
const layers = await run(process.execPath, [
  join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
  'src',
  'programs',
  'test',
  'scripts',
  'bench',
  '--config',
  join(root, '.dependency-cruiser.cjs'),
  '--output-type',
  'err',
]);
const layersBroken = layerRules.filter((rule) => layers.output.includes(`error ${rule}:`));
// A cruiser that crashed reports no rule: count it as one failure rather than four passes.
const layersFailed = layersBroken.length + (layers.code !== 0 && layersBroken.length === 0 ? 1 : 0);
const layersPassed = layersFailed > 0 && layersBroken.length === 0 ? 0 : layerRules.length - layersBroken.length;

console.log('\n== lint and format (biome check)');
const lint = await run(process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '--reporter=summary', root]);
const lintPassed = lint.code === 0 ? 1 : 0;

const files = await testFiles(join(root, 'test'));
console.log(`== unit and integration tests (${files.length} files)`);
// Most end-to-end files wait on sockets far more than they compute: three at a time keep CI well inside its budget
// on a 2-core machine (node's default there is one).
const unit = await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-reporter=spec', ...files]);
const unitPassed = count(unit.output, 'pass');
const unitFailed = count(unit.output, 'fail') + count(unit.output, 'cancelled');
if (unit.code !== 0 && unitFailed === 0) {
  console.error('unit test runner failed without reporting a failed test');
}

console.log('\n== certification suite of every program against the reference implementations');
const out = await mkdtemp(join(tmpdir(), 'sello-suite-'));
const suite = await run(process.execPath, [join(root, 'bin/sello.mjs'), 'run', '--quiet', '--out', out]);
let suitePassed = 0;
let suiteFailed = 0;
type Totals = { passed: number; scenarios: number };
try {
  // A run over every program writes certification.json (totals summed over the programs); a single program, report.json.
  const certification = await readFile(join(out, 'latest', 'certification.json'), 'utf8').catch(() => undefined);
  const totals = (certification ? JSON.parse(certification) : JSON.parse(await readFile(join(out, 'latest', 'report.json'), 'utf8'))) as {
    totals: Totals;
    programs?: { program: string; totals?: Totals }[];
  };
  suitePassed = totals.totals.passed;
  suiteFailed = totals.totals.scenarios - totals.totals.passed;
  if (totals.programs) {
    console.log(`scenarios by program: ${totals.programs.map((p) => `${p.program} ${p.totals?.passed ?? 0}/${p.totals?.scenarios ?? 0}`).join(' · ')}`);
  }
} catch (error) {
  console.error(`no report.json from the suite run (exit ${suite.code}): ${(error as Error).message}`);
  suiteFailed = 1;
}
await rm(out, { recursive: true, force: true });

console.log('\n== planted-defect self-test (each defect must fail with exactly its rule)');
// Four at a time on 2 cores: a defect's run waits on sockets, retries and Retry-After far more than it computes
// (371 runs: 514 s three at a time, 434 s four at a time, with the same verdicts).
const planted = await run(process.execPath, ['--import', 'tsx', join(root, 'scripts/planted-defects.ts'), '--parallel', process.env.SELLO_PLANTED_PARALLEL ?? '4']);
const figures = /^planted defects: (\d+)\/(\d+) failed with the right rule, (\d+) false positives$/m.exec(plain(planted.output));
const coverage = /^planted-defect coverage: (\d+)\/(\d+) behaviour×role cells have a defect$/m.exec(plain(planted.output));
const plantedPassed = Number(figures?.[1] ?? 0);
// Missing cells fail as one test: the runner lists them.
const plantedFailed = figures ? Number(figures[2]) - plantedPassed + (coverage && coverage[1] !== coverage[2] ? 1 : 0) : 1;
if (!figures) console.error(`the planted-defect self-test printed no figure line (exit ${planted.code})`);

const runnerBroke = (unit.code !== 0 && unitFailed === 0) || (suite.code !== 0 && suiteFailed === 0) || (planted.code !== 0 && plantedFailed === 0);
const failed = unitFailed + suiteFailed + plantedFailed + (runnerBroke ? 1 : 0) + (1 - typecheckPassed) + layersFailed + (1 - lintPassed);
console.log(
  `\ntype check: ${typecheckPassed ? 'passed' : 'FAILED'} · layering: ${layersPassed} passed, ${layersFailed} failed · lint: ${lintPassed ? 'passed' : 'FAILED'} · unit: ${unitPassed} passed, ${unitFailed} failed · scenarios: ${suitePassed} passed, ${suiteFailed} failed · planted defects: ${plantedPassed} passed, ${plantedFailed} failed`,
);
if (figures) console.log(figures[0]);
if (coverage) console.log(coverage[0]);
console.log(`${typecheckPassed + layersPassed + lintPassed + unitPassed + suitePassed + plantedPassed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
