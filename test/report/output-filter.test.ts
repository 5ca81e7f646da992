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
