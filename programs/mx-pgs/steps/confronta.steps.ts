import { Then, When } from '@cucumber/cucumber';
import { requestMsOf } from '../../../src/cucumber/timeouts.ts';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { curpCheckDigit } from '../../../src/identifiers/mx/index.ts';
import { WaitTimeoutError, waitFor } from '../../../src/util/wait.ts';
import { readAll, sendConfronta } from '../lib/confronta/client.ts';
import { formatPadronLine, headerLine, PADRON_LAYOUT, type PadronLinea, parseResultado, parseResumen, type ResultadoLinea } from '../lib/confronta/format.ts';
import { type Acuse, type Beneficiario, INSTITUCIONES, type Institucion, type TipoAfiliacion } from '../lib/types.ts';
import { journal, type PgsScenario, pgs } from './pgs-context.ts';

interface ConfrontaOutcome {
  status: number;
  /** Data lines sent (the header apart). */
  lines: number;
  rows: ResultadoLinea[];
  resumen?: Record<string, number>;
  acuse?: Acuse;
  invalidCurp?: string;
}

const outcomes = new WeakMap<SelloWorld, ConfrontaOutcome>();

function outcome(world: SelloWorld): ConfrontaOutcome {
  const result = outcomes.get(world);
  if (!result) throw new Error('no confronta has been sent in this scenario yet');
  return result;
}

const problem = (ruleId: string, location: string, es: string, en: string): Finding => ({
  ruleId,
  severity: 'error',
  code: 'business-rule',
  location,
  locationKind: 'hl7v2',
  message: { es, en },
});

function lineFor(record: Beneficiario, institucion: Institucion, tipo: TipoAfiliacion, overrides: Partial<PadronLinea> = {}): string {
  return formatPadronLine({
    curp: record.curp,
    nombre: record.nombre,
    primerApellido: record.primerApellido,
    segundoApellido: record.segundoApellido,
    fechaNacimiento: record.fechaNacimiento,
    sexo: record.sexo,
    institucion,
    numerosAfiliacion: [record.afiliacion.numeroAfiliacion],
    tipo,
    estatus: 'VIGENTE',
    vigenciaInicio: record.afiliacion.vigenciaInicio,
    ...overrides,
  });
}

/**
 * The confronta is judged against the index, which hears of altas asynchronously (RN-09): first wait until the
 * index shows every registration the scenario made for these people, so a late index is reported as RN-09 and
 * not mistaken for a wrong confronta.
 */
async function awaitIndex(world: SelloWorld, context: PgsScenario, aliases: readonly string[]): Promise<void> {
  for (const alias of aliases) {
    const curp = context.curpOf(alias);
    const expected = INSTITUCIONES.filter((inst) => context.storedRecord(inst, alias));
    if (expected.length === 0) continue;
    try {
      await waitFor(
        async () => {
          const result = await context.request({ operation: 'consulta-indice', at: 'SSA', as: 'SSA', curp });
          world.report(result.findings);
          const seen = result.status === 200 ? ((result.body as { afiliaciones?: { institucion: Institucion }[] }).afiliaciones ?? []).map((a) => a.institucion) : [];
          return expected.every((inst) => seen.includes(inst)) ? true : { pending: `afiliaciones ${JSON.stringify(seen)}` };
        },
        { what: `${curp} at ${expected.join(', ')} in the central index`, timeoutMs: context.propagationMs },
      );
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      world.report([
        problem(
          'RN-09',
          '/afiliaciones',
          `El índice central no registró a ${curp} en ${expected.join(', ')} antes de la confronta: ${error.message}`,
          `The central index did not show ${curp} at ${expected.join(', ')} before the confronta: ${error.message}`,
        ),
      ]);
    }
  }
}

async function send(world: SelloWorld, as: Institucion, at: Institucion, lines: string[], header = headerLine(PADRON_LAYOUT), extra: Partial<ConfrontaOutcome> = {}): Promise<void> {
  const context = pgs(world);
  const reply = await sendConfronta({
    baseUrl: context.deployment.endpoints[at].baseUrl,
    token: await context.client.token(at, as),
    institucion: as,
    messageId: context.nextMessageId(),
    body: [header, ...lines].join('\r\n') + '\r\n',
    journal,
    from: `sello:${as}`,
    to: at,
    idleTimeoutMs: requestMsOf(world.run),
  });
  const result: ConfrontaOutcome = { status: reply.status, lines: lines.length, rows: [], ...extra };
  const headerEchoed = reply.headers['x-message-id'] === reply.messageId;
  const echoMissing = () =>
    world.report([
      problem('PGS-API-02', 'header:X-Message-Id', `La confronta no devuelve el X-Message-Id enviado (${reply.messageId})`, `The confronta does not echo the X-Message-Id sent (${reply.messageId})`),
    ]);
  if (reply.status === 200) {
    // The result file has no acuse: the header is the only place the echo can be.
    if (!headerEchoed) echoMissing();
    for await (const item of parseResultado(reply.body)) {
      if (item.type === 'row') result.rows.push(item.record);
      else if (item.findings.length > 0) {
        world.report(
          item.findings.map((f) => ({
            ...f,
            ruleId: world.primaryRequirement,
            message: { ...f.message, en: `result file: ${f.message.en}`, es: `archivo de resultado: ${f.message.es ?? f.message.en}` },
          })),
        );
      }
    }
    const trailer = result.rows.at(-1);
    if (trailer?.resultados[0] === 'RESUMEN') result.resumen = parseResumen(trailer.detalles);
  } else {
    try {
      result.acuse = (JSON.parse(await readAll(reply)) as { acuse?: Acuse }).acuse;
    } catch {
      // No acuse: the step that judges the answer says so.
    }
    // A refusal is an acuse, which echoes the message id itself; the header echo is then optional.
    if (!headerEchoed && result.acuse?.messageId !== reply.messageId) echoMissing();
  }
  outcomes.set(world, result);
}

When('{institucion} envía a {institucion} una confronta con {string} como titular vigente', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  await awaitIndex(this, context, [alias]);
  await send(this, as, at, [lineFor(context.recordFor(alias, as), as, 'TITULAR')]);
});

When('{institucion} envía a {institucion} una confronta con {string} como titular vigente y una CURP inválida', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  await awaitIndex(this, context, [alias]);
  const other = context.recordFor('confronta: CURP inválida', as);
  const right = curpCheckDigit(other.curp.slice(0, 17));
  const invalidCurp = other.curp.slice(0, 17) + String((Number(right) + 1) % 10);
  await send(this, as, at, [lineFor(context.recordFor(alias, as), as, 'TITULAR'), lineFor(other, as, 'TITULAR', { curp: invalidCurp })], undefined, { invalidCurp });
});

When('{institucion} envía a {institucion} una confronta con {string} como beneficiario vigente con otro nombre', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  await awaitIndex(this, context, [alias]);
  const record = context.recordFor(alias, as);
  await send(this, as, at, [lineFor(record, as, 'BENEFICIARIO', { nombre: `${record.nombre} DE LOS ANGELES` })]);
});

When('{institucion} envía a {institucion} una confronta con el encabezado {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, header: string) {
  const context = pgs(this);
  await send(this, as, at, [lineFor(context.recordFor('confronta: encabezado', as), as, 'TITULAR')], header);
});

function rowsOf(world: SelloWorld, curp: string): ResultadoLinea[] {
  const result = outcome(world);
  if (result.status !== 200) {
    world.report([
      problem(
        world.primaryRequirement,
        '',
        `La confronta respondió HTTP ${result.status} ${result.acuse?.codigo ?? ''}; se esperaba 200 con el archivo de resultado`,
        `The confronta answered HTTP ${result.status} ${result.acuse?.codigo ?? ''}; expected 200 with the result file`,
      ),
    ]);
  }
  return result.rows.filter((r) => r.curp === curp);
}

function expectMarked(world: SelloWorld, curp: string, who: string, resultado: string, marked: boolean): void {
  const rows = rowsOf(world, curp);
  const found = rows.some((r) => r.resultados.includes(resultado));
  if (found === marked) return;
  const seen = rows.map((r) => r.resultados.join('&')).join(', ') || 'ninguna fila';
  world.report([
    problem(
      world.primaryRequirement,
      `resultado, CURP ${curp}`,
      marked ? `La confronta no marca a ${who} (${curp}) con ${resultado}; filas: ${seen}` : `La confronta marca indebidamente a ${who} (${curp}) con ${resultado}`,
      marked ? `The confronta does not flag ${who} (${curp}) with ${resultado}; rows: ${seen}` : `The confronta wrongly flags ${who} (${curp}) with ${resultado}`,
    ),
  ]);
}

Then('el resultado de la confronta marca a {string} con {string}', function (this: SelloWorld, alias: string, resultado: string) {
  expectMarked(this, pgs(this).curpOf(alias), `"${alias}"`, resultado, true);
});

Then('no marca a {string} con {string}', function (this: SelloWorld, alias: string, resultado: string) {
  expectMarked(this, pgs(this).curpOf(alias), `"${alias}"`, resultado, false);
});

Then('marca la CURP inválida con {string}', function (this: SelloWorld, resultado: string) {
  const curp = outcome(this).invalidCurp;
  if (!curp) throw new Error('this scenario sent no invalid CURP');
  expectMarked(this, curp, 'la CURP inválida', resultado, true);
});

Then('la confronta responde por todas las líneas', function (this: SelloWorld) {
  const result = outcome(this);
  const resumen = result.resumen;
  const perLine = result.rows.filter((r) => r.detalles[0]?.startsWith('linea ')).length;
  if (!resumen) {
    this.report([
      problem(this.primaryRequirement, 'RESUMEN', 'El archivo de resultado no termina con la fila RESUMEN: está incompleto', 'The result file does not end with the RESUMEN row: it is incomplete'),
    ]);
    return;
  }
  if (resumen.LINEAS !== result.lines || perLine + (resumen.SIN_HALLAZGOS ?? NaN) !== result.lines) {
    this.report([
      problem(
        this.primaryRequirement,
        'RESUMEN',
        `Se enviaron ${result.lines} líneas; RESUMEN dice LINEAS=${resumen.LINEAS}, SIN_HALLAZGOS=${resumen.SIN_HALLAZGOS} y hay ${perLine} filas`,
        `${result.lines} lines were sent; RESUMEN says LINEAS=${resumen.LINEAS}, SIN_HALLAZGOS=${resumen.SIN_HALLAZGOS} and there are ${perLine} rows`,
      ),
    ]);
  }
});

Then('{institucion} rechaza la confronta con código {string}', function (this: SelloWorld, _at: Institucion, codigo: string) {
  const result = outcome(this);
  if (result.status === 400 && result.acuse?.estatus === 'RECHAZADO' && result.acuse.codigo === codigo) return;
  this.report([
    problem(
      'RN-10',
      '/acuse',
      `Se esperaba HTTP 400 con acuse RECHAZADO ${codigo}; llegó HTTP ${result.status} ${result.acuse ? `${result.acuse.estatus} ${result.acuse.codigo}` : 'sin acuse'}`,
      `Expected HTTP 400 with a RECHAZADO ${codigo} acuse; got HTTP ${result.status} ${result.acuse ? `${result.acuse.estatus} ${result.acuse.codigo}` : 'without an acuse'}`,
    ),
  ]);
});
