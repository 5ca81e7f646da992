import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { behaviourGaps, computeBehaviours, partyIsRole } from '../../src/report/behaviours.ts';
import type { ExchangeEntry, RequirementReport, ScenarioReport, SutInfo } from '../../src/report/model.ts';
import type { Requirement } from '../../src/report/requirements.ts';

const text = { en: 'x', es: 'x' };
const REQ: Requirement = {
  id: 'RN-05',
  kind: 'rule',
  title: text,
  text,
  source: 's',
  severity: 'SHALL',
  coveredBy: ['RN-05'],
  judgedBy: ['RN-05'],
  behaviours: [{ id: 'RN-05.1', requirement: 'RN-05', sent: text, expected: text, roles: ['imss', 'issste', 'ssa'], source: 's' }],
};
const SUT: SutInfo = { role: 'imss', baseUrl: 'http://x', kind: 'reference' };

function scenario(id: string, roles: string[], status: ScenarioReport['status'], findings: ScenarioReport['findings'] = [], tags = ['@RN-05.1', '@RN-05']): ScenarioReport {
  return {
    id,
    name: id,
    tags: [...tags, ...roles.map((r) => `@${r}`)],
    roles,
    rules: ['RN-05'],
    status,
    durationMs: 1,
    steps: [{ keyword: 'Given ', text: 's', status, durationMs: 1 }],
    findings,
    requirements: [],
    exchanges: 1,
    exchangeIds: ['x'],
    attempts: 1,
  };
}
const ex = (from: string, to: string): ExchangeEntry => ({ id: 'x', from, to, startedAt: '', finishedAt: '' }) as unknown as ExchangeEntry;
const finding = (ruleId: string, role?: string): ScenarioReport['findings'][number] =>
  ({
    ruleId,
    severity: 'error',
    location: '/acuse',
    message: text,
    ...(role ? { role } : {}),
  }) as ScenarioReport['findings'][number];

/** The requirement row with every finding of RN-05 counted against it, as computeCoverage would. */
function reportsOf(scenarios: ScenarioReport[]): RequirementReport[] {
  const findings = scenarios
    .flatMap((s) => s.findings.map((f, index) => ({ f, ref: { scenarioId: s.id, index } })))
    .filter(({ f }) => f.ruleId === 'RN-05')
    .map(({ ref }) => ref);
  return [{ id: 'RN-05', findings } as unknown as RequirementReport];
}

function cells(scenarios: ScenarioReport[], exchanges: Record<string, ExchangeEntry[]>, sut = SUT) {
  const [b] = computeBehaviours({ requirements: [REQ], reports: reportsOf(scenarios), scenarios, exchanges: new Map(Object.entries(exchanges)), sut });
  return Object.fromEntries(b!.cells.map((c) => [c.role, c]));
}

test('journal parties name roles; Sello standing in for a role is not the role', () => {
  assert.ok(partyIsRole('IMSS', 'imss'));
  assert.ok(partyIsRole('SSA-indice', 'ssa'));
  assert.ok(!partyIsRole('SSAX', 'ssa'));
  assert.ok(!partyIsRole('sello (engine)', 'engine'));
  assert.ok(!partyIsRole('sello', 'imss'));
});

test('covered only by a scenario tagged @B and @R that exchanged a message with R; else not covered', () => {
  const s = [scenario('a', ['imss'], 'passed'), scenario('b', ['issste'], 'passed'), scenario('c', ['ssa'], 'passed', [], ['@RN-05'])];
  const c = cells(s, { a: [ex('sello', 'IMSS')], b: [ex('sello', 'sello (issste)')], c: [ex('sello', 'SSA')] });
  assert.equal(c.imss!.verdict, 'passed');
  assert.deepEqual(c.imss!.scenarios, ['a']);
  // Tagged but never talked to ISSSTE: declared only.
  assert.equal(c.issste!.verdict, 'not-covered');
  assert.deepEqual(c.issste!.declaredOnly, ['b']);
  // Not tagged with the behaviour: the rule tag alone does not cover it.
  assert.equal(c.ssa!.verdict, 'not-covered');
});

test("a blocking finding of the requirement fails the role it names, not the scenario's other roles", () => {
  const s = [scenario('a', ['imss', 'issste'], 'failed', [finding('RN-05', 'issste')])];
  const c = cells(s, { a: [ex('IMSS', 'ISSSTE')] });
  assert.equal(c.issste!.verdict, 'failed');
  assert.deepEqual(c.issste!.findings, [{ scenarioId: 'a', index: 0 }]);
  // IMSS's cell is not failed by ISSSTE's defect: the scenario was stopped by it.
  assert.equal(c.imss!.verdict, 'not-assessed');
  assert.equal(c.imss!.blockedBy?.[0]?.ruleId, 'RN-05');
});

test("a finding without a role is held against the scenario's role tags", () => {
  const c = cells([scenario('a', ['imss'], 'failed', [finding('RN-05')])], { a: [ex('sello', 'IMSS')] });
  assert.equal(c.imss!.verdict, 'failed');
});

test("another rule's finding or the weather leaves the cell not assessed", () => {
  const inconclusive = { ...scenario('b', ['ssa'], 'inconclusive'), infrastructure: { cause: 'timeout' as const, endpoint: 'http://ssa', message: 't' } };
  const c = cells([scenario('a', ['imss'], 'failed', [finding('RN-10', 'imss')]), inconclusive], { a: [ex('sello', 'IMSS')], b: [ex('sello', 'SSA')] });
  assert.equal(c.imss!.verdict, 'not-assessed');
  assert.equal(c.imss!.blockedBy?.[0]?.ruleId, 'RN-10');
  assert.equal(c.ssa!.verdict, 'not-assessed');
  assert.equal(c.ssa!.blockedBy?.[0]?.kind, 'infrastructure');
});

test('a role Sello played in a single-role run is not applicable', () => {
  const c = cells([scenario('a', ['imss', 'ssa'], 'passed')], { a: [ex('IMSS', 'SSA')] }, { role: 'imss', baseUrl: 'http://x', kind: 'external' });
  assert.equal(c.imss!.verdict, 'passed');
  assert.equal(c.ssa!.verdict, 'not-applicable');
});

test('the role summary gaps: SHALL behaviours not covered, behaviours failed', () => {
  const s = [scenario('a', ['imss'], 'passed'), scenario('b', ['issste'], 'failed', [finding('RN-05', 'issste')])];
  const [b] = computeBehaviours({
    requirements: [REQ],
    reports: reportsOf(s),
    scenarios: s,
    exchanges: new Map([
      ['a', [ex('sello', 'IMSS')]],
      ['b', [ex('sello', 'ISSSTE')]],
    ]),
    sut: SUT,
  });
  assert.deepEqual(behaviourGaps([b!], 'imss'), { uncovered: [], failed: [] });
  assert.deepEqual(behaviourGaps([b!], 'issste'), { uncovered: [], failed: ['RN-05.1'] });
  assert.deepEqual(behaviourGaps([b!], 'ssa'), { uncovered: ['RN-05.1'], failed: [] });
});

test('report.html shows behaviour rows under their requirement, a column per role with "covered n/m", and escapes', async () => {
  const { renderBehaviourMatrix } = await import('../../src/report/html-behaviours.ts');
  const s = [scenario('a', ['imss'], 'passed')];
  const behaviours = computeBehaviours({ requirements: [REQ], reports: reportsOf(s), scenarios: s, exchanges: new Map([['a', [ex('sello', 'IMSS')]]]), sut: SUT });
  behaviours[0]!.sent = { en: '<alta>', es: '<alta>' };
  const model = { behaviours, requirements: [{ id: 'RN-05', title: { en: 'Duplicate', es: 'Duplicada' } }] } as unknown as Parameters<typeof renderBehaviourMatrix>[0];
  const html = renderBehaviourMatrix(model, ['imss', 'issste', 'ssa']);
  assert.match(html, /<b>RN-05<\/b> Duplicada/);
  assert.match(html, /data-behaviour="RN-05.1"/);
  assert.match(html, /imss<br><span class="small">cubiertos \/ covered 1\/1/);
  assert.match(html, /issste<br><span class="small">cubiertos \/ covered 0\/1/);
  assert.match(html, /&lt;alta&gt;/);
  assert.doesNotMatch(html, /<alta>/);
  assert.equal(renderBehaviourMatrix({ ...model, behaviours: undefined } as typeof model, ['imss']), '');
});

test('a scenario tagged with a behaviour covers its requirement even without the rule tag', async () => {
  const { computeCoverage } = await import('../../src/report/requirements.ts');
  const s = [scenario('a', ['imss'], 'passed', [], ['@RN-05.1'])];
  const { requirements } = computeCoverage({ requirements: [REQ], scenarios: s, exchanges: new Map([['a', [ex('sello', 'IMSS')]]]), sut: SUT, roles: ['imss', 'ssa'] });
  assert.deepEqual(requirements[0]!.scenarios, ['a']);
  assert.deepEqual(
    requirements[0]!.byRole.map((c) => [c.role, c.verdict]),
    [
      ['imss', 'passed'],
      ['ssa', 'not-covered'],
    ],
  );
});
