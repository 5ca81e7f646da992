import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { pgsSchemas } from '../../programs/mx-pgs/lib/schemas.ts';
import { CURP_STATES, GENERIC_CURP } from '../../src/identifiers/mx/index.ts';
import { makeBeneficiario, makeDependiente, rng } from './fixtures.ts';

const PROFILE = new URL('../../programs/mx-pgs/profiles/', import.meta.url);
const json = (path: string): any => JSON.parse(readFileSync(new URL(path, PROFILE), 'utf8'));
const registry = pgsSchemas();
const MESSAGE_ID = '3f2b8c4e-9a1d-4e7b-8c6f-2d5a1b9e0c47';
const ACEPTADO = { messageId: MESSAGE_ID, estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] };

test('every schema has the conventional $id, draft 2020-12 and the reference-contract description', () => {
  const files = readdirSync(new URL('schemas/', PROFILE)).filter((f) => f.endsWith('.schema.json'));
  assert.deepEqual(
    files.sort(),
    ['acuse', 'baja', 'beneficiario', 'consulta-indice', 'evento-indice', 'respuesta-busqueda', 'respuesta-consulta', 'token'].map((n) => `${n}.schema.json`),
  );
  for (const f of files) {
    const s = json(`schemas/${f}`);
    assert.equal(s.$id, `https://sello.dev/profiles/mx-pgs/${f}`);
    assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.match(s.description, /^Sello reference contract v1 — the official annex is not public/);
  }
});

test('generated synthetic beneficiaries (titulares and dependents, all institutions) pass beneficiario', () => {
  const random = rng('schema-valid');
  for (let i = 0; i < 150; i++) {
    const institucion = (['IMSS', 'ISSSTE', 'SSA'] as const)[i % 3]!;
    const titular = makeBeneficiario(random, institucion);
    assert.deepEqual(registry.validate('beneficiario', titular, 'RN-10'), [], JSON.stringify(titular));
    const dep = makeDependiente(random, titular);
    dep.curpAnterior = makeBeneficiario(random).curp;
    dep.afiliacion.vigenciaFin = '2030-12-31';
    assert.deepEqual(registry.validate('beneficiario', dep, 'RN-10'), [], JSON.stringify(dep));
  }
});

test('beneficiario refuses unknown fields at every level, bad enums, bad dates and missing fields', () => {
  const b: any = makeBeneficiario(rng('schema-invalid'));
  b.extra = 1;
  b.domicilio.colonia = 'CENTRO';
  b.afiliacion.plan = 'A';
  b.sexo = 'F';
  b.fechaNacimiento = '1990-13-01';
  b.afiliacion.estatus = 'ACTIVO';
  b.afiliacion.parentesco = 'PRIMO';
  b.entidadNacimiento = 'XX';
  delete b.unidadAdscripcion;
  const byLocation = new Map(registry.validate('beneficiario', b, 'RN-10').map((f) => [f.location, f.code]));
  assert.deepEqual(Object.fromEntries(byLocation), {
    '/unidadAdscripcion': 'required',
    '/extra': 'structure',
    '/domicilio/colonia': 'structure',
    '/afiliacion/plan': 'structure',
    '/sexo': 'value',
    '/fechaNacimiento': 'value',
    '/afiliacion/estatus': 'value',
    '/afiliacion/parentesco': 'value',
    '/entidadNacimiento': 'value',
  });
});

test('the generic CURP passes the schema shape, so RN-01 (not RN-10) is what refuses it', () => {
  const b = makeBeneficiario(rng('generic'));
  b.curp = GENERIC_CURP;
  assert.deepEqual(registry.validate('beneficiario', b, 'RN-10'), []);
});

test('schema enums are the catalogues: parentesco, motivo de baja, acuse codes, CURP states', () => {
  const codes = (file: string): string[] => json(file).codes.map((c: { code: string }) => c.code);
  const benef = json('schemas/beneficiario.schema.json');
  assert.deepEqual(benef.properties.afiliacion.properties.parentesco.enum, codes('catalogs/parentesco.json'));
  assert.deepEqual(json('schemas/baja.schema.json').properties.motivo.enum, codes('catalogs/motivo-baja.json'));
  assert.deepEqual(
    json('schemas/acuse.schema.json').$defs.acuse.properties.codigo.enum,
    json('acuse-codes.json').codes.map((c: { codigo: string }) => c.codigo),
  );
  assert.deepEqual(benef.properties.entidadNacimiento.enum, [...CURP_STATES]);
  for (const file of ['catalogs/parentesco.json', 'catalogs/motivo-baja.json']) {
    for (const c of json(file).codes) assert.ok(c.display.es && c.display.en, `${file} ${c.code}`);
  }
  for (const code of ['CONYUGE', 'HIJO', 'PADRE', 'MADRE', 'CONCUBINO']) assert.ok(codes('catalogs/parentesco.json').includes(code));
});

test('baja: motivo from the catalogue and a real fechaBaja, nothing else', () => {
  assert.deepEqual(registry.validate('baja', { motivo: 'DEFUNCION', fechaBaja: '2025-06-01' }, 'RN-10'), []);
  const findings = registry.validate('baja', { motivo: 'MUDANZA', fechaBaja: '01/06/2025', curp: 'X' }, 'RN-10');
  assert.deepEqual(findings.map((f) => f.location).sort(), ['/curp', '/fechaBaja', '/motivo']);
});

test('acuse: ACEPTADO goes with PGS-000 and no errors, RECHAZADO with another code and errors', () => {
  assert.deepEqual(registry.validate('acuse', { acuse: ACEPTADO }, 'RN-10'), []);
  const rechazado = { messageId: MESSAGE_ID, estatus: 'RECHAZADO', codigo: 'PGS-101', errores: [{ regla: 'RN-01', campo: '/curp', mensaje: 'x' }] };
  assert.deepEqual(registry.validate('acuse', { acuse: rechazado }, 'RN-10'), []);
  const aceptadoConErrores = { ...ACEPTADO, errores: rechazado.errores };
  assert.deepEqual(
    registry.validate('acuse', { acuse: aceptadoConErrores }, 'RN-10').map((f) => f.location),
    ['/acuse/errores'],
  );
  const rechazadoSinErrores = { ...rechazado, errores: [] };
  assert.deepEqual(
    registry.validate('acuse', { acuse: rechazadoSinErrores }, 'RN-10').map((f) => f.location),
    ['/acuse/errores'],
  );
  const badId = registry.validate('acuse', { acuse: { ...ACEPTADO, messageId: '42', codigo: 'PGS-999' } }, 'RN-10');
  // PGS-999 breaks both the catalogue enum and the ACEPTADO ⇒ PGS-000 pairing.
  assert.deepEqual(badId.map((f) => f.location).sort(), ['/acuse/codigo', '/acuse/codigo', '/acuse/messageId']);
});

test('respuesta-consulta and respuesta-busqueda wrap beneficiario records', () => {
  const b = makeBeneficiario(rng('respuestas'));
  assert.deepEqual(registry.validate('respuesta-consulta', { acuse: ACEPTADO, beneficiario: b }, 'RN-10'), []);
  assert.deepEqual(registry.validate('respuesta-busqueda', { acuse: ACEPTADO, resultados: [b, b] }, 'RN-10'), []);
  assert.deepEqual(registry.validate('respuesta-busqueda', { acuse: ACEPTADO, resultados: [] }, 'RN-10'), []);
  const broken = { ...b, sexo: 'Q' };
  assert.deepEqual(
    registry.validate('respuesta-busqueda', { acuse: ACEPTADO, resultados: [b, broken] }, 'RN-10').map((f) => f.location),
    ['/resultados/1/sexo'],
  );
  assert.deepEqual(
    registry.validate('respuesta-consulta', { acuse: ACEPTADO }, 'RN-10').map((f) => f.location),
    ['/beneficiario'],
  );
});

test('evento-indice: the state change a node reports to the central index', () => {
  const b = makeBeneficiario(rng('evento'));
  const evento = {
    evento: 'ALTA',
    institucion: 'IMSS',
    curp: b.curp,
    tipo: 'TITULAR',
    estatus: 'VIGENTE',
    vigenciaInicio: '2020-01-01',
    nombre: b.nombre,
    primerApellido: b.primerApellido,
    segundoApellido: b.segundoApellido,
    fechaNacimiento: b.fechaNacimiento,
    sexo: b.sexo,
    ocurridoEn: '2025-06-15T12:00:00.000Z',
  };
  assert.deepEqual(registry.validate('evento-indice', evento, 'RN-10'), []);
  assert.deepEqual(
    registry.validate('evento-indice', { ...evento, evento: 'REACTIVACION', ocurridoEn: '2025-06-15' }, 'RN-10').map((f) => f.location),
    ['/evento', '/ocurridoEn'],
  );
});

test('consulta-indice: afiliaciones and unique, known alertas', () => {
  const answer = {
    acuse: ACEPTADO,
    curp: makeBeneficiario(rng('indice')).curp,
    afiliaciones: [
      { institucion: 'IMSS', tipo: 'TITULAR', estatus: 'VIGENTE', vigenciaInicio: '2020-01-01', actualizadoEn: '2025-06-15T12:00:00Z' },
      { institucion: 'ISSSTE', tipo: 'TITULAR', estatus: 'VIGENTE', vigenciaInicio: '2021-01-01', vigenciaFin: '2026-01-01', actualizadoEn: '2025-06-15T12:00:01Z' },
    ],
    alertas: ['DOBLE_AFILIACION'],
  };
  assert.deepEqual(registry.validate('consulta-indice', answer, 'RN-10'), []);
  const bad = { ...answer, alertas: ['DOBLE_AFILIACION', 'DOBLE_AFILIACION', 'OTRA'] };
  assert.deepEqual(
    registry
      .validate('consulta-indice', bad, 'RN-10')
      .map((f) => f.location)
      .sort(),
    ['/alertas', '/alertas/2'],
  );
});

test('token: OAuth2 client-credentials response', () => {
  const token = { access_token: 'abc', token_type: 'Bearer', expires_in: 300 };
  assert.deepEqual(registry.validate('token', token, 'RN-10'), []);
  assert.deepEqual(registry.validate('token', { ...token, token_type: 'bearer', scope: 'pgs', refresh_hint: 1 }, 'RN-10'), []);
  assert.deepEqual(
    registry
      .validate('token', { access_token: '', token_type: 'MAC', expires_in: 0.5 }, 'RN-10')
      .map((f) => f.location)
      .sort(),
    ['/access_token', '/expires_in', '/expires_in', '/token_type'],
  );
});
