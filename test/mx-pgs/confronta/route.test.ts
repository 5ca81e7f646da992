import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { checkResponse } from '../../../programs/mx-pgs/judges/contract-checks.ts';
import { type ConfrontaReply, readAll, sendConfronta } from '../../../programs/mx-pgs/lib/confronta/client.ts';
import { formatPadronLine, headerLine, PADRON_LAYOUT, type PadronLinea, parseResultado, parseResumen, type ResultadoLinea } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { PgsClient } from '../../../programs/mx-pgs/lib/pgs-client.ts';
import { syntheticBeneficiario } from '../../../programs/mx-pgs/lib/synthetic.ts';
import type { Beneficiario, Institucion, TipoAfiliacion } from '../../../programs/mx-pgs/lib/types.ts';
import { type PgsDeployment, startPgsDeployment } from '../../../programs/mx-pgs/reference/deployment.ts';
import { SeededRandom } from '../../../src/identifiers/mx/index.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import { todayInMexico } from '../../../src/util/dates.ts';
import { waitFor } from '../../../src/util/wait.ts';

const journal = new ExchangeJournal();
const today = todayInMexico();
const rng = new SeededRandom('confronta-route');
let deployment: PgsDeployment;
let client: PgsClient;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

before(async () => {
  process.on('uncaughtException', onUncaught);
  deployment = await startPgsDeployment({ journal });
  client = new PgsClient(journal, deployment.endpoints, deployment.credentials);
});

after(async () => {
  await deployment.stop();
  process.off('uncaughtException', onUncaught);
  assert.deepEqual(uncaught, [], 'nothing the route did escaped as an uncaught exception (journal included)');
});

function record(alias: string, institucion: Institucion, tipo: TipoAfiliacion = 'TITULAR', titularCurp?: string): Beneficiario {
  return syntheticBeneficiario(rng.fork(alias), { institucion, tipo, today, ...(titularCurp ? { titularCurp } : {}) });
}

/** Registers through the online API, then waits for the central index to hear of it (RN-09 is asynchronous). */
async function alta(at: Institucion, body: Beneficiario): Promise<void> {
  const result = await client.send({ operation: 'alta', at, as: at, body });
  assert.equal(result.status, 201, JSON.stringify(result.body));
  await waitFor(() => (deployment.local.SSA?.index?.consult(body.curp)?.afiliaciones.some((a) => a.institucion === at) ? true : undefined), {
    what: `${body.curp} at ${at} in the index`,
    timeoutMs: 5000,
    intervalMs: 20,
  });
}

function lineOf(b: Beneficiario, institucion: Institucion, overrides: Partial<PadronLinea> = {}): string {
  return formatPadronLine({
    curp: b.curp,
    nombre: b.nombre,
    primerApellido: b.primerApellido,
    segundoApellido: b.segundoApellido,
    fechaNacimiento: b.fechaNacimiento,
    sexo: b.sexo,
    institucion,
    numerosAfiliacion: ['IS00000001'],
    tipo: 'TITULAR',
    estatus: 'VIGENTE',
    vigenciaInicio: '2020-01-01',
    ...overrides,
  });
}

async function upload(as: Institucion, body: string | Readable, extra: { contentType?: string; token?: boolean; gzip?: boolean } = {}): Promise<ConfrontaReply> {
  return sendConfronta({
    baseUrl: deployment.endpoints.SSA.baseUrl,
    institucion: as,
    body,
    journal,
    from: `sello:${as}`,
    to: 'SSA',
    ...(extra.token === false ? {} : { token: await client.token('SSA', as) }),
    ...(extra.contentType ? { contentType: extra.contentType } : {}),
    ...(extra.gzip ? { gzip: true } : {}),
  });
}

async function resultRows(reply: ConfrontaReply): Promise<ResultadoLinea[]> {
  const rows: ResultadoLinea[] = [];
  for await (const item of parseResultado(reply.body)) {
    if (item.type === 'header') assert.deepEqual(item.findings, [], 'the result file has its header row');
    else if (item.type === 'row') rows.push(item.record);
    else assert.fail(`unreadable result line ${item.line}: ${JSON.stringify(item.findings)}`);
  }
  return rows;
}

test('ISSSTE uploads its padrón: each RESULTADO on the right person, clean lines unanswered, RESUMEN counts every line', async () => {
  const ana = record('ana', 'IMSS');
  const beto = record('beto', 'SSA');
  const carla = record('carla', 'IMSS');
  const dora = { ...record('dora', 'ISSSTE'), primerApellido: 'MUÑOZ', segundoApellido: 'NÚÑEZ' };
  const nuevo = record('nuevo', 'ISSSTE');
  await Promise.all([alta('IMSS', ana), alta('SSA', beto), alta('IMSS', carla), alta('ISSSTE', dora)]);

  const badCurp = nuevo.curp.slice(0, 17) + String((Number(nuevo.curp[17]) + 5) % 10);
  const file = [
    headerLine(PADRON_LAYOUT),
    lineOf(ana, 'ISSSTE'),
    lineOf(beto, 'ISSSTE', { tipo: 'BENEFICIARIO' }),
    lineOf(carla, 'ISSSTE', { tipo: 'BENEFICIARIO', nombre: `${carla.nombre} DE JESUS` }),
    lineOf(dora, 'ISSSTE', { numerosAfiliacion: ['IS00000009', 'IS00000002'] }),
    lineOf(nuevo, 'ISSSTE'),
    lineOf(nuevo, 'ISSSTE', { curp: badCurp }),
    `${nuevo.curp}|sin|campos`,
  ].join('\r\n');

  const reply = await upload('ISSSTE', file);
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['content-type'], 'text/plain; charset=ISO-8859-1');
  assert.equal(reply.headers['x-message-id'], reply.messageId);
  const rows = await resultRows(reply);
  assert.deepEqual(
    rows.map((r) => [r.curp, r.resultados.join('&')]),
    [
      [ana.curp, 'DOBLE_AFILIACION'],
      [beto.curp, 'DUPLICIDAD_SSA'],
      [carla.curp, 'MISMA_CURP_DATOS_DISTINTOS'],
      [badCurp, 'CURP_INVALIDA'],
      [nuevo.curp, 'FORMATO_INVALIDO'],
      ['', 'RESUMEN'],
    ],
  );
  assert.equal(rows[0]?.detalles[0], 'linea 2: TITULAR VIGENTE en IMSS y ISSSTE');
  assert.equal(rows[2]?.detalles[0], `linea 4: IMSS registra NOMBRE=${carla.nombre}`);
  assert.deepEqual(parseResumen(rows.at(-1)?.detalles ?? []), {
    LINEAS: 7,
    SIN_HALLAZGOS: 2,
    CON_HALLAZGOS: 5,
    CURP_GENERICA: 0,
    FORMATO_INVALIDO: 1,
    CURP_INVALIDA: 1,
    DOBLE_AFILIACION: 1,
    DUPLICIDAD_SSA: 1,
    MISMA_CURP_DATOS_DISTINTOS: 1,
  });

  // The evidence is a summary on both sides, never the stream objects.
  await waitFor(() => journal.all().find((e) => e.observedBy === 'server' && e.messageId === reply.messageId), { what: 'server journal entry', timeoutMs: 2000, intervalMs: 10 });
  const server = journal.all().find((e) => e.observedBy === 'server' && e.messageId === reply.messageId);
  assert.deepEqual(server?.request.body, { confronta: 'padrón ISO-8859-1', bytesLeidos: Buffer.byteLength(file, 'latin1') });
  assert.equal((server?.response?.body as { resumen: { lineas: number } } | undefined)?.resumen.lineas, 7);
  const own = journal.all().find((e) => e.observedBy === 'client' && e.messageId === reply.messageId);
  assert.match(String(own?.response?.body), /^CURP\|RESULTADO\|DETALLE\r\n/);
});

test('the index answer keeps its contract after the index started keeping names (consulta-indice schema)', async () => {
  const eva = record('eva', 'IMSS');
  await alta('IMSS', eva);
  const result = await client.send({ operation: 'consulta-indice', at: 'SSA', as: 'SSA', curp: eva.curp });
  assert.equal(result.status, 200);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(deployment.local.SSA?.index?.personas(eva.curp)?.get('IMSS'), {
    nombre: eva.nombre,
    primerApellido: eva.primerApellido,
    segundoApellido: eva.segundoApellido,
    fechaNacimiento: eva.fechaNacimiento,
  });
});

async function acuseReply(reply: ConfrontaReply) {
  const text = await readAll(reply);
  const body = JSON.parse(text) as { acuse: { codigo: string; estatus: string; errores: { regla: string; campo: string; mensaje: string }[] } };
  assert.deepEqual(checkResponse({ status: reply.status, body, text, kind: 'acuse', sentMessageId: reply.messageId }), [], 'a valid, echoed acuse');
  assert.equal(reply.headers['x-message-id'], reply.messageId);
  return body.acuse;
}

test('a wrong header row is refused with 400 and a PGS-110 acuse naming the column', async () => {
  const reply = await upload('ISSSTE', `${headerLine(PADRON_LAYOUT).replace('NOMBRE', 'NOMBRES')}\r\nX|Y\r\n`);
  assert.equal(reply.status, 400);
  const acuse = await acuseReply(reply);
  assert.equal(acuse.codigo, 'PGS-110');
  assert.deepEqual(
    acuse.errores.map((e) => [e.regla, e.campo]),
    [['RN-10', 'linea 1, campo NOMBRE']],
  );
  assert.match(acuse.errores[0]?.mensaje ?? '', /se esperaba NOMBRE \(CONFRONTA-FORMAT\)$/);
});

test('an empty upload is refused the same way', async () => {
  const reply = await upload('ISSSTE', '');
  assert.equal(reply.status, 400);
  assert.match((await acuseReply(reply)).errores[0]?.mensaje ?? '', /archivo vacío/);
});

test('a 5 MB upload with a wrong header: the rest is read and dropped, and the 400 arrives intact', async () => {
  const filler = `${'A|'.repeat(11)}A\r\n`;
  const body = Readable.from(
    (function* () {
      yield Buffer.from('NOT|A|PADRON\r\n', 'latin1');
      for (let i = 0; i < 200; i++) yield Buffer.from(filler.repeat(1000), 'latin1');
    })(),
  );
  const reply = await upload('ISSSTE', body);
  assert.equal(reply.status, 400);
  assert.equal((await acuseReply(reply)).codigo, 'PGS-110');
});

test('no token: 401 PGS-401; another charset: 400 PGS-110; another media type: 415', async () => {
  const file = `${headerLine(PADRON_LAYOUT)}\r\n`;
  const noToken = await upload('ISSSTE', file, { token: false });
  assert.equal(noToken.status, 401);
  assert.equal((await acuseReply(noToken)).codigo, 'PGS-401');

  const utf8 = await upload('ISSSTE', file, { contentType: 'text/plain; charset=UTF-8' });
  assert.equal(utf8.status, 400);
  const acuse = await acuseReply(utf8);
  assert.deepEqual([acuse.codigo, acuse.errores[0]?.campo], ['PGS-110', 'header:Content-Type']);

  const json = await upload('ISSSTE', file, { contentType: 'application/json' });
  assert.equal(json.status, 415);
  assert.equal(JSON.parse(await readAll(json)).acuse.codigo, 'PGS-110');
});

test('a header-only file is a valid, empty padrón: 200 and a RESUMEN of zero lines', async () => {
  const reply = await upload('IMSS', `${headerLine(PADRON_LAYOUT)}\n`);
  assert.equal(reply.status, 200);
  const rows = await resultRows(reply);
  assert.deepEqual(
    rows.map((r) => r.resultados),
    [['RESUMEN']],
  );
  assert.equal(parseResumen(rows[0]?.detalles ?? []).LINEAS, 0);
});

test('a gzip-compressed upload (Content-Encoding: gzip) is read as the plain file', async () => {
  const gil = record('gil', 'ISSSTE');
  const reply = await upload('ISSSTE', `${headerLine(PADRON_LAYOUT)}\r\n${lineOf(gil, 'ISSSTE', { curp: 'NOT-A-CURP' })}\r\n${lineOf(gil, 'ISSSTE')}\r\n`, { gzip: true });
  assert.equal(reply.status, 200);
  const rows = await resultRows(reply);
  assert.deepEqual(
    rows.map((r) => [r.curp, r.resultados[0]]),
    [
      ['NOT-A-CURP', 'CURP_INVALIDA'],
      ['', 'RESUMEN'],
    ],
  );
  assert.equal(parseResumen(rows[1]?.detalles ?? []).LINEAS, 2);
});
