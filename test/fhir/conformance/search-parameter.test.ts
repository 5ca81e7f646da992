/** SearchParameter and CapabilityStatement consistency (src/fhir/validator/conformance/): each rule fires on a bad resource and not on its good twin. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFORMANCE_RULE as R } from '../../../src/fhir/validator/conformance/rule-ids.ts';
import { RULE } from '../../../src/fhir/validator/messages.ts';
import { at, show, validate } from '../core/helpers.ts';

const NAME = 'http://hl7.org/fhir/SearchParameter/Organization-name';

function sp(over: Record<string, unknown>): Record<string, unknown> {
  return {
    resourceType: 'SearchParameter',
    url: 'http://example.org/SearchParameter/org-name',
    name: 'OrgName',
    status: 'active',
    description: 'Name',
    code: 'name',
    base: ['Organization'],
    type: 'string',
    expression: 'Organization.name | Organization.alias',
    derivedFrom: NAME,
    ...over,
  };
}

test('a derived SearchParameter keeps the bases, type and expression of its parent', () => {
  const good = validate(sp({}));
  for (const rule of [R.searchParameterBase, RULE.searchParameter, R.searchParameterDerivedExpression, R.searchParameterExpression, R.searchParameterDerivedUnknown]) {
    assert.deepEqual(at(good, rule), [], show(good));
  }
  // the reference compares the unions sorted: the same branches in another order are the same expression
  assert.deepEqual(at(validate(sp({ expression: 'Organization.alias | Organization.name' })), R.searchParameterDerivedExpression), []);

  const base = validate(sp({ base: ['Patient'], expression: 'Patient.name' }));
  assert.deepEqual(at(base, R.searchParameterBase), ['SearchParameter'], show(base));
  const type = validate(sp({ type: 'token' }));
  assert.deepEqual(at(type, RULE.searchParameter), ['SearchParameter'], show(type));
  const expression = validate(sp({ expression: 'Organization.name' }));
  assert.equal(expression.find((f) => f.ruleId === R.searchParameterDerivedExpression)?.severity, 'warning', show(expression));
  const unknown = validate(sp({ derivedFrom: 'http://example.org/SearchParameter/none' }));
  assert.equal(unknown.find((f) => f.ruleId === R.searchParameterDerivedUnknown)?.severity, 'warning', show(unknown));
});

test('the expression starts from the resource types of base and parses as FHIRPath', () => {
  const wrong = validate(sp({ base: ['Patient'], derivedFrom: undefined }));
  assert.deepEqual(at(wrong, R.searchParameterExpression), ['SearchParameter.expression'], show(wrong));
  const bad = validate(sp({ expression: 'Organization.name.where(', derivedFrom: undefined }));
  assert.deepEqual(at(bad, R.searchParameterExpression), ['SearchParameter.expression'], show(bad));
  // a base of Resource lets a path start anywhere; a name inside a function is not the head of the path
  assert.deepEqual(at(validate(sp({ base: ['Resource'], expression: 'Patient.name', derivedFrom: undefined })), R.searchParameterExpression), []);
  assert.deepEqual(at(validate(sp({ expression: '(Organization.partOf.where(resolve() is Patient))', derivedFrom: undefined })), R.searchParameterExpression), []);
});

test('a composite has two or more components; the code avoids REST delimiters', () => {
  const composite = validate(sp({ type: 'composite', derivedFrom: undefined, component: [{ definition: NAME, expression: 'name' }] }));
  assert.deepEqual(at(composite, R.searchParameterComposite), ['SearchParameter'], show(composite));
  const two = [
    { definition: NAME, expression: 'name' },
    { definition: NAME, expression: 'alias' },
  ];
  assert.deepEqual(at(validate(sp({ type: 'composite', derivedFrom: undefined, component: two })), R.searchParameterComposite), []);
  const code = validate(sp({ code: 'name.given' }));
  assert.equal(code.find((f) => f.ruleId === R.searchParameterCode)?.severity, 'warning', show(code));
});

test('a CapabilityStatement declares a search parameter with its definition type', () => {
  const cs = (type: string): Record<string, unknown> => ({
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    implementation: { description: 'test' },
    rest: [{ mode: 'server', resource: [{ type: 'Organization', searchParam: [{ name: 'name', definition: NAME, type }] }] }],
  });
  assert.deepEqual(at(validate(cs('string')), R.capabilitySearchParamType), []);
  const wrong = validate(cs('date'));
  assert.deepEqual(at(wrong, R.capabilitySearchParamType), ['CapabilityStatement.rest[0].resource[0].searchParam[0]'], show(wrong));
});
