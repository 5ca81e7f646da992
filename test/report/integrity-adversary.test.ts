import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { main } from '../../src/cli/main.ts';
import type { Certification } from '../../src/report/certification.ts';
import {
  type CertificationVerification,
  ephemeralKey,
  generateKeyPairPem,
  hashRunFiles,
  jwkThumbprint,
  loadPublicKey,
  loadSigningKey,
  parseStrictJson,
  type RunVerification,
  type SigningKey,
  signCertification,
  signDetached,
  signedPayload,
  verifyCertificationDirectory,
  verifyRunDirectory,
} from '../../src/report/integrity.ts';
import { tempDir } from '../support/temp-dir.ts';

// An adversary's edits to a signed run or certification, each on its own copy of a small directory built with the
// library functions (no cucumber run): what `sello verify` must answer to each.

interface Keys {
  file: string;
  pub: string;
  key: SigningKey;
}

async function keyPair(dir: string, name: string): Promise<Keys> {
  const pair = generateKeyPairPem();
  const file = path.join(dir, `${name}.pem`);
  const pub = path.join(dir, `${name}.pub.pem`);
  await writeFile(file, pair.privatePem);
  await writeFile(pub, pair.publicPem);
  return { file, pub, key: await loadSigningKey(file) };
}

/** A run directory as build-report writes it, small: two files, report.json listing them, its detached signature. */
async function signRun(dir: string, key: SigningKey, report: Record<string, unknown> = {}): Promise<void> {
  await mkdir(path.join(dir, 'evidence'), { recursive: true });
  await writeFile(path.join(dir, 'report.html'), '<!doctype html><p>NOT CERTIFIABLE</p>\n');
  await writeFile(path.join(dir, 'evidence', 'exchanges.ndjson'), '{"id":"x-1","status":500}\n');
  await resign(dir, key, {
    runId: 'run-1',
    startedAt: '2026-03-01T10:00:00.000Z',
    sello: { version: '0.1.0' },
    sut: { role: 'all', baseUrl: 'reference', kind: 'reference' },
    seed: '7',
    verdict: 'NOT CERTIFIABLE',
    features: [{ uri: 'a.feature', scenarios: [{ id: 's1', status: 'failed' }] }],
    ...report,
  });
}

/** What an adversary with any key can do: rewrite report.json, re-hash the directory, sign again. */
async function resign(dir: string, key: SigningKey, report: Record<string, unknown>): Promise<void> {
  const model = {
    ...report,
    integrity: {
      algorithm: 'SHA-256',
      files: await hashRunFiles(dir),
      signature: { file: 'report.json.jws', alg: 'EdDSA', key: key.kind, keyThumbprint: key.thumbprint },
      notCovered: [],
    },
  };
  const text = `${JSON.stringify(model, null, 2)}\n`;
  await writeFile(path.join(dir, 'report.json'), text);
  await writeFile(path.join(dir, 'report.json.jws'), `${await signDetached(signedPayload(text), key)}\n`);
}

/** A certification of two programs, as `sello run` without --program writes it; `keyB` signs program b (one key unless given). */
async function signCert(root: string, key: SigningKey, keyB: SigningKey = key): Promise<void> {
  const programs: Certification['programs'] = [];
  for (const [id, k] of [
    ['a', key],
    ['b', keyB],
  ] as const) {
    await signRun(path.join(root, id), k, { runId: `cert-1-${id}` });
    const bytes = await readFile(path.join(root, id, 'report.json'));
    programs.push({ program: id, verdict: 'CERTIFIABLE', verdictReason: { es: '', en: '' }, directory: id, reportSha256: createHash('sha256').update(bytes).digest('hex') });
  }
  await writeFile(path.join(root, 'index.html'), '<!doctype html><h1>CERTIFIABLE</h1>\n');
  const totals = { scenarios: 0, passed: 0, failed: 0, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: 0 };
  await signCertification(
    root,
    {
      kind: 'sello-certification',
      schemaVersion: '1.2.0',
      runId: 'cert-1',
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:05:00.000Z',
      seed: '7',
      verdict: 'CERTIFIABLE',
      verdictReason: { es: '', en: '' },
      totals,
      programs,
      sello: { version: '0.1.0' },
    },
    key,
  );
}

const bad = (r: RunVerification | CertificationVerification): Record<string, string> => Object.fromEntries(r.files.filter((f) => f.status !== 'ok').map((f) => [f.path, f.status]));

/** `sello verify ARGS` in this process: exit code and what it printed. */
async function sello(t: { mock: { method: (o: object, m: string, f: (...a: unknown[]) => void) => unknown } }, ...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  t.mock.method(console, 'log', (...a: unknown[]) => lines.push(a.join(' ')));
  t.mock.method(console, 'error', (...a: unknown[]) => lines.push(a.join(' ')));
  const code = await main(['verify', ...args]);
  return { code, out: lines.join('\n') };
}

describe('sello verify against an adversary', () => {
  let base: string;
  let regulator: Keys;
  let other: Keys;
  let run: string;
  let cert: string;
  let n = 0;
  const copy = async (from: string): Promise<string> => {
    const dir = path.join(base, `copy-${n++}`);
    await cp(from, dir, { recursive: true });
    return dir;
  };

  before(async () => {
    base = await tempDir('sello-adversary-');
    regulator = await keyPair(base, 'regulator');
    other = await keyPair(base, 'other');
    run = path.join(base, 'run');
    await signRun(run, regulator.key);
    cert = path.join(base, 'cert');
    await signCert(cert, regulator.key);
  });

  test('jose and node agree on the RFC 7638 thumbprint', async () => {
    assert.equal(jwkThumbprint(regulator.key.publicJwk), await calculateJwkThumbprint({ ...regulator.key.publicJwk }));
  });

  test('an untouched run: AUTHENTIC with the pinned key (exit 0), INTACT-UNATTRIBUTED without (exit 6), with its facts', async (t) => {
    const pinned = await verifyRunDirectory(run, [await loadPublicKey(regulator.pub)]);
    assert.equal(pinned.verdict, 'AUTHENTIC', JSON.stringify(pinned, null, 1));
    assert.equal((await verifyRunDirectory(run)).verdict, 'INTACT-UNATTRIBUTED');
    const authentic = await sello(t, run, '--public-key', regulator.pub);
    assert.equal(authentic.code, 0, authentic.out);
    assert.match(authentic.out, /run: run-1 · started 2026-03-01T10:00:00.000Z · Sello 0\.1\.0 · seed 7/);
    assert.match(authentic.out, /SUT: all at reference \(reference\)/);
    assert.ok(authentic.out.includes(`key: ${regulator.key.thumbprint}`));
    assert.match(authentic.out, /Result: AUTHENTIC/);
    const unpinned = await sello(t, run);
    assert.equal(unpinned.code, 6, unpinned.out);
    assert.match(unpinned.out, /Result: INTACT-UNATTRIBUTED/);
    const json = await sello(t, run, '--format', 'json');
    const parsed = JSON.parse(json.out) as RunVerification;
    assert.equal(parsed.verdict, 'INTACT-UNATTRIBUTED');
    assert.deepEqual([parsed.facts.runId, parsed.facts.seed, parsed.facts.selloVersion, parsed.facts.keyThumbprint], ['run-1', '7', '0.1.0', regulator.key.thumbprint]);
  });

  test('re-indented with CRLF stays intact', async () => {
    const dir = await copy(run);
    const file = path.join(dir, 'report.json');
    await writeFile(file, `${JSON.stringify(JSON.parse(await readFile(file, 'utf8')), null, 4).replace(/\n/g, '\r\n')}\r\n`);
    assert.equal((await verifyRunDirectory(dir, [regulator.key.publicJwk])).verdict, 'AUTHENTIC');
  });

  test('a report re-signed by another key: unattributed without a pinned key, ALTERED with --public-key or --trust-dir', async (t) => {
    const dir = await copy(run);
    await writeFile(path.join(dir, 'report.html'), '<!doctype html><p>CERTIFIABLE</p>\n');
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    await resign(dir, other.key, { ...report, verdict: 'CERTIFIABLE' });
    const unpinned = await sello(t, dir);
    assert.equal(unpinned.code, 6, unpinned.out);
    assert.ok(unpinned.out.includes(`key: ${other.key.thumbprint}`), 'the thumbprint is shown, to compare with the published one');
    const pinned = await sello(t, dir, '--public-key', regulator.pub);
    assert.equal(pinned.code, 3, pinned.out);
    assert.match(pinned.out, /not by the expected key/);
    const trust = path.join(base, 'trust');
    await mkdir(trust, { recursive: true });
    await cp(regulator.pub, path.join(trust, 'regulator.pem'));
    await writeFile(path.join(trust, 'second.jwk'), JSON.stringify(ephemeralKey().publicJwk));
    const trusted = await sello(t, dir, '--trust-dir', trust);
    assert.equal(trusted.code, 3, trusted.out);
    assert.equal((await sello(t, run, '--trust-dir', trust)).code, 0, 'the original is signed by a key of the trust directory');
  });

  test('a duplicated verdict member keeps a valid canonical signature but is ALTERED, at any depth', async () => {
    for (const [from, to] of [
      ['"verdict": "NOT CERTIFIABLE"', '"verdict": "CERTIFIABLE",\n  "verdict": "NOT CERTIFIABLE"'],
      ['"status": "failed"', '"status": "passed", "status": "failed"'],
    ] as const) {
      const dir = await copy(run);
      const file = path.join(dir, 'report.json');
      const text = await readFile(file, 'utf8');
      assert.ok(text.includes(from));
      await writeFile(file, text.replace(from, to));
      const r = await verifyRunDirectory(dir, [regulator.key.publicJwk]);
      assert.equal(r.verdict, 'ALTERED', to);
      assert.match(r.reportProblem ?? '', /duplicate member "(verdict|status)"/);
    }
  });

  test('a BOM, invalid UTF-8, trailing garbage, a second document or a comment in report.json: ALTERED', async () => {
    const original = await readFile(path.join(run, 'report.json'));
    const cases: [string, Buffer, RegExp][] = [
      ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), original]), /byte order mark/],
      ['trailing garbage', Buffer.concat([original, Buffer.from('x')]), /after the JSON document/],
      ['second document', Buffer.concat([original, Buffer.from('{"verdict":"CERTIFIABLE"}\n')]), /after the JSON document/],
      ['comment', Buffer.concat([Buffer.from('// CERTIFIABLE\n'), original]), /unexpected character/],
    ];
    // Raw invalid UTF-8 (0xff) inside a string: a lenient decoder would read U+FFFD.
    const raw = Buffer.from(original);
    raw[original.indexOf('"7"') + 1] = 0xff;
    cases.push(['invalid UTF-8', raw, /not valid UTF-8/]);
    for (const [what, bytes, why] of cases) {
      const dir = await copy(run);
      await writeFile(path.join(dir, 'report.json'), bytes);
      const r = await verifyRunDirectory(dir);
      assert.equal(r.verdict, 'ALTERED', what);
      assert.match(r.reportProblem ?? '', why, what);
    }
    assert.throws(() => parseStrictJson(Buffer.from('{"n": 12345678901234567890}')), /beyond 2\^53/);
    assert.throws(() => parseStrictJson(Buffer.from('{"s": "\\ud800"}')), /lone surrogate/);
    assert.equal(signedPayload(' {"__proto__": 1, "a": [1.0, -0, 1e2]}\r\n').toString(), '{"__proto__":1,"a":[1,0,100]}');
  });

  test('a symlink, a FIFO or a leftover temporary file in a run directory is refused and named', async () => {
    const dir = await copy(run);
    await symlink('exchanges.ndjson', path.join(dir, 'evidence', 'link.ndjson'));
    execFileSync('mkfifo', [path.join(dir, 'evidence', 'pipe')]);
    await writeFile(path.join(dir, 'report.html.123.tmp'), 'x');
    const r = await verifyRunDirectory(dir, [regulator.key.publicJwk]);
    assert.equal(r.verdict, 'ALTERED');
    assert.deepEqual(bad(r), { 'evidence/link.ndjson': 'refused', 'evidence/pipe': 'refused', 'report.html.123.tmp': 'refused' });
    // A listed file swapped for a symlink to a copy of itself: same bytes, still refused.
    const swapped = await copy(run);
    await cp(path.join(swapped, 'report.html'), path.join(base, 'outside.html'));
    await rm(path.join(swapped, 'report.html'));
    await symlink(path.join(base, 'outside.html'), path.join(swapped, 'report.html'));
    assert.deepEqual(bad(await verifyRunDirectory(swapped)), { 'report.html': 'refused' });
  });

  test('--not-before and --run-id refuse an older run presented as new (exit 3, saying why)', async (t) => {
    const old = await sello(t, run, '--public-key', regulator.pub, '--not-before', '2026-06-01');
    assert.equal(old.code, 3, old.out);
    assert.match(old.out, /started at 2026-03-01T10:00:00.000Z, before --not-before 2026-06-01T00:00:00.000Z/);
    assert.equal((await sello(t, run, '--public-key', regulator.pub, '--not-before', '2026-03-01T09:00:00Z')).code, 0);
    const other = await sello(t, run, '--public-key', regulator.pub, '--run-id', 'run-2');
    assert.equal(other.code, 3, other.out);
    assert.match(other.out, /run id is run-1, not run-2/);
    assert.equal((await sello(t, run, '--public-key', regulator.pub, '--run-id', 'run-1')).code, 0);
    assert.equal((await sello(t, run, '--not-before', 'yesterday')).code, 4, 'an unreadable date is a usage error');
  });

  test('a certification: AUTHENTIC with its key, INTACT-UNATTRIBUTED without', async (t) => {
    const r = await verifyCertificationDirectory(cert, { trusted: [regulator.key.publicJwk] });
    assert.equal(r.verdict, 'AUTHENTIC', JSON.stringify(r, null, 1));
    assert.deepEqual(
      r.files.map((f) => [f.path, f.status]),
      [['index.html', 'ok']],
    );
    assert.equal((await sello(t, cert)).code, 6);
    const pinned = await sello(t, cert, '--public-key', regulator.pub, '--run-id', 'cert-1');
    assert.equal(pinned.code, 0, pinned.out);
    assert.match(pinned.out, /run: cert-1 · started 2026-03-01T10:00:00.000Z · Sello 0\.1\.0 · seed 7/);
  });

  test("a certification's index.html rewritten, or a file added at its root: ALTERED, named", async (t) => {
    const dir = await copy(cert);
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><h1>CERTIFIABLE — trust me</h1>\n');
    await writeFile(path.join(dir, 'certificado-oficial.pdf'), '%PDF');
    await mkdir(path.join(dir, 'extra'));
    await writeFile(path.join(dir, 'extra', 'note.txt'), 'x');
    const r = await verifyCertificationDirectory(dir, { trusted: [regulator.key.publicJwk] });
    assert.equal(r.verdict, 'ALTERED');
    assert.deepEqual(bad(r), { 'index.html': 'altered', 'certificado-oficial.pdf': 'extra', 'extra/note.txt': 'extra' });
    const out = await sello(t, dir, '--public-key', regulator.pub);
    assert.equal(out.code, 3, out.out);
    assert.match(out.out, /ALTERED\s+index\.html/);
    assert.match(out.out, /EXTRA\s+certificado-oficial\.pdf/);
    const gone = await copy(cert);
    await rm(path.join(gone, 'index.html'));
    await symlink('/dev/null', path.join(gone, 'index.html.lnk'));
    assert.deepEqual(bad(await verifyCertificationDirectory(gone)), { 'index.html': 'missing', 'index.html.lnk': 'refused' });
  });

  test('programs of one certification signed by different keys: ALTERED, even with no key pinned', async () => {
    const dir = path.join(base, 'two-keys');
    await signCert(dir, regulator.key, other.key);
    const r = await verifyCertificationDirectory(dir);
    assert.equal(r.verdict, 'ALTERED');
    assert.match(r.problems.join('\n'), /2 signing keys/);
    assert.equal(
      r.programs.every((p) => p.run.ok),
      true,
      'each program on its own is consistent',
    );
  });

  test("a program's report re-signed inside a certification: its recorded hash no longer matches", async () => {
    const dir = await copy(cert);
    const report = JSON.parse(await readFile(path.join(dir, 'b', 'report.json'), 'utf8')) as Record<string, unknown>;
    await resign(path.join(dir, 'b'), regulator.key, { ...report, verdict: 'CERTIFIABLE', integrity: undefined });
    const r = await verifyCertificationDirectory(dir, { trusted: [regulator.key.publicJwk] });
    assert.equal(r.verdict, 'ALTERED');
    assert.deepEqual(
      r.programs.map((p) => [p.program, p.reportHash]),
      [
        ['a', 'ok'],
        ['b', 'altered'],
      ],
    );
  });
});
