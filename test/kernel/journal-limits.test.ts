import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ExchangeJournal, JOURNAL_SPILL_THRESHOLD_BYTES, type NewExchange } from '../../src/journal/journal.ts';

const exchange = (url: string, body: unknown, response?: unknown): NewExchange => ({
  protocol: 'http',
  from: 'peer',
  to: 'MOCK',
  url,
  startedAt: '2025-06-15T10:00:00.000Z',
  finishedAt: '2025-06-15T10:00:00.010Z',
  request: { headers: {}, body },
  ...(response === undefined ? {} : { response: { headers: {}, body: response } }),
});

test('a body above the spill threshold leaves memory, keeps size and sha256, and reads back whole (text and JSON)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-spill-'));
  try {
    const journal = new ExchangeJournal({ spillDir: dir });
    const text = 'x'.repeat(JOURNAL_SPILL_THRESHOLD_BYTES + 1);
    const json = { items: Array.from({ length: 5000 }, (_, i) => ({ i, name: `ñandú ${i}` })) };
    const mark = journal.mark();
    journal.record(exchange('/text', text, json));
    const [entry] = journal.since(mark);
    assert.ok(entry);
    assert.equal(entry.request.spilled?.bytes, text.length);
    assert.equal(entry.request.spilled?.sha256, createHash('sha256').update(text).digest('hex'));
    assert.ok(entry.response?.spilled, 'the large JSON answer is spilled too');
    assert.equal(journal.stats.bodyBytesInMemory, 0);
    assert.equal(entry.request.body, text);
    assert.deepEqual(entry.response?.body, json);
    // What the report attaches: the entry as JSON, bodies in full, the spill reference not in it.
    const attached = JSON.parse(JSON.stringify(entry));
    assert.equal(attached.request.body, text);
    assert.deepEqual(attached.response.body, json);
    assert.equal(attached.request.spilled, undefined);
    assert.ok(existsSync(entry.request.spilled!.file) && readFileSync(entry.request.spilled!.file).length >= text.length);
    journal.close();
    // The spill is memory on disk, not evidence: closing the journal deletes it, even from a directory it was given.
    assert.equal(existsSync(entry.request.spilled!.file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small bodies stay in memory up to the journal-wide cap, then the oldest are spilled and still read back', () => {
  const journal = new ExchangeJournal({ maxBodyBytesInMemory: 10_000 });
  const body = (i: number) => ({ i, pad: 'p'.repeat(1000) });
  for (let i = 0; i < 50; i++) journal.record(exchange(`/${i}`, body(i)));
  assert.ok(journal.stats.bodyBytesInMemory <= 10_000, `held ${journal.stats.bodyBytesInMemory}`);
  assert.ok(journal.stats.spilledBytes > 30_000);
  assert.equal(journal.all()[0]?.request.spilled !== undefined, true, 'the oldest body was spilled');
  assert.equal(journal.all().at(-1)?.request.spilled, undefined, 'the newest stays in memory');
  assert.deepEqual(
    journal.all().map((e) => e.request.body),
    Array.from({ length: 50 }, (_, i) => body(i)),
  );
  journal.close();
});

test('past the entry cap, entries no live mark covers are dropped; a live mark keeps its scenario whole', () => {
  const journal = new ExchangeJournal({ maxEntriesInMemory: 100 });
  for (let i = 0; i < 150; i++) journal.record(exchange(`/old${i}`, undefined));
  assert.ok(journal.all().length <= 100, `${journal.all().length} entries in memory`);
  assert.equal(journal.stats.dropped, 150 - journal.all().length);
  const mark = journal.mark();
  for (let i = 0; i < 300; i++) journal.record(exchange(`/s${i}`, undefined));
  const scenario = journal.since(mark);
  assert.equal(scenario.length, 300, 'a running scenario loses nothing');
  assert.equal(scenario[0]?.url, '/s0');
  journal.release(mark);
  journal.record(exchange('/after', undefined));
  assert.ok(journal.all().length <= 100, 'released: the journal shrinks back under its cap');
  assert.equal(journal.all().at(-1)?.url, '/after');
  assert.equal(journal.since(journal.mark()).length, 0);
});

test('a spill file that is full keeps the entry without its large body, and says so', () => {
  const journal = new ExchangeJournal({ maxSpillBytes: 100_000 });
  const big = 'b'.repeat(JOURNAL_SPILL_THRESHOLD_BYTES + 10);
  journal.record(exchange('/1', big));
  const second = journal.record(exchange('/2', big));
  assert.equal(journal.all()[0]?.request.body, big);
  assert.equal(second.request.body, undefined);
  assert.match(second.request.bodyOmitted ?? '', /spill file reached/);
  journal.close();
});

test('spillInto: journals spill into the run directory given, and removeSpills leaves none of their files behind', async () => {
  const { spillInto, removeSpills } = await import('../../src/journal/spill.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'journal-run-'));
  try {
    spillInto(path.join(dir, '.journal-spill'));
    const journals = [new ExchangeJournal(), new ExchangeJournal()];
    for (const journal of journals) journal.record(exchange('/big', 'y'.repeat(JOURNAL_SPILL_THRESHOLD_BYTES + 1)));
    const files = journals.map((j) => j.all()[0]!.request.spilled!.file);
    assert.ok(files.every((f) => f.startsWith(path.join(dir, '.journal-spill')) && existsSync(f)));
    assert.notEqual(files[0], files[1]);
    removeSpills();
    assert.ok(files.every((f) => !existsSync(f)));
  } finally {
    spillInto(undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no live mark only the latest unmarked entries stay; a mark taken later keeps its scenario past that ring', () => {
  const journal = new ExchangeJournal({ maxUnmarkedEntries: 50 });
  for (let i = 0; i < 500; i++) journal.record(exchange(`/idle${i}`, undefined));
  assert.ok(journal.all().length <= 55, `${journal.all().length} unmarked entries held`);
  assert.equal(journal.all().at(-1)?.url, '/idle499', 'the newest are the ones kept');
  assert.equal(journal.stats.dropped, 500 - journal.all().length);
  const mark = journal.mark();
  for (let i = 0; i < 200; i++) journal.record(exchange(`/s${i}`, undefined));
  assert.equal(journal.since(mark).length, 200, 'a live scenario keeps every entry, past the unmarked ring');
  assert.equal(journal.since(mark)[0]?.url, '/s0');
});
