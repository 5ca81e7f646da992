import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildReport } from '../../src/report/build-report.ts';
import type { ReportModel, SutInfo } from '../../src/report/model.ts';
import type { Requirement } from '../../src/report/requirements.ts';
import { tempDir } from '../support/temp-dir.ts';
import { repoRoot, rule, writeEnvelopes } from './helpers.ts';
import { exchangeOf, findingOf, type SyntheticScenario, syntheticStream } from './synthetic-stream.ts';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(await readFile(path.join(repoRoot, 'src/report/report.schema.json'), 'utf8')) as Record<string, unknown>);

const RULES = [rule('RN-05', 'SHALL', 'dup', 'dup')];
const text = { en: 'x', es: 'x' };
const REQS: Requirement[] = [
  {
    id: 'RN-05',
    kind: 'rule',
    title: text,
    text,
    source: 's',
    severity: 'SHALL',
    coveredBy: ['RN-05'],
    judgedBy: ['RN-05'],
    behaviours: [{ id: 'RN-05.1', requirement: 'RN-05', sent: text, expected: text, roles: ['imss', 'issste'], source: 's' }],
  },
];
const REFERENCE: SutInfo = { role: 'all', baseUrl: 'reference', kind: 'reference' };

const ok = (name: string, tags: string[], to: string): SyntheticScenario => ({
  name,
  tags,
  steps: [{ text: 'se envía', status: 'PASSED' }],
  attachments: [{ kind: 'exchange', body: exchangeOf(`x-${name}`, to) }],
});

let dir: string;
before(async () => {
  dir = await tempDir('sello-behaviours-');
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function build(scenarios: SyntheticScenario[]): Promise<ReportModel> {
  n++;
  const messagesFile = path.join(dir, `m${n}.ndjson`);
  await writeFile(messagesFile, writeEnvelopes(syntheticStream(scenarios)));
  const model = await buildReport({
    messagesFile,
    outDir: path.join(dir, `out${n}`),
    runId: `r${n}`,
    program: 'mx-pgs',
    programVersion: '1',
    rules: RULES,
    requirements: REQS,
    sut: REFERENCE,
    seed: 's',
    startedAt: '2026-01-01T00:00:00.000Z',
    seloVersion: '0',
    roleTags: ['imss', 'issste'],
  });
  assert.ok(validate(model), `report.json does not match its schema: ${ajv.errorsText(validate.errors)}`);
  return model;
}

test('every behaviour exercised and passed: the roles and the run are certifiable', async () => {
  const m = await build([ok('a', ['@imss', '@RN-05', '@RN-05.1'], 'IMSS'), ok('b', ['@issste', '@RN-05', '@RN-05.1'], 'ISSSTE')]);
  assert.equal(m.verdict, 'CERTIFIABLE');
  assert.deepEqual(
    m.behaviours?.[0]?.cells.map((c) => c.verdict),
    ['passed', 'passed'],
  );
  assert.deepEqual(
    m.summary.map((s) => [s.role, s.verdict, s.uncoveredBehaviours]),
    [
      ['imss', 'CERTIFIABLE', []],
      ['issste', 'CERTIFIABLE', []],
    ],
  );
});

test('a behaviour tagged for a role but never exchanged with it keeps that role, and the run, from certification', async () => {
  // The rule is covered for ISSSTE by tag, but the scenario only talked to IMSS.
  const m = await build([ok('a', ['@imss', '@RN-05', '@RN-05.1'], 'IMSS'), ok('b', ['@issste', '@RN-05', '@RN-05.1'], 'IMSS')]);
  const issste = m.summary.find((s) => s.role === 'issste')!;
  assert.equal(issste.verdict, 'NOT CERTIFIABLE');
  assert.deepEqual(issste.uncoveredBehaviours, ['RN-05.1']);
  assert.deepEqual(issste.uncoveredShall, ['RN-05']);
  assert.equal(m.summary.find((s) => s.role === 'imss')!.verdict, 'CERTIFIABLE');
  assert.equal(m.verdict, 'NOT CERTIFIABLE');
  assert.match(m.verdictReason.en, /SHALL behaviours not exercised against a role they bind: RN-05\.1 issste/);
  const html = await readFile(path.join(dir, `out${n}`, 'report.html'), 'utf8');
  assert.match(html, /issste<br><span class="small">cubiertos \/ covered 0\/1/);
});

test("a finding naming ISSSTE fails ISSSTE's cell and names the behaviour in its summary", async () => {
  const bad: SyntheticScenario = {
    name: 'b',
    tags: ['@issste', '@RN-05', '@RN-05.1'],
    steps: [{ text: 'se envía', status: 'FAILED', error: 'dup' }],
    attachments: [
      { kind: 'exchange', body: exchangeOf('x-b', 'ISSSTE') },
      { kind: 'finding', body: findingOf('RN-05', { exchangeId: 'x-b', role: 'issste' }) },
    ],
  };
  const m = await build([ok('a', ['@imss', '@RN-05', '@RN-05.1'], 'IMSS'), bad]);
  assert.deepEqual(
    m.behaviours?.[0]?.cells.map((c) => [c.role, c.verdict]),
    [
      ['imss', 'passed'],
      ['issste', 'failed'],
    ],
  );
  const issste = m.summary.find((s) => s.role === 'issste')!;
  assert.deepEqual([issste.verdict, issste.failedBehaviours, issste.failedRequirements], ['NOT CERTIFIABLE', ['RN-05.1'], ['RN-05']]);
});

test('without behaviours in the catalogue the report has no behaviour matrix and judges as before', async () => {
  n++;
  const messagesFile = path.join(dir, `m${n}.ndjson`);
  await writeFile(messagesFile, writeEnvelopes(syntheticStream([ok('a', ['@imss', '@RN-05'], 'IMSS'), ok('b', ['@issste', '@RN-05'], 'IMSS')])));
  const m = await buildReport({
    messagesFile,
    outDir: path.join(dir, `out${n}`),
    runId: `r${n}`,
    program: 'mx-pgs',
    programVersion: '1',
    rules: RULES,
    sut: REFERENCE,
    seed: 's',
    startedAt: '2026-01-01T00:00:00.000Z',
    seloVersion: '0',
    roleTags: ['imss', 'issste'],
  });
  assert.equal(m.behaviours, undefined);
  assert.equal(m.verdict, 'CERTIFIABLE');
  assert.equal(m.summary[1]!.uncoveredBehaviours, undefined);
});
