import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn02CurpCoincide } from '../../../programs/mx-pgs/judges/rules/rn-02-curp-coincide.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import { generateCurp, parseCurp } from '../../../src/identifiers/mx/index.ts';
import { breakCheckDigit, context, makeBeneficiario, rng } from '../fixtures.ts';

test('RN-02 accepts records whose birth date and sex agree with the CURP', () => {
  const random = rng('rn02-ok');
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(rn02CurpCoincide.check(context('alta', { record: makeBeneficiario(random) })), []);
  }
});

test('RN-02 refuses a different birth date at /fechaNacimiento', () => {
  const record = makeBeneficiario(rng('rn02-date'));
  record.fechaNacimiento = record.fechaNacimiento === '1990-01-01' ? '1990-01-02' : '1990-01-01';
  const findings = rn02CurpCoincide.check(context('alta', { record }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.severity, f.location]),
    [['RN-02', 'error', '/fechaNacimiento']],
  );
});

test('RN-02 refuses a different sex at /sexo; X matches only X', () => {
  const random = rng('rn02-sex');
  const record = makeBeneficiario(random);
  record.sexo = record.sexo === 'H' ? 'M' : 'H';
  assert.deepEqual(
    rn02CurpCoincide.check(context('alta', { record })).map((f) => f.location),
    ['/sexo'],
  );

  record.sexo = 'X';
  assert.deepEqual(
    rn02CurpCoincide.check(context('alta', { record })).map((f) => f.location),
    ['/sexo'],
  );

  const x = makeBeneficiario(random);
  x.curp = generateCurp(random, { ...x, sexo: 'X', entidad: x.entidadNacimiento });
  x.sexo = 'X';
  assert.equal(parseCurp(x.curp)?.sexo, 'X');
  assert.deepEqual(rn02CurpCoincide.check(context('alta', { record: x })), []);
  x.sexo = 'M';
  assert.deepEqual(
    rn02CurpCoincide.check(context('alta', { record: x })).map((f) => f.location),
    ['/sexo'],
  );
});

test('RN-02 only warns about a different birth state', () => {
  const record = makeBeneficiario(rng('rn02-state'));
  record.entidadNacimiento = record.entidadNacimiento === 'JC' ? 'NL' : 'JC';
  const findings = rn02CurpCoincide.check(context('alta', { record }));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.location]),
    [['warning', '/entidadNacimiento']],
  );
  assert.equal(findings.some(isBlocking), false);
});

test('RN-02 stays silent on an unreadable CURP (that is RN-01) but still judges a wrong check digit', () => {
  const record = makeBeneficiario(rng('rn02-unreadable'));
  record.fechaNacimiento = '1901-01-01';
  const readable = breakCheckDigit(record.curp);
  record.curp = `${record.curp.slice(0, 6)}99${record.curp.slice(8)}`;
  assert.deepEqual(rn02CurpCoincide.check(context('alta', { record })), []);
  record.curp = readable;
  assert.deepEqual(
    rn02CurpCoincide.check(context('alta', { record })).map((f) => f.location),
    ['/fechaNacimiento'],
  );
});
