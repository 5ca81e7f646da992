import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSello, tempDir } from './sello-process.ts';

// A real certification run (every program, limited by tags so only pe-ris runs) signed by a regulator's key, then
// `sello verify` as a regulator and as CI use it: AUTHENTIC only with the key pinned, the root page covered.

test('a signed certification is AUTHENTIC with its key, INTACT-UNATTRIBUTED without, ALTERED once index.html changes', async () => {
  const dir = await tempDir('sello-verify-cert-');
  const key = join(dir, 'regulator.pem');
  assert.equal((await runSello(['keygen', '--out', key])).code, 0);
  const pub = join(dir, 'regulator.pub.pem');
  const run = await runSello(['run', '--quiet', '--out', join(dir, 'out'), '--tags', '@RIS-FLOW-01', '--signing-key', key]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const cert = join(dir, 'out', (await readdir(join(dir, 'out'))).find((n) => n !== 'latest') ?? '');
  const runId = cert.split('/').pop() ?? '';
  const trust = join(dir, 'trust');
  await mkdir(trust);
  await copyFile(pub, join(trust, 'regulator.pem'));

  const [authentic, trusted, unpinned, json, stale] = await Promise.all([
    runSello(['verify', '--public-key', pub, '--run-id', runId, join(dir, 'out', 'latest')]),
    runSello(['verify', '--trust-dir', trust, cert]),
    runSello(['verify', cert]),
    runSello(['verify', '--format', 'json', '--public-key', pub, cert]),
    runSello(['verify', '--public-key', pub, '--not-before', '2999-01-01', cert]),
  ]);
  assert.equal(authentic.code, 0, authentic.stdout + authentic.stderr);
  assert.match(authentic.stdout, /root files: 1 listed \(index\.html\)/);
  assert.match(authentic.stdout, new RegExp(`run: ${runId} · started \\S+ · Sello \\S+ · seed ${runId}`));
  assert.match(authentic.stdout, /Result: AUTHENTIC/);
  assert.equal(trusted.code, 0, trusted.stdout);
  assert.equal(unpinned.code, 6, unpinned.stdout);
  assert.match(unpinned.stdout, /Result: INTACT-UNATTRIBUTED/);
  const facts = JSON.parse(json.stdout) as { verdict: string; facts: { runId: string; keyKind: string; sut: { role: string }[] } };
  assert.deepEqual([facts.verdict, facts.facts.runId, facts.facts.keyKind, facts.facts.sut.length], ['AUTHENTIC', runId, 'provided', 1]);
  assert.equal(stale.code, 3, stale.stdout);
  assert.match(stale.stdout, /before --not-before 2999-01-01/);

  await appendFile(join(cert, 'index.html'), '<p>CERTIFIABLE</p>');
  await writeFile(join(cert, 'README.txt'), 'added');
  const altered = await runSello(['verify', '--public-key', pub, cert]);
  assert.equal(altered.code, 3, altered.stdout);
  assert.match(altered.stdout, /ALTERED\s+index\.html/);
  assert.match(altered.stdout, /EXTRA\s+README\.txt/);
});
