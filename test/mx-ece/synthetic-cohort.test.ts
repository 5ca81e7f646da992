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

  // Its speed is the bench's (bench/mx-ece-export.ts generates 1 M resources while sending them).
  it('generates lazily: the first resources of a cohort of a billion patients come at once', () => {
    let n = 0;
    for (const _ of cohortResources('speed', { patients: 1_000_000_000, now })) if (++n === 1000) break;
    assert.equal(n, 1000);
  });
});
