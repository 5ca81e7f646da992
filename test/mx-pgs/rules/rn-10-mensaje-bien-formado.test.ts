import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWellFormed, rn10MensajeBienFormado } from '../../../programs/mx-pgs/judges/rules/rn-10-mensaje-bien-formado.ts';
import { makeBeneficiario, rng } from '../fixtures.ts';

test('RN-10 accepts a well-formed beneficiario and returns the parsed value', () => {
  const record = makeBeneficiario(rng('rn10-ok'));
  const result = checkWellFormed(Buffer.from(JSON.stringify(record)), 'beneficiario');
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.value, record);
  assert.deepEqual(checkWellFormed('{"motivo":"DEFUNCION","fechaBaja":"2025-06-01"}', 'baja').findings, []);
});

test('RN-10 reports malformed JSON at the message root, with no value', () => {
  const result = checkWellFormed('{"curp": "ABC",', 'beneficiario');
  assert.equal(result.value, undefined);
  assert.deepEqual(
    result.findings.map((f) => [f.ruleId, f.location, f.code]),
    [['RN-10', '', 'structure']],
  );
  assert.match(result.findings[0]?.message.en ?? '', /position 15/);
});

test('RN-10 reports unknown fields and wrong types with their JSON pointer, all as RN-10', () => {
  const record: any = makeBeneficiario(rng('rn10-bad'));
  record.afiliacion.vigenciaInicio = 20200101;
  record.observaciones = 'x';
  const result = checkWellFormed(JSON.stringify(record), 'beneficiario');
  assert.ok(result.value);
  assert.deepEqual(result.findings.map((f) => [f.ruleId, f.location]).sort(), [
    ['RN-10', '/afiliacion/vigenciaInicio'],
    ['RN-10', '/observaciones'],
  ]);
  assert.deepEqual(rn10MensajeBienFormado.check({ raw: JSON.stringify(record), schemaId: 'beneficiario' }), result.findings);
});

test('RN-10 accepts the full $id as schema id', () => {
  const record = makeBeneficiario(rng('rn10-id'));
  assert.deepEqual(checkWellFormed(JSON.stringify(record), 'https://sello.dev/profiles/mx-pgs/beneficiario.schema.json').findings, []);
});
