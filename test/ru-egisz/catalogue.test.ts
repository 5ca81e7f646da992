import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRequirementCatalogue } from '../../src/report/requirements.ts';

const profiles = fileURLToPath(new URL('../../programs/ru-egisz/profiles/', import.meta.url));
const catalogue = loadRequirementCatalogue('ru-egisz', profiles);
const ROLES = ['mis', 'gateway', 'remd'];

test('the ru-egisz catalogue loads with the engine loader: RR-01…RR-18, each with ru and en text, a source and roles of the program', () => {
  assert.deepEqual(
    catalogue.rules.map((r) => r.id),
    Array.from({ length: 18 }, (_, i) => `RR-${String(i + 1).padStart(2, '0')}`),
  );
  for (const r of catalogue.rules) {
    assert.ok(r.title.ru && r.title.en && r.description.ru && r.description.en, `${r.id} speaks Russian and English`);
    assert.match(r.source, /ru-egisz\.md/, r.id);
    assert.ok(r.roles && r.roles.length > 0 && r.roles.every((role) => ROLES.includes(role)), `${r.id} roles ${r.roles}`);
  }
  // Every role is bound by some rule, so every column of the coverage matrix exists.
  assert.deepEqual(new Set(catalogue.rules.flatMap((r) => r.roles ?? [])), new Set(ROLES));
});

test('every rule has a behaviour for every role it binds, and every behaviour binds a role of its rule', () => {
  assert.deepEqual(catalogue.missingBehaviours, []);
  // Rules carry the behaviours; a profile constraint (an XSD or Schematron every message of its kind passes) is judged
  // through the rules it names, on every message, and covered by their scenarios.
  for (const r of catalogue.requirements.filter((q) => q.kind === 'rule')) assert.ok((r.behaviours ?? []).length >= 1, `${r.id} has behaviours`);
  for (const c of catalogue.requirements.filter((q) => q.kind === 'profile')) assert.ok(c.schema && c.judgedBy.some((id) => id.startsWith('RR-')), `${c.id} names its profile and rules`);
  for (const b of catalogue.behaviours) {
    assert.ok(b.roles.length >= 1, b.id);
    assert.ok(b.sent.ru && b.expected.ru, `${b.id} in Russian`);
  }
  // A SHOULD rule is held to the same standard: every (rule, role) cell, whatever its strength, has a behaviour.
  const cells = new Set(catalogue.behaviours.flatMap((b) => b.roles.map((role) => `${b.requirement} ${role}`)));
  for (const r of catalogue.rules) for (const role of r.roles ?? []) assert.ok(cells.has(`${r.id} ${role}`), `${r.id} × ${role}`);
});

test('v1.1 Roles: the gateway relays (RR-14 is its alone), REMD alone answers rate limits and registry reads', () => {
  const roles = (id: string) => catalogue.rules.find((r) => r.id === id)?.roles;
  assert.deepEqual(roles('RR-14'), ['gateway']);
  assert.deepEqual(roles('RR-16'), ['remd']);
  assert.deepEqual(roles('RR-18'), ['remd']);
  assert.deepEqual(roles('RR-05'), ROLES);
  assert.equal(catalogue.rules.find((r) => r.id === 'RR-17')?.strength, 'SHOULD');
});

interface ErrorCode {
  code: string;
  rule: string;
  stage: string;
  alsoRules?: string[];
  text: { ru: string; en: string };
}
const classifier = JSON.parse(readFileSync(`${profiles}/error-codes.json`, 'utf8')) as { classifier: string; label: string; codes: ErrorCode[] };

test('every REMD error code v1.1 names is in the classifier file, tied to a rule of the catalogue that names it', () => {
  const named =
    'WRONG_MESSAGE_ID NOT_UNIQUE_PROVIDED_ID NO_DOCUMENT_KIND_ON_DATE ORG_NOT_FOUND_IN_FRMO PERSON_NOT_FOUND INVALID_DOCTOR_SNILS NO_SNILS NO_SIGNATURE SIGNATURE_VERIFICATION_ERROR UNKNOWN_ALGORITHM VALUE_MISMATCH_METADATA_AND_CERTIFICATE DIGEST_MISMATCH XML_VALIDATION_ERROR INVALID_DICTIONARY_VERSION INVALID_ELEMENT_VALUE_CODE RATE_LIMIT ASYNC_RESPONSE_TIMEOUT MIS_NOT_AVAILABLE GET_DOCUMENT_FILE_ERROR VALIDATION_ERROR'.split(
      ' ',
    );
  assert.equal(classifier.classifier, '1.2.643.5.1.13.13.99.2.305');
  assert.match(classifier.label, /not the official book/);
  assert.deepEqual(classifier.codes.map((c) => c.code).sort(), [...named].sort());
  const rules = new Map(catalogue.rules.map((r) => [r.id, r]));
  for (const c of classifier.codes) {
    assert.ok(['fault', 'callback', 'both'].includes(c.stage), c.code);
    assert.ok(c.text.ru && c.text.en, c.code);
    for (const id of [c.rule, ...(c.alsoRules ?? [])]) assert.ok(rules.has(id), `${c.code} → ${id}`);
    // The rule a code belongs to says so, so a reader of the rule finds its code.
    assert.ok(rules.get(c.rule)?.description.en.includes(c.code), `${c.rule} mentions ${c.code}`);
  }
});
