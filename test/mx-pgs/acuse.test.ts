import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ACUSE_CODES, acuseForCode, buildAcuse, codigoForRule } from '../../programs/mx-pgs/lib/acuse.ts';
import { pgsSchemas } from '../../programs/mx-pgs/lib/schemas.ts';
import { finding } from '../../src/findings/finding.ts';

const ID = '0b7d7c1e-5d0a-4c57-9f3e-8f2a6c1d4e90';
const schemas = pgsSchemas();
const valid = (acuse: unknown): void => assert.deepEqual(schemas.validate('acuse', { acuse }, 'RN-10'), []);

const f = (ruleId: string, location: string, es: string, severity: 'error' | 'warning' = 'error') => finding(ruleId, severity, 'business-rule', location, { es, en: `${es} (en)` });

test('acuse-codes.json: PGS-000, one code per rule RN-01…RN-10, and the transport codes, each in es and en', () => {
  const file = JSON.parse(readFileSync(new URL('../../programs/mx-pgs/profiles/acuse-codes.json', import.meta.url), 'utf8'));
  assert.deepEqual(
    file.codes.map((c: { codigo: string }) => c.codigo),
    ['PGS-000', ...Array.from({ length: 10 }, (_, i) => `PGS-1${String(i + 1).padStart(2, '0')}`), 'PGS-401', 'PGS-403', 'PGS-404', 'PGS-409', 'PGS-500'],
  );
  for (let i = 1; i <= 10; i++) assert.equal(codigoForRule(`RN-${String(i).padStart(2, '0')}`), `PGS-1${String(i).padStart(2, '0')}`);
  for (const c of ACUSE_CODES) assert.ok(c.mensaje.es && c.mensaje.en, c.codigo);
});

test('no finding, or only warnings: ACEPTADO PGS-000 with no errors', () => {
  const acuse = buildAcuse(ID, [f('RN-02', '/entidadNacimiento', 'aviso', 'warning')]);
  assert.deepEqual(acuse, { messageId: ID, estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] });
  valid(acuse);
  assert.deepEqual(buildAcuse(ID, []).codigo, 'PGS-000');
});

test('blocking findings: RECHAZADO with the code of the lowest rule and one error per blocking finding', () => {
  const acuse = buildAcuse(ID, [
    f('RN-07', '/afiliacion/vigenciaFin', 'vigencia'),
    f('RN-02', '/sexo', 'sexo', 'warning'),
    f('RN-03', '/afiliacion/numeroAfiliacion', 'nss'),
    f('RN-07', '/afiliacion/vigenciaInicio', 'otra'),
  ]);
  assert.deepEqual(acuse, {
    messageId: ID,
    estatus: 'RECHAZADO',
    codigo: 'PGS-103',
    errores: [
      { regla: 'RN-03', campo: '/afiliacion/numeroAfiliacion', mensaje: 'nss' },
      { regla: 'RN-07', campo: '/afiliacion/vigenciaFin', mensaje: 'vigencia' },
      { regla: 'RN-07', campo: '/afiliacion/vigenciaInicio', mensaje: 'otra' },
    ],
  });
  valid(acuse);
});

test('codigo follows rule order, not input order: RN-05 before RN-10', () => {
  assert.equal(buildAcuse(ID, [f('RN-10', '/x', 'a'), f('RN-05', 'path:curp', 'b')]).codigo, 'PGS-105');
  assert.equal(buildAcuse(ID, [f('RN-10', '', 'json')]).codigo, 'PGS-110');
});

test('a blocking finding from a rule outside the catalogue is an internal error, not a business rejection', () => {
  const acuse = buildAcuse(ID, [f('ID-CURP-CHECKDIGIT', '/curp', 'x')]);
  assert.equal(acuse.codigo, 'PGS-500');
  assert.equal(acuse.estatus, 'RECHAZADO');
});

test('acuseForCode: transport cases carry the code as regla, rule codes carry their RN', () => {
  const unauthorized = acuseForCode(ID, 'PGS-401');
  assert.deepEqual(unauthorized, {
    messageId: ID,
    estatus: 'RECHAZADO',
    codigo: 'PGS-401',
    errores: [{ regla: 'PGS-401', campo: '', mensaje: 'Token de acceso ausente, inválido o expirado' }],
  });
  valid(unauthorized);
  for (const codigo of ['PGS-403', 'PGS-404', 'PGS-409', 'PGS-500']) valid(acuseForCode(ID, codigo, 'X-Message-Id', 'detalle'));
  assert.deepEqual(acuseForCode(ID, 'PGS-409', 'X-Message-Id', 'otro cuerpo').errores, [{ regla: 'PGS-409', campo: 'X-Message-Id', mensaje: 'otro cuerpo' }]);
  assert.equal(acuseForCode(ID, 'PGS-110', '?x').errores[0]?.regla, 'RN-10');
  assert.deepEqual(acuseForCode(ID, 'PGS-000'), { messageId: ID, estatus: 'ACEPTADO', codigo: 'PGS-000', errores: [] });
  assert.throws(() => acuseForCode(ID, 'PGS-418'), /unknown acuse codigo/);
});
