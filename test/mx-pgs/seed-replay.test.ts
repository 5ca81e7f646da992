import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeTempDir, runSello, tempDir } from '../e2e/sello-process.ts';

// `--seed S` must replay a failed run: the same people (CURPs in paths and bodies) and the same message ids, for
// Sello's calls and for the reference nodes' events to the central index. Ports differ between runs, so only paths
// are compared; background events may interleave differently, so the exchanges are compared as a sorted list.
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await removeTempDir(dir);
});

async function exchanges(seed: string): Promise<string[]> {
  const out = await tempDir('sello-seed-');
  dirs.push(out);
  const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--seed', seed, '--out', out, '--tags', '@imss and @RN-05']);
  assert.ok(result.code === 0 || result.code === 3, result.stdout + result.stderr);
  const text = await readFile(join(out, 'latest', 'evidence', 'exchanges.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const e = JSON.parse(line) as { from: string; to: string; method?: string; url?: string; messageId?: string; request: { body: unknown } };
      const curp = (e.request.body as { curp?: string } | null)?.curp ?? '';
      return [e.from, e.to, e.method, e.url ? new URL(e.url).pathname : '', e.messageId ?? '', curp].join(' ');
    })
    .sort();
}

test('two runs with --seed 42 exchange the same CURPs and message ids', async () => {
  const [first, second] = [await exchanges('42'), await exchanges('42')];
  assert.ok(first.length >= 8, `too few exchanges to compare: ${first.length}`);
  assert.ok(
    first.some((line) => /\/pgs\/v1\/indice\/eventos [0-9a-f-]{36}/.test(line)),
    'the index events carry message ids',
  );
  assert.deepEqual(second, first);
});

test('another seed gives other people and other message ids', async () => {
  const [a, b] = [await exchanges('42'), await exchanges('43')];
  const ids = (lines: string[]) => new Set(lines.map((l) => l.split(' ')[4]).filter(Boolean));
  const shared = [...ids(a)].filter((id) => ids(b).has(id));
  assert.deepEqual(shared, []);
});
