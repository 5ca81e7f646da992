import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cohortLines, cohortRecord, cohortResources } from '../../programs/mx-ece/lib/cohort.ts';
import { withinRetention } from '../../programs/mx-ece/lib/expediente.ts';

const now = new Date('2026-06-01T12:00:00Z');

describe('mx-ece synthetic cohort', () => {
  it('draws each patient from its own seed, so a slice replays alone', () => {
    const whole = [...cohortResources('k', { patients: 5, now })];
    const tail = [...cohortResources('k', { patients: 2, now, from: 3 })];
    assert.deepEqual(whole.slice(whole.length - tail.length), tail);
    assert.equal(whole.filter((r) => r.resourceType === 'Patient').length, 5);
    const lastPatient = tail.filter((r) => r.resourceType === 'Patient').at(-1);
    assert.equal(cohortRecord('k', 4, now).curp, (lastPatient?.identifier as { value: string }[] | undefined)?.[0]?.value);
  });

  it('holds only what an export may carry, as lines with Type/id references', () => {
    let lines = 0;
    for (const { type, line } of cohortLines('k', { patients: 3, now })) {
      const r = JSON.parse(line) as { resourceType: string };
      assert.equal(r.resourceType, type);
      assert.ok(withinRetention(r, now));
      assert.ok(!line.includes('urn:uuid:'), line.slice(0, 200));
      lines++;
    }
    assert.ok(lines > 50);
  });

  it('generates more than 100,000 resources a second, lazily', () => {
    const started = performance.now();
    let n = 0;
    for (const _ of cohortResources('speed', { patients: 3000, now })) n++;
    const perSecond = n / ((performance.now() - started) / 1000);
    assert.ok(n > 100_000, String(n));
    assert.ok(perSecond > 100_000, `${Math.round(perSecond)} resources/s`);
  });
});
