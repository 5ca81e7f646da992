import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InvariantContext } from '../../../src/fhir/contracts.ts';
import { fhirpathEngine } from '../../../src/fhir/invariants/engine.ts';
import { createInvariantEvaluator, EXPRESSION_FIXES, effectiveExpression, NATIVE_INVARIANTS } from '../../../src/fhir/invariants/index.ts';
import { definitionsDataDir } from '../../../src/fhir/terminology/index.ts';

type Constraint = { key: string; expression?: string };
type Sd = { resourceType: string; snapshot?: { element?: { path: string; constraint?: Constraint[] }[] } };

function baseConstraints(): Map<string, Set<string>> {
  const byExpression = new Map<string, Set<string>>();
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    const bundle = JSON.parse(readFileSync(join(definitionsDataDir(), file), 'utf8')) as { entry: { resource: Sd }[] };
    for (const { resource } of bundle.entry) {
      for (const el of resource.snapshot?.element ?? []) {
        for (const c of el.constraint ?? []) {
          if (!c.expression) continue;
          const keys = byExpression.get(c.expression) ?? new Set<string>();
          keys.add(c.key);
          byExpression.set(c.expression, keys);
        }
      }
    }
  }
  return byExpression;
}

const constraints = baseConstraints();

test('every base R4 invariant, as evaluated (fixes applied), parses in fhirpath.js', () => {
  const failures: string[] = [];
  const { fhirpath, model } = fhirpathEngine();
  for (const [expression, keys] of constraints) {
    for (const key of keys) {
      try {
        fhirpath.compile(effectiveExpression(key, expression), model);
      } catch (e) {
        failures.push(`${key}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('the fixes and native implementations match the published R4 text they stand for', () => {
  for (const fix of EXPRESSION_FIXES) {
    if (!fix.expression || fix.expression.startsWith('fullUrl')) continue; // bdl-8 was fixed in 4.0.1 itself
    const keys = constraints.get(fix.expression);
    assert.ok(keys, `fix for ${fix.key ?? fix.expression} does not match any R4 expression`);
    if (fix.key) assert.ok(keys.has(fix.key), `${fix.key} is not the key of its expression`);
    assert.notEqual(effectiveExpression(fix.key ?? ([...keys][0] as string), fix.expression), fix.expression);
  }
  for (const native of NATIVE_INVARIANTS) {
    for (const e of native.expressions) assert.ok(constraints.get(e)?.has(native.key), `${native.key}: '${e}' is not its R4 expression`);
  }
});

/** The same invariant through native.ts and through fhirpath.js (on the fixed expression). */
function compare(key: string, cases: { node: unknown; ctx: InvariantContext; label: string }[]): void {
  const native = NATIVE_INVARIANTS.find((n) => n.key === key);
  assert.ok(native);
  const expression = native.expressions[0] as string;
  const ev = createInvariantEvaluator();
  for (const { node, ctx, label } of cases) {
    const viaNative = ev.evaluate({ key, severity: 'error', human: key, expression }, node, ctx);
    const viaFhirpath = ev.evaluate({ key: `${key}-fhirpath`, severity: 'error', human: key, expression: effectiveExpression(key, expression) }, node, ctx);
    assert.notEqual(viaFhirpath.passed, 'error', `${key} ${label}: ${JSON.stringify(viaFhirpath)}`);
    assert.deepEqual(viaNative, viaFhirpath, `${key} ${label}`);
  }
  assert.ok(ev.stats().native > 0, `${key}: native path not taken`);
}

const ctxOf = (type: string, path: string, resource: unknown = {}, rootResource: unknown = resource): InvariantContext => ({ resource, rootResource, type, path });
const ext = [{ url: 'http://example.org/x', valueString: 'y' }];

test('ele-1: native and fhirpath.js agree', () => {
  const date = ctxOf('date', 'Patient.birthDate');
  const name = ctxOf('HumanName', 'Patient.name');
  const contact = ctxOf('BackboneElement', 'Patient.contact');
  compare('ele-1', [
    { node: '2020-01-01', ctx: date, label: 'primitive value' },
    { node: { value: '2020-01-01' }, ctx: date, label: 'element form with value' },
    { node: { extension: ext }, ctx: date, label: 'extension only' },
    { node: { id: 'a', extension: ext }, ctx: date, label: 'id and extension' },
    { node: { id: 'a' }, ctx: date, label: 'id only' },
    { node: {}, ctx: date, label: 'nothing' },
    { node: { extension: [] }, ctx: date, label: 'empty extension array' },
    { node: true, ctx: ctxOf('boolean', 'Patient.active'), label: 'boolean' },
    { node: 0, ctx: ctxOf('integer', 'Patient.multipleBirth'), label: 'zero' },
    { node: { family: 'x' }, ctx: name, label: 'complex' },
    { node: { id: 'a' }, ctx: name, label: 'complex id only' },
    { node: { id: 'a', _id: { extension: ext } }, ctx: name, label: 'complex id and _id' },
    { node: { _id: { extension: ext } }, ctx: name, label: 'complex _id only' },
    { node: { _family: { extension: ext } }, ctx: name, label: 'complex _family only' },
    { node: { given: [], id: 'x' }, ctx: name, label: 'empty array' },
    { node: { extension: ext }, ctx: name, label: 'complex extension only' },
    { node: { name: { family: 'x' } }, ctx: contact, label: 'backbone' },
    { node: { id: 'c' }, ctx: contact, label: 'backbone id only' },
  ]);
});

test('ext-1: native and fhirpath.js agree', () => {
  const e = ctxOf('Extension', 'Patient.extension');
  compare('ext-1', [
    { node: { url: 'u', valueString: 'v' }, ctx: e, label: 'value' },
    { node: { url: 'u', extension: ext }, ctx: e, label: 'extensions' },
    { node: { url: 'u' }, ctx: e, label: 'neither' },
    { node: { url: 'u', valueString: 'v', extension: ext }, ctx: e, label: 'both' },
    { node: { url: 'u', _valueString: { extension: ext } }, ctx: e, label: '_valueString only' },
    { node: { url: 'u', valueCodeableConcept: { text: 't' } }, ctx: e, label: 'complex value' },
    { node: { url: 'u', valueBoolean: false }, ctx: e, label: 'false value' },
    { node: { url: 'u', extension: [] }, ctx: e, label: 'empty extension array' },
  ]);
});

test('dom-2, dom-4, dom-5, dom-6 and dom-3: native and fhirpath.js agree', () => {
  const org = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Organization', id: 'o', ...extra });
  const pat = (contained: unknown[] | undefined, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Patient',
    ...(contained ? { contained } : {}),
    managingOrganization: { reference: '#o' },
    ...extra,
  });
  const cases = (resources: Record<string, unknown>[]) => resources.map((r, i) => ({ node: r, ctx: ctxOf('Patient', 'Patient', r), label: `case ${i}` }));
  compare('dom-2', cases([pat(undefined), pat([org()]), pat([org({ contained: [org({ id: 'p' })] })])]));
  compare(
    'dom-4',
    cases([
      pat([org()]),
      pat([org({ meta: { versionId: '1' } })]),
      pat([org({ meta: { lastUpdated: '2020-01-01T00:00:00Z' } })]),
      pat([org({ meta: { _versionId: { extension: ext } } })]),
      pat([org({ meta: { profile: ['http://x'] } })]),
    ]),
  );
  compare('dom-5', cases([pat([org()]), pat([org({ meta: { security: [{ code: 'R' }] } })]), pat([org({ meta: { security: [] } })])]));
  compare('dom-6', cases([pat(undefined), pat(undefined, { text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }), pat(undefined, { text: { status: 'empty' } })]));
  const root = pat([org()]);
  const contained = root.contained?.[0];
  compare('dom-6', [{ node: contained, ctx: ctxOf('Organization', 'Organization', contained, root), label: 'contained' }]);
  compare('dom-3', cases([pat(undefined), { resourceType: 'Patient', contained: [] }]));
});

test('ref-1: native and fhirpath.js agree (HL7-fixed expression)', () => {
  const root = { resourceType: 'Patient', contained: [{ resourceType: 'Organization', id: 'o' }] };
  const r = ctxOf('Reference', 'Patient.managingOrganization', root);
  compare('ref-1', [
    { node: { reference: '#o' }, ctx: r, label: 'contained' },
    { node: { reference: '#x' }, ctx: r, label: 'missing' },
    { node: { reference: '#' }, ctx: r, label: 'container' },
    { node: { reference: 'Organization/1' }, ctx: r, label: 'relative' },
    { node: { display: 'd' }, ctx: r, label: 'no reference' },
    { node: { reference: '#o' }, ctx: ctxOf('Reference', 'Patient.managingOrganization', {}, {}), label: 'nothing contained' },
  ]);
});

test('obs-7: native and fhirpath.js agree', () => {
  const code = { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure' }] };
  const sys = { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120 } };
  const obs = (extra: Record<string, unknown>) => ({ resourceType: 'Observation', status: 'final', code, ...extra });
  const cases = [
    obs({}),
    obs({ valueString: 'x' }),
    obs({ valueString: 'x', component: [sys] }),
    obs({ valueString: 'x', component: [sys, { code, valueQuantity: { value: 1 } }] }),
    obs({ component: [{ code, valueQuantity: { value: 1 } }] }),
    obs({ valueQuantity: { value: 1 }, component: [{ code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] } }] }),
    obs({ valueBoolean: false, component: [{ code: { text: 'no coding' } }] }),
    obs({ _valueString: { extension: ext }, component: [{ code }] }),
    obs({ valueString: 'x', component: [{ code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure', extension: ext }] } }] }),
    { resourceType: 'Observation', status: 'final', valueString: 'x', component: [{ code }] },
  ];
  compare(
    'obs-7',
    cases.map((r, i) => ({ node: r, ctx: ctxOf('Observation', 'Observation', r), label: `case ${i}` })),
  );
});

test('bdl-11 and bdl-12: native and fhirpath.js agree', () => {
  const bundle = (type: string, first?: unknown) => ({ resourceType: 'Bundle', type, ...(first === undefined ? {} : { entry: [first, { resource: { resourceType: 'Patient' } }] }) });
  const cases = [
    bundle('document', { resource: { resourceType: 'Composition' } }),
    bundle('document', { resource: { resourceType: 'Patient' } }),
    bundle('document'),
    bundle('document', { fullUrl: 'urn:uuid:1' }),
    bundle('message', { resource: { resourceType: 'MessageHeader' } }),
    bundle('message', { resource: { resourceType: 'Composition' } }),
    bundle('transaction', { resource: { resourceType: 'Patient' } }),
    bundle('collection'),
  ].map((r, i) => ({ node: r, ctx: ctxOf('Bundle', 'Bundle', r), label: `case ${i}` }));
  compare('bdl-11', cases);
  compare('bdl-12', cases);
});
