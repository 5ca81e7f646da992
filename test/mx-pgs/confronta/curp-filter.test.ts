import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CurpFilter } from '../../../programs/mx-pgs/reference/curp-filter.ts';

/** CURP-shaped keys: what the index's filter holds, 18 upper-case letters and digits differing in a few places. */
const key = (prefix: string, i: number): string => `${prefix}${String(i).padStart(8, '0')}HDFRRN0`.slice(0, 18);

test('the central index filter never says no to a CURP it was given, across its growth, and rarely yes to others', () => {
  const added = new Set<string>();
  const filter = new CurpFilter(() => added);
  for (let i = 0; i < 60_000; i++) {
    const k = key('GOMA', i * 7);
    added.add(k);
    filter.add(k);
    // Checked while it grows: each doubling re-adds every key.
    if (i % 997 === 0) for (const old of [key('GOMA', 0), k]) assert.ok(filter.mayHave(old), `${old} after ${i + 1} keys`);
  }
  for (const k of added) assert.ok(filter.mayHave(k), k);
  let yes = 0;
  for (let i = 0; i < 60_000; i++) if (filter.mayHave(key('PEXA', i))) yes++;
  assert.ok(yes < 0.03 * 60_000, `${yes} false positives in 60,000`);
});

test('asked on the bytes of a line, the filter answers as on the CURP string', () => {
  const added = new Set<string>();
  const filter = new CurpFilter(() => added);
  for (let i = 0; i < 5_000; i++) {
    const k = key('GOMA', i * 3);
    added.add(k);
    filter.add(k);
  }
  let yes = 0;
  for (let i = 0; i < 20_000; i++) {
    const k = key(i % 2 ? 'GOMA' : 'PEXA', i);
    const line = Buffer.from(`${k}|NOMBRE|`, 'latin1');
    const answer = filter.mayHave(k);
    if (answer) yes++;
    assert.equal(filter.mayHaveBytes(line, 0, 18), answer, k);
  }
  assert.ok(yes > 1_000 && yes < 19_000, `both answers were seen (${yes} yes)`);
});
