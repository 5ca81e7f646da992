import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn01CurpValida } from '../../../programs/mx-pgs/judges/rules/rn-01-curp-valida.ts';
import { GENERIC_CURP } from '../../../src/identifiers/mx/index.ts';
import { breakCheckDigit, context, makeBeneficiario, rng } from '../fixtures.ts';

test('RN-01 accepts generated valid CURPs on alta and actualizacion', () => {
  const random = rng('rn01-ok');
  for (let i = 0; i < 50; i++) {
    const record = makeBeneficiario(random);
    assert.deepEqual(rn01CurpValida.check(context('alta', { record })), []);
    assert.deepEqual(rn01CurpValida.check(context('actualizacion', { record, pathCurp: record.curp })), []);
  }
});

test('RN-01 refuses a wrong check digit at /curp, keeping the identifier id in the message', () => {
  const record = makeBeneficiario(rng('rn01-check'));
  record.curp = breakCheckDigit(record.curp);
  const findings = rn01CurpValida.check(context('alta', { record }));
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f?.ruleId, 'RN-01');
  assert.equal(f?.severity, 'error');
  assert.equal(f?.location, '/curp');
  assert.match(f?.message.es ?? '', /ID-CURP-CHECKDIGIT/);
  assert.match(f?.message.en ?? '', /ID-CURP-CHECKDIGIT/);
});

test('RN-01 refuses the generic CURP online', () => {
  const record = makeBeneficiario(rng('rn01-generic'));
  record.curp = GENERIC_CURP;
  const findings = rn01CurpValida.check(context('alta', { record }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.location]),
    [['RN-01', '/curp']],
  );
  assert.match(findings[0]?.message.en ?? '', /ID-CURP-GENERIC/);
});

test('RN-01 checks curpAnterior when present, at /curpAnterior', () => {
  const random = rng('rn01-anterior');
  const record = makeBeneficiario(random);
  record.curpAnterior = makeBeneficiario(random).curp;
  assert.deepEqual(rn01CurpValida.check(context('alta', { record })), []);
  record.curpAnterior = breakCheckDigit(record.curpAnterior);
  const findings = rn01CurpValida.check(context('alta', { record }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.location]),
    [['RN-01', '/curpAnterior']],
  );
  assert.match(findings[0]?.message.es ?? '', /^curpAnterior: .*\(ID-CURP-CHECKDIGIT\)$/);
});

test('RN-01 reports an impossible date and an unknown state separately', () => {
  const record = makeBeneficiario(rng('rn01-date'));
  // Month 13 and state QQ; the check digit is wrong too, as nobody recomputed it.
  record.curp = `${record.curp.slice(0, 6)}13${record.curp.slice(8, 11)}QQ${record.curp.slice(13)}`;
  const ids = rn01CurpValida.check(context('alta', { record })).map((f) => /\((ID-CURP-[A-Z]+)\)$/.exec(f.message.en)?.[1]);
  assert.ok(ids.includes('ID-CURP-DATE') && ids.includes('ID-CURP-STATE'), String(ids));
});
