/**
 * The validator's direct evaluation of the FHIRPath subset must agree with fhirpath.js wherever it
 * answers: checked on hand-picked cases and on every resource-level invariant of the base definitions
 * over the resources of the test corpora.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { effectiveExpression } from '../../../src/fhir/invariants/index.ts';
import { compileFast, compileGuard } from '../../../src/fhir/validator/fast-invariants.ts';
import { StructuralValidator } from '../../../src/fhir/validator/validator.ts';
import { CORE, validator } from './helpers.ts';

function reference(expression: string, base: string, node: unknown, resource: unknown): boolean | undefined {
  try {
    const r = fhirpath.evaluate(node as object, { base, expression }, { resource, rootResource: resource } as never, r4, { traceFn: () => undefined } as never) as unknown[];
    return r.length === 1 && typeof r[0] === 'boolean' ? r[0] : undefined;
  } catch {
    return undefined;
  }
}

test('hand-picked expressions: same verdict as fhirpath.js, or no verdict', () => {
  const cases: [string, string, unknown][] = [
    ['code.empty() or system.exists()', 'Quantity', { value: 1, code: 'mg' }],
    ['code.empty() or system.exists()', 'Quantity', { value: 1, code: 'mg', system: 'http://unitsofmeasure.org' }],
    ['extension.exists() != value.exists()', 'Extension', { url: 'x', valueString: 'a' }],
    ['extension.exists() != value.exists()', 'Extension', { url: 'x' }],
    ['extension.exists() != value.exists()', 'Extension', { url: 'x', valueString: 'a', extension: [{ url: 'y', valueString: 'b' }] }],
    ["fullUrl.exists() implies fullUrl.contains('/_history/').not()", 'Bundle.entry', { fullUrl: 'http://a/Patient/1/_history/2' }],
    ["fullUrl.exists() implies fullUrl.contains('/_history/').not()", 'Bundle.entry', { fullUrl: 'http://a/Patient/1' }],
    ["where(use = 'home').empty()", 'Organization.address', { use: 'home' }],
    ['(identifier.count() + name.count()) > 0', 'Organization', { resourceType: 'Organization' }],
    ['(identifier.count() + name.count()) > 0', 'Organization', { resourceType: 'Organization', name: 'x' }],
    ["name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')", 'StructureDefinition', { resourceType: 'StructureDefinition', name: 'lower' }],
    ["name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')", 'StructureDefinition', { resourceType: 'StructureDefinition', name: 'Upper' }],
    [
      "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
      'Bundle',
      { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'P' } }, {}] },
    ],
    ["entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))", 'Bundle', { resourceType: 'Bundle', type: 'collection', entry: [{}] }],
    [
      "coding.where(system = 'urn:a').all(code.matches('^[A-Z][0-9]{2}$'))",
      'CodeableConcept',
      {
        coding: [
          { system: 'urn:a', code: 'A01' },
          { system: 'urn:b', code: 'zz' },
        ],
      },
    ],
    ["coding.where(system = 'urn:a').all(code.matches('^[A-Z][0-9]{2}$'))", 'CodeableConcept', { coding: [{ system: 'urn:a', code: 'A0' }] }],
    ["type.coding.where(system = 'urn:t' and code = '1').exists() implies value.matches('^[0-9]{8}$')", 'Identifier', { type: { coding: [{ system: 'urn:t', code: '1' }] }, value: '1234567' }],
    ["type.coding.where(system = 'urn:t' and code = '1').exists() implies value.matches('^[0-9]{8}$')", 'Identifier', { type: { coding: [{ system: 'urn:t', code: '2' }] }, value: 'x' }],
    ['given.exists() xor family.exists()', 'HumanName', { given: ['a'] }],
    ['given.exists() xor family.exists()', 'HumanName', { given: ['a'], family: 'b' }],
    ['given.count() > 1', 'HumanName', { given: ['a', 'b'] }],
    ["given.first() = 'a'", 'HumanName', { given: ['a', 'b'] }],
    ['given[1].length() = 1', 'HumanName', { given: ['a', 'b'] }],
    ['select(family).exists()', 'HumanName', { family: 'x' }],
    ['contained.contained.empty()', 'Patient', { resourceType: 'Patient', contained: [{ resourceType: 'Patient', contained: [{ resourceType: 'Patient' }] }] }],
    ['text.`div`.exists()', 'Patient', { resourceType: 'Patient', text: { status: 'generated', div: '<div/>' } }],
    ['value.hasValue().not()', 'Extension', { url: 'x', _valueString: { extension: [] } }],
  ];
  let answered = 0;
  for (const [expression, base, node] of cases) {
    const fast = compileFast(expression);
    assert.ok(fast, `${expression} should be in the fast subset`);
    const mine = fast(node, { resource: node, rootResource: node });
    const theirs = reference(expression, base, node, node);
    if (mine === undefined) continue;
    answered++;
    assert.equal(mine, theirs, `${expression} on ${JSON.stringify(node)}`);
  }
  assert.equal(answered, cases.length, 'the fast path should answer every hand-picked case');
});

test('outside the subset: no fast check, or no verdict at run time', () => {
  for (const e of ["name.where(use = 'official') | name", 'birthDate < today()', "code.memberOf('http://x')", 'item is Questionnaire', 'iif(a, b, c)', 'a / 2 > 1']) {
    assert.equal(compileFast(e), undefined, e);
  }
  // a date comparison that would need FHIRPath date semantics bails out at run time
  const f = compileFast('start = end')!;
  assert.equal(f({ start: '2020-01-01', end: '2020-01-01T00:00:00Z' }, { resource: undefined, rootResource: undefined }), undefined);
  // complex values compared with = bail out too
  assert.equal(compileFast('a = b')!({ a: { x: 1 }, b: { x: 1 } }, { resource: undefined, rootResource: undefined }), undefined);
});

test('guards settle `X.empty() or …` and `X.exists() implies …` when X is absent', () => {
  const g = compileGuard('value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()')!;
  assert.equal(g({ status: 'final' }), true);
  assert.equal(g({ valueString: 'x' }), false);
  assert.equal(compileGuard('a.empty() or b implies c'), undefined, 'implies binds last: not a guard');
});

test('every resource-level base invariant agrees with fhirpath.js on the corpora', () => {
  const roots: string[] = [];
  const hl7 = fileURLToPath(new URL('../../../../shared/corpus/fhir-test-cases-r4/cases/', import.meta.url));
  if (existsSync(hl7)) roots.push(hl7);
  const fixtures = fileURLToPath(new URL('../../fixtures/fhir/', import.meta.url));
  if (existsSync(fixtures)) roots.push(fixtures);
  const resources: Record<string, unknown>[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        try {
          const r = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
          if (typeof r.resourceType === 'string') resources.push(r);
          for (const en of Array.isArray(r.entry) ? r.entry : []) if (en?.resource?.resourceType) resources.push(en.resource);
        } catch {
          // not JSON: skip
        }
      }
    }
  };
  roots.forEach(walk);
  const structural = new StructuralValidator(validator().registry);
  let compared = 0;
  for (const r of resources) {
    const def = structural.definition(CORE + String(r.resourceType));
    if (!def) continue;
    for (const inv of def.root.invariants) {
      if (!inv.fast) continue;
      const mine = inv.fast(r, { resource: r, rootResource: r });
      if (mine === undefined) continue;
      const theirs = reference(effectiveExpression(inv.key, inv.expression), String(r.resourceType), r, r);
      if (theirs === undefined) continue;
      compared++;
      assert.equal(mine, theirs, `${inv.key} (${inv.expression}) on ${String(r.resourceType)}/${String(r.id)}`);
    }
  }
  console.log(`${compared} verdicts compared with fhirpath.js`);
  assert.ok(compared > 50, `only ${compared} comparisons`);
});
