import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { finding } from '../../src/findings/finding.ts';
import { type RuleCheck, validateHl7 } from '../../src/hl7v2/index.ts';
import { PE_RIS_V2 } from './pe-ris-contract.ts';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/hl7v2/${name}`, import.meta.url)), 'utf8').replace(/\r?\n/g, '\r');

test('profile rules run the checks the program registers, by kind; an unregistered kind is a programming error', () => {
  const adt = fixture('valid/adt-a04.hl7');
  const seen: string[] = [];
  const spy: RuleCheck = (rule) => {
    seen.push(`${rule.kind}:${rule.path}`);
    return rule.kind === 'pe-dni' ? [finding('X-RULE', 'error', 'value', rule.path, { en: 'planted' }, 'hl7v2')] : [];
  };
  const fs = validateHl7(adt, { profileDir: PE_RIS_V2.profileDir, ruleChecks: { 'pe-dni': spy, 'pe-renipress': spy } });
  assert.ok(seen.includes('pe-dni:PID-3'), seen.join());
  assert.deepEqual(
    fs.map((f) => `${f.ruleId}@${f.location}`),
    ['X-RULE@PID-3'],
  );
  assert.throws(() => validateHl7(adt, { profileDir: PE_RIS_V2.profileDir }), /no check registered for rule kind pe-dni/);
});

test('a bad DNI check digit gives the same finding through the pe-ris plug-in', () => {
  const fs = validateHl7(fixture('defects/dni-check.hl7'), PE_RIS_V2);
  assert.ok(
    fs.some((f) => f.ruleId === 'ID-DNI-CHECK' && f.locationKind === 'hl7v2'),
    JSON.stringify(fs),
  );
});
