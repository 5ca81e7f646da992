import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ProxiedRequest, type ProxiedResponse, startRewritingProxy } from './rewriting-proxy.ts';
import { allFindings, freePort, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Never stricter than the spec: a node written by someone else may take every reading contract v1.1 allows. A proxy
// turns the reference IMSS node's answers into such readings; the certification must still pass, with no error.
const secrets = { SELLO_ALT_IMSS: 'imss-secret-alt-1', SELLO_ALT_ISSSTE: 'issste-secret-alt-2', SELLO_ALT_SSA: 'ssa-secret-alt-3' };

const WRITE = /^(POST \/pgs\/v1\/beneficiarios(\/[^/?]+\/baja)?|PUT \/pgs\/v1\/beneficiarios\/[^/?]+)(\?|$)/;
const BUSQUEDA = /^GET \/pgs\/v1\/beneficiarios(\?|$)/;

function json(response: ProxiedResponse): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(response.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Only what RFC 6749 §2.3.1 makes mandatory: HTTP Basic. Credentials in the form body are refused. */
function basicOnlyTokenEndpoint(request: ProxiedRequest): ProxiedResponse | undefined {
  if (!request.path.startsWith('/oauth/token')) return undefined;
  if (/^Basic /i.test(String(request.headers.authorization ?? ''))) return undefined;
  return { status: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="alt"' }, body: Buffer.from('{"error":"invalid_client"}') };
}

function otherReadings(request: ProxiedRequest, response: ProxiedResponse): ProxiedResponse {
  const body = json(response);
  if (body && request.path.startsWith('/oauth/token') && typeof body.token_type === 'string') {
    // RFC 6749 §7.1: the token type is case-insensitive; extra members (scope) may come along.
    return { ...response, body: Buffer.from(JSON.stringify({ ...body, token_type: 'bearer', scope: 'pgs' }), 'utf8') };
  }
  if (!body || !body.acuse) return response;
  const call = `${request.method} ${request.path}`;
  // Write answers: the bare acuse; `beneficiario` beside it is a MAY.
  if (WRITE.test(call)) delete body.beneficiario;
  // `campo`: "" (the whole message) is conformant for every error.
  const acuse = body.acuse as { errores?: { campo: string }[] } | undefined;
  for (const error of acuse?.errores ?? []) error.campo = '';
  // Búsqueda: order is unspecified.
  if (BUSQUEDA.test(call) && Array.isArray(body.resultados)) body.resultados.reverse();
  const headers: Record<string, string> = { ...response.headers, 'content-type': 'application/json;charset=UTF-8' };
  // A JSON answer echoes the message id in its acuse; a header echo is not required there (the confronta's result
  // file, which has no acuse, echoes it in the header: profiles/mx-pgs/confronta.md).
  delete headers['x-message-id'];
  return { ...response, headers, body: Buffer.from(JSON.stringify(body), 'utf8') };
}

const ROLES = [
  { role: 'imss', upper: 'IMSS', peers: ['SSA', 'ISSSTE'] },
  { role: 'issste', upper: 'ISSSTE', peers: ['SSA', 'IMSS'] },
  { role: 'ssa', upper: 'SSA', peers: ['IMSS', 'ISSSTE'] },
] as const;

for (const { role, upper, peers } of ROLES) {
  test(`a ${upper} node taking other readings v1.1 allows (bare acuse, campo "", Basic-only tokens, búsqueda order, charset spelling) is CERTIFIABLE`, async () => {
    const dir = await tempDir('sello-alt-');
    try {
      const [nodePort, peerA, peerB] = [await freePort(), await freePort(), await freePort()];
      const proxy = await startRewritingProxy(`http://127.0.0.1:${nodePort}`, { answer: basicOnlyTokenEndpoint, response: otherReadings });
      const target = join(dir, 'target.yaml');
      await writeFile(
        target,
        `program: mx-pgs
sut:
  role: ${role}
  name: reference ${upper} node behind a proxy that takes other readings of contract v1.1
  baseUrl: ${proxy.url}/pgs/v1
  tokenUrl: ${proxy.url}/oauth/token
credentials:
  IMSS: { clientId: imss-alt, clientSecret: \${SELLO_ALT_IMSS} }
  ISSSTE: { clientId: issste-alt, clientSecret: \${SELLO_ALT_ISSSTE} }
  SSA: { clientId: ssa-alt, clientSecret: \${SELLO_ALT_SSA} }
mocks:
  ports: { ${peers[0]}: ${peerA}, ${peers[1]}: ${peerB} }
`,
      );
      const node = await startSelloMocks(['--target', target, '--role', role, '--port', String(nodePort)], secrets);
      try {
        const out = join(dir, 'reports');
        const result = await runSello(['run', '--quiet', '--target', target, '--out', out], secrets, 600_000);
        const report = await latestReport(out);
        const errors = allFindings(report).filter((f) => (f as { severity?: string }).severity !== 'warning' && (f as { severity?: string }).severity !== 'information');
        assert.deepEqual(
          errors.map((f) => `${f.ruleId} ${f.location}`),
          [],
          'no error finding against a conformant reading',
        );
        assert.equal(report.verdict, 'CERTIFIABLE', result.stdout + result.stderr);
        assert.equal(result.code, 0);
        assert.ok(report.totals.scenarios >= 15, `the ${upper} suite ran (${report.totals.scenarios} scenarios)`);
      } finally {
        await node.stop();
        await proxy.stop();
      }
    } finally {
      await removeTempDir(dir);
    }
  });
}
