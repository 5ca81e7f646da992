import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rootRules } from '../../programs/mx-ece/judges/root-rule.ts';
import type { Finding } from '../../src/findings/finding.ts';

const f = (ruleId: string, en: string): Finding => ({ ruleId, severity: 'error', code: 'invariant', location: 'x', locationKind: 'fhirpath', message: { en, es: en } });

test('a profile invariant or GIIS assert restating a business rule counts under that rule, its own id kept in the text', () => {
  const [cie, bdl, birth, xsd] = rootRules([
    f('mx-cie10-1', 'Constraint failed'),
    f('bdl-11', 'Constraint failed'),
    f('RE-07', 'GIIS-14: The birth date (birthTime) disagrees with the CURP'),
    f('RE-07', 'XSD-element-missing: realmCode'),
  ]);
  assert.deepEqual([cie!.ruleId, bdl!.ruleId, birth!.ruleId, xsd!.ruleId], ['RE-04', 'RE-06', 'RE-03', 'RE-07']);
  assert.match(cie!.message.en, /^\[mx-cie10-1\]/);
});

test("a CDA carrying another CURP keeps its disagreements with that CURP under RE-07, not the patient's RE-03", () => {
  const out = rootRules([
    f('RE-07', "The CDA summary's CURP (AAAA000101HDFXXX09) is not the Bundle patient's (BBBB000101HDFXXX01)."),
    f('RE-07', 'GIIS-14: The birth date (birthTime) disagrees with the CURP'),
  ]);
  assert.deepEqual(
    out.map((x) => x.ruleId),
    ['RE-07', 'RE-07'],
  );
});
