import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { basicClientCredentials } from '../../programs/mx-pgs/lib/client-token.ts';
import { type ProxiedRequest, type ProxiedResponse, type RewriteRules, startRewritingProxy } from './rewriting-proxy.ts';
import { freePort, freePorts, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Secrets by value (issue 10, item 4): a SUT that echoes its token request back, in every spelling, and a secret in
// the SUT's URL path. Nothing Sello writes (any file of the run directory, stdout, stderr) may hold either, in a
// redacted run (--redact, as issue 10 asks) of every program: mx-pgs and pe-ris.
const nonce = randomBytes(8).toString('hex');
// Characters that make every encoding differ from the plain value: quotes, HTML specials, form and URL specials.
const CLIENT_SECRET = `cs-${nonce}"<&'+/ %x`;
const PATH_KEY = `pk${randomBytes(8).toString('hex')}`;
/** pe-ris's secret path segment: characters a URL path keeps as they are but HTML, URL components and HL7 v2 escape. */
const PE_PATH_KEY = `pe-${nonce}&+~!`;
const CLIENT_ID = 'issste-scrub';
const env = {
  SELLO_SCRUB_ISSSTE: CLIENT_SECRET,
  SELLO_SCRUB_SSA: `ssa-${nonce}-other`,
  SELLO_SCRUB_IMSS: `imss-${nonce}-third`,
  SELLO_SCRUB_PATH: PATH_KEY,
  SELLO_SCRUB_PE_PATH: PE_PATH_KEY,
};

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

/** The pass-through proxy both cases share: it forwards to the stand-in SUT what the client sent after `/k/<secret>`. */
const stripSecretPath = (secret: string) => (path: string) => path.replace(`/k/${secret}`, '');

/**
 * mx-pgs only: the token endpoint answers with the request echoed back in every form (body, Basic header, decoded
 * credentials, base64), in the JSON answer and in headers.
 */
function echoTokenRequests(): { response: NonNullable<RewriteRules['response']>; echoed(): number } {
  let echoed = 0;
  const response = (request: ProxiedRequest, answer: ProxiedResponse): ProxiedResponse => {
    if (!request.path.startsWith('/oauth/token') || answer.status !== 200) return answer;
    const authorization = String(request.headers.authorization ?? '');
    const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const secret = decodeURIComponent((decoded.split(':')[1] ?? '').replace(/\+/g, ' '));
    if (secret === CLIENT_SECRET) echoed++;
    const token = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    const echo = { body: request.body.toString('utf8'), authorization, decoded, secret, base64: b64(secret), note: `${secret} <b>${secret}</b>` };
    return {
      status: answer.status,
      headers: { ...answer.headers, 'x-echo-authorization': authorization, 'x-echo-secret': encodeURIComponent(secret) },
      body: Buffer.from(JSON.stringify({ ...token, echo }), 'utf8'),
    };
  };
  return { response, echoed: () => echoed };
}

/** `sello mocks …` as the stand-in SUT, with everything it prints (until it stops) kept for the grep. */
async function startStandIn(args: string[]): Promise<{ output: () => string; stop(): Promise<void> }> {
  const node = await startSelloMocks(args, env);
  let later = '';
  node.child.stdout?.on('data', (c: Buffer) => (later += c.toString()));
  node.child.stderr?.on('data', (c: Buffer) => (later += c.toString()));
  return { output: () => node.output + later, stop: () => node.stop() };
}

/**
 * Greps every file of the run directory, stdout, stderr and the stand-in's output for every spelling of the secrets,
 * requires the run directory to verify (scrubbed before hashing and signing), and returns the figures.
 */
async function assertNothingLeaked(
  runDir: string,
  run: Awaited<ReturnType<typeof runSello>>,
  mocksOutput: string,
  secrets: Record<string, string>,
): Promise<{ files: number; outputs: number; spellings: number; evidence: string[] }> {
  const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const kinds = ['allure-results/', 'cucumber-messages.ndjson', 'evidence/', 'report.json', 'report.html', 'junit.xml'];
  for (const kind of kinds)
    assert.ok(
      files.some((f) => f.slice(runDir.length).includes(kind)),
      `the run wrote ${kind}: ${files.join(' ')}\n${run.stdout}`,
    );
  const texts: [string, string][] = [
    ...(await Promise.all(files.map(async (f): Promise<[string, string]> => [f.slice(runDir.length + 1), await readFile(f, 'utf8')]))),
    ['<stdout>', run.stdout],
    ['<stderr>', run.stderr],
    ['<sello mocks output>', mocksOutput],
  ];
  const forms = Object.entries(secrets).flatMap(([secret, value]) => Object.entries(spellings(value)).map(([k, v]): [string, string] => [`${secret} ${k}`, v]));
  const leaks: string[] = [];
  for (const [name, text] of texts) {
    for (const [form, value] of forms) {
      const at = text.indexOf(value);
      if (at >= 0) leaks.push(`${name}: ${form} … ${text.slice(Math.max(0, at - 80), at + value.length + 40)}`);
    }
  }
  assert.deepEqual(leaks, [], `${leaks.length} leaks over ${texts.length} outputs × ${forms.length} spellings`);
  // Scrubbed (and redacted) before hashing and signing: the directory verifies (ephemeral key: intact, unattributed).
  const verified = await runSello(['verify', runDir]);
  assert.equal(verified.code, 6, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /INTACT-UNATTRIBUTED/);
  const evidence = texts.filter(([name]) => name.startsWith('evidence/')).map(([, t]) => t);
  const report = JSON.parse(texts.find(([name]) => name === 'report.json')?.[1] ?? '{}') as { redaction?: { applied?: boolean } };
  assert.equal(report.redaction?.applied, true, 'the run was redacted (--redact)');
  return { files: files.length, outputs: texts.length, spellings: forms.length, evidence };
}

const runDirOf = async (out: string) => join(out, (await readdir(out)).find((name) => name !== 'latest')!);

test('a SUT echoing its token request and a secret in the SUT URL: no file of a redacted run and no line of the console holds either, in any spelling', async () => {
  const dir = await tempDir('sello-scrub-');
  try {
    const [nodePort, ssaPort, imssPort] = [await freePort(), await freePort(), await freePort()];
    const echo = echoTokenRequests();
    const proxy = await startRewritingProxy(`http://127.0.0.1:${nodePort}`, { path: stripSecretPath(PATH_KEY), response: echo.response });
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
    const node = await startStandIn(['--target', target, '--role', 'issste', '--port', String(nodePort)]);
    let result: Awaited<ReturnType<typeof runSello>>;
    const out = join(dir, 'reports');
    try {
      result = await runSello(['run', '--quiet', '--redact', '--target', target, '--out', out, '--tags', '@PGS-API-03.3 or @PGS-API-03.4'], env, 300_000);
    } finally {
      await node.stop();
      await proxy.stop();
    }
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(echo.echoed() > 0, 'the SUT echoed the ISSSTE client secret back at least once');
    const report = await latestReport(out);
    assert.equal(report.verdict, 'PASSED');
    assert.ok(report.totals.scenarios >= 2);

    const figures = await assertNothingLeaked(await runDirOf(out), result, node.output(), { ISSSTE: CLIENT_SECRET, 'path key': PATH_KEY });
    // The scrubbed values were there to be scrubbed: the evidence shows where. --redact pseudonymizes persons'
    // identifiers and names only; the secret's marker is its own, so it is still [redacted] in the evidence.
    assert.ok(
      figures.evidence.some((t) => t.includes('[redacted]')),
      'the echoed secret was in the evidence and is [redacted] there',
    );
    assert.match(result.stdout, /\/k\/\[redacted\]\/pgs\/v1/, 'the console shows the SUT address with its secret path part redacted');
    console.log(`secret scrub mx-pgs: ${figures.outputs} outputs (${figures.files} files + stdout, stderr, mocks) × ${figures.spellings} spellings, 0 hits`);
  } finally {
    await removeTempDir(dir);
  }
});

test('pe-ris: a SIHCE whose FHIR base URL carries a secret path segment: no file of a redacted run and no line of the console holds it, in any spelling', async () => {
  const dir = await tempDir('sello-scrub-pe-');
  try {
    const [fhir, mllp, engine, qhali] = await freePorts(4);
    // pe-ris's target schema has no credential member: the secret it can carry is in a URL, here the FHIR base.
    const proxy = await startRewritingProxy(`http://127.0.0.1:${fhir}`, { path: stripSecretPath(PE_PATH_KEY) });
    const target = join(dir, 'sihce.yaml');
    await writeFile(
      target,
      `program: pe-ris
sut:
  role: sihce
  name: reference SIHCE behind a proxy with a secret path
  fhirBaseUrl: ${proxy.url}/k/\${SELLO_SCRUB_PE_PATH}/fhir
  mllp: { host: 127.0.0.1, port: ${mllp} }
mocks:
  ports: { engine: ${engine}, qhali: ${qhali} }
`,
    );
    const sut = await startStandIn(['--program', 'pe-ris', '--target', target, '--role', 'sihce', '--port', String(fhir), '--mllp-port', String(mllp)]);
    let result: Awaited<ReturnType<typeof runSello>>;
    const out = join(dir, 'reports');
    try {
      result = await runSello(['run', '--quiet', '--redact', '--target', target, '--out', out, '--tags', '@RIS-FHIR-02 or @RIS-FHIR-01.3'], env, 300_000);
    } finally {
      await sut.stop();
      await proxy.stop();
    }
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = await latestReport(out);
    assert.deepEqual([report.sut.role, report.sut.kind], ['sihce', 'external']);
    assert.ok(report.totals.scenarios >= 7 && report.totals.failed === 0, `${report.totals.scenarios} scenarios, ${report.totals.failed} failed`);

    const figures = await assertNothingLeaked(await runDirOf(out), result, sut.output(), { 'FHIR path key': PE_PATH_KEY });
    assert.ok(
      figures.evidence.some((t) => t.includes('/k/[redacted]/fhir')),
      'the requests to the SUT are in the evidence, the secret path segment [redacted]',
    );
    assert.match(result.stdout, /\/k\/\[redacted\]\/fhir/, 'the console shows the SUT address with its secret path part redacted');
    console.log(`secret scrub pe-ris: ${figures.outputs} outputs (${figures.files} files + stdout, stderr, mocks) × ${figures.spellings} spellings, 0 hits`);
  } finally {
    await removeTempDir(dir);
  }
});
