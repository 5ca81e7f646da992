import assert from 'node:assert/strict';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildReport } from '../../src/report/build-report.ts';
import { canonicalJson, generateKeyPairPem, jwkThumbprint, loadPublicKey, loadSigningKey, signDetached, verifyDetached, verifyRunDirectory } from '../../src/report/integrity.ts';
import type { ReportModel } from '../../src/report/model.ts';
import type { FixtureRun } from './helpers.ts';
import { CATALOGUE, cleanup, runCucumberFixture } from './helpers.ts';

// Evidence integrity: what `sello verify` relies on. Each case works on its own copy of one signed run.

describe('signed report and sello verify', () => {
  let fixture: FixtureRun;
  let signed: string;
  let model: ReportModel;
  let n = 0;
  const copy = async (): Promise<string> => {
    const dir = path.join(fixture.dir, `copy-${n++}`);
    await cp(signed, dir, { recursive: true });
    return dir;
  };

  before(async () => {
    fixture = await runCucumberFixture(['--tags', 'not @RN-05 and not @RN-07']);
    signed = path.join(fixture.dir, 'signed');
    model = await buildReport({
      messagesFile: fixture.messagesFile,
      outDir: signed,
      runId: 'run-int',
      program: 'mx-pgs',
      programVersion: '1',
      rules: CATALOGUE,
      sut: { role: 'all', baseUrl: 'reference', kind: 'reference' },
      seed: '1',
      startedAt: '2025-01-01T00:00:00.000Z',
      seloVersion: '0.1.0',
      roleTags: ['imss', 'issste'],
    });
  });
  after(() => cleanup(fixture.dir));

  test('report.json lists the SHA-256 of every other file and is signed by an ephemeral key, said so', async () => {
    const paths = model.integrity.files.map((f) => f.path);
    for (const p of ['report.html', 'junit.xml', 'evidence/exchanges.ndjson', 'evidence/cucumber-messages.ndjson', 'fhir/features-alta.json']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    assert.ok(!paths.includes('report.json') && !paths.includes('report.json.jws'));
    assert.ok(model.integrity.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)));
    assert.equal(model.integrity.signature.key, 'ephemeral');
    const jws = (await readFile(path.join(signed, 'report.json.jws'), 'utf8')).trim();
    assert.match(jws, /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/, 'compact serialization with a detached (empty) payload');
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString()) as { alg: string; jwk: { kty: string; crv: string; x: string }; kid: string };
    assert.equal(header.alg, 'EdDSA');
    assert.deepEqual([header.jwk.kty, header.jwk.crv], ['OKP', 'Ed25519']);
    assert.equal(header.kid, model.integrity.signature.keyThumbprint);
    assert.equal(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: header.jwk.x }), header.kid);
  });

  test('an untouched run verifies', async () => {
    const r = await verifyRunDirectory(signed);
    assert.equal(r.ok, true, JSON.stringify(r, null, 1));
    assert.ok(r.files.length > 3 && r.files.every((f) => f.status === 'ok'));
  });

  test('one byte changed in an evidence file is named, with both hashes', async () => {
    const dir = await copy();
    const file = path.join(dir, 'evidence/exchanges.ndjson');
    const bytes = await readFile(file);
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41;
    await writeFile(file, bytes);
    const r = await verifyRunDirectory(dir);
    assert.equal(r.ok, false);
    assert.equal(r.signature.ok, true, 'report.json itself is intact');
    const bad = r.files.filter((f) => f.status !== 'ok');
    assert.deepEqual(
      bad.map((f) => [f.path, f.status]),
      [['evidence/exchanges.ndjson', 'altered']],
    );
    assert.notEqual(bad[0]?.expected, bad[0]?.actual);
  });

  test('an altered report.json fails the signature; re-indenting it does not', async () => {
    const dir = await copy();
    const file = path.join(dir, 'report.json');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${JSON.stringify(JSON.parse(original), null, 4).replace(/\n/g, '\r\n')}\r\n`);
    assert.equal((await verifyRunDirectory(dir)).ok, true, 'the signature covers content, not layout (RFC 8785)');

    await writeFile(file, original.replace('"verdict": "NOT CERTIFIABLE"', '"verdict": "CERTIFIABLE"'));
    const r = await verifyRunDirectory(dir);
    assert.equal(r.ok, false);
    assert.equal(r.signature.ok, false);
    assert.match(r.signature.problem ?? '', /does not match/);
  });

  test('a removed file and an added file are each named', async () => {
    const dir = await copy();
    await rm(path.join(dir, 'junit.xml'));
    await writeFile(path.join(dir, 'evidence', 'planted.txt'), 'x');
    await appendFile(path.join(dir, 'report.html'), '<!-- -->');
    const r = await verifyRunDirectory(dir);
    const bad = Object.fromEntries(r.files.filter((f) => f.status !== 'ok').map((f) => [f.path, f.status]));
    assert.deepEqual(bad, { 'junit.xml': 'missing', 'evidence/planted.txt': 'extra', 'report.html': 'altered' });
    assert.equal(r.ok, false);
  });

  test('allure-report/ built after the run is ignored and said so; a missing signature is not ok', async () => {
    const dir = await copy();
    await cp(path.join(dir, 'fhir'), path.join(dir, 'allure-report'), { recursive: true });
    const r = await verifyRunDirectory(dir);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.ignored.map((i) => i.path),
      ['allure-report/'],
    );
    await rm(path.join(dir, 'report.json.jws'));
    const unsigned = await verifyRunDirectory(dir);
    assert.equal(unsigned.ok, false);
    assert.match(unsigned.signature.problem ?? '', /missing/);
  });

  test("a provided key signs; verify pins the regulator's public key and refuses another", async () => {
    const pair = generateKeyPairPem();
    const other = generateKeyPairPem();
    const keyFile = path.join(fixture.dir, 'k.pem');
    await writeFile(keyFile, pair.privatePem);
    await writeFile(path.join(fixture.dir, 'k.pub.pem'), pair.publicPem);
    await writeFile(path.join(fixture.dir, 'o.pub.pem'), other.publicPem);
    const key = await loadSigningKey(keyFile);
    assert.equal(key.kind, 'provided');
    assert.equal(key.thumbprint, pair.thumbprint);
    const out = path.join(fixture.dir, 'provided');
    const m = await buildReport({
      messagesFile: fixture.messagesFile,
      outDir: out,
      runId: 'run-key',
      program: 'mx-pgs',
      programVersion: '1',
      rules: CATALOGUE,
      sut: { role: 'all', baseUrl: 'reference', kind: 'reference' },
      seed: '1',
      startedAt: '2025-01-01T00:00:00.000Z',
      seloVersion: '0.1.0',
      signingKey: key,
    });
    assert.equal(m.integrity.signature.key, 'provided');
    assert.equal((await verifyRunDirectory(out, await loadPublicKey(path.join(fixture.dir, 'k.pub.pem')))).ok, true);
    const wrong = await verifyRunDirectory(out, await loadPublicKey(path.join(fixture.dir, 'o.pub.pem')));
    assert.equal(wrong.ok, false);
    assert.match(wrong.signature.problem ?? '', /not by the expected key/);
    // A non-Ed25519 key is refused with a message that says what to do.
    await writeFile(
      path.join(fixture.dir, 'rsa.pem'),
      (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    await assert.rejects(loadSigningKey(path.join(fixture.dir, 'rsa.pem')), /Ed25519/);
  });

  test('JWS over a payload: detached, and any change of payload breaks it', async () => {
    const pair = generateKeyPairPem();
    const file = path.join(fixture.dir, 'j.pem');
    await writeFile(file, pair.privatePem);
    const key = await loadSigningKey(file);
    const jws = await signDetached(Buffer.from('{"a":1}'), key);
    assert.equal((await verifyDetached(jws, Buffer.from('{"a":1}'))).ok, true);
    assert.equal((await verifyDetached(jws, Buffer.from('{"a":2}'))).ok, false);
    assert.equal((await verifyDetached('x.y.z', Buffer.from('{}'))).ok, false);
  });
});

test('RFC 8785 canonical JSON: sorted keys by UTF-16 code units, ES number form, no whitespace', () => {
  assert.equal(
    canonicalJson({ b: [1, 'x', null, true], a: { d: 1e21, c: 0.1 + 0.2 }, é: -0, '\u20ac': 1, A: 'q"' }),
    '{"A":"q\\"","a":{"c":0.30000000000000004,"d":1e+21},"b":[1,"x",null,true],"é":0,"€":1}',
  );
  assert.throws(() => canonicalJson({ x: Number.NaN }));
});
