import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn05DuplicadoInexistente } from '../../../programs/mx-pgs/judges/rules/rn-05-duplicado-inexistente.ts';
import { context, makeBeneficiario, rng } from '../fixtures.ts';

test('RN-05 accepts an alta of a new CURP and a re-alta of a CURP in BAJA', () => {
  const random = rng('rn05-ok');
  const record = makeBeneficiario(random);
  assert.deepEqual(rn05DuplicadoInexistente.check(context('alta', { record, padron: [makeBeneficiario(random)] })), []);
  const old = structuredClone(record);
  old.afiliacion.estatus = 'BAJA';
  assert.deepEqual(rn05DuplicadoInexistente.check(context('alta', { record, padron: [old] })), []);
});

test('RN-05 refuses an alta of a CURP already VIGENTE as duplicate at /curp', () => {
  const record = makeBeneficiario(rng('rn05-dup'));
  const findings = rn05DuplicadoInexistente.check(context('alta', { record, padron: [record] }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code, f.location]),
    [['RN-05', 'duplicate', '/curp']],
  );
});

test('RN-05 refuses baja and actualizacion of an unknown CURP as not-found', () => {
  const random = rng('rn05-missing');
  const known = makeBeneficiario(random);
  const unknown = makeBeneficiario(random);
  for (const operation of ['baja', 'actualizacion'] as const) {
    const record = operation === 'actualizacion' ? unknown : undefined;
    const findings = rn05DuplicadoInexistente.check(context(operation, { pathCurp: unknown.curp, padron: [known], ...(record ? { record } : {}) }));
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.code, f.location, f.locationKind]),
      [['RN-05', 'not-found', 'path:curp', 'http']],
      operation,
    );
    assert.deepEqual(rn05DuplicadoInexistente.check(context(operation, { pathCurp: known.curp, padron: [known], ...(record ? { record: known } : {}) })), []);
  }
});

test('RN-05 refuses a baja of a record already in BAJA as a conflict', () => {
  const record = makeBeneficiario(rng('rn05-twice'));
  record.afiliacion.estatus = 'BAJA';
  const findings = rn05DuplicadoInexistente.check(context('baja', { pathCurp: record.curp, padron: [record] }));
  assert.deepEqual(
    findings.map((f) => f.code),
    ['conflict'],
  );
  record.afiliacion.estatus = 'SUSPENDIDO';
  assert.deepEqual(rn05DuplicadoInexistente.check(context('baja', { pathCurp: record.curp, padron: [record] })), []);
});
