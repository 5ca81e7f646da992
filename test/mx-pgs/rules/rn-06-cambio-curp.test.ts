import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn06CambioCurp } from '../../../programs/mx-pgs/judges/rules/rn-06-cambio-curp.ts';
import { context, makeBeneficiario, rng } from '../fixtures.ts';

test('RN-06 accepts an actualizacion that keeps the CURP of its URL', () => {
  const record = makeBeneficiario(rng('rn06-ok'));
  assert.deepEqual(rn06CambioCurp.check(context('actualizacion', { record, pathCurp: record.curp, padron: [record] })), []);
});

test('RN-06 refuses an actualizacion whose body CURP differs from the URL', () => {
  const random = rng('rn06-change');
  const stored = makeBeneficiario(random);
  const record = { ...stored, curp: makeBeneficiario(random).curp };
  const findings = rn06CambioCurp.check(context('actualizacion', { record, pathCurp: stored.curp, padron: [stored] }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.location]),
    [['RN-06', '/curp']],
  );
  assert.match(findings[0]?.message.es ?? '', /baja más alta con curpAnterior/);
});

test('RN-06 refuses an actualizacion that adds, drops or changes curpAnterior', () => {
  const random = rng('rn06-anterior-update');
  const stored = makeBeneficiario(random);
  const otherCurp = makeBeneficiario(random).curp;
  const adds = { ...stored, curpAnterior: otherCurp };
  assert.deepEqual(
    rn06CambioCurp.check(context('actualizacion', { record: adds, pathCurp: stored.curp, padron: [stored] })).map((f) => f.location),
    ['/curpAnterior'],
  );
  const storedWithHistory = { ...stored, curpAnterior: otherCurp };
  assert.deepEqual(
    rn06CambioCurp.check(context('actualizacion', { record: stored, pathCurp: stored.curp, padron: [storedWithHistory] })).map((f) => f.location),
    ['/curpAnterior'],
  );
  assert.deepEqual(rn06CambioCurp.check(context('actualizacion', { record: storedWithHistory, pathCurp: stored.curp, padron: [storedWithHistory] })), []);
});

test('RN-06 accepts the alta after a baja, carrying the previous CURP', () => {
  const random = rng('rn06-alta-ok');
  const old = makeBeneficiario(random);
  old.afiliacion.estatus = 'BAJA';
  const record = { ...makeBeneficiario(random), curpAnterior: old.curp };
  assert.deepEqual(rn06CambioCurp.check(context('alta', { record, padron: [old] })), []);
  // No curpAnterior: nothing for RN-06 to say.
  assert.deepEqual(rn06CambioCurp.check(context('alta', { record: makeBeneficiario(random) })), []);
});

test('RN-06 refuses an alta whose curpAnterior is unknown, still VIGENTE/SUSPENDIDO, or the same CURP', () => {
  const random = rng('rn06-alta-bad');
  const old = makeBeneficiario(random);
  const record = { ...makeBeneficiario(random), curpAnterior: old.curp };

  const unknown = rn06CambioCurp.check(context('alta', { record, padron: [] }));
  assert.deepEqual(
    unknown.map((f) => [f.ruleId, f.code, f.location]),
    [['RN-06', 'business-rule', '/curpAnterior']],
  );

  for (const estatus of ['VIGENTE', 'SUSPENDIDO'] as const) {
    old.afiliacion.estatus = estatus;
    const findings = rn06CambioCurp.check(context('alta', { record, padron: [old] }));
    assert.deepEqual(
      findings.map((f) => [f.code, f.location]),
      [['conflict', '/curpAnterior']],
      estatus,
    );
    assert.match(findings[0]?.message.en ?? '', /CAMBIO_CURP/);
  }

  const same = { ...record, curpAnterior: record.curp };
  assert.deepEqual(
    rn06CambioCurp.check(context('alta', { record: same, padron: [same] })).map((f) => f.code),
    ['value'],
  );
});
