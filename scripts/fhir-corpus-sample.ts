/**
 * Draws a fresh sample of HL7's R4 validator conformance cases, by the rule the visible sample
 * (../shared/corpus/fhir-test-cases-r4) follows, so agreement can be measured on cases nobody tuned to:
 *
 *   node --import tsx scripts/fhir-corpus-sample.ts --seed N --size K --out DIR
 *        [--repo GIT_DIR] [--commit REV] [--include-visible] [--visible DIR]
 *
 * The rule (written once here, in `eligible`, and repeated in each sample's README):
 *  - a `test-cases` entry of validator/manifest.json with `version` 4.0 or 4.0.x, a `.json` file and a `java` outcome
 *    present at that commit, `use-test` not false;
 *  - no `packages`, `supporting`, `profile` or `logical` step (cases needing material Sello is not given) and not in
 *    module `tx` (those need a terminology server);
 *  - the case file is at most 200 KB (keeps the fixtures small);
 *  - one entry per file name, the visible sample's files excluded unless --include-visible.
 * Entries are shuffled with SeededRandom(seed) and the first K kept. Any other manifest setting (profiles,
 * validateReference, security-checks, …) keeps the case but is copied under `options`, as in the visible expected.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/identifiers/seeded-random.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_REPO = '/work/.mirror/FHIR+fhir-test-cases/repo';
export const VISIBLE = join(root, '../shared/corpus/fhir-test-cases-r4');
const MAX_BYTES = 200 * 1024;
/** Manifest keys that describe a case rather than change how the reference validated it. */
const DESCRIPTIVE = new Set(['name', 'file', 'version', 'module', 'java', 'description', 'explanation', 'documentation', 'comment', 'matchetype', 'tags', 'use-test', 'brianpos']);
const EXCLUDING = ['packages', 'supporting', 'profile', 'logical'];

export interface ManifestCase {
  name: string;
  file: string;
  version?: string;
  module?: string;
  java?: string;
  'use-test'?: boolean;
  [key: string]: unknown;
}

export interface ExpectedEntry {
  name: string;
  module: string;
  expectedErrors: number;
  referenceErrors: string[];
  options?: Record<string, unknown>;
}

interface OutcomeIssue {
  severity?: string;
  expression?: string[];
  location?: string[];
  details?: { text?: string };
  diagnostics?: string;
}

/** Whether a manifest entry belongs to the population (size and duplicates are judged by the caller). */
export function eligible(c: ManifestCase): boolean {
  return /^4\.0(\.|$)/.test(String(c.version ?? '')) && c.file.endsWith('.json') && typeof c.java === 'string' && c['use-test'] !== false && c.module !== 'tx' && !EXCLUDING.some((k) => k in c);
}

export function optionsOf(c: ManifestCase): Record<string, unknown> | undefined {
  const entries = Object.entries(c).filter(([k]) => !DESCRIPTIVE.has(k) && !k.startsWith('firely') && !k.includes('brianpos'));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The reference's error count and first five messages, written `expression: text` as in the visible sample. */
export function expectedFrom(c: ManifestCase, outcome: { issue?: OutcomeIssue[] }): ExpectedEntry {
  const errors = (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const referenceErrors = errors.slice(0, 5).map((i) => {
    const where = i.expression?.[0] ?? i.location?.[0];
    const what = (i.details?.text ?? i.diagnostics ?? '').slice(0, 160);
    return where ? `${where}: ${what}` : what;
  });
  const options = optionsOf(c);
  return { name: c.name, module: c.module ?? '', expectedErrors: errors.length, referenceErrors, ...(options ? { options } : {}) };
}

class Mirror {
  constructor(
    readonly gitDir: string,
    readonly rev: string,
  ) {}
  show(path: string): string {
    return execFileSync('git', ['-C', this.gitDir, 'show', `${this.rev}:${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  }
  size(path: string): number | undefined {
    try {
      return Number(execFileSync('git', ['-C', this.gitDir, 'cat-file', '-s', `${this.rev}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      return undefined;
    }
  }
  commit(): string {
    return execFileSync('git', ['-C', this.gitDir, 'rev-parse', this.rev], { encoding: 'utf8' }).trim();
  }
}

interface Args {
  seed: string;
  size: number;
  out: string;
  repo: string;
  rev: string;
  includeVisible: boolean;
  visible: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seed: '1', size: 60, out: '', repo: DEFAULT_REPO, rev: 'HEAD', includeVisible: false, visible: VISIBLE };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => argv[++i] ?? '';
    if (k === '--seed') a.seed = v();
    else if (k === '--size') a.size = Number(v());
    else if (k === '--out') a.out = v();
    else if (k === '--repo') a.repo = v();
    else if (k === '--commit') a.rev = v();
    else if (k === '--visible') a.visible = v();
    else if (k === '--include-visible') a.includeVisible = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.out || !(a.size > 0)) throw new Error('usage: fhir-corpus-sample.ts --seed N --size K --out DIR [--repo GIT_DIR] [--commit REV] [--include-visible]');
  return a;
}

function shuffle<T>(items: T[], random: SeededRandom): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function readme(a: Args, commit: string, drawn: number, skippedLarge: string[]): string {
  return `# Fresh sample of the FHIR R4 validator conformance cases (seed ${a.seed})

Drawn by \`node --import tsx scripts/fhir-corpus-sample.ts --seed ${a.seed} --size ${a.size} --out <this dir>\` from
HL7's \`FHIR/fhir-test-cases\` (https://github.com/FHIR/fhir-test-cases, validator module, commit ${commit};
Apache-2.0, the files in \`cases/\` are copied unchanged from \`validator/\`).

Rule (the one the visible sample ../shared/corpus/fhir-test-cases-r4 follows): manifest entries with version 4.0[.x], a
JSON file, a \`java\` outcome, \`use-test\` not false, no \`packages\`/\`supporting\`/\`profile\`/\`logical\` step, not in module
\`tx\` (terminology server); case file ≤ 200 KB; one entry per file name; the visible sample's files excluded. Shuffled
with SeededRandom(${a.seed}); the first ${drawn} kept.${skippedLarge.length ? ` Skipped as larger than 200 KB: ${skippedLarge.join(', ')}.` : ''}

\`expected.json\`: per file, the number of issues of severity error or fatal in the Java reference validator's outcome
(\`validator/outcomes/<java>\`) and up to five of their messages; \`options\` holds the other manifest settings the reference
ran the case with (measure those cases apart from the plain ones).
`;
}

export function main(argv: string[]): void {
  const a = parseArgs(argv);
  const mirror = new Mirror(a.repo, a.rev);
  const manifest = JSON.parse(mirror.show('validator/manifest.json')) as { 'test-cases': ManifestCase[] };
  const visible = a.includeVisible || !existsSync(join(a.visible, 'expected.json')) ? new Set<string>() : new Set(Object.keys(JSON.parse(readFileSync(join(a.visible, 'expected.json'), 'utf8'))));
  const random = new SeededRandom(a.seed);
  const taken = new Map<string, ExpectedEntry>();
  const skippedLarge: string[] = [];
  for (const c of shuffle(manifest['test-cases'].filter(eligible), random)) {
    if (taken.size >= a.size) break;
    const file = basename(c.file);
    if (taken.has(file) || visible.has(file) || mirror.size(`validator/outcomes/${c.java}`) === undefined) continue;
    const bytes = mirror.size(`validator/${c.file}`);
    if (bytes === undefined) continue;
    if (bytes > MAX_BYTES) {
      if (!skippedLarge.includes(file)) skippedLarge.push(file);
      continue;
    }
    taken.set(file, expectedFrom(c, JSON.parse(mirror.show(`validator/outcomes/${c.java}`))));
    mkdirSync(join(a.out, 'cases'), { recursive: true });
    writeFileSync(join(a.out, 'cases', file), mirror.show(`validator/${c.file}`));
  }
  mkdirSync(a.out, { recursive: true });
  writeFileSync(join(a.out, 'expected.json'), JSON.stringify(Object.fromEntries(taken), null, 2) + '\n');
  writeFileSync(join(a.out, 'README.md'), readme(a, mirror.commit(), taken.size, skippedLarge));
  const plain = [...taken.values()].filter((e) => !e.options).length;
  console.log(`seed ${a.seed}: ${taken.size} cases (${plain} plain) written to ${a.out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
