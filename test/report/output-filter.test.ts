import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { composeFilters, filterDirectory, identityFilter } from '../../src/report/output-filter.ts';
import { tempDir } from '../support/temp-dir.ts';

test('every file of a directory, nested ones too, goes through the filter; untouched files keep their bytes', async () => {
  const dir = await tempDir('sello-filter-');
  await mkdir(join(dir, 'evidence/journal'), { recursive: true });
  await writeFile(join(dir, 'a.ndjson'), '{"t":"s3cret"}\n{"u":"ok"}\n');
  await writeFile(join(dir, 'evidence/journal/b.txt'), 'no newline at the end s3cret');
  await writeFile(join(dir, 'clean.txt'), 'nothing\r\nhere\r\n');
  const changed = await filterDirectory(dir, (text) => text.replaceAll('s3cret', '[redacted]'));
  assert.deepEqual(changed, ['a.ndjson', 'evidence/journal/b.txt']);
  assert.equal(await readFile(join(dir, 'a.ndjson'), 'utf8'), '{"t":"[redacted]"}\n{"u":"ok"}\n');
  assert.equal(await readFile(join(dir, 'evidence/journal/b.txt'), 'utf8'), 'no newline at the end [redacted]');
  assert.equal(await readFile(join(dir, 'clean.txt'), 'utf8'), 'nothing\r\nhere\r\n');
});

test('filters compose in order and receive the run-relative path', () => {
  const seen: string[] = [];
  const filter = composeFilters(
    (t) => t.replace('a', 'b'),
    undefined,
    (t, file) => {
      seen.push(file);
      return t.replace('b', 'c');
    },
  );
  assert.equal(filter('a', 'x/y.json'), 'c');
  assert.deepEqual(seen, ['x/y.json']);
  assert.equal(composeFilters(undefined), identityFilter);
});

test('JSON files stay JSON: a secret that is also a bare number or literal becomes a string, strings are filtered in place', () => {
  const filter = composeFilters((t) => t.replaceAll('123456', '[redacted]').replaceAll('true', '[redacted]'));
  const json = JSON.stringify({ size: 123456, pin: '123456', ok: true, list: [1, 123456, 'x 123456 y'] }, null, 2);
  const filtered = filter(json, 'report.json');
  assert.deepEqual(JSON.parse(filtered), { size: '[redacted]', pin: '[redacted]', ok: '[redacted]', list: [1, '[redacted]', 'x [redacted] y'] });
  const line = filter('{"a":123456,"b":"123456"}', 'cucumber-messages.ndjson');
  assert.deepEqual(JSON.parse(line), { a: '[redacted]', b: '[redacted]' });
  // Not JSON although named so: filtered everywhere all the same.
  assert.doesNotMatch(filter('plain 123456 text and more', 'evidence/body.json'), /123456/);
  // Other files are filtered as text.
  assert.equal(filter('{"a":123456}', 'junit.xml'), '{"a":[redacted]}');
});
