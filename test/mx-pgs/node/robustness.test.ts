import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PgsClient } from '../../../programs/mx-pgs/lib/pgs-client.ts';
import { syntheticBeneficiario } from '../../../programs/mx-pgs/lib/synthetic.ts';
import type { ClientSecretPair } from '../../../programs/mx-pgs/lib/target.ts';
import type { Acuse, Beneficiario, EventoIndice, Institucion } from '../../../programs/mx-pgs/lib/types.ts';
import { type PgsDeployment, type PgsEndpoint, startPgsDeployment } from '../../../programs/mx-pgs/reference/deployment.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import { type HttpResponse, sendHttp } from '../../../src/transport/http-client.ts';
import { todayInMexico } from '../../../src/util/dates.ts';
import { MAX_JSON_DEPTH } from '../../../src/util/json-depth.ts';
import { waitFor } from '../../../src/util/wait.ts';

const today = todayInMexico();
const rng = new SeededRandom('robustness');
const journal = new ExchangeJournal();
let deployment: PgsDeployment;
let client: PgsClient;
/** Registered at IMSS before anything is thrown at it; must come back unchanged after every bad request. */
let ana: Beneficiario;

before(async () => {
  deployment = await startPgsDeployment({ journal });
  client = new PgsClient(journal, deployment.endpoints, deployment.credentials, 5000);
  ana = syntheticBeneficiario(rng.fork('ana'), { institucion: 'IMSS', today });
  const alta = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: ana });
  assert.equal(alta.status, 201, JSON.stringify(alta.body));
});

after(() => deployment.stop());

interface RawCall {
  method: string;
  /** Appended to the node's /pgs/v1 base, already encoded. */
  path: string;
  body?: string;
  /** Starts from valid IMSS headers; `null` removes one. */
  headers?: Record<string, string | null>;
  at?: Institucion;
  as?: Institucion;
}

async function raw(call: RawCall): Promise<HttpResponse> {
  const at = call.at ?? 'IMSS';
  const as = call.as ?? 'IMSS';
  const headers: Record<string, string | null> = {
    authorization: `Bearer ${await client.token(at, as)}`,
    'x-message-id': randomUUID(),
    'x-institucion': as,
    'content-type': 'application/json',
    ...call.headers,
  };
  const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== null));
  // The timeout turns a hang into a failure of this test rather than of the whole run.
  return sendHttp(journal, {
    method: call.method,
    url: `${deployment.endpoints[at].baseUrl}${call.path}`,
    headers: sent,
    ...(call.body !== undefined ? { body: call.body } : {}),
    timeoutMs: 5000,
    from: `robustness:${as}`,
    to: at,
  });
}

function assertRejected(response: HttpResponse, label: string, status?: number): Acuse {
  const where = `${label}: ${response.status} ${response.text.slice(0, 300)}`;
  assert.ok(response.status >= 400 && response.status < 500, `4xx expected — ${where}`);
  if (status !== undefined) assert.equal(response.status, status, where);
  const acuse = (response.json as { acuse?: Acuse } | undefined)?.acuse;
  assert.ok(acuse, `JSON body with an acuse expected — ${where}`);
  assert.equal(acuse.estatus, 'RECHAZADO', where);
  assert.match(acuse.codigo, /^PGS-\d{3}$/, where);
  assert.ok(Array.isArray(acuse.errores) && acuse.errores.length > 0, `errores expected — ${where}`);
  return acuse;
}

async function assertAnaUnchanged(label: string): Promise<void> {
  const consulta = await client.send({ operation: 'consulta', at: 'IMSS', as: 'IMSS', curp: ana.curp });
  assert.equal(consulta.status, 200, `after ${label}: ${consulta.text}`);
  assert.deepEqual((consulta.body as { beneficiario: Beneficiario }).beneficiario, ana, `after ${label}, Ana's record changed`);
}

const anaJson = () => JSON.stringify(ana);
const edited = (changes: Record<string, unknown>) => JSON.stringify({ ...ana, ...changes });

test('bad bodies get 4xx with a RECHAZADO acuse, and Ana is unchanged after each', async () => {
  const cases: [string, RawCall, number?][] = [
    ['malformed JSON', { method: 'POST', path: '/beneficiarios', body: '{"curp": "' }, 400],
    ['malformed JSON on update', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: anaJson().slice(0, -1) }, 400],
    ['empty body', { method: 'POST', path: '/beneficiarios', body: '' }, 400],
    ['empty update', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: '' }, 400],
    ['empty baja', { method: 'POST', path: `/beneficiarios/${ana.curp}/baja`, body: '' }, 400],
    ['JSON array', { method: 'POST', path: '/beneficiarios', body: `[${anaJson()}]` }, 400],
    ['JSON array update', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: `[${anaJson()}]` }, 400],
    ['JSON scalar', { method: 'POST', path: '/beneficiarios', body: '"hola"' }, 400],
    ['2 MB body', { method: 'POST', path: '/beneficiarios', body: edited({ nombre: 'A'.repeat(2 * 1024 * 1024) }) }, 413],
    ['2 MB update', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ nombre: 'A'.repeat(2 * 1024 * 1024) }) }, 413],
    ['text/plain', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ nombre: 'TEXTO' }), headers: { 'content-type': 'text/plain' } }, 415],
    ['application/xml', { method: 'POST', path: '/beneficiarios', body: '<beneficiario/>', headers: { 'content-type': 'application/xml' } }, 415],
    ['unknown field', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ nombre: 'OTRA', rfc: 'XAXX010101000' }) }, 400],
    ['unknown nested field', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ afiliacion: { ...ana.afiliacion, nivel: 3 } }) }, 400],
    ['wrong types', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ nombre: 42, fechaNacimiento: true, domicilio: 'calle' }) }, 400],
    ['null record fields', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ afiliacion: null }) }, 400],
    ['huge string field', { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ primerApellido: 'Z'.repeat(500_000) }) }, 400],
    ['baja with wrong types', { method: 'POST', path: `/beneficiarios/${ana.curp}/baja`, body: JSON.stringify({ motivo: 7, fechaBaja: [] }) }, 400],
    ['baja with unknown fields', { method: 'POST', path: `/beneficiarios/${ana.curp}/baja`, body: JSON.stringify({ motivo: 'DEFUNCION', fechaBaja: today, x: 1 }) }, 400],
  ];
  for (const [label, call, status] of cases) {
    assertRejected(await raw(call), label, status);
    await assertAnaUnchanged(label);
  }
});

test('a rejected body is explained with the JSON pointer of the offending field', async () => {
  const unknown = assertRejected(await raw({ method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ rfc: 'X' }) }), 'unknown field', 400);
  assert.ok(
    unknown.errores.some((e) => e.regla === 'RN-10' && e.campo === '/rfc'),
    JSON.stringify(unknown),
  );
  const wrongType = assertRejected(await raw({ method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ sexo: 1 }) }), 'wrong type', 400);
  assert.ok(
    wrongType.errores.some((e) => e.campo === '/sexo'),
    JSON.stringify(wrongType),
  );
});

test('odd CURP path parameters are refused on every route, and Ana is unchanged', async () => {
  const curps: [string, string][] = [
    ['NUL', '%00'],
    ['CURP with NUL', `${ana.curp}%00`],
    ['dot-dot-slash', '..%2F..%2Fetc%2Fpasswd'],
    ['dot-dot-slash to Ana', `..%2F${ana.curp}`],
    ['encoded dots', '%2E%2E%2F%2E%2E%2F'],
    ['500 characters', 'A'.repeat(500)],
    ['unicode', encodeURIComponent('ÑÚÑEZ😀\u202eAÑO')],
    ['lower case Ana', ana.curp.toLowerCase()],
    ['broken percent-encoding', '%E0%A4%A'],
  ];
  for (const [label, curp] of curps) {
    assertRejected(await raw({ method: 'GET', path: `/beneficiarios/${curp}` }), `GET ${label}`);
    assertRejected(await raw({ method: 'PUT', path: `/beneficiarios/${curp}`, body: edited({ nombre: 'CAMBIADA' }) }), `PUT ${label}`);
    assertRejected(await raw({ method: 'POST', path: `/beneficiarios/${curp}/baja`, body: JSON.stringify({ motivo: 'DEFUNCION', fechaBaja: today }) }), `baja ${label}`);
    assertRejected(await raw({ method: 'GET', path: `/indice/${curp}`, at: 'SSA', as: 'SSA' }), `index ${label}`);
    await assertAnaUnchanged(label);
  }
});

test('bad headers and foreign tokens are refused, and Ana is unchanged', async () => {
  const change = { method: 'PUT', path: `/beneficiarios/${ana.curp}`, body: edited({ nombre: 'MODIFICADA' }) };
  const cases: [string, RawCall, number][] = [
    ['no X-Message-Id', { ...change, headers: { 'x-message-id': null } }, 400],
    ['X-Message-Id not a UUID', { ...change, headers: { 'x-message-id': 'mensaje-1' } }, 400],
    ['X-Message-Id too long', { ...change, headers: { 'x-message-id': `${randomUUID()}${'0'.repeat(400)}` } }, 400],
    ['no X-Institucion', { ...change, headers: { 'x-institucion': null } }, 400],
    ['unknown X-Institucion', { ...change, headers: { 'x-institucion': 'PEMEX' } }, 400],
    ['X-Institucion not matching the token', { ...change, headers: { 'x-institucion': 'ISSSTE' } }, 403],
    ['no token', { ...change, headers: { authorization: null } }, 401],
    ['a token never issued', { ...change, headers: { authorization: 'Bearer not-a-token' } }, 401],
    ['a token issued by another node', { ...change, headers: { authorization: `Bearer ${await client.token('SSA', 'IMSS')}` } }, 401],
    ['Basic instead of Bearer', { ...change, headers: { authorization: 'Basic aW1zczp4' } }, 401],
    ['ISSSTE writing IMSS (update)', { ...change, as: 'ISSSTE' }, 403],
    ['SSA writing IMSS (alta)', { method: 'POST', path: '/beneficiarios', body: edited({ nombre: 'SSA' }), as: 'SSA' }, 403],
    ['ISSSTE writing IMSS (baja)', { method: 'POST', path: `/beneficiarios/${ana.curp}/baja`, body: JSON.stringify({ motivo: 'DEFUNCION', fechaBaja: today }), as: 'ISSSTE' }, 403],
    ['no token on a read', { method: 'GET', path: `/beneficiarios/${ana.curp}`, headers: { authorization: null } }, 401],
  ];
  for (const [label, call, status] of cases) {
    const acuse = assertRejected(await raw(call), label, status);
    if (status === 401) assert.equal(acuse.codigo, 'PGS-401', label);
    if (status === 403) assert.equal(acuse.codigo, 'PGS-403', label);
    await assertAnaUnchanged(label);
  }
});

test('another institution may still read Ana: only writes are its own', async () => {
  const consulta = await client.send({ operation: 'consulta', at: 'IMSS', as: 'ISSSTE', curp: ana.curp });
  assert.equal(consulta.status, 200);
  assert.deepEqual((consulta.body as { beneficiario: Beneficiario }).beneficiario, ana);
});

test('a search with unknown or no parameters is 400, and a valid one still finds Ana', async () => {
  for (const query of [`?curp=${ana.curp}&foo=1`, '?foo=bar', '?', '?curp=', `?CURP=${ana.curp}`]) {
    assertRejected(await raw({ method: 'GET', path: `/beneficiarios${query}` }), `search ${query}`, 400);
  }
  const found = await client.send({ operation: 'busqueda', at: 'IMSS', as: 'IMSS', query: { curp: ana.curp } });
  assert.equal(found.status, 200);
  assert.deepEqual((found.body as { resultados: Beneficiario[] }).resultados, [ana]);
  await assertAnaUnchanged('searches');
});

test('a search parameter given twice is a 4xx, not a crash', async () => {
  assertRejected(await raw({ method: 'GET', path: `/beneficiarios?apellido1=${ana.primerApellido}&apellido1=X` }), 'apellido1 twice');
});

test('an idempotent resend returns the identical acuse and stores once', async () => {
  const bruno = syntheticBeneficiario(rng.fork('bruno'), { institucion: 'IMSS', today });
  const messageId = randomUUID();
  const first = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: bruno, messageId });
  assert.equal(first.status, 201, first.text);
  const second = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: bruno, messageId });
  // Without idempotency the resend would be a duplicate alta (RN-05, 422).
  assert.equal(second.status, 201, second.text);
  assert.deepEqual(second.body, first.body);
  assert.equal(second.acuse?.messageId, messageId);

  const indexEvents = () =>
    journal
      .all()
      .filter((e) => e.observedBy === 'client' && e.status === 202 && e.to === 'SSA' && e.url?.endsWith('/indice/eventos') && (e.request.body as EventoIndice | undefined)?.curp === bruno.curp);
  await waitFor(() => (indexEvents().length > 0 ? true : undefined), { what: `the index event for ${bruno.curp}`, timeoutMs: 5000, intervalMs: 20 });
  // A second delivery, if the resend had been processed, would follow the first within milliseconds.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(indexEvents().length, 1, 'the change was reported to the central index once');

  const consulta = await client.send({ operation: 'consulta', at: 'IMSS', as: 'IMSS', curp: bruno.curp });
  assert.deepEqual((consulta.body as { beneficiario: Beneficiario }).beneficiario, bruno);
});

test('the same message id with another body is 409, and the other body is not stored', async () => {
  const carla = syntheticBeneficiario(rng.fork('carla'), { institucion: 'IMSS', today });
  const dario = syntheticBeneficiario(rng.fork('dario'), { institucion: 'IMSS', today });
  const messageId = randomUUID();
  const first = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: carla, messageId });
  assert.equal(first.status, 201, first.text);
  const reused = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: dario, messageId });
  assert.equal(reused.status, 409, reused.text);
  assert.equal(reused.acuse?.estatus, 'RECHAZADO');
  assert.equal(reused.acuse?.codigo, 'PGS-409');
  assert.equal(reused.acuse?.messageId, messageId);
  const missing = await client.send({ operation: 'consulta', at: 'IMSS', as: 'IMSS', curp: dario.curp });
  assert.equal(missing.status, 404, 'the conflicting body was not applied');
  const kept = await client.send({ operation: 'consulta', at: 'IMSS', as: 'IMSS', curp: carla.curp });
  assert.deepEqual((kept.body as { beneficiario: Beneficiario }).beneficiario, carla);
});

interface IndexAnswer {
  curp: string;
  afiliaciones: { institucion: Institucion; tipo: string; estatus: string }[];
  alertas: string[];
}

async function consultIndex(curp: string): Promise<{ status: number; body?: IndexAnswer }> {
  const result = await client.send({ operation: 'consulta-indice', at: 'SSA', as: 'SSA', curp });
  return { status: result.status, ...(result.status === 200 ? { body: result.body as IndexAnswer } : {}) };
}

function waitForIndex(curp: string, what: string, accept: (body: IndexAnswer) => boolean): Promise<IndexAnswer> {
  return waitFor(
    async () => {
      const answer = await consultIndex(curp);
      if (answer.body && accept(answer.body)) return answer.body;
      return { pending: answer.body ? JSON.stringify(answer.body) : `index answered ${answer.status}` };
    },
    { what, timeoutMs: 5000, intervalMs: 50 },
  );
}

test('RN-09: an alta at IMSS shows in the SSA central index within 5 s', async () => {
  const elena = syntheticBeneficiario(rng.fork('elena'), { institucion: 'IMSS', today });
  const before = await consultIndex(elena.curp);
  assert.equal(before.status, 404, 'not in the index before the alta');
  const started = Date.now();
  const alta = await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: elena });
  assert.equal(alta.status, 201, alta.text);
  const entry = await waitForIndex(elena.curp, `${elena.curp} at IMSS in the SSA index`, (body) => body.afiliaciones.some((a) => a.institucion === 'IMSS'));
  assert.ok(Date.now() - started < 5000);
  assert.equal(entry.curp, elena.curp);
  assert.deepEqual(
    entry.afiliaciones.map((a) => [a.institucion, a.tipo, a.estatus]),
    [['IMSS', 'TITULAR', 'VIGENTE']],
  );
  assert.deepEqual(entry.alertas, []);
});

/** The same person as `person`, affiliated at ISSSTE with ISSSTE's own number and unit. */
function atIssste(person: Beneficiario): Beneficiario {
  const issste = syntheticBeneficiario(rng.fork(`issste-${person.curp}`), { institucion: 'ISSSTE', today });
  return { ...person, afiliacion: { ...issste.afiliacion }, unidadAdscripcion: issste.unidadAdscripcion };
}

test('RN-08: the same CURP VIGENTE TITULAR at IMSS and ISSSTE is flagged DOBLE_AFILIACION', async () => {
  const fabian = syntheticBeneficiario(rng.fork('fabian'), { institucion: 'IMSS', today });
  assert.equal((await client.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: fabian })).status, 201);
  const imssOnly = await waitForIndex(fabian.curp, 'the IMSS affiliation', (b) => b.afiliaciones.length === 1);
  assert.ok(!imssOnly.alertas.includes('DOBLE_AFILIACION'), 'one contributory affiliation is no double affiliation');

  const issste = await client.send({ operation: 'alta', at: 'ISSSTE', as: 'ISSSTE', body: atIssste(fabian) });
  // RN-08 accepts and only reports.
  assert.equal(issste.status, 201, issste.text);
  const both = await waitForIndex(fabian.curp, 'DOBLE_AFILIACION for IMSS + ISSSTE', (b) => b.alertas.includes('DOBLE_AFILIACION'));
  assert.deepEqual(both.afiliaciones.map((a) => a.institucion).sort(), ['IMSS', 'ISSSTE']);
});

function evento(person: Beneficiario, institucion: Institucion): EventoIndice {
  return {
    evento: 'ALTA',
    institucion,
    curp: person.curp,
    tipo: 'TITULAR',
    estatus: 'VIGENTE',
    vigenciaInicio: person.afiliacion.vigenciaInicio,
    nombre: person.nombre,
    primerApellido: person.primerApellido,
    segundoApellido: person.segundoApellido,
    fechaNacimiento: person.fechaNacimiento,
    sexo: person.sexo,
    ocurridoEn: new Date().toISOString(),
  };
}

test('the SSA index refuses an event whose institucion is not the caller (403), and accepts its own', async () => {
  const gabriela = syntheticBeneficiario(rng.fork('gabriela'), { institucion: 'IMSS', today });
  const post = (body: EventoIndice) => raw({ method: 'POST', path: '/indice/eventos', at: 'SSA', as: 'IMSS', body: JSON.stringify(body) });

  const forged = await post(evento(gabriela, 'ISSSTE'));
  const acuse = assertRejected(forged, 'IMSS reporting for ISSSTE', 403);
  assert.equal(acuse.codigo, 'PGS-403');
  assert.equal((await consultIndex(gabriela.curp)).status, 404, 'the forged event was not applied');

  const own = await post(evento(gabriela, 'IMSS'));
  assert.equal(own.status, 202, own.text);
  const entry = await consultIndex(gabriela.curp);
  assert.deepEqual(
    entry.body?.afiliaciones.map((a) => a.institucion),
    ['IMSS'],
  );
});

test('the SSA index refuses malformed events with 400 and no token with 401', async () => {
  const post = (body: string, headers: Record<string, string | null> = {}) => raw({ method: 'POST', path: '/indice/eventos', at: 'SSA', as: 'IMSS', body, headers });
  assertRejected(await post('{"evento":'), 'malformed event', 400);
  assertRejected(await post(JSON.stringify({ ...evento(ana, 'IMSS'), extra: true })), 'unknown field in event', 400);
  assertRejected(await post(JSON.stringify(evento(ana, 'IMSS')), { authorization: null }), 'event without token', 401);
  assertRejected(await post('<evento/>', { 'content-type': 'application/xml' }), 'XML event', 415);
});

test('a deeply nested JSON body (10 kB) gets a 4xx and the node process survives', async () => {
  // In a child process: the failure mode is the death of the process hosting the nodes.
  const script = fileURLToPath(new URL('./deployment-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const started = await new Promise<{ endpoints: Record<Institucion, PgsEndpoint>; credentials: Record<Institucion, ClientSecretPair> }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`deployment did not start within 10 s: ${stderr}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as never);
        }
      });
      child.once('exit', (code) => reject(new Error(`deployment exited with ${code}: ${stderr}`)));
    });
    const remote = new PgsClient(new ExchangeJournal(), started.endpoints, started.credentials, 3000);
    const person = syntheticBeneficiario(rng.fork('hugo'), { institucion: 'IMSS', today });
    assert.equal((await remote.send({ operation: 'alta', at: 'IMSS', as: 'IMSS', body: person })).status, 201);

    const depth = 5000;
    // fetch, not sendHttp: Sello's own client journals the request body and trips over the same recursion.
    const deep = await fetch(`${started.endpoints.IMSS.baseUrl}/beneficiarios`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await remote.token('IMSS', 'IMSS')}`,
        'x-message-id': randomUUID(),
        'x-institucion': 'IMSS',
        'content-type': 'application/json',
      },
      body: '['.repeat(depth) + ']'.repeat(depth),
      signal: AbortSignal.timeout(3000),
    }).catch((e: unknown) => e);
    const after = await remote.send({ operation: 'consulta', at: 'IMSS', as: 'IMSS', curp: person.curp }).catch((e: unknown) => e);
    // A crash shows as an exit shortly after the answer went out.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cause = stderr.split('\n').find((line) => /Error/.test(line)) ?? stderr.slice(0, 200);
    assert.equal(child.exitCode, null, `the node process died (exit ${child.exitCode}): ${cause}`);
    assert.ok(!(deep instanceof Error), `deep body: ${String(deep)}`);
    assert.equal((deep as { status: number }).status, 400);
    assert.ok(!(after instanceof Error), `after: ${String(after)}`);
    assert.deepEqual((after as { body: { beneficiario: Beneficiario } }).body.beneficiario, person);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
});

test('a JSON body nested past MAX_JSON_DEPTH: 401 without a token (the contract order), 400 PGS-110 with one; the 401 is journaled without its body', async () => {
  const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
  const mark = journal.mark();
  // fetch, not sendHttp: the server journals what a peer other than Sello's client sends.
  const anonymous = await fetch(`${deployment.endpoints.IMSS.baseUrl}/beneficiarios`, {
    method: 'POST',
    headers: { 'x-message-id': randomUUID(), 'x-institucion': 'IMSS', 'content-type': 'application/json' },
    body: deep,
  });
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { acuse: Acuse }).acuse.codigo, 'PGS-401');
  const withToken = await raw({ method: 'POST', path: '/beneficiarios', body: deep });
  const acuse = assertRejected(withToken, 'deep body, token', 400);
  assert.equal(acuse.codigo, 'PGS-110');
  assert.match(acuse.errores[0]?.mensaje ?? '', /nested deeper than 100/);
  const index = await fetch(`${deployment.endpoints.SSA.baseUrl}/indice/eventos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await client.token('SSA', 'IMSS')}`, 'x-message-id': randomUUID(), 'x-institucion': 'IMSS', 'content-type': 'application/json' },
    body: deep,
  });
  assert.equal(index.status, 400, 'the central index refuses it too');
  await waitFor(() => journal.since(mark).find((e) => e.observedBy === 'server' && e.status === 401), { what: 'server entry of the 401', timeoutMs: 2000, intervalMs: 10 });
  const refused = journal.since(mark).find((e) => e.observedBy === 'server' && e.status === 401)!;
  assert.equal(refused.request.body, undefined);
  assert.match(refused.request.bodyOmitted ?? '', /authentication check/);
  const kept = journal.since(mark).find((e) => e.observedBy === 'server' && e.status === 400 && e.to === 'SSA');
  assert.equal(typeof kept?.request.body, 'string', 'a too-deep body is journaled as its text, never parsed');
});
