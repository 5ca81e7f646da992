import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, mock, test } from 'node:test';
import type { Invariant, InvariantContext } from '../../../src/fhir/contracts.ts';
import { createInvariantEvaluator, fhirpathSyntaxError } from '../../../src/fhir/invariants/index.ts';
import { createTerminology, loadBaseTerminologySource } from '../../../src/fhir/terminology/index.ts';

// The evaluator loads fhirpath.js's CommonJS build on first use; spying on that same module object.
const fhirpath = createRequire(import.meta.url)('fhirpath') as { compile: (...args: unknown[]) => unknown };

const inv = (key: string, expression: string, severity: 'error' | 'warning' = 'error'): Invariant => ({ key, severity, human: key, expression });
const at = (resource: unknown, type: string, path: string, rootResource: unknown = resource): InvariantContext => ({ resource, rootResource, type, path });

// A Patient with a contained Organization it refers to, a birthDate that only has an extension, and two contacts.
const patient = {
  resourceType: 'Patient',
  id: 'p1',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">John Doe</div>' },
  contained: [{ resourceType: 'Organization', id: 'org', name: 'Acme' }],
  name: [{ family: 'Doe', given: ['John', 'Q'] }],
  _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
  gender: 'male',
  contact: [{ name: { family: 'Roe' } }, { gender: 'female' }],
  managingOrganization: { reference: '#org' },
};

const PAT_1 = 'name.exists() or telecom.exists() or address.exists() or organization.exists()';
const REF_1 = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))";
const ELE_1 = 'hasValue() or (children().count() > id.count())';
const DOM_3 =
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()";

describe('FHIRPath invariants', () => {
  const ev = createInvariantEvaluator();

  test('pat-1 on Patient.contact (a BackboneElement)', () => {
    assert.deepEqual(ev.evaluate(inv('pat-1', PAT_1), patient.contact[0], at(patient, 'BackboneElement', 'Patient.contact')), { passed: true });
    assert.deepEqual(ev.evaluate(inv('pat-1', PAT_1), patient.contact[1], at(patient, 'BackboneElement', 'Patient.contact')), { passed: false });
  });

  test('ref-1 on a reference to a contained resource', () => {
    const ctx = at(patient, 'Reference', 'Patient.managingOrganization');
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { reference: '#org' }, ctx), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { reference: '#missing' }, ctx), { passed: false });
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { reference: 'Organization/1' }, ctx), { passed: true });
    // HL7 fix: '#' (the container) and a Reference with no reference at all are fine.
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { reference: '#' }, ctx), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { display: 'Acme' }, ctx), { passed: true });
    // From inside a contained resource, the contained list is the root resource's.
    const contained = patient.contained[0];
    assert.deepEqual(ev.evaluate(inv('ref-1', REF_1), { reference: '#org' }, at(contained, 'Reference', 'Organization.partOf', patient)), {
      passed: true,
    });
  });

  test('dom-3: every contained resource is referenced from the container', () => {
    const ctx = (r: unknown) => at(r, 'Patient', 'Patient');
    assert.deepEqual(ev.evaluate(inv('dom-3', DOM_3), patient, ctx(patient)), { passed: true });
    const orphan = { ...patient, managingOrganization: { reference: 'Organization/1' } };
    assert.deepEqual(ev.evaluate(inv('dom-3', DOM_3), orphan, ctx(orphan)), { passed: false });
    const noContained = { resourceType: 'Patient', id: 'x' };
    assert.deepEqual(ev.evaluate(inv('dom-3', DOM_3), noContained, ctx(noContained)), { passed: true });
    // A contained resource that points back at its container with '#' needs no reference to itself.
    const backRef = {
      resourceType: 'Patient',
      contained: [{ resourceType: 'Provenance', id: 'prov', target: [{ reference: '#' }], recorded: '2020-01-01T00:00:00Z', agent: [{ who: { display: 'x' } }] }],
    };
    assert.deepEqual(ev.evaluate(inv('dom-3', DOM_3), backRef, ctx(backRef)), { passed: true });
    // The published expression, as fhirpath.js evaluates it without the fix, is an error: as() on a collection.
    const unfixed = ev.evaluate(inv('not-dom-3', DOM_3), patient, ctx(patient));
    assert.equal(unfixed.passed, 'error');
    assert.ok((unfixed as { error: string }).error.length <= 501, 'fhirpath.js quotes the whole collection: cut');
  });

  test('dom-6 (best practice): only the outermost resource needs a narrative', () => {
    const bare = { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o' }] };
    assert.deepEqual(ev.evaluate(inv('dom-6', 'text.`div`.exists()', 'warning'), bare, at(bare, 'Patient', 'Patient')), { passed: false });
    assert.deepEqual(ev.evaluate(inv('dom-6', 'text.`div`.exists()', 'warning'), patient, at(patient, 'Patient', 'Patient')), { passed: true });
    const org = bare.contained[0];
    assert.deepEqual(ev.evaluate(inv('dom-6', 'text.`div`.exists()', 'warning'), org, at(org, 'Organization', 'Organization', bare)), { passed: true });
  });

  test('ele-1 on primitives with and without their _field sibling', () => {
    const birth = at(patient, 'date', 'Patient.birthDate');
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), '1970-01-01', birth), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { value: '1970-01-01', id: 'b' }, birth), { passed: true });
    // `_birthDate` with only an extension: no value, but a child other than id.
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { ...patient._birthDate }, birth), { passed: true });
    // `_birthDate: { id }` alone: neither a value nor a child other than id.
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { id: 'b' }, birth), { passed: false });
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), {}, birth), { passed: false });
    // Complex elements: `_given` counts as a child, `_id` does not.
    const name = at(patient, 'HumanName', 'Patient.name');
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { family: 'Doe' }, name), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { _given: [{ extension: [{ url: 'u', valueString: 'v' }] }] }, name), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ele-1', ELE_1), { id: 'n', _id: { extension: [{ url: 'u', valueString: 'v' }] } }, name), { passed: false });
  });

  test('an empty result fails, as in the HL7 validator', () => {
    assert.deepEqual(ev.evaluate(inv('x-1', 'telecom.value'), patient, at(patient, 'Patient', 'Patient')), { passed: false });
    assert.deepEqual(ev.evaluate(inv('x-2', 'name.family'), patient, at(patient, 'Patient', 'Patient')), { passed: true }, 'a non-boolean singleton is true');
    assert.deepEqual(ev.evaluate(inv('x-3', 'name.given'), patient, at(patient, 'Patient', 'Patient')), { passed: true }, 'so is a longer collection');
    assert.deepEqual(ev.evaluate(inv('x-4', 'active'), { ...patient, active: false }, at(patient, 'Patient', 'Patient')), { passed: false });
  });

  test('an expression that throws or does not parse is an error outcome, not an exception', () => {
    const r1 = ev.evaluate(inv('x-5', "name.given.substring('a')"), patient, at(patient, 'Patient', 'Patient'));
    assert.equal(r1.passed, 'error');
    assert.match((r1 as { error: string }).error, /integer/i);
    const r2 = ev.evaluate(inv('x-6', 'name.(('), patient, at(patient, 'Patient', 'Patient'));
    assert.equal(r2.passed, 'error');
    assert.match((r2 as { error: string }).error, /cannot parse/);
    // fhirpath.js's memberOf() needs a terminology server (async): without one it is an error too.
    const r3 = ev.evaluate(inv('x-7', "memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')"), 'male', at(patient, 'code', 'Patient.gender'));
    assert.equal(r3.passed, 'error');
  });

  test('fhirpathSyntaxError', () => {
    assert.equal(fhirpathSyntaxError("name.where(family = 'x')"), undefined);
    assert.match(fhirpathSyntaxError('name.((') ?? '', /mismatched|extraneous|expecting/);
  });

  test('typed evaluation on a part of a resource: Patient.name[0], BackboneElement children, choice types', () => {
    const name0 = at(patient, 'HumanName', 'Patient.name');
    assert.deepEqual(ev.evaluate(inv('t-1', "$this is HumanName and given.first() is string and family = 'Doe'"), patient.name[0], name0), { passed: true });
    assert.deepEqual(ev.evaluate(inv('t-2', '$this is Address'), patient.name[0], name0), { passed: false });
    assert.deepEqual(ev.evaluate(inv('t-3', 'name is HumanName'), patient.contact[0], at(patient, 'BackboneElement', 'Patient.contact')), { passed: true });
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    };
    const o = at(obs, 'Observation', 'Observation');
    assert.deepEqual(ev.evaluate(inv('t-4', "value is Quantity and (value as Quantity).code = 'kg' and value.value > 70"), obs, o), { passed: true });
    assert.deepEqual(ev.evaluate(inv('t-5', 'value.ofType(string).exists()'), obs, o), { passed: false });
    assert.deepEqual(ev.evaluate(inv('t-6', "value.system = %ucum and %context.status = 'final' and %resource.status = 'final'"), obs, o), { passed: true });
    // Dates are compared as dates, not strings, because the node is typed `date`.
    assert.deepEqual(ev.evaluate(inv('t-7', '$this < @2000-01-01'), '1970-01-01', at(patient, 'date', 'Patient.birthDate')), { passed: true });
    // Recursive element paths resolve like fhirpath.js's own base paths (Questionnaire.item.item is Questionnaire.item).
    const item = { linkId: '1.1', type: 'group', item: [{ linkId: '1.1.1', type: 'string' }] };
    assert.deepEqual(ev.evaluate(inv('t-8', "item.first().type = 'string'"), item, at({}, 'BackboneElement', 'Questionnaire.item.item')), { passed: true });
  });

  test('the resource is not modified (fhirpath.js adds __path__ to results it resolves)', () => {
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === 'object') {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
      }
      return o;
    };
    const frozen = deepFreeze(structuredClone(patient));
    const before = JSON.stringify(frozen);
    for (const [key, expression] of [
      ['x-1', 'name'],
      ['x-2', 'contained.first()'],
      ['dom-3', DOM_3],
      ['x-3', 'descendants().where($this is HumanName).exists()'],
    ] as const) {
      assert.notEqual(ev.evaluate(inv(key, expression), frozen, at(frozen, 'Patient', 'Patient')).passed, 'error', key);
    }
    assert.equal(JSON.stringify(frozen), before);
    assert.equal(Object.getOwnPropertyNames(frozen.name[0]).includes('__path__'), false);
  });

  test("typing: 'base' uses fhirpath.js's documented { base, expression } form", () => {
    const viaBase = createInvariantEvaluator({ typing: 'base' });
    const name0 = at(patient, 'HumanName', 'Patient.name');
    assert.deepEqual(viaBase.evaluate(inv('t-1', '$this is HumanName and given.first() is string'), patient.name[0], name0), { passed: true });
    assert.deepEqual(viaBase.evaluate(inv('t-2', 'name is HumanName'), patient.contact[0], at(patient, 'BackboneElement', 'Patient.contact')), { passed: true });
    assert.deepEqual(viaBase.evaluate(inv('t-3', '$this < @2000-01-01'), '1970-01-01', at(patient, 'date', 'Patient.birthDate')), { passed: true });
    assert.deepEqual(viaBase.evaluate(inv('pat-1', PAT_1), patient.contact[1], at(patient, 'BackboneElement', 'Patient.contact')), { passed: false });
  });

  test('the compile cache: one fhirpath.compile per expression text', () => {
    const spy = mock.method(fhirpath, 'compile');
    try {
      const fresh = createInvariantEvaluator();
      const expression = "name.where(family = 'Doe').exists()";
      for (let i = 0; i < 50; i++) {
        assert.deepEqual(fresh.evaluate(inv('c-1', expression), patient, at(patient, 'Patient', 'Patient')), { passed: true });
        assert.deepEqual(fresh.evaluate(inv('c-2', expression), { resourceType: 'Patient' }, at(patient, 'Patient', 'Patient')), { passed: false });
      }
      const compilesOfIt = spy.mock.calls.filter((c) => c.arguments[0] === expression).length;
      assert.equal(compilesOfIt, 1);
      assert.equal(fresh.stats().fhirpath, 100);
    } finally {
      spy.mock.restore();
    }
  });

  test('txt-1 and txt-2 are told apart (fhirpath.js htmlChecks() tests both at once)', () => {
    const div = at(patient, 'xhtml', 'Narrative.div');
    const txt = (key: string, d: string) => ev.evaluate(inv(key, 'htmlChecks()'), d, div).passed;
    const ns = 'xmlns="http://www.w3.org/1999/xhtml"';
    assert.deepEqual([txt('txt-1', `<div ${ns}><p>Hi</p></div>`), txt('txt-2', `<div ${ns}><p>Hi</p></div>`)], [true, true]);
    assert.deepEqual([txt('txt-1', `<div ${ns}>  </div>`), txt('txt-2', `<div ${ns}>  </div>`)], [true, false]);
    assert.deepEqual([txt('txt-1', `<div ${ns}><script>x</script></div>`), txt('txt-2', `<div ${ns}><script>x</script></div>`)], [false, true]);
    assert.deepEqual([txt('txt-1', `<div ${ns}><img src="a.png"/></div>`), txt('txt-2', `<div ${ns}><img src="a.png"/></div>`)], [true, true]);
    assert.equal(txt('txt-2', `<div ${ns}><!-- only a comment --></div>`), false);
    assert.equal(txt('txt-2', `<div ${ns}>&#160;</div>`), true);
  });

  test('resolve() finds contained resources and bundle entries (ctm-1)', () => {
    const CTM_1 = 'onBehalfOf.exists() implies (member.resolve().iif(empty(), true, ofType(Practitioner).exists()))';
    const careTeam = {
      resourceType: 'CareTeam',
      contained: [
        { resourceType: 'Practitioner', id: 'pr' },
        { resourceType: 'Patient', id: 'pt' },
      ],
    };
    const part = (reference: string) => ({ member: { reference }, onBehalfOf: { reference: 'Organization/1' } });
    const ctx = at(careTeam, 'BackboneElement', 'CareTeam.participant');
    assert.deepEqual(ev.evaluate(inv('ctm-1', CTM_1), part('#pr'), ctx), { passed: true });
    assert.deepEqual(ev.evaluate(inv('ctm-1', CTM_1), part('#pt'), ctx), { passed: false });
    assert.deepEqual(ev.evaluate(inv('ctm-1', CTM_1), part('Patient/elsewhere'), ctx), { passed: true }, 'unresolvable: not judged');
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'http://x.org/fhir/Patient/9', resource: { resourceType: 'Patient', id: '9' } }] };
    assert.deepEqual(ev.evaluate(inv('b-1', 'entry.resource.id.exists() and %rootResource.entry.first().fullUrl.resolve() is Patient'), bundle, at(bundle, 'Bundle', 'Bundle')), {
      passed: true,
    });
  });

  test('que-7 reads `answer is Boolean` as the HL7 engine does (type names ignore case)', () => {
    const QUE_7 = "operator = 'exists' implies (answer is Boolean)";
    const ctx = at({}, 'BackboneElement', 'Questionnaire.item.enableWhen');
    assert.deepEqual(ev.evaluate(inv('que-7', QUE_7), { question: 'q', operator: 'exists', answerBoolean: true }, ctx), { passed: true });
    assert.deepEqual(ev.evaluate(inv('que-7', QUE_7), { question: 'q', operator: 'exists', answerString: 'yes' }, ctx), { passed: false });
  });

  test('memberOf() with the offline terminology', () => {
    const withTx = createInvariantEvaluator({ terminology: createTerminology(loadBaseTerminologySource()) });
    const gender = at(patient, 'code', 'Patient.gender');
    const expr = (url: string) => inv('m-1', `memberOf('${url}')`);
    assert.deepEqual(withTx.evaluate(expr('http://hl7.org/fhir/ValueSet/administrative-gender'), 'male', gender), { passed: true });
    assert.deepEqual(withTx.evaluate(expr('http://hl7.org/fhir/ValueSet/administrative-gender'), 'man', gender), { passed: false });
    const coding = { system: 'http://loinc.org', code: '8867-4' };
    // Unknown (LOINC is not offline) is empty, and empty fails.
    assert.deepEqual(withTx.evaluate(expr('http://hl7.org/fhir/ValueSet/observation-codes'), coding, at(patient, 'Coding', 'Observation.code.coding')), {
      passed: false,
    });
  });
});
