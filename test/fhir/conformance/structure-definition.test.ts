/** StructureDefinition consistency (src/fhir/validator/conformance/structure-definition.ts, snapshot generation): bad fires, good stays silent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFORMANCE_RULE as R } from '../../../src/fhir/validator/conformance/rule-ids.ts';
import { RULE } from '../../../src/fhir/validator/messages.ts';
import { at, CORE, errors, show, validate } from '../core/helpers.ts';

const profile = (over: Record<string, unknown>, diff: Record<string, unknown>[] = [{ id: 'Observation.status', path: 'Observation.status', mustSupport: true }]) => ({
  resourceType: 'StructureDefinition',
  url: 'http://example.org/StructureDefinition/obs',
  name: 'Obs',
  status: 'draft',
  kind: 'resource',
  abstract: false,
  type: 'Observation',
  baseDefinition: CORE + 'Observation',
  derivation: 'constraint',
  differential: { element: diff },
  ...over,
});

test('a profile states its derivation and keeps the kind and type of its base', () => {
  const good = validate(profile({}));
  assert.deepEqual(errors(good), [], show(good));
  assert.deepEqual(at(validate(profile({ derivation: undefined })), R.sdDerivation), ['StructureDefinition']);
  assert.deepEqual(at(validate(profile({ kind: 'complex-type' })), R.sdDerivation), ['StructureDefinition']);
  const type = validate(profile({ type: 'Patient' }, [{ id: 'Patient.active', path: 'Patient.active', min: 1 }]));
  assert.deepEqual(at(type, R.sdDerivation), ['StructureDefinition'], show(type));
  const unknown = validate(profile({ baseDefinition: 'http://example.org/StructureDefinition/none' }));
  assert.equal(unknown.find((f) => f.ruleId === R.sdBase)?.severity, 'warning', show(unknown));
});

test('element paths start with the type and a differential does not slice its root', () => {
  const path = validate(profile({}, [{ id: 'Observation.status', path: 'Patient.status' }]));
  assert.deepEqual(at(path, R.sdPath), ['StructureDefinition.differential.element[0]'], show(path));
  const root = validate(profile({}, [{ id: 'Observation', path: 'Observation', slicing: { discriminator: [{ type: 'value', path: 'code' }], rules: 'open' } }]));
  assert.deepEqual(at(root, R.sdPath), ['StructureDefinition.differential.element[0]'], show(root));
});

test('a renamed choice element names a type after its stem', () => {
  const typed = validate(profile({}, [{ id: 'Observation.value[x]', path: 'Observation.valueQuantity', min: 1 }]));
  assert.deepEqual(at(typed, RULE.snapshot), [], show(typed));
  const primitive = validate(profile({}, [{ id: 'Observation.value[x]', path: 'Observation.valueString', min: 1 }]));
  assert.deepEqual(at(primitive, RULE.snapshot), [], show(primitive));
  const bad = validate(profile({}, [{ id: 'Observation.valueQuantity', path: 'Observation.valueBla' }]));
  assert.deepEqual(at(bad, RULE.snapshot), ['StructureDefinition.differential.element[0]'], show(bad));
  assert.match(bad.find((f) => f.ruleId === RULE.snapshot)!.message.en, /must be 'Observation\.value\[x\]' not 'Observation\.valueBla'/);
});

test('an element constraint fits its types, and snapshot values are of an element type', () => {
  const bound = (code: string) =>
    profile({}, [{ id: 'Observation.status', path: 'Observation.status', type: [{ code }], binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/observation-status|4.0.1' } }]);
  assert.deepEqual(at(validate(bound('code')), R.sdElement), []);
  const date = validate(bound('date'));
  assert.deepEqual(at(date, R.sdElement), ['StructureDefinition.differential.element[0]'], show(date));
  const length = validate(profile({}, [{ id: 'Observation.issued', path: 'Observation.issued', type: [{ code: 'instant' }], maxLength: 10 }]));
  assert.deepEqual(at(length, R.sdElement), [], show(length));
  const range = validate(profile({}, [{ id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'Reference' }], maxLength: 10 }]));
  assert.deepEqual(at(range, R.sdElement), ['StructureDefinition.differential.element[0]'], show(range));

  const snapshot = (element: Record<string, unknown>) =>
    profile({
      snapshot: {
        element: [
          { id: 'Observation', path: 'Observation', min: 0, max: '*' },
          { id: 'Observation.status', path: 'Observation.status', min: 1, max: '1', ...element },
        ],
      },
    });
  assert.deepEqual(at(validate(snapshot({ type: [{ code: 'code' }], fixedCode: 'final' })), R.sdElement), []);
  assert.deepEqual(at(validate(snapshot({ type: [{ code: 'code' }], fixedString: 'final' })), R.sdElement), ['StructureDefinition.snapshot.element[1].fixedString']);
  assert.deepEqual(at(validate(snapshot({})), R.sdElement), ['StructureDefinition.snapshot.element[1]']);
});
