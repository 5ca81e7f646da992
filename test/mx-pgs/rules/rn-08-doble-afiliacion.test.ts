import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CoberturaAfiliacion, classifyCoverage, rn08DobleAfiliacion } from '../../../programs/mx-pgs/judges/rules/rn-08-doble-afiliacion.ts';

const a = (institucion: CoberturaAfiliacion['institucion'], tipo: CoberturaAfiliacion['tipo'] = 'TITULAR', estatus: CoberturaAfiliacion['estatus'] = 'VIGENTE'): CoberturaAfiliacion => ({
  institucion,
  tipo,
  estatus,
});

test('classifyCoverage: single or non-overlapping coverage raises no alert', () => {
  assert.deepEqual(classifyCoverage([]), []);
  assert.deepEqual(classifyCoverage([a('IMSS')]), []);
  assert.deepEqual(classifyCoverage([a('SSA')]), []);
  assert.deepEqual(classifyCoverage([a('IMSS'), a('ISSSTE', 'TITULAR', 'BAJA')]), []);
  assert.deepEqual(classifyCoverage([a('IMSS', 'TITULAR', 'SUSPENDIDO'), a('SSA')]), []);
});

test('classifyCoverage: TITULAR VIGENTE in IMSS and ISSSTE is DOBLE_AFILIACION; a beneficiary role is not', () => {
  assert.deepEqual(classifyCoverage([a('IMSS'), a('ISSSTE')]), ['DOBLE_AFILIACION']);
  assert.deepEqual(classifyCoverage([a('IMSS'), a('ISSSTE', 'BENEFICIARIO')]), []);
});

test('classifyCoverage: SSA next to any VIGENTE contributory coverage is DUPLICIDAD_SSA', () => {
  assert.deepEqual(classifyCoverage([a('SSA'), a('IMSS')]), ['DUPLICIDAD_SSA']);
  assert.deepEqual(classifyCoverage([a('SSA', 'BENEFICIARIO'), a('ISSSTE', 'BENEFICIARIO')]), ['DUPLICIDAD_SSA']);
  assert.deepEqual(classifyCoverage([a('SSA', 'TITULAR', 'BAJA'), a('IMSS')]), []);
});

test('classifyCoverage: both alerts, in a fixed order', () => {
  assert.deepEqual(classifyCoverage([a('SSA'), a('ISSSTE'), a('IMSS')]), ['DOBLE_AFILIACION', 'DUPLICIDAD_SSA']);
});

test('RN-08 rule accepts an index answer whose alertas match, in any order', () => {
  const afiliaciones = [a('SSA'), a('ISSSTE'), a('IMSS')];
  assert.deepEqual(rn08DobleAfiliacion.check({ afiliaciones, alertas: ['DUPLICIDAD_SSA', 'DOBLE_AFILIACION'] }), []);
  assert.deepEqual(rn08DobleAfiliacion.check({ afiliaciones: [a('IMSS')], alertas: [] }), []);
});

test('RN-08 rule reports a missing alert at /alertas and an unsupported one at its index', () => {
  const missing = rn08DobleAfiliacion.check({ afiliaciones: [a('IMSS'), a('ISSSTE')], alertas: [] });
  assert.deepEqual(
    missing.map((f) => [f.ruleId, f.severity, f.location]),
    [['RN-08', 'error', '/alertas']],
  );
  assert.match(missing[0]?.message.en ?? '', /DOBLE_AFILIACION/);
  const invented = rn08DobleAfiliacion.check({ afiliaciones: [a('IMSS')], alertas: ['DUPLICIDAD_SSA'] });
  assert.deepEqual(
    invented.map((f) => [f.ruleId, f.location]),
    [['RN-08', '/alertas/0']],
  );
});
