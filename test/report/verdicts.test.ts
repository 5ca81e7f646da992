import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { exitCodeOf, overallVerdict } from '../../src/cli/run-command.ts';
import { type BuildReportOptions, buildReport } from '../../src/report/build-report.ts';
import type { ReportModel, ScenarioReport, SutInfo } from '../../src/report/model.ts';
import { tempDir } from '../support/temp-dir.ts';
import { repoRoot, rule, writeEnvelopes } from './helpers.ts';
import { exchangeOf, findingOf, type SyntheticScenario, syntheticStream } from './synthetic-stream.ts';

const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(await readFile(path.join(repoRoot, 'src/report/report.schema.json'), 'utf8')) as Record<string, unknown>);

const RULES = [rule('RN-01', 'SHALL', 'a', 'a'), rule('RN-05', 'SHALL', 'b', 'b'), rule('RN-10', 'SHALL', 'c', 'c')];
const REFERENCE: SutInfo = { role: 'all', baseUrl: 'reference', kind: 'reference' };
const IMSS: SutInfo = { role: 'imss', baseUrl: 'http://sut.test/pgs/v1', kind: 'external' };

const ok = (name: string, tags: string[], x = 'x-ok'): SyntheticScenario => ({
  name,
  tags,
  steps: [{ text: 'se envía', status: 'PASSED' }],
  attachments: [{ kind: 'exchange', body: exchangeOf(`${x}-${name}`) }],
});
const failing = (name: string, tags: string[], attachments: SyntheticScenario['attachments'], error = 'boom'): SyntheticScenario => ({
  name,
  tags,
  steps: [
    { text: 'se envía', status: 'FAILED', error },
    { text: 'se revisa', status: 'SKIPPED' },
  ],
  attachments: [{ kind: 'exchange', body: exchangeOf(`x-${name}`) }, ...(attachments ?? [])],
});
const infra = { kind: 'infrastructure' as const, body: { cause: 'reset', endpoint: 'http://sut.test/pgs/v1', message: 'Cannot reach http://sut.test: ECONNRESET', exchangeId: 'x-infra-1' } };

let dir: string;
before(async () => {
  dir = await tempDir('sello-verdicts-');
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function build(scenarios: SyntheticScenario[], sut: SutInfo = REFERENCE, extra: Partial<BuildReportOptions> = {}): Promise<ReportModel> {
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
    sut,
    seed: 's',
    startedAt: '2026-01-01T00:00:00.000Z',
    seloVersion: '0',
    roleTags: ['imss', 'issste', 'ssa'],
    ...extra,
  });
  assert.ok(validate(model), `report.json does not match its schema: ${ajv.errorsText(validate.errors)}`);
  return model;
}

const scenario = (m: ReportModel, name: string): ScenarioReport => m.features.flatMap((f) => f.scenarios).find((s) => s.name === name)!;
const verdicts = (m: ReportModel): Record<string, string> => Object.fromEntries(m.rules.map((r) => [r.id, r.verdict]));
const baseline = [ok('alta', ['@imss', '@RN-01']), ok('dup', ['@imss', '@RN-05']), ok('msg', ['@imss', '@RN-10'])];

describe('root causes, not cascades', () => {
  test('a scenario tagged RN-05 stopped by an RN-10 finding leaves RN-05 not assessed, blocked by that finding', async () => {
    const m = await build([
      ok('alta', ['@imss', '@RN-01']),
      failing('dup', ['@imss', '@RN-05'], [{ kind: 'finding', body: findingOf('RN-10', { exchangeId: 'x-dup' }) }]),
      ok('msg', ['@imss', '@RN-10']),
    ]);
    assert.deepEqual(verdicts(m), { 'RN-01': 'passed', 'RN-05': 'not-assessed', 'RN-10': 'failed' });
    const rn05 = m.rules.find((r) => r.id === 'RN-05')!;
    assert.deepEqual(rn05.blockedBy, [{ scenarioId: scenario(m, 'dup').id, kind: 'finding', ruleId: 'RN-10', location: '/acuse/estatus', exchangeId: 'x-dup' }]);
    assert.match(rn05.reason!.en, /^Not assessed — blocked by RN-10 at \/acuse\/estatus, exchange x-dup, scenario features\/synthetic\.feature:20/);
    assert.match(rn05.reason!.es, /^No evaluado — bloqueado por RN-10/);
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.deepEqual(m.violated, ['RN-10']);
    assert.match(m.verdictReason.en, /^Violated: RN-10\./);
    assert.doesNotMatch(m.verdictReason.en, /Violated: [^.]*RN-05/);
    assert.equal(m.requirements.find((r) => r.id === 'RN-05')?.verdict, 'not-assessed', 'the matrix agrees with the rule list');
    assert.equal(m.requirements.find((r) => r.id === 'RN-10')?.verdict, 'failed');
  });

  test('a scenario whose every step passed, failed only by an After hook judging another rule, still assessed its own rule', async () => {
    const judgedAfter: SyntheticScenario = {
      name: 'dup',
      tags: ['@imss', '@RN-05'],
      steps: [
        { text: 'se envía', status: 'PASSED' },
        { text: 'se revisa', status: 'PASSED' },
        { text: '', status: 'FAILED', error: 'ConformanceError: [RN-10]', hook: 'AFTER_TEST_CASE' },
      ],
      attachments: [
        { kind: 'exchange', body: exchangeOf('x-dup') },
        { kind: 'finding', body: findingOf('RN-10') },
      ],
    };
    const m = await build([ok('alta', ['@imss', '@RN-01']), judgedAfter, ok('msg', ['@imss', '@RN-10'])]);
    assert.equal(scenario(m, 'dup').status, 'failed');
    assert.deepEqual(verdicts(m), { 'RN-01': 'passed', 'RN-05': 'passed', 'RN-10': 'failed' });
    assert.deepEqual(m.violated, ['RN-10']);
    assert.equal(scenario(m, 'dup').steps.at(-1)?.hook, 'after');
  });

  test('a failed assertion with no finding still fails its tagged rule, and the reason says no finding named a rule', async () => {
    const m = await build([ok('alta', ['@imss', '@RN-01']), failing('dup', ['@imss', '@RN-05'], []), ok('msg', ['@imss', '@RN-10'])]);
    assert.equal(verdicts(m)['RN-05'], 'failed');
    assert.match(m.rules.find((r) => r.id === 'RN-05')!.reason!.en, /no finding naming any rule/);
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.deepEqual(m.violated, []);
    assert.match(m.verdictReason.en, /no finding explains[^.]*RN-05/);
  });
});

describe('infrastructure is not non-conformance', () => {
  test('a step that met an InfrastructureError makes its scenario inconclusive, its rule not assessed and the run INCONCLUSIVE (exit 5)', async () => {
    const m = await build([ok('alta', ['@imss', '@RN-01']), failing('dup', ['@imss', '@RN-05'], [infra], 'Cannot reach'), ok('msg', ['@imss', '@RN-10'])]);
    const s = scenario(m, 'dup');
    assert.equal(s.status, 'inconclusive');
    assert.deepEqual(s.infrastructure, infra.body);
    assert.equal(m.totals.inconclusive, 1);
    assert.equal(m.totals.failed, 0);
    assert.deepEqual(verdicts(m), { 'RN-01': 'passed', 'RN-05': 'not-assessed', 'RN-10': 'passed' });
    assert.equal(m.rules.find((r) => r.id === 'RN-05')?.blockedBy?.[0]?.kind, 'infrastructure');
    assert.match(m.rules.find((r) => r.id === 'RN-05')!.reason!.en, /infrastructure error \(reset, exchange x-infra-1\)/);
    assert.equal(m.verdict, 'INCONCLUSIVE');
    assert.match(m.verdictReason.en, /Inconclusive: 1 scenario\(s\) stopped by infrastructure errors \(reset\)/);
    assert.equal(exitCodeOf(m.verdict), 5);
    assert.equal(m.summary.find((r) => r.role === 'imss')?.verdict, 'INCONCLUSIVE');
    const html = await readFile(path.join(dir, `out${n}`, 'report.html'), 'utf8');
    assert.match(html, /<section class="verdict inc" id="verdict"><div class="big">INCONCLUSIVE/);
    const junit = await readFile(path.join(dir, `out${n}`, 'junit.xml'), 'utf8');
    assert.match(junit, /<skipped message="inconclusive: reset — Cannot reach/);
  });

  test('a rule failed on a real finding wins over an inconclusive scenario: NOT CERTIFIABLE, exit 3', async () => {
    const m = await build([failing('alta', ['@imss', '@RN-01'], [infra]), failing('dup', ['@imss', '@RN-05'], [{ kind: 'finding', body: findingOf('RN-05') }]), ok('msg', ['@imss', '@RN-10'])]);
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.equal(exitCodeOf(m.verdict), 3);
    assert.deepEqual(m.violated, ['RN-05']);
    assert.equal(verdicts(m)['RN-01'], 'not-assessed');
  });

  test('a finding made before the outage stands: the scenario fails on it, not inconclusive', async () => {
    const m = await build([ok('alta', ['@imss', '@RN-01']), failing('dup', ['@imss', '@RN-05'], [{ kind: 'finding', body: findingOf('RN-05') }, infra]), ok('msg', ['@imss', '@RN-10'])]);
    assert.equal(scenario(m, 'dup').status, 'failed');
    assert.equal(verdicts(m)['RN-05'], 'failed');
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
  });

  test('a clean run is CERTIFIABLE with exit 0, and the verdicts across programs rank NOT CERTIFIABLE > INCONCLUSIVE > CERTIFIABLE', async () => {
    const m = await build(baseline);
    assert.equal(m.verdict, 'CERTIFIABLE', m.verdictReason.en);
    assert.equal(exitCodeOf(m.verdict), 0);
    assert.equal(overallVerdict(['CERTIFIABLE', 'INCONCLUSIVE']), 'INCONCLUSIVE');
    assert.equal(overallVerdict(['INCONCLUSIVE', 'NOT CERTIFIABLE']), 'NOT CERTIFIABLE');
    assert.equal(overallVerdict(['CERTIFIABLE', 'CERTIFIABLE']), 'CERTIFIABLE');
  });
});

describe('a single-role run judges only its role', () => {
  test("other roles are played by Sello, and a finding against Sello's own mock is not counted against the SUT", async () => {
    const sello = { kind: 'finding' as const, body: findingOf('RN-10', { role: 'ssa' }) };
    const scenarios = [ok('alta', ['@imss', '@RN-01']), failing('dup', ['@imss', '@issste', '@RN-05'], [sello]), ok('msg', ['@imss', '@RN-10'])];
    const m = await build(scenarios, IMSS);
    assert.deepEqual(m.violated, []);
    assert.deepEqual(verdicts(m), { 'RN-01': 'passed', 'RN-05': 'not-assessed', 'RN-10': 'passed' });
    assert.equal(m.rules.find((r) => r.id === 'RN-05')?.blockedBy?.[0]?.kind, 'sello-mock');
    assert.equal(scenario(m, 'dup').selloFindings, 1);
    assert.equal(m.verdict, 'INCONCLUSIVE', 'a Sello bug gives no verdict on the SUT');
    assert.match(m.verdictReason.en, /Sello's own mock failed/);
    assert.equal(m.summary.find((r) => r.role === 'issste')?.verdict, 'PLAYED BY SELLO');
    assert.notEqual(m.summary.find((r) => r.role === 'imss')?.verdict, 'NOT CERTIFIABLE');

    const reference = await build(scenarios, REFERENCE);
    assert.equal(reference.verdict, 'NOT CERTIFIABLE', 'in a reference run every role is judged');
    assert.deepEqual(reference.violated, ['RN-10']);
    assert.equal(reference.summary.find((r) => r.role === 'issste')?.verdict, 'NOT CERTIFIABLE');
  });

  test('a finding that names the SUT role, or no role, counts against it', async () => {
    for (const role of ['imss', undefined]) {
      const body = findingOf('RN-05', role ? { role } : {});
      const m = await build([ok('alta', ['@imss', '@RN-01']), failing('dup', ['@imss', '@RN-05'], [{ kind: 'finding', body }]), ok('msg', ['@imss', '@RN-10'])], IMSS);
      assert.equal(m.verdict, 'NOT CERTIFIABLE');
      assert.deepEqual(m.violated, ['RN-05']);
    }
  });
});
