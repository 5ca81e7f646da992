/** OperationDefinition in/out profiles against the parameters (conformance/operation-definition.ts): bad fires, good stays silent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFORMANCE_RULE as R } from '../../../src/fhir/validator/conformance/rule-ids.ts';
import { CORE, show, validate, validator } from '../core/helpers.ts';

const PROFILE = 'http://example.org/StructureDefinition/op-in';
validator().registry.add({
  resourceType: 'StructureDefinition',
  url: PROFILE,
  name: 'OpIn',
  status: 'active',
  kind: 'resource',
  abstract: false,
  type: 'Parameters',
  baseDefinition: CORE + 'Parameters',
  derivation: 'constraint',
  differential: {
    element: [
      { id: 'Parameters.parameter', path: 'Parameters.parameter', slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'open' } },
      { id: 'Parameters.parameter:subject', path: 'Parameters.parameter', sliceName: 'subject', min: 1, max: '1' },
      { id: 'Parameters.parameter:subject.name', path: 'Parameters.parameter.name', fixedString: 'subject' },
      { id: 'Parameters.parameter:subject.value[x]', path: 'Parameters.parameter.value[x]', type: [{ code: 'Reference' }] },
      { id: 'Parameters.parameter:subject.resource', path: 'Parameters.parameter.resource', max: '0' },
      { id: 'Parameters.parameter:subject.part', path: 'Parameters.parameter.part', max: '0' },
    ],
  },
});

const operation = (parameter: Record<string, unknown>[], inputProfile = PROFILE) => ({
  resourceType: 'OperationDefinition',
  url: 'http://example.org/OperationDefinition/op',
  name: 'Op',
  status: 'active',
  kind: 'operation',
  code: 'op',
  system: false,
  type: true,
  instance: false,
  resource: ['Patient'],
  inputProfile,
  parameter,
});
const subject = { name: 'subject', use: 'in', min: 1, max: '1', type: 'Reference' };
const ours = (fs: ReturnType<typeof validate>) => fs.filter((f) => f.ruleId === R.operationProfile).map((f) => `${f.severity} ${f.location}`);

test('the input profile matches the operation parameters', () => {
  const good = validate(operation([subject]));
  assert.deepEqual(ours(good), [], show(good));
  const min = validate(operation([{ ...subject, min: 0 }]));
  assert.deepEqual(ours(min), ['error OperationDefinition.inputProfile.parameter[0]'], show(min));
  const type = validate(operation([{ ...subject, type: 'string' }]));
  assert.deepEqual(ours(type), ['error OperationDefinition.inputProfile.parameter[0]', 'error OperationDefinition.inputProfile.parameter[0]'], show(type));
  const extra = validate(operation([subject, { name: 'other', use: 'in', min: 0, max: '1', type: 'string' }]));
  assert.deepEqual(ours(extra), ['warning OperationDefinition.inputProfile.parameter[1]'], show(extra));
  const missing = validate(operation([{ name: 'other', use: 'in', min: 0, max: '1', type: 'string' }]));
  assert.deepEqual(ours(missing), ['warning OperationDefinition.inputProfile', 'warning OperationDefinition.inputProfile.parameter[0]'], show(missing));
});

test('the input profile resolves to a profile on Parameters', () => {
  assert.deepEqual(ours(validate(operation([subject], 'http://example.org/StructureDefinition/none'))), ['error OperationDefinition.inputProfile']);
  assert.deepEqual(ours(validate(operation([subject], CORE + 'Patient'))), ['error OperationDefinition.inputProfile']);
});
