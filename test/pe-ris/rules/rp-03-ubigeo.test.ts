import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rp03Ubigeo } from '../../../programs/pe-ris/judges/rules/index.ts';
import { clone, entry, ids, triage } from '../fixtures.ts';

const withUbigeo = (value: unknown, at = 0) => {
  const b = clone(triage().bundle);
  const address = (entry(b, at === 0 ? 0 : b.entry!.length - 1).address as { extension: { valueString: unknown }[] }[])[0]!;
  address.extension[0]!.valueString = value;
  return b;
};

test('RP-03: the Cajamarca districts of the generated triage exist', () => {
  assert.deepEqual(rp03Ubigeo.check({ bundle: triage().bundle }), []);
  assert.deepEqual(rp03Ubigeo.check({ bundle: withUbigeo('060101') }), []);
});

test('RP-03: a district Cajamarca does not have is RP-03 at the extension value', () => {
  const findings = rp03Ubigeo.check({ bundle: withUbigeo('060199') });
  assert.deepEqual(ids(findings), ['RP-03 Bundle.entry[0].resource.address[0].extension[0].value']);
  assert.match(findings[0]!.message.en, /ID-UBIGEO-UNKNOWN/);
});

test('RP-03: an unknown department, a province or district 00 and a bad shape are RP-03', () => {
  for (const v of ['990101', '150000', '06010', 60101]) {
    assert.deepEqual(ids(rp03Ubigeo.check({ bundle: withUbigeo(v) })), ['RP-03 Bundle.entry[0].resource.address[0].extension[0].value'], String(v));
  }
});

test("RP-03: the IPRESS Organization's UBIGEO is checked too; outside Cajamarca only the department is", () => {
  assert.deepEqual(ids(rp03Ubigeo.check({ bundle: withUbigeo('069999', 9) })), [`RP-03 Bundle.entry[9].resource.address[0].extension[0].value`]);
  assert.deepEqual(rp03Ubigeo.check({ bundle: withUbigeo('150132') }), [], 'Lima, uncatalogued: department only');
});
