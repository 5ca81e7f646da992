import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { defectCoverage, entryProblems, type JudgedReport, judgePlantedRun, parsePlantedDefects, tagsOf } from '../../src/report/planted-defects.ts';
import type { Behaviour } from '../../src/report/requirements.ts';

const defect = { role: 'imss', fault: 'accept-duplicate-alta', rule: 'RN-05', behaviour: 'RN-05.1', description: { en: 'x', es: 'x' } };
const judgedBy = new Map([['PGS-PRF-ACUSE', ['RN-05', 'PGS-API-01']]]);

function report(failed: string[], cell = 'failed', violated = failed): JudgedReport {
  return {
    violated,
    rules: [
      { id: 'RN-05', verdict: failed.includes('RN-05') ? 'failed' : 'passed' },
      { id: 'RN-10', verdict: failed.includes('RN-10') ? 'failed' : 'passed' },
    ],
    requirements: failed.filter((id) => id.startsWith('PGS')).map((id) => ({ id, verdict: 'failed' })),
    behaviours: [
      {
        id: 'RN-05.1',
        cells: [
          { role: 'imss', verdict: cell },
          { role: 'ssa', verdict: 'passed' },
        ],
      },
    ],
  };
}

test('caught: exit 3, exactly the planted rule failed, its cell failed', () => {
  assert.deepEqual(judgePlantedRun(defect, 3, report(['RN-05']), judgedBy), { outcome: 'caught', others: [], why: '' });
});

test('a constraint judged by the planted rule may fail with it; one that is not is a false positive', () => {
  assert.equal(judgePlantedRun(defect, 3, report(['RN-05', 'PGS-PRF-ACUSE']), judgedBy).outcome, 'caught');
  const j = judgePlantedRun(defect, 3, report(['RN-05', 'PGS-PRF-OTHER']), judgedBy);
  assert.equal(j.outcome, 'false-positive');
  assert.deepEqual(j.others, ['PGS-PRF-OTHER']);
});

test('validator checks of a constraint that may fail with the rule are not false positives; unaccounted ones are', () => {
  const checks = new Map([
    ['PGS-PRF-ACUSE', ['RN-05', 'SCHEMA-TYPE']],
    ['PGS-PRF-OTHER', ['SCHEMA-TYPE']],
  ]);
  assert.equal(judgePlantedRun(defect, 3, report(['RN-05', 'PGS-PRF-ACUSE'], 'failed', ['RN-05', 'SCHEMA-TYPE']), checks).outcome, 'caught');
  // The check's constraint did not fail: nothing accounts for the finding.
  const j = judgePlantedRun(defect, 3, report(['RN-05'], 'failed', ['RN-05', 'SCHEMA-TYPE']), checks);
  assert.deepEqual([j.outcome, j.others], ['false-positive', ['SCHEMA-TYPE']]);
  // Accounted for by a constraint the planted rule does not judge: that constraint is the false positive.
  assert.deepEqual(judgePlantedRun(defect, 3, report(['RN-05', 'PGS-PRF-OTHER'], 'failed', ['RN-05', 'SCHEMA-TYPE']), checks).others, ['PGS-PRF-OTHER']);
});

test('caught under another rule, or another rule failing too, is a false positive', () => {
  const other = judgePlantedRun(defect, 3, report(['RN-10']), judgedBy);
  assert.equal(other.outcome, 'false-positive');
  assert.match(other.why, /also failed RN-10; RN-05 not failed/);
  assert.equal(judgePlantedRun(defect, 3, report(['RN-05', 'RN-10']), judgedBy).outcome, 'false-positive');
  // A blocking finding of another rule counts even where that rule's verdict is not `failed`.
  assert.equal(judgePlantedRun(defect, 3, report(['RN-05'], 'failed', ['RN-05', 'RN-99']), judgedBy).outcome, 'false-positive');
});

test('missed: a passing run, a wrong exit code, a cell not failed, no report', () => {
  assert.equal(judgePlantedRun(defect, 0, report([], 'passed'), judgedBy).outcome, 'missed');
  assert.match(judgePlantedRun(defect, 5, report(['RN-05']), judgedBy).why, /exit 5, expected 3/);
  assert.match(judgePlantedRun(defect, 3, report(['RN-05'], 'not-assessed'), judgedBy).why, /cell RN-05.1 × imss not-assessed/);
  assert.match(judgePlantedRun({ ...defect, behaviour: 'RN-05.9' }, 3, report(['RN-05']), judgedBy).why, /no cell RN-05.9 × imss/);
  assert.match(judgePlantedRun(defect, null, undefined, judgedBy).why, /no report.json \(exit killed\)/);
});

test('entries: parsed and checked, default tags, coverage of behaviour × role cells', () => {
  assert.equal(tagsOf(defect), '@imss and @RN-05.1');
  assert.equal(tagsOf({ ...defect, tags: '@imss and @RN-05' }), '@imss and @RN-05');
  assert.throws(() => parsePlantedDefects([{ ...defect, fault: '' }], 'f.json'), /f.json\[0\]: fault is required/);
  assert.throws(() => parsePlantedDefects({}, 'f.json'), /must be a list/);
  assert.deepEqual(parsePlantedDefects([defect], 'f.json'), [defect]);
  const text = { en: 'x' };
  const behaviours: Behaviour[] = [
    { id: 'RN-05.1', requirement: 'RN-05', sent: text, expected: text, roles: ['imss', 'ssa'], source: 's' },
    { id: 'RN-10.1', requirement: 'RN-10', sent: text, expected: text, roles: ['imss'], source: 's' },
  ];
  assert.deepEqual(defectCoverage(behaviours, [defect]), { cells: ['RN-05.1 imss', 'RN-05.1 ssa', 'RN-10.1 imss'], missing: ['RN-05.1 ssa', 'RN-10.1 imss'] });
  assert.deepEqual(entryProblems(defect, behaviours), []);
  assert.deepEqual(entryProblems({ ...defect, role: 'issste' }, behaviours), ['behaviour RN-05.1 does not bind issste']);
  assert.deepEqual(entryProblems({ ...defect, rule: 'RN-10' }, behaviours), ['behaviour RN-05.1 belongs to RN-05, the entry names RN-10']);
  // A constraint's behaviour is violated under a rule that judges the constraint.
  const constraint: Behaviour = { id: 'PGS-PRF-ACUSE.1', requirement: 'PGS-PRF-ACUSE', sent: text, expected: text, roles: ['imss'], source: 's' };
  assert.deepEqual(entryProblems({ ...defect, behaviour: 'PGS-PRF-ACUSE.1' }, [constraint], judgedBy), []);
});
