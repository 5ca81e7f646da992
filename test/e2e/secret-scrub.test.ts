import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { basicClientCredentials } from '../../programs/mx-pgs/lib/client-token.ts';
import { freePort, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Secrets by value (issue 10, item 4): a SUT that echoes its token request back, in every spelling, and a secret in
// the SUT's URL path. Nothing Sello writes (any file of the run directory, stdout, stderr) may hold either.
const nonce = randomBytes(8).toString('hex');
// Characters that make every encoding differ from the plain value: quotes, HTML specials, form and URL specials.
const CLIENT_SECRET = `cs-${nonce}"<&'+/ %x`;
const PATH_KEY = `pk${randomBytes(8).toString('hex')}`;
const CLIENT_ID = 'issste-scrub';
const env = { SELLO_SCRUB_ISSSTE: CLIENT_SECRET, SELLO_SCRUB_SSA: `ssa-${nonce}-other`, SELLO_SCRUB_IMSS: `imss-${nonce}-third`, SELLO_SCRUB_PATH: PATH_KEY };

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const json = (s: string) => JSON.stringify(s).slice(1, -1);

/** Every spelling of a secret looked for, computed here independently of the scrubber. */
function spellings(secret: string): Record<string, string> {
  const component = encodeURIComponent(secret);
  const form = new URLSearchParams({ v: secret }).toString().slice(2);
  return {
    plain: secret,
    'JSON-escaped': json(secret),
    'JSON-escaped twice': json(json(secret)),
    encodeURIComponent: component,
    'form (+)': component.replace(/%20/g, '+'),
    URLSearchParams: form,
    'lower-case hex': component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    'HTML-escaped': html(secret),
    'HTML of JSON': html(json(secret)),
    base64: b64(secret),
    base64url: Buffer.from(secret, 'utf8').toString('base64url'),
    'Basic id:secret': basicClientCredentials(CLIENT_ID, secret).slice('Basic '.length),
    'Basic secret:x': b64(`${secret}:x`),
    // The distinctive core alone: whatever else was mangled, the random part must not survive.
    nonce: secret.includes(nonce) ? nonce : secret,
  };
}

const readBody = (stream: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/**
 * In front of the reference node: strips the secret path prefix, and answers the token endpoint with the request
 * echoed back in every form (body, Basic header, decoded credentials, base64), in the JSON answer and in headers.
 */
async function startEchoingProxy(upstreamPort: number): Promise<{ url: string; echoed: () => number; stop(): Promise<void> }> {
  let echoed = 0;
  const server: Server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const path = (incoming.url ?? '/').replace(`/k/${PATH_KEY}`, '');
    const forwarded = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: incoming.method, path, headers: { ...incoming.headers, host: `127.0.0.1:${upstreamPort}` } }, async (upstream) => {
      let answer = await readBody(upstream);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding') headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      if (path.startsWith('/oauth/token') && upstream.statusCode === 200) {
        const authorization = String(incoming.headers.authorization ?? '');
        const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
        const secret = decodeURIComponent((decoded.split(':')[1] ?? '').replace(/\+/g, ' '));
        if (secret === CLIENT_SECRET) echoed++;
        const token = JSON.parse(answer.toString('utf8')) as Record<string, unknown>;
        answer = Buffer.from(JSON.stringify({ ...token, echo: { body: body.toString('utf8'), authorization, decoded, secret, base64: b64(secret), note: `${secret} <b>${secret}</b>` } }), 'utf8');
        headers['x-echo-authorization'] = authorization;
        headers['x-echo-secret'] = encodeURIComponent(secret);
      }
      outgoing.writeHead(upstream.statusCode ?? 502, { ...headers, 'content-length': String(answer.length) });
      outgoing.end(answer);
    });
    forwarded.on('error', () => {
      outgoing.writeHead(502).end();
    });
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, echoed: () => echoed, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('a SUT echoing its token request and a secret in the SUT URL: no file of the run and no line of the console holds either, in any spelling', async () => {
  const dir = await tempDir('sello-scrub-');
  try {
    const [nodePort, ssaPort, imssPort] = [await freePort(), await freePort(), await freePort()];
    const proxy = await startEchoingProxy(nodePort);
    const target = join(dir, 'target.yaml');
    await writeFile(
      target,
      `program: mx-pgs
sut:
  role: issste
  name: reference ISSSTE node behind a proxy that echoes token requests
  baseUrl: ${proxy.url}/k/\${SELLO_SCRUB_PATH}/pgs/v1
  tokenUrl: ${proxy.url}/k/\${SELLO_SCRUB_PATH}/oauth/token
credentials:
  IMSS: { clientId: imss-scrub, clientSecret: \${SELLO_SCRUB_IMSS} }
  ISSSTE: { clientId: ${CLIENT_ID}, clientSecret: \${SELLO_SCRUB_ISSSTE} }
  SSA: { clientId: ssa-scrub, clientSecret: \${SELLO_SCRUB_SSA} }
mocks:
  ports: { SSA: ${ssaPort}, IMSS: ${imssPort} }
`,
    );
    const node = await startSelloMocks(['--target', target, '--role', 'issste', '--port', String(nodePort)], env);
    let mocksOutput = '';
    node.child.stdout?.on('data', (c: Buffer) => (mocksOutput += c.toString()));
    node.child.stderr?.on('data', (c: Buffer) => (mocksOutput += c.toString()));
    let result: Awaited<ReturnType<typeof runSello>>;
    const out = join(dir, 'reports');
    try {
      result = await runSello(['run', '--quiet', '--target', target, '--out', out, '--tags', '@PGS-API-03.3 or @PGS-API-03.4'], env, 300_000);
    } finally {
      await node.stop();
      await proxy.stop();
    }
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(proxy.echoed() > 0, 'the SUT echoed the ISSSTE client secret back at least once');
    const report = await latestReport(out);
    assert.equal(report.verdict, 'PASSED');
    assert.ok(report.totals.scenarios >= 2);

    const runDir = join(out, (await readdir(out)).find((name) => name !== 'latest')!);
    const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const kinds = ['allure-results/', 'cucumber-messages.ndjson', 'evidence/', 'report.json', 'report.html', 'junit.xml'];
    for (const kind of kinds)
      assert.ok(
        files.some((f) => f.slice(runDir.length).includes(kind)),
        `the run wrote ${kind}: ${files.join(' ')}\n${result.stdout}`,
      );
    const texts: [string, string][] = [
      ...(await Promise.all(files.map(async (f): Promise<[string, string]> => [f.slice(runDir.length + 1), await readFile(f, 'utf8')]))),
      ['<stdout>', result.stdout],
      ['<stderr>', result.stderr],
      ['<sello mocks output>', node.output + mocksOutput],
    ];
    const forms = [...Object.entries(spellings(CLIENT_SECRET)), ...Object.entries(spellings(PATH_KEY)).map(([k, v]) => [`path key ${k}`, v] as [string, string])];
    const leaks: string[] = [];
    for (const [name, text] of texts) {
      for (const [form, value] of forms) {
        const at = text.indexOf(value);
        if (at >= 0) leaks.push(`${name}: ${form} … ${text.slice(Math.max(0, at - 80), at + value.length + 40)}`);
      }
    }
    assert.deepEqual(leaks, [], `${leaks.length} leaks over ${texts.length} outputs × ${forms.length} spellings`);
    // The scrubbed values were there to be scrubbed: the evidence shows where.
    const evidence = texts.filter(([name]) => name.startsWith('evidence/')).map(([, t]) => t);
    assert.ok(
      evidence.some((t) => t.includes('[redacted]')),
      'the echoed secret was in the evidence and is [redacted] there',
    );
    assert.match(result.stdout, /\/k\/\[redacted\]\/pgs\/v1/, 'the console shows the SUT address with its secret path part redacted');
    // Scrubbed before hashing and signing: the directory verifies (ephemeral key: intact, unattributed).
    const verified = await runSello(['verify', runDir]);
    assert.equal(verified.code, 6, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /INTACT-UNATTRIBUTED/);
    console.log(`secret scrub: ${texts.length} outputs (${files.length} files + stdout, stderr, mocks) × ${forms.length} spellings, 0 hits`);
  } finally {
    await removeTempDir(dir);
  }
});
