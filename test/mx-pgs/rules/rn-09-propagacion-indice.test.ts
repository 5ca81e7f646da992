import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPropagation, rn09PropagacionIndice } from '../../../programs/mx-pgs/judges/rules/rn-09-propagacion-indice.ts';

const location = 'POST /pgs/v1/beneficiarios';
const t0 = 1_750_000_000_000;

test('RN-09 accepts a notification within 5 s, including exactly at the limit and before the acuse', () => {
  assert.deepEqual(checkPropagation({ changedAt: t0, notifiedAt: t0 + 120, location }), []);
  assert.deepEqual(checkPropagation({ changedAt: t0, notifiedAt: t0 + 5000, location }), []);
  assert.deepEqual(checkPropagation({ changedAt: t0, notifiedAt: t0 - 30, location }), []);
});

test('RN-09 refuses a late notification and says how late', () => {
  const findings = checkPropagation({ changedAt: t0, notifiedAt: t0 + 5001, location });
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.severity, f.code, f.location, f.locationKind]),
    [['RN-09', 'error', 'timeout', location, 'http']],
  );
  assert.match(findings[0]?.message.en ?? '', /5001 ms/);
  assert.match(findings[0]?.message.es ?? '', /5001 ms/);
});

test('RN-09 refuses a change never seen by the index', () => {
  const findings = checkPropagation({ changedAt: t0, location });
  assert.equal(findings.length, 1);
  assert.match(findings[0]?.message.en ?? '', /not reported/);
});

test('RN-09 honours a custom limit, and the rule object is the same check', () => {
  assert.equal(checkPropagation({ changedAt: t0, notifiedAt: t0 + 1500, limitMs: 1000, location }).length, 1);
  assert.deepEqual(rn09PropagacionIndice.check({ changedAt: t0, notifiedAt: t0 + 1500, limitMs: 2000, location }), []);
  assert.equal(rn09PropagacionIndice.id, 'RN-09');
});
