import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { curpCheckDigit, parseCurp } from '../../../src/identifiers/mx/index.ts';
import { checkAcuse, refusingRule } from '../judges/expectations.ts';
import { resolveDateToken, setField } from '../lib/record-edits.ts';
import { reissuedCurp } from '../lib/synthetic.ts';
import type { Beneficiario, Institucion } from '../lib/types.ts';
import { pgs } from './pgs-context.ts';

async function alta(world: SelloWorld, at: Institucion, alias: string, record: Beneficiario, as: Institucion = at) {
  return pgs(world).send({ operation: 'alta', at, as, body: record }, { alias, record });
}

/** Preconditions must hold: a SUT that refuses a valid alta fails here, with the rule it wrongly applied. */
function requireAccepted(world: SelloWorld): void {
  const result = pgs(world).lastResult();
  world.report(checkAcuse(result, { estatus: 'ACEPTADO' }, refusingRule(result, 'PGS-API-05')));
}

Given('que {institucion} tiene vigente al titular {string}', async function (this: SelloWorld, at: Institucion, alias: string) {
  await alta(this, at, alias, pgs(this).recordFor(alias, at));
  requireAccepted(this);
});

Given(
  'que {institucion} tiene vigente a {string} como beneficiario de {string} con parentesco {string}',
  async function (this: SelloWorld, at: Institucion, alias: string, titular: string, parentesco: string) {
    await alta(this, at, alias, pgs(this).recordFor(alias, at, 'BENEFICIARIO', titular, parentesco));
    requireAccepted(this);
  },
);

Given('que {institucion} dio de baja a {string}', async function (this: SelloWorld, at: Institucion, alias: string) {
  await baja(this, at, alias);
  requireAccepted(this);
});

Given('que {institucion} suspendió a {string}', async function (this: SelloWorld, at: Institucion, alias: string) {
  const context = pgs(this);
  const record = structuredClone(context.storedRecord(at, alias) ?? context.recordFor(alias, at));
  record.afiliacion.estatus = 'SUSPENDIDO';
  await context.send({ operation: 'actualizacion', at, as: at, curp: record.curp, body: record }, { alias, record });
  requireAccepted(this);
});

When('{institucion} da de alta a {string} como titular', async function (this: SelloWorld, at: Institucion, alias: string) {
  await alta(this, at, alias, pgs(this).recordFor(alias, at));
});

When('{institucion} da de alta a {string} como titular con:', async function (this: SelloWorld, at: Institucion, alias: string, table: DataTable) {
  const context = pgs(this);
  const record = context.recordFor(alias, at);
  for (const [campo, valor] of table.rows()) setField(record, campo!, valor!, context.today);
  await alta(this, at, alias, record);
});

When(
  '{institucion} da de alta a {string} como beneficiario de {string} con parentesco {string}',
  async function (this: SelloWorld, at: Institucion, alias: string, titular: string, parentesco: string) {
    await alta(this, at, alias, pgs(this).recordFor(alias, at, 'BENEFICIARIO', titular, parentesco));
  },
);

When('{institucion} da de alta a {string} como beneficiario de {string} con:', async function (this: SelloWorld, at: Institucion, alias: string, titular: string, table: DataTable) {
  const context = pgs(this);
  const record = context.recordFor(alias, at, 'BENEFICIARIO', titular);
  for (const [campo, valor] of table.rows()) setField(record, campo!, valor!, context.today);
  await alta(this, at, alias, record);
});

When('{institucion} da de alta a {string} con la CURP {string}', async function (this: SelloWorld, at: Institucion, alias: string, curp: string) {
  const record = pgs(this).recordFor(alias, at);
  record.curp = curp;
  // Birth date, sex and state follow the CURP when it can be read, so only RN-01 is at stake.
  const parsed = parseCurp(curp);
  if (parsed) Object.assign(record, { fechaNacimiento: parsed.fechaNacimiento, sexo: parsed.sexo, entidadNacimiento: parsed.entidad });
  await alta(this, at, alias, record);
});

When('{institucion} da de alta a {string} con el dígito verificador de la CURP alterado', async function (this: SelloWorld, at: Institucion, alias: string) {
  const record = pgs(this).recordFor(alias, at);
  const right = curpCheckDigit(record.curp.slice(0, 17));
  record.curp = record.curp.slice(0, 17) + String((Number(right) + 1) % 10);
  await alta(this, at, alias, record);
});

When('{institucion} da de alta a {string} con el NSS de {string}', async function (this: SelloWorld, at: Institucion, alias: string, other: string) {
  const context = pgs(this);
  const record = context.recordFor(alias, at);
  record.afiliacion.numeroAfiliacion = context.storedRecord(at, other)?.afiliacion.numeroAfiliacion ?? context.recordFor(other, at).afiliacion.numeroAfiliacion;
  await alta(this, at, alias, record);
});

When('{institucion} actualiza a {string} con:', async function (this: SelloWorld, at: Institucion, alias: string, table: DataTable) {
  const context = pgs(this);
  const record = structuredClone(context.storedRecord(at, alias) ?? context.recordFor(alias, at));
  const pathCurp = record.curp;
  for (const [campo, valor] of table.rows()) setField(record, campo!, valor!, context.today);
  await context.send({ operation: 'actualizacion', at, as: at, curp: pathCurp, body: record }, { alias, record });
});

When('{institucion} actualiza a {string} con otra CURP en el cuerpo', async function (this: SelloWorld, at: Institucion, alias: string) {
  const context = pgs(this);
  const record = structuredClone(context.storedRecord(at, alias) ?? context.recordFor(alias, at));
  const pathCurp = record.curp;
  record.curp = reissuedCurp(record.curp);
  await context.send({ operation: 'actualizacion', at, as: at, curp: pathCurp, body: record });
});

async function baja(world: SelloWorld, at: Institucion, alias: string) {
  const context = pgs(world);
  return context.send({ operation: 'baja', at, as: at, curp: context.curpOf(alias), body: { motivo: 'DEFUNCION', fechaBaja: context.today } });
}

When('{institucion} da de baja a {string}', async function (this: SelloWorld, at: Institucion, alias: string) {
  await baja(this, at, alias);
});

When('{institucion} da de baja a {string} con fecha {string}', async function (this: SelloWorld, at: Institucion, alias: string, fecha: string) {
  const context = pgs(this);
  await context.send({ operation: 'baja', at, as: at, curp: context.curpOf(alias), body: { motivo: 'DEFUNCION', fechaBaja: resolveDateToken(fecha, context.today) } });
});

When('{institucion} da de baja a {string} por {string}', async function (this: SelloWorld, at: Institucion, alias: string, motivo: string) {
  const context = pgs(this);
  await context.send({ operation: 'baja', at, as: at, curp: context.curpOf(alias), body: { motivo, fechaBaja: context.today } });
});

When('RENAPO asigna a {string} una nueva CURP y {institucion} la registra con la CURP anterior', async function (this: SelloWorld, alias: string, at: Institucion) {
  const context = pgs(this);
  const previous = context.storedRecord(at, alias) ?? context.recordFor(alias, at);
  await context.send({ operation: 'baja', at, as: at, curp: previous.curp, body: { motivo: 'CAMBIO_CURP', fechaBaja: context.today } });
  requireAccepted(this);
  const renewed = structuredClone(previous);
  renewed.curpAnterior = previous.curp;
  renewed.curp = reissuedCurp(previous.curp);
  context.reassignCurp(alias, renewed.curp);
  renewed.afiliacion.estatus = 'VIGENTE';
  await alta(this, at, alias, renewed);
});

When('{institucion} consulta en {institucion} la CURP de {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  await context.send({ operation: 'consulta', at, as, curp: context.curpOf(alias) });
});

When('{institucion} consulta en {institucion} la CURP {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, curp: string) {
  await pgs(this).send({ operation: 'consulta', at, as, curp });
});

When('{institucion} busca en {institucion} por primer apellido y fecha de nacimiento de {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  const person = context.identity(alias);
  await context.send({ operation: 'busqueda', at, as, query: { apellido1: person.primerApellido, fechaNacimiento: person.fechaNacimiento } });
});

When('{institucion} busca en {institucion} por la CURP de {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  await context.send({ operation: 'busqueda', at, as, query: { curp: context.curpOf(alias) } });
});

When(
  '{institucion} busca en {institucion} por el primer apellido de {string} y la fecha de nacimiento de {string}',
  async function (this: SelloWorld, as: Institucion, at: Institucion, a: string, b: string) {
    const context = pgs(this);
    await context.send({ operation: 'busqueda', at, as, query: { apellido1: context.identity(a).primerApellido, fechaNacimiento: context.identity(b).fechaNacimiento } });
  },
);

When('{institucion} busca en {institucion} sin criterios', async function (this: SelloWorld, as: Institucion, at: Institucion) {
  await pgs(this).send({ operation: 'busqueda', at, as, query: {} });
});

When('{institucion} busca en {institucion} por el NSS de {string}', async function (this: SelloWorld, as: Institucion, at: Institucion, alias: string) {
  const context = pgs(this);
  const nss = context.storedRecord(at, alias)?.afiliacion.numeroAfiliacion ?? '';
  await context.send({ operation: 'busqueda', at, as, query: { nss } });
});

Then('la consulta devuelve a {string} con estatus {string}', function (this: SelloWorld, alias: string, estatus: string) {
  const context = pgs(this);
  const result = context.lastResult();
  this.report(checkAcuse(result, { estatus: 'ACEPTADO' }, refusingRule(result, this.primaryRequirement)));
  const record = (result.body as { beneficiario?: Beneficiario }).beneficiario;
  const problems = [];
  if (record?.curp !== context.curpOf(alias)) problems.push(`curp ${String(record?.curp)} ≠ ${context.curpOf(alias)}`);
  if (record?.afiliacion?.estatus !== estatus) problems.push(`estatus ${String(record?.afiliacion?.estatus)} ≠ ${estatus}`);
  const stored = context.storedRecord(result.call.at, alias);
  if (record?.afiliacion && stored && !sameRecord(record, stored)) problems.push('datos distintos de los registrados / data differs from what was registered');
  if (problems.length > 0) {
    this.report([
      {
        ruleId: this.primaryRequirement,
        severity: 'error',
        code: 'value',
        location: '/beneficiario',
        locationKind: 'json-pointer',
        message: { es: `La consulta no devuelve lo registrado: ${problems.join('; ')}`, en: `The query does not return what was registered: ${problems.join('; ')}` },
      },
    ]);
  }
});

/**
 * A node under test may hold records Sello did not register (a vendor's test data, earlier runs): "exactly" means the
 * person is there and every record returned meets every criterion (v1.1: criteria combine with AND), not that Sello's
 * person is the only one in the register.
 */
const CRITERION_FIELD: Record<string, (record: Beneficiario) => string | undefined> = {
  curp: (r) => r.curp,
  nss: (r) => r.afiliacion?.numeroAfiliacion,
  apellido1: (r) => r.primerApellido,
  fechaNacimiento: (r) => r.fechaNacimiento,
};

function outsideCriteria(records: readonly Beneficiario[], query: Record<string, string> = {}): string[] {
  return records.filter((record) => Object.entries(query).some(([name, value]) => CRITERION_FIELD[name] && CRITERION_FIELD[name](record) !== value)).map((record) => record.curp);
}

Then('la búsqueda devuelve exactamente a {string}', function (this: SelloWorld, alias: string) {
  const context = pgs(this);
  const result = context.lastResult();
  this.report(checkAcuse(result, { estatus: 'ACEPTADO' }, refusingRule(result, this.primaryRequirement)));
  const records = (result.body as { resultados?: Beneficiario[] }).resultados ?? [];
  const curps = records.map((r) => r.curp);
  const stray = outsideCriteria(records, result.call.query);
  if (!curps.includes(context.curpOf(alias)) || stray.length > 0) {
    this.report([
      {
        ruleId: this.primaryRequirement,
        severity: 'error',
        code: 'value',
        location: '/resultados',
        locationKind: 'json-pointer',
        message: {
          es: `Se esperaba ${context.curpOf(alias)} y solo registros que cumplan todos los criterios; llegaron ${curps.length}: ${curps.join(', ') || '—'}${stray.length ? ` (fuera de los criterios: ${stray.join(', ')})` : ''}`,
          en: `Expected ${context.curpOf(alias)} and only records meeting every criterion; got ${curps.length}: ${curps.join(', ') || '—'}${stray.length ? ` (outside the criteria: ${stray.join(', ')})` : ''}`,
        },
      },
    ]);
  }
});

/** "Nothing already stored is lost": after a rejected or malformed message the earlier record is intact. */
Then('la búsqueda devuelve a {string} con estatus {string}', function (this: SelloWorld, alias: string, estatus: string) {
  const context = pgs(this);
  const result = context.lastResult();
  this.report(checkAcuse(result, { estatus: 'ACEPTADO' }, refusingRule(result, this.primaryRequirement)));
  const found = ((result.body as { resultados?: Beneficiario[] }).resultados ?? []).filter((r) => r.curp === context.curpOf(alias));
  if (found.length !== 1 || found[0]?.afiliacion?.estatus !== estatus) {
    this.report([
      {
        ruleId: this.primaryRequirement,
        severity: 'error',
        code: 'value',
        location: '/resultados',
        locationKind: 'json-pointer',
        message: {
          es: `La búsqueda debía devolver a ${context.curpOf(alias)} con estatus ${estatus} (se devuelven registros de todo estatus); llegaron ${found.length} con estatus ${found.map((r) => r.afiliacion?.estatus).join(', ') || '—'}`,
          en: `The search had to return ${context.curpOf(alias)} with status ${estatus} (records of any status are returned); got ${found.length} with status ${found.map((r) => r.afiliacion?.estatus).join(', ') || '—'}`,
        },
      },
    ]);
  }
});

Then('la búsqueda no devuelve a nadie', function (this: SelloWorld) {
  const result = pgs(this).lastResult();
  this.report(checkAcuse(result, { estatus: 'ACEPTADO' }, refusingRule(result, this.primaryRequirement)));
  // Nobody Sello registered meets both criteria; records of others may, but none may miss one (AND, not OR).
  const records = (result.body as { resultados?: Beneficiario[] }).resultados ?? [];
  const stray = outsideCriteria(records, result.call.query);
  if (stray.length > 0) {
    this.report([
      {
        ruleId: this.primaryRequirement,
        severity: 'error',
        code: 'value',
        location: '/resultados',
        locationKind: 'json-pointer',
        message: {
          es: `Los criterios se combinan con Y, y llegaron ${stray.length} registros que no los cumplen todos: ${stray.join(', ')}`,
          en: `Criteria combine with AND, yet ${stray.length} records that do not meet them all came back: ${stray.join(', ')}`,
        },
      },
    ]);
  }
});

/** The record a node returns is the one it accepted; its estatus (and the end of coverage a baja sets) may have moved. */
function sameRecord(returned: Beneficiario, stored: Beneficiario): boolean {
  const moved = { estatus: returned.afiliacion.estatus, ...(returned.afiliacion.estatus === 'BAJA' ? { vigenciaFin: returned.afiliacion.vigenciaFin } : {}) };
  return JSON.stringify(sortKeys(returned)) === JSON.stringify(sortKeys({ ...stored, afiliacion: { ...stored.afiliacion, ...moved } }));
}

Then('{institucion} conserva a {string} con estatus {string}', async function (this: SelloWorld, at: Institucion, alias: string, estatus: string) {
  const context = pgs(this);
  const result = await context.request({ operation: 'consulta', at, as: at, curp: context.curpOf(alias) });
  this.report(result.findings);
  const record = (result.body as { beneficiario?: Beneficiario } | undefined)?.beneficiario;
  const stored = context.storedRecord(at, alias);
  const same = record?.afiliacion && stored && sameRecord(record, stored);
  if (result.status !== 200 || record?.afiliacion.estatus !== estatus || !same) {
    this.report([
      {
        ruleId: this.primaryRequirement,
        severity: 'error',
        code: 'processing',
        location: '/beneficiario',
        locationKind: 'json-pointer',
        message: {
          es: `El registro de ${context.curpOf(alias)} debía seguir intacto con estatus ${estatus}; consulta: HTTP ${result.status}, estatus ${String(record?.afiliacion.estatus)}${same ? '' : ', datos cambiados o perdidos'}`,
          en: `The record of ${context.curpOf(alias)} had to stay intact with status ${estatus}; query: HTTP ${result.status}, status ${String(record?.afiliacion.estatus)}${same ? '' : ', data changed or lost'}`,
        },
      },
    ]);
  }
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
