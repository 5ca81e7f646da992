import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn03NssImss } from '../../../programs/mx-pgs/judges/rules/rn-03-nss-imss.ts';
import { context, makeBeneficiario, rng } from '../fixtures.ts';

const LOCATION = '/afiliacion/numeroAfiliacion';

test('RN-03 accepts a valid NSS not held by anyone else', () => {
  const random = rng('rn03-ok');
  const other = makeBeneficiario(random);
  const record = makeBeneficiario(random);
  assert.deepEqual(rn03NssImss.check(context('alta', { record, padron: [other] })), []);
  // An actualización finds the record's own NSS in the padrón: that is not a clash.
  assert.deepEqual(rn03NssImss.check(context('actualizacion', { record, pathCurp: record.curp, padron: [record, other] })), []);
});

test('RN-03 refuses a wrong NSS check digit and a wrong shape, naming the identifier rule', () => {
  const record = makeBeneficiario(rng('rn03-check'));
  const nss = record.afiliacion.numeroAfiliacion;
  record.afiliacion.numeroAfiliacion = nss.slice(0, 10) + String((Number(nss.charAt(10)) + 1) % 10);
  const [f, ...rest] = rn03NssImss.check(context('alta', { record }));
  assert.equal(rest.length, 0);
  assert.equal(f?.ruleId, 'RN-03');
  assert.equal(f?.location, LOCATION);
  assert.match(f?.message.en ?? '', /ID-NSS-CHECKDIGIT/);

  record.afiliacion.numeroAfiliacion = 'IMSS12345';
  assert.match(rn03NssImss.check(context('alta', { record }))[0]?.message.es ?? '', /ID-NSS-FORMAT/);
});

test("RN-03 refuses an NSS already held by another CURP, whatever that record's estatus", () => {
  const random = rng('rn03-dup');
  const holder = makeBeneficiario(random);
  const record = makeBeneficiario(random);
  record.afiliacion.numeroAfiliacion = holder.afiliacion.numeroAfiliacion;
  for (const estatus of ['VIGENTE', 'BAJA'] as const) {
    holder.afiliacion.estatus = estatus;
    const findings = rn03NssImss.check(context('alta', { record, padron: [holder] }));
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.code, f.location]),
      [['RN-03', 'duplicate', LOCATION]],
      estatus,
    );
    assert.match(findings[0]?.message.en ?? '', new RegExp(holder.curp));
  }
});

test('RN-03 lets the new CURP of a CURP change keep the NSS of its curpAnterior', () => {
  const random = rng('rn03-change');
  const old = makeBeneficiario(random);
  old.afiliacion.estatus = 'BAJA';
  const record = makeBeneficiario(random);
  record.afiliacion.numeroAfiliacion = old.afiliacion.numeroAfiliacion;
  record.curpAnterior = old.curp;
  assert.deepEqual(rn03NssImss.check(context('alta', { record, padron: [old] })), []);
});

test('RN-03 does not apply outside IMSS', () => {
  const record = makeBeneficiario(rng('rn03-issste'), 'ISSSTE');
  record.afiliacion.numeroAfiliacion = 'ISSSTE0001';
  assert.deepEqual(rn03NssImss.check(context('alta', { record })), []);
  record.afiliacion.institucion = 'IMSS';
  assert.equal(rn03NssImss.check(context('alta', { record, institucion: 'IMSS' })).length, 1);
});
