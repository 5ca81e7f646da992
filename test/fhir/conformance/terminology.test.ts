/** ValueSet compose and CodeSystem consistency (src/fhir/validator/conformance/): each rule fires on a bad resource and not on its good twin. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFORMANCE_RULE as R } from '../../../src/fhir/validator/conformance/rule-ids.ts';
import { RULE } from '../../../src/fhir/validator/messages.ts';
import { at, errors, show, validate, validator } from '../core/helpers.ts';

const PARAMETER = 'http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter';
const EXPRESSION = 'http://hl7.org/fhir/StructureDefinition/cqf-expression';

const vs = (include: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'ValueSet',
  url: 'http://example.org/ValueSet/test',
  status: 'active',
  compose: { include: [include] },
  ...extra,
});

test('include.system is an absolute URI without a |version', () => {
  assert.deepEqual(errors(validate(vs({ system: 'http://example.org/cs', version: '1' }))), []);
  const fragment = validate(vs({ system: '#cs' }));
  assert.deepEqual(at(fragment, R.valueSetIncludeSystem), ['ValueSet.compose.include[0]'], show(fragment));
  assert.match(fragment.find((f) => f.ruleId === R.valueSetIncludeSystem)!.message.en, /valueset-system extension/);
  assert.deepEqual(at(validate(vs({ system: 'urn:uuid:6a2ee390-978e-42c6-8f88-c17dff3bd8a0' })), R.valueSetIncludeSystem), []);
  const versioned = validate(vs({ system: 'http://example.org/cs|2' }));
  assert.deepEqual(at(versioned, R.valueSetIncludeVersion), ['ValueSet.compose.include[0]'], show(versioned));
  const trailing = validate(vs({ system: 'http://example.org/cs|' }));
  assert.equal(trailing.find((f) => f.ruleId === R.valueSetIncludeVersion)?.severity, 'warning', show(trailing));
});

test('listed concepts are codes of a complete code system known here', () => {
  const status = 'http://hl7.org/fhir/observation-status';
  assert.deepEqual(at(validate(vs({ system: status, concept: [{ code: 'final' }] })), R.valueSetIncludeConcept), []);
  assert.deepEqual(at(validate(vs({ system: status, concept: [{ code: 'final' }, { code: 'finished' }] })), R.valueSetIncludeConcept), ['ValueSet.compose.include[0].concept[1]']);
  // a system Sello does not hold, or another version of it, is left to a terminology server
  assert.deepEqual(at(validate(vs({ system: 'http://example.org/cs', concept: [{ code: 'finished' }] })), R.valueSetIncludeConcept), []);
  assert.deepEqual(at(validate(vs({ system: status, version: '5.0.0', concept: [{ code: 'finished' }] })), R.valueSetIncludeConcept), []);
});

test('a filter value fits its operator and a boolean property', () => {
  const filter = (property: string, op: string, value: string) => vs({ system: 'http://example.org/cs', filter: [{ property, op, value }] });
  assert.deepEqual(at(validate(filter('notSelectable', '=', 'true')), R.valueSetFilter), []);
  assert.deepEqual(at(validate(filter('notSelectable', '=', '1')), R.valueSetFilter), ['ValueSet.compose.include[0].filter[0]']);
  assert.deepEqual(at(validate(filter('anything', 'exists', 'yes')), R.valueSetFilter), ['ValueSet.compose.include[0].filter[0]']);
  assert.deepEqual(at(validate(filter('anything', '=', 'yes')), R.valueSetFilter), []);
  // LOINC has its own property rules in the reference: nothing is assumed about them; SNOMED CT's inactive is boolean
  assert.deepEqual(at(validate(vs({ system: 'http://loinc.org', filter: [{ property: 'notSelectable', op: '=', value: '1' }] })), R.valueSetFilter), []);
  assert.deepEqual(at(validate(vs({ system: 'http://snomed.info/sct', filter: [{ property: 'inactive', op: 'in', value: 'true,1' }] })), R.valueSetFilter).length, 1);
  assert.deepEqual(at(validate(filter('effectiveDate', '=', 'ge2020-01-01')), R.valueSetFilter), []);
  assert.deepEqual(at(validate(filter('effectiveDate', '=', '01/01/2020')), R.valueSetFilter).length, 1);
  assert.deepEqual(at(validate(filter('anything', 'regex', '[')), R.valueSetFilter), []);
});

test('a filter on a property the code system declares takes a value of its type', () => {
  const cs = {
    resourceType: 'CodeSystem',
    url: 'http://example.org/CodeSystem/typed',
    status: 'active',
    content: 'complete',
    property: [
      { code: 'rank', type: 'integer' },
      { code: 'related', type: 'Coding' },
      { code: 'note', type: 'string' },
    ],
    concept: [{ code: 'a' }],
  };
  validator().registry.add(cs);
  const filter = (property: string, value: string) => validate(vs({ system: cs.url, filter: [{ property, op: '=', value }] }));
  assert.deepEqual(at(filter('rank', 'gt3'), R.valueSetFilter), []);
  assert.deepEqual(at(filter('rank', 'three'), R.valueSetFilter).length, 1);
  assert.deepEqual(at(filter('related', 'http://example.org/cs#a'), R.valueSetFilter), []);
  assert.equal(filter('related', 'a').find((f) => f.ruleId === R.valueSetFilter)?.severity, 'error');
  assert.equal(filter('related', 'http://example.org/cs|a').find((f) => f.ruleId === R.valueSetFilter)?.severity, 'warning');
  assert.deepEqual(at(filter('note', 'anything at all'), R.valueSetFilter), []);
  // codes of a code system known here with all its concepts
  assert.deepEqual(at(filter('concept', 'a'), R.valueSetFilter), []);
  assert.equal(filter('concept', 'zz').find((f) => f.ruleId === R.valueSetFilter)?.severity, 'error');
  assert.equal(filter('related', `${cs.url}#zz`).find((f) => f.ruleId === R.valueSetFilter)?.severity, 'error');
  assert.deepEqual(at(validate(vs({ system: 'http://example.org/unknown', filter: [{ property: 'concept', op: 'is-a', value: 'zz' }] })), R.valueSetFilter), []);
});

test('a parameterised filter is FHIRPath over declared parameters, each used', () => {
  const param = {
    url: PARAMETER,
    extension: [
      { url: 'name', valueCode: 'p-inactive' },
      { url: 'documentation', valueMarkdown: 'whether inactive' },
    ],
  };
  const withExpression = (language: string, expression: string) =>
    vs(
      { system: 'http://example.org/cs', filter: [{ property: 'inactive', op: '=', _value: { extension: [{ url: EXPRESSION, valueExpression: { language, expression } }] } }] },
      { extension: [param] },
    );
  const good = validate(withExpression('text/fhirpath', '%p-inactive'));
  assert.deepEqual([...at(good, R.valueSetExpressionLanguage), ...at(good, RULE.valueSetParameter), ...at(good, R.valueSetParameterUnused)], [], show(good));
  const cql = validate(withExpression('text/cql', '%p-inactive'));
  assert.deepEqual(at(cql, R.valueSetExpressionLanguage), ['ValueSet.compose.include[0].filter[0].extension[0].value.ofType(Expression)'], show(cql));
  assert.deepEqual(at(cql, R.valueSetParameterUnused), ['ValueSet.extension[0]'], show(cql));
  assert.deepEqual(at(validate(withExpression('text/fhirpath', '%p-other')), RULE.valueSetParameter).length, 1);
  assert.deepEqual(at(validate(withExpression('text/fhirpath', '$ and %p-inactive')), RULE.valueSetParameter).length, 1);
});

const cs = (over: Record<string, unknown>): Record<string, unknown> => ({
  resourceType: 'CodeSystem',
  url: 'http://example.org/CodeSystem/test',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  concept: [
    { code: 'a', display: 'A', concept: [{ code: 'a1', display: 'A1' }] },
    { code: 'b', display: 'B' },
  ],
  ...over,
});

test('supplements, count and not-present content agree with the concepts', () => {
  assert.deepEqual(errors(validate(cs({ count: 3 }))), [], show(validate(cs({ count: 3 }))));
  assert.deepEqual(at(validate(cs({ count: 2 })), R.codeSystemCount), ['CodeSystem.count']);
  assert.deepEqual(at(validate(cs({ content: 'not-present' })), R.codeSystemCount), ['CodeSystem.concept[0]']);
  const supplement = validate(cs({ supplements: 'http://loinc.org', caseSensitive: undefined }));
  assert.deepEqual(at(supplement, R.codeSystemSupplement), ['CodeSystem.content'], show(supplement));
  assert.deepEqual(at(validate(cs({ supplements: 'http://loinc.org', content: 'supplement', caseSensitive: undefined })), R.codeSystemSupplement), []);
  assert.deepEqual(at(validate(cs({ content: 'supplement', caseSensitive: undefined })), R.codeSystemSupplement), ['CodeSystem.content']);
});

test('codes are unique, nested ones included', () => {
  const dup = validate(cs({ concept: [{ code: 'a', display: 'A', concept: [{ code: 'a', display: 'again' }] }] }));
  assert.deepEqual(at(dup, R.codeSystemDuplicateCode), ['CodeSystem.concept[0].concept[0]'], show(dup));
});

test('property declarations and values are consistent', () => {
  const good = validate(
    cs({
      property: [
        { code: 'notSelectable', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'boolean' },
        { code: 'parent', uri: 'http://hl7.org/fhir/concept-properties#parent', type: 'code' },
      ],
      concept: [
        { code: 'a', display: 'A', property: [{ code: 'notSelectable', valueBoolean: true }] },
        { code: 'b', display: 'B', property: [{ code: 'parent', valueCode: 'a' }] },
      ],
    }),
  );
  assert.deepEqual([...at(good, R.codeSystemProperty), ...at(good, R.codeSystemPropertyValue)], [], show(good));
  const bad = validate(
    cs({
      property: [
        { code: 'notSelectable', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'dateTime' },
        { code: 'notSelectable', type: 'boolean' },
        { code: 'other', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'boolean' },
        { code: 'parent', uri: 'http://hl7.org/fhir/concept-properties#parent', type: 'code' },
        { code: 'rel', uri: 'not absolute', type: 'string' },
      ],
      concept: [
        {
          code: 'a',
          display: 'A',
          property: [
            { code: 'notSelectable', valueBoolean: true },
            { code: 'undeclared', valueString: 'x' },
          ],
        },
        { code: 'b', display: 'B', property: [{ code: 'parent', valueCode: 'zz' }] },
      ],
    }),
  );
  const errs = (rule: string) => bad.filter((f) => f.ruleId === rule && f.severity === 'error').map((f) => f.location);
  assert.deepEqual(errs(R.codeSystemProperty), ['CodeSystem.property[0]', 'CodeSystem.property[1]', 'CodeSystem.property[2]', 'CodeSystem.property[4]'], show(bad));
  assert.deepEqual(errs(R.codeSystemPropertyValue), ['CodeSystem.concept[0].property[0]', 'CodeSystem.concept[1].property[0]'], show(bad));
  assert.equal(bad.find((f) => f.location === 'CodeSystem.concept[0].property[1]')?.severity, 'warning', show(bad));
});
