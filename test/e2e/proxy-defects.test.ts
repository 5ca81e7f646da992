import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ProxiedRequest, type ProxiedResponse, startRewritingProxy } from './rewriting-proxy.ts';
import { freePort, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Vendor bugs as a certifier meets them: a proxy between Sello and a reference IMSS node alters its answers the way a
// buggy node would, and the full IMSS certification must fail with exactly the rule the bug breaks — no cascade onto
// other rules, no blame on the scenario's tag. The planted defects of the reference implementations (fault keys) test
// the same from inside; these test it from the wire, as an independent measurement does.
const secrets = { SELLO_PX_IMSS: 'imss-secret-px-1', SELLO_PX_ISSSTE: 'issste-secret-px-2', SELLO_PX_SSA: 'ssa-secret-px-3' };

type Role = 'imss' | 'issste' | 'ssa';

type Rewrite = (request: ProxiedRequest, response: ProxiedResponse, body: Record<string, unknown> | undefined) => ProxiedResponse | undefined;

interface Acuse {
  messageId: string;
  estatus: string;
  codigo: string;
  errores: { regla: string; campo: string; mensaje: string }[];
}

const asJson = (response: ProxiedResponse, body: unknown, status = response.status): ProxiedResponse => ({
  status,
  headers: { ...response.headers, 'content-type': 'application/json; charset=utf-8' },
  body: Buffer.from(JSON.stringify(body), 'utf8'),
});

/** A refusal under `rule` answered as an acceptance: the node skips the rule (its answer; what it stored is its own). */
const accepts =
  (rule: string): Rewrite =>
  (request, response, body) => {
    const acuse = body?.acuse as Acuse | undefined;
    if (!acuse || acuse.estatus !== 'RECHAZADO' || !acuse.errores.some((e) => e.regla === rule)) return undefined;
    const accepted = { messageId: acuse.messageId, estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] };
    if (request.method === 'GET') {
      // A búsqueda that skips the check answers what it found (nothing); a consulta has no rule of this kind to skip.
      return /^\/pgs\/v1\/beneficiarios(\?|$)/.test(request.path) ? asJson(response, { acuse: accepted, resultados: [] }, 200) : undefined;
    }
    const alta = request.method === 'POST' && /^\/pgs\/v1\/beneficiarios(\?|$)/.test(request.path);
    return asJson(response, { acuse: accepted }, alta ? 201 : 200);
  };

const DEFECTS: { name: string; rule: string; rewrite: Rewrite; roles?: readonly Role[] }[] = [
  {
    name: 'echoes a message id of its own',
    rule: 'PGS-API-02',
    rewrite: (_q, response, body) => (body?.acuse ? asJson(response, { ...body, acuse: { ...(body.acuse as Acuse), messageId: randomUUID() } }) : undefined),
  },
  {
    name: 'answers RECHAZADO with HTTP 200',
    rule: 'PGS-API-05',
    rewrite: (_q, response, body) => ((body?.acuse as Acuse | undefined)?.estatus === 'RECHAZADO' && response.status === 422 ? asJson(response, body, 200) : undefined),
  },
  {
    name: 'sends RECHAZADO without any error',
    rule: 'PGS-API-01',
    rewrite: (_q, response, body) => {
      const acuse = body?.acuse as Acuse | undefined;
      return acuse?.estatus === 'RECHAZADO' && response.status === 422 ? asJson(response, { ...body, acuse: { ...acuse, errores: [] } }) : undefined;
    },
  },
  {
    name: 'answers a request without a token',
    rule: 'PGS-API-03',
    rewrite: (request, response, body) =>
      response.status === 401 && !request.headers.authorization ? asJson(response, { acuse: { ...(body?.acuse as Acuse), estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] } }, 200) : undefined,
  },
  {
    name: 'processes a replayed message id with another body',
    rule: 'PGS-API-04',
    rewrite: (_q, response, body) => (response.status === 409 ? asJson(response, { acuse: { ...(body?.acuse as Acuse), estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] } }, 201) : undefined),
  },
  ...['RN-01', 'RN-02', 'RN-04', 'RN-05', 'RN-06', 'RN-07', 'RN-10'].map((rule) => ({ name: `accepts what ${rule} refuses`, rule, rewrite: accepts(rule) })),
  { name: 'accepts what RN-03 refuses', rule: 'RN-03', rewrite: accepts('RN-03'), roles: ['imss'] },
  {
    name: 'shows no alert in the central index',
    rule: 'RN-08',
    roles: ['ssa'],
    rewrite: (request, response, body) =>
      request.method === 'GET' && request.path.startsWith('/pgs/v1/indice/') && Array.isArray(body?.alertas) ? asJson(response, { ...body, alertas: [] }) : undefined,
  },
];

const PEERS: Record<Role, [string, string]> = { imss: ['SSA', 'ISSSTE'], issste: ['SSA', 'IMSS'], ssa: ['IMSS', 'ISSSTE'] };

interface Bench {
  dir: string;
  target: string;
  stop(): Promise<void>;
}

let active: Rewrite | undefined;
const benches = new Map<Role, Promise<Bench>>();

/** One reference node per role behind one proxy, started on first use and kept for all of that role's defects. */
function bench(role: Role): Promise<Bench> {
  let started = benches.get(role);
  if (!started) {
    started = (async () => {
      const dir = await tempDir(`sello-proxy-defects-${role}-`);
      const nodePort = await freePort();
      const [peerA, peerB] = [await freePort(), await freePort()];
      const proxy = await startRewritingProxy(`http://127.0.0.1:${nodePort}`, {
        response: (request, response) => {
          if (!active || request.path.startsWith('/oauth/')) return response;
          let body: Record<string, unknown> | undefined;
          try {
            body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
          } catch {
            body = undefined;
          }
          return active(request, response, body) ?? response;
        },
      });
      const target = join(dir, 'target.yaml');
      await writeFile(
        target,
        `program: mx-pgs
sut:
  role: ${role}
  name: reference ${role} node behind a defect-injecting proxy
  baseUrl: ${proxy.url}/pgs/v1
  tokenUrl: ${proxy.url}/oauth/token
credentials:
  IMSS: { clientId: imss-px, clientSecret: \${SELLO_PX_IMSS} }
  ISSSTE: { clientId: issste-px, clientSecret: \${SELLO_PX_ISSSTE} }
  SSA: { clientId: ssa-px, clientSecret: \${SELLO_PX_SSA} }
mocks:
  ports: { ${PEERS[role][0]}: ${peerA}, ${PEERS[role][1]}: ${peerB} }
`,
      );
      const node = await startSelloMocks(['--target', target, '--role', role, '--port', String(nodePort)], secrets);
      return {
        dir,
        target,
        stop: async () => {
          await node.stop();
          await proxy.stop();
          await removeTempDir(dir);
        },
      };
    })();
    benches.set(role, started);
  }
  return started;
}

after(async () => {
  for (const started of benches.values()) await (await started).stop();
});

const ROLES: readonly Role[] = ['imss', 'issste', 'ssa'];
// Each defect meets one node in `npm test`, the roles taken in turn so that each role meets several (14 full
// certifications); SELLO_E2E_EVERY_ROLE=1 runs every defect against every node it applies to (41, ~5 min on 2 cores).
const everyRole = process.env.SELLO_E2E_EVERY_ROLE === '1';
const CASES = DEFECTS.flatMap((defect, i) => {
  const roles = defect.roles ?? ROLES;
  return (everyRole ? roles : [roles[i % roles.length]!]).map((role) => ({ role, defect }));
});

for (const { role, defect } of CASES) {
  test(`a ${role} node that ${defect.name} fails ${defect.rule}, and only ${defect.rule}`, async () => {
    const { dir, target } = await bench(role);
    active = defect.rewrite;
    try {
      const out = join(dir, `run-${defect.rule}-${DEFECTS.indexOf(defect)}`);
      const result = await runSello(['run', '--quiet', '--target', target, '--out', out], secrets, 600_000);
      const report = await latestReport(out);
      const failed = report.rules.filter((r) => r.verdict === 'failed').map((r) => r.id);
      assert.deepEqual(failed, [defect.rule], `failed rules; verdict ${report.verdict}, exit ${result.code}`);
      assert.equal(result.code, 3);
    } finally {
      active = undefined;
    }
  });
}
