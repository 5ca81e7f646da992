import { spawn } from 'node:child_process';
import { cp, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from '@cucumber/messages';
import type { RuleMeta } from '../../src/rules/rule.ts';
import { tempDir } from '../support/temp-dir.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const fixtureDir = path.join(repoRoot, 'test/fixtures/report/cucumber');
const cucumberBin = path.join(repoRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

export interface FixtureRun {
  dir: string;
  messagesFile: string;
  exitCode: number | null;
  stderr: string;
}

/**
 * Copies the fixture features and steps to a fresh temp directory and runs the real cucumber CLI
 * on them with the message formatter. node_modules is symlinked so that the steps' bare
 * `@cucumber/cucumber` import resolves to the very instance the CLI loads.
 */
export async function runCucumberFixture(extraArgs: string[] = []): Promise<FixtureRun> {
  const dir = await tempDir('sello-report-');
  await cp(fixtureDir, dir, { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const messagesFile = path.join(dir, 'cucumber-messages.ndjson');
  const args = [
    cucumberBin,
    'features',
    '--import',
    'steps.mjs',
    '--format',
    `message:${messagesFile}`,
    '--format',
    'summary:summary.txt',
    '--retry',
    '1',
    '--retry-tag-filter',
    '@flaky',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { dir, messagesFile, exitCode, stderr };
}

export const cleanup = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

export async function readEnvelopes(file: string): Promise<Envelope[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Envelope);
}

export const writeEnvelopes = (envelopes: readonly Envelope[]): string => envelopes.map((e) => JSON.stringify(e)).join('\n') + '\n';

/** The test case started id an envelope belongs to, if any. */
export function startedIdOf(e: Envelope): string | undefined {
  return e.testCaseStarted?.id ?? e.testStepStarted?.testCaseStartedId ?? e.testStepFinished?.testCaseStartedId ?? e.attachment?.testCaseStartedId ?? e.testCaseFinished?.testCaseStartedId;
}

export function rule(id: string, strength: 'SHALL' | 'SHOULD', en: string, es: string): RuleMeta {
  return { id, title: { en, es }, description: { en, es }, source: 'Sello reference contract v1', strength };
}

export const CATALOGUE: RuleMeta[] = [
  rule('RN-01', 'SHALL', 'Valid alta is accepted', 'Un alta válida es aceptada'),
  rule('RN-05', 'SHALL', 'Duplicate CURP is rejected', 'Una CURP duplicada es rechazada'),
  rule('RN-07', 'SHOULD', 'Baja carries a reason', 'La baja lleva motivo'),
  rule('RN-09', 'SHALL', 'Uncovered rule <b>', 'Regla sin cobertura <b>'),
];

/**
 * Minimal XML 1.0 well-formedness check (no XML parser among the dependencies): legal characters,
 * balanced and properly nested elements, quoted attributes, known entity references.
 */
export function assertWellFormedXml(xml: string): void {
  if (/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) {
    throw new Error('XML contains a character XML 1.0 forbids');
  }
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/gy;
  let m: RegExpExecArray | null;
  let roots = 0;
  let pos = 0;
  const checkEntities = (s: string): void => {
    if (s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '').includes('&')) throw new Error(`bad entity in: ${s.slice(0, 60)}`);
  };
  while ((m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    const [, close, name, attrs, selfClose, text, stray] = m;
    if (stray !== undefined) throw new Error(`stray '<' at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
      checkEntities(text);
      continue;
    }
    if (attrs) checkEntities(attrs);
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name ?? '');
    } else if (stack.length === 0) {
      roots++;
    }
  }
  if (pos !== body.length) throw new Error(`unparsed content at ${pos}`);
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('><')}>`);
  if (roots !== 1) throw new Error(`expected exactly one root element, got ${roots}`);
}
