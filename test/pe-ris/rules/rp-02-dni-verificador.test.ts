import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp02DniVerificador } from '../../../programs/pe-ris/judges/rules/index.ts';
import { dniCheckCharacters } from '../../../src/identifiers/pe/dni.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

const setDni = (value: string) => {
  const b = clone(triage().bundle);
  (entry(b, 0).identifier as { value: string }[])[0]!.value = value;
  return b;
};

test('RP-02: the identifiers.md vector 12345678 takes 1 or E; without a check character there is nothing to check', () => {
  assert.deepEqual(dniCheckCharacters('12345678'), { digit: '1', letter: 'E' });
  for (const v of ['12345678-1', '12345678-E', '12345678']) assert.deepEqual(rp02DniVerificador.check({ bundle: setDni(v) }), [], v);
});

test('RP-02: a check character that does not match is RP-02 at the identifier value, with the expected characters', () => {
  const findings = rp02DniVerificador.check({ bundle: setDni('12345678-K') });
  assert.deepEqual(ids(findings), ['RP-02 Bundle.entry[0].resource.identifier[0].value']);
  assert.match(findings[0]!.message.en, /1 or E/);
  assert.match(findings[0]!.message.es ?? '', /ID-DNI-CHECK/);
});

test("RP-02: a malformed DNI is RP-01's business (PacientePe), not RP-02's", () => {
  assert.deepEqual(rp02DniVerificador.check({ bundle: setDni('1234-5678') }), []);
});

test('RP-02: identifiers that are not DNIs (carné de extranjería) are not checked', () => {
  const b = clone(triage().bundle);
  const id = (entry(b, 0).identifier as { type: { coding: { code: string }[] }; value: string }[])[0]!;
  id.type.coding[0]!.code = '2';
  id.value = '000123456-K';
  assert.deepEqual(rp02DniVerificador.check({ bundle: b }), []);
});
