import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn07Vigencia } from '../../../programs/mx-pgs/judges/rules/rn-07-vigencia.ts';
import { context, makeBeneficiario, rng, TODAY } from '../fixtures.ts';

test('RN-07 accepts open-ended coverage, coverage ending today or later, and past coverage in BAJA', () => {
  const record = makeBeneficiario(rng('rn07-ok'));
  assert.deepEqual(rn07Vigencia.check(context('alta', { record })), []);
  for (const fin of [TODAY, '2030-01-01']) {
    record.afiliacion.vigenciaFin = fin;
    assert.deepEqual(rn07Vigencia.check(context('alta', { record })), [], fin);
  }
  record.afiliacion.vigenciaFin = '2021-01-01';
  record.afiliacion.estatus = 'BAJA';
  assert.deepEqual(rn07Vigencia.check(context('actualizacion', { record })), []);
});

test('RN-07 refuses vigenciaFin before vigenciaInicio', () => {
  const record = makeBeneficiario(rng('rn07-order'));
  record.afiliacion.estatus = 'BAJA';
  record.afiliacion.vigenciaFin = '2019-12-31';
  const findings = rn07Vigencia.check(context('alta', { record }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code, f.location]),
    [['RN-07', 'invariant', '/afiliacion/vigenciaFin']],
  );
});

test('RN-07 refuses a VIGENTE record whose vigenciaFin is in the past, judged against the injected today', () => {
  const record = makeBeneficiario(rng('rn07-past'));
  record.afiliacion.vigenciaFin = '2025-06-14';
  const findings = rn07Vigencia.check(context('alta', { record, today: '2025-06-15' }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code, f.location]),
    [['RN-07', 'business-rule', '/afiliacion/vigenciaFin']],
  );
  assert.deepEqual(rn07Vigencia.check(context('alta', { record, today: '2025-06-14' })), []);
});

test('RN-07 reports both defects when both hold', () => {
  const record = makeBeneficiario(rng('rn07-both'));
  record.afiliacion.vigenciaFin = '2019-01-01';
  assert.equal(rn07Vigencia.check(context('alta', { record })).length, 2);
});

test('RN-07 on a baja: fechaBaja may not precede vigenciaInicio nor lie in the future', () => {
  const stored = makeBeneficiario(rng('rn07-baja'));
  stored.afiliacion.vigenciaInicio = '2020-03-01';
  const baja = (fechaBaja: string) => ({ ...context('baja', { pathCurp: stored.curp, padron: [stored], today: '2025-06-15' }), baja: { motivo: 'DEFUNCION', fechaBaja } });
  assert.deepEqual(rn07Vigencia.check(baja('2025-06-15')), []);
  assert.deepEqual(rn07Vigencia.check(baja('2020-03-01')), []);
  assert.deepEqual(
    rn07Vigencia.check(baja('2020-02-29')).map((f) => [f.ruleId, f.code, f.location]),
    [['RN-07', 'invariant', '/fechaBaja']],
  );
  assert.deepEqual(
    rn07Vigencia.check(baja('2025-06-16')).map((f) => [f.ruleId, f.code, f.location]),
    [['RN-07', 'business-rule', '/fechaBaja']],
  );
});
