import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

/*
 * The weather is not the system: a reference IMSS node stands in for a vendor's SUT behind a tiny TCP proxy that is
 * slow (every answer 2.6 s late: two calls in one step exceed cucumber's old 5 s default, each stays within
 * requestMs 5000) or goes away mid-run (INCONCLUSIVE, exit 5, and `sello diff` counts no regression).
 */

const secrets = { SELLO_I_IMSS: 'imss-secret-inf-1', SELLO_I_ISSSTE: 'issste-secret-inf-2', SELLO_I_SSA: 'ssa-secret-inf-3' };
const TAGS = '@PGS-API-05 or @RN-01';

interface Proxy {
  port: number;
  /** Answers forwarded so far (chunks from the SUT that start an HTTP response). */
  answers(): number;
  close(): Promise<void>;
}

/** Forwards bytes both ways; each chunk from the SUT waits `delayMs`; after `closeAfter` answers the proxy goes away. */
async function tcpProxy(upstreamPort: number, opts: { delayMs?: number; closeAfter?: number }): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let answers = 0;
  let closed = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    sockets.add(client).add(upstream);
    const later = (fn: () => void): void => void (opts.delayMs ? setTimeout(fn, opts.delayMs) : fn());
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (d.subarray(0, 5).toString('latin1') === 'HTTP/') answers += 1;
      later(() => {
        if (!client.destroyed) client.write(d);
        if (opts.closeAfter !== undefined && answers >= opts.closeAfter) void goAway();
      });
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => later(() => client.end()));
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        (s === client ? upstream : client).destroy();
      });
    }
  });
  const goAway = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await done;
  };
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, answers: () => answers, close: goAway };
}

async function writeTarget(dir: string, proxyPort: number, ssaPort: number, issstePort: number): Promise<string> {
  const file = join(dir, 'target.yaml');
  await writeFile(
    file,
    `program: mx-pgs
sut:
  role: imss
  name: reference IMSS node behind a proxy
  baseUrl: http://127.0.0.1:${proxyPort}/pgs/v1
  tokenUrl: http://127.0.0.1:${proxyPort}/oauth/token
credentials:
  IMSS: { clientId: imss-inf, clientSecret: \${SELLO_I_IMSS} }
  ISSSTE: { clientId: issste-inf, clientSecret: \${SELLO_I_ISSSTE} }
  SSA: { clientId: ssa-inf, clientSecret: \${SELLO_I_SSA} }
mocks:
  ports: { SSA: ${ssaPort}, ISSSTE: ${issstePort} }
timeouts: { requestMs: 5000, propagationMs: 5000 }
`,
  );
  return file;
}

interface Report {
  verdict: string;
  violated: string[];
  totals: { scenarios: number; passed: number; failed: number; inconclusive: number };
  rules: { id: string; verdict: string; reason?: { en: string } }[];
  features: { scenarios: { id: string; status: string; infrastructure?: { cause: string; exchangeId?: string }; steps: { durationMs: number }[] }[] }[];
}

const runDirOf = async (out: string): Promise<string> => join(out, (await readdir(out)).find((n) => n !== 'latest')!);
const readReport = async (runDir: string): Promise<Report> => JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as Report;

test('slow but within requestMs passes; a SUT that goes away mid-run is INCONCLUSIVE (exit 5) and no regression', { timeout: 240_000 }, async () => {
  const dir = await tempDir('sello-infra-');
  const [sutPort, ssaPort, issstePort] = [await freePort(), await freePort(), await freePort()];
  // One stand-in for both runs, as a vendor's node stays up: the token it keeps from the first run stays valid.
  const sut = await startSelloMocks(['--target', await writeTarget(dir, sutPort, ssaPort, issstePort), '--role', 'imss', '--port', String(sutPort)], secrets);
  try {
    // (a) Every answer 2.6 s late: each call is within requestMs, a step of two calls is over the old 5 s default.
    const slow = await tcpProxy(sutPort, { delayMs: 2600 });
    const cleanOut = join(dir, 'clean');
    let clean: Report;
    try {
      const result = await runSello(['run', '--quiet', '--target', await writeTarget(dir, slow.port, ssaPort, issstePort), '--out', cleanOut, '--tags', TAGS], secrets, 200_000);
      clean = await readReport(await runDirOf(cleanOut));
      assert.ok(clean.totals.scenarios >= 2, JSON.stringify(clean.totals));
      assert.equal(clean.totals.passed, clean.totals.scenarios, `every slow answer within requestMs passes:\n${result.stdout}${result.stderr}`);
      assert.deepEqual(clean.violated, []);
      assert.equal(clean.rules.find((r) => r.id === 'RN-01')?.verdict, 'passed');
      assert.ok(slow.answers() >= 4, `the proxy carried the run (${slow.answers()} answers)`);
      const longest = Math.max(...clean.features.flatMap((f) => f.scenarios.flatMap((s) => s.steps.map((st) => st.durationMs))));
      assert.ok(longest > 5000, `a step outlasted cucumber's old 5 s default (longest ${longest} ms)`);
      // A tag-limited run is a partial run: PASSED (exit 0) when everything selected passed.
      assert.equal(clean.verdict, 'PASSED', clean.verdict);
      assert.equal(result.code, 0, clean.verdict);
      assert.notEqual(clean.verdict, 'INCONCLUSIVE');
    } finally {
      await slow.close();
    }

    // (b) The proxy answers a few requests, then the SUT is gone: the run gives no verdict on conformance.
    const flaky = await tcpProxy(sutPort, { closeAfter: 3 });
    const goneOut = join(dir, 'gone');
    const gone = await runSello(['run', '--quiet', '--target', await writeTarget(dir, flaky.port, ssaPort, issstePort), '--out', goneOut, '--tags', TAGS], secrets, 200_000);
    await flaky.close();
    const report = await readReport(await runDirOf(goneOut));
    assert.equal(gone.code, 5, gone.stdout + gone.stderr);
    assert.equal(report.verdict, 'INCONCLUSIVE', JSON.stringify(report.rules.filter((r) => r.verdict !== 'passed')));
    assert.deepEqual(report.violated, []);
    assert.ok(
      report.rules.every((r) => r.verdict !== 'failed'),
      'nothing is failed for the weather',
    );
    const inconclusive = report.features.flatMap((f) => f.scenarios).filter((s) => s.status === 'inconclusive');
    assert.ok(inconclusive.length >= 1);
    assert.match(inconclusive[0]?.infrastructure?.cause ?? '', /^(unreachable|reset)$/);
    assert.ok(inconclusive[0]?.infrastructure?.exchangeId, 'the exchange that failed is on the record');
    const evidence = await readFile(join(await runDirOf(goneOut), 'evidence', 'exchanges.ndjson'), 'utf8');
    assert.match(evidence, /"retryOf":/, 'the retry of the failed connection is in the evidence');
    assert.match(gone.stdout, /Verdict: INCONCLUSIVE/);

    // (c) Clean run → gone run: not comparable, no regression.
    const diff = await runSello(['diff', await runDirOf(cleanOut), await runDirOf(goneOut)]);
    assert.equal(diff.code, 0, diff.stdout + diff.stderr);
    assert.match(diff.stdout, /Not comparable/);
    assert.doesNotMatch(diff.stdout, /REGRESSION/);
  } finally {
    await sut.stop();
    if (!process.env.SELLO_E2E_KEEP) await removeTempDir(dir);
  }
});
