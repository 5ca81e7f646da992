import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rn04BeneficiarioTitular } from '../../../programs/mx-pgs/judges/rules/rn-04-beneficiario-titular.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import { context, makeBeneficiario, makeDependiente, rng } from '../fixtures.ts';

test('RN-04 accepts a BENEFICIARIO of a VIGENTE TITULAR with a catalogue parentesco', () => {
  const random = rng('rn04-ok');
  const titular = makeBeneficiario(random);
  for (const parentesco of ['CONYUGE', 'CONCUBINO', 'HIJO', 'PADRE', 'MADRE']) {
    const dep = makeDependiente(random, titular);
    dep.afiliacion.parentesco = parentesco;
    assert.deepEqual(rn04BeneficiarioTitular.check(context('alta', { record: dep, padron: [titular] })), [], parentesco);
  }
  assert.deepEqual(rn04BeneficiarioTitular.check(context('alta', { record: titular })), []);
});

test('RN-04 requires titularCurp and parentesco on a BENEFICIARIO', () => {
  const dep = makeDependiente(rng('rn04-required'), makeBeneficiario(rng('rn04-required-t')));
  delete dep.afiliacion.titularCurp;
  delete dep.afiliacion.parentesco;
  const findings = rn04BeneficiarioTitular.check(context('alta', { record: dep }));
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.code, f.location]),
    [
      ['RN-04', 'required', '/afiliacion/titularCurp'],
      ['RN-04', 'required', '/afiliacion/parentesco'],
    ],
  );
});

test('RN-04 refuses a titular that is unknown, not TITULAR, not VIGENTE, or of another institution', () => {
  const random = rng('rn04-titular');
  const titular = makeBeneficiario(random);
  const dep = makeDependiente(random, titular);
  const refused = (padron: ReturnType<typeof makeBeneficiario>[], institucion: 'IMSS' | 'ISSSTE' = 'IMSS'): string[] =>
    rn04BeneficiarioTitular.check(context('alta', { record: dep, padron, institucion })).map((f) => `${f.location} ${f.message.en}`);

  assert.match(refused([]).join(), /titularCurp .*is not in the register/);
  for (const estatus of ['BAJA', 'SUSPENDIDO'] as const) {
    const t = structuredClone(titular);
    t.afiliacion.estatus = estatus;
    assert.match(refused([t]).join(), new RegExp(`has estatus ${estatus}`));
  }
  const notTitular = structuredClone(titular);
  notTitular.afiliacion.tipo = 'BENEFICIARIO';
  assert.match(refused([notTitular]).join(), /is not a TITULAR/);
  assert.match(refused([titular], 'ISSSTE').join(), /belongs to IMSS/);
  // The rejection must not come from a code that nodes would answer with 404.
  const [f] = rn04BeneficiarioTitular.check(context('alta', { record: dep }));
  assert.equal(f?.code, 'business-rule');
});

test('RN-04 refuses a beneficiary named as its own titular', () => {
  const dep = makeDependiente(rng('rn04-self'), makeBeneficiario(rng('rn04-self-t')));
  dep.afiliacion.titularCurp = dep.curp;
  assert.match(rn04BeneficiarioTitular.check(context('alta', { record: dep, padron: [dep] }))[0]?.message.en ?? '', /own TITULAR/);
});

test('RN-04 refuses a parentesco outside the catalogue', () => {
  const random = rng('rn04-parentesco');
  const titular = makeBeneficiario(random);
  const dep = makeDependiente(random, titular);
  dep.afiliacion.parentesco = 'VECINO';
  const findings = rn04BeneficiarioTitular.check(context('alta', { record: dep, padron: [titular] }));
  assert.deepEqual(
    findings.map((f) => [f.code, f.location]),
    [['code-invalid', '/afiliacion/parentesco']],
  );
});

test('RN-04 only warns when a TITULAR carries titularCurp or parentesco', () => {
  const titular = makeBeneficiario(rng('rn04-titular-extra'));
  titular.afiliacion.parentesco = 'HIJO';
  const findings = rn04BeneficiarioTitular.check(context('alta', { record: titular }));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.location]),
    [['warning', '/afiliacion/parentesco']],
  );
  assert.equal(findings.some(isBlocking), false);
});
