import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { diffCommand } from '../../src/cli/diff-command.ts';
import { diffReports, formatDiff, toComparable } from '../../src/report/diff.ts';
import { tempDir } from '../support/temp-dir.ts';

const req = (id: string, severity: 'SHALL' | 'SHOULD', verdict: string) => ({ id, severity, verdict, title: { en: `title ${id}` } });

const A = {
  runId: 'run-a',
  program: 'mx-pgs',
  verdict: 'CERTIFIABLE',
  requirements: [
    req('RN-01', 'SHALL', 'passed'),
    req('RN-02', 'SHALL', 'passed'),
    req('RN-03', 'SHALL', 'not-covered'),
    req('RN-04', 'SHOULD', 'passed'),
    req('RN-05', 'SHALL', 'failed'),
    req('PGS-SCH-ACUSE', 'SHALL', 'passed'),
    req('OLD', 'SHALL', 'passed'),
  ],
};
const B = {
  runId: 'run-b',
  program: 'mx-pgs',
  verdict: 'NOT CERTIFIABLE',
  requirements: [
    req('RN-01', 'SHALL', 'failed'),
    req('RN-02', 'SHALL', 'passed'),
    req('RN-03', 'SHALL', 'passed'),
    req('RN-04', 'SHOULD', 'failed'),
    req('RN-05', 'SHALL', 'passed'),
    req('PGS-SCH-ACUSE', 'SHALL', 'not-covered'),
    req('NEW', 'SHALL', 'failed'),
  ],
};

test('diff lists every requirement whose verdict changed; only SHALL passed → failed is a regression', () => {
  const d = diffReports(toComparable(A, 'a'), toComparable(B, 'b'));
  const byId = Object.fromEntries(d.changes.map((c) => [c.id, [c.from, c.to, c.regression, c.coverageLost, c.improvement]]));
  assert.deepEqual(byId, {
    'RN-01': ['passed', 'failed', true, false, false],
    'RN-03': ['not-covered', 'passed', false, false, true],
    'RN-04': ['passed', 'failed', false, false, false],
    'RN-05': ['failed', 'passed', false, false, true],
    'PGS-SCH-ACUSE': ['passed', 'not-covered', false, true, false],
    OLD: ['passed', 'absent', false, true, false],
    NEW: ['absent', 'failed', false, false, false],
  });
  assert.equal(d.unchanged, 1);
  assert.deepEqual(
    d.regressions.map((r) => r.id),
    ['RN-01'],
  );
  const text = formatDiff(d);
  assert.match(text, /RN-01\s+SHALL\s+passed → failed\s+\[REGRESSION\]/);
  assert.match(text, /1 SHALL requirement\(s\) went from passed to failed: RN-01/);
});

test('an INCONCLUSIVE run, or a not-assessed requirement, is not comparable: never a regression', () => {
  const inconclusive = { ...B, verdict: 'INCONCLUSIVE' };
  const d = diffReports(toComparable(A, 'a'), toComparable(inconclusive, 'b'));
  assert.equal(d.comparable, false);
  assert.deepEqual(d.regressions, []);
  assert.ok(d.changes.every((c) => c.notComparable && !c.coverageLost && !c.improvement));
  assert.match(formatDiff(d), /Not comparable: an INCONCLUSIVE run/);
  assert.match(formatDiff(d), /RN-01\s+SHALL\s+passed → failed\s+\[not comparable\]/);

  const blocked = { ...B, requirements: [req('RN-01', 'SHALL', 'not-assessed'), req('RN-02', 'SHALL', 'failed')] };
  const e = diffReports(toComparable(A, 'a'), toComparable(blocked, 'b'));
  assert.equal(e.comparable, true);
  assert.deepEqual(e.changes.find((c) => c.id === 'RN-01')?.notComparable, true);
  assert.deepEqual(
    e.regressions.map((r) => r.id),
    ['RN-02'],
    'a real failure next to a blocked one is still a regression',
  );
});

test('a 1.0.0 report (rules, strength) still compares', () => {
  const old = { runId: 'old', program: 'mx-pgs', verdict: 'CERTIFIABLE', rules: [{ id: 'RN-01', strength: 'SHALL', verdict: 'passed', title: { en: 'x' } }] };
  const d = diffReports(toComparable(old, 'old'), toComparable(B, 'b'));
  assert.deepEqual(
    d.regressions.map((r) => r.id),
    ['RN-01'],
  );
  assert.throws(() => diffReports(toComparable(A, 'a'), toComparable({ ...B, program: 'pe-ris' }, 'b')), /different programs/);
  assert.throws(() => toComparable({ nope: 1 }, 'x'), /not a Sello report/);
});

test('sello diff exits 3 on a SHALL regression, 0 otherwise, and reads run directories', async () => {
  const dir = await tempDir('sello-diff-');
  await mkdir(path.join(dir, 'a'));
  await writeFile(path.join(dir, 'a', 'report.json'), JSON.stringify(A));
  await writeFile(path.join(dir, 'b.json'), JSON.stringify(B));
  const log = console.log;
  const lines: string[] = [];
  console.log = (s: string) => lines.push(s);
  try {
    assert.equal(await diffCommand([path.join(dir, 'a'), path.join(dir, 'b.json')], {}), 3);
    await writeFile(path.join(dir, 'better.json'), JSON.stringify({ ...A, runId: 'run-c', requirements: A.requirements.map((r) => (r.id === 'RN-03' ? { ...r, verdict: 'passed' } : r)) }));
    assert.equal(await diffCommand([path.join(dir, 'a'), path.join(dir, 'better.json')], {}), 0, 'an improvement alone passes the gate');
    assert.equal(await diffCommand([path.join(dir, 'a'), path.join(dir, 'a')], { format: 'json' }), 0);
  } finally {
    console.log = log;
  }
  assert.match(lines[0] ?? '', /REGRESSION/);
  assert.match(lines[1] ?? '', /RN-03\s+SHALL\s+not-covered → passed\s+\[improved\]/);
  assert.equal((JSON.parse(lines[2] ?? '{}') as { changes: unknown[] }).changes.length, 0);
  await assert.rejects(diffCommand([path.join(dir, 'a')], {}), /two runs/);
  await assert.rejects(diffCommand([path.join(dir, 'a'), path.join(dir, 'missing')], {}), /does not exist/);
});
