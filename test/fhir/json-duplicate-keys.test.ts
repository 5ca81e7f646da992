import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createFhirValidator } from '../../src/fhir/index.ts';
import { judgeNdjson, type NdjsonLineResult, parseJsonDocument } from '../../src/fhir/stream/index.ts';
import { journaledText, textBodyMessage } from '../../src/journal/text-body.ts';
import { duplicateJsonKeys } from '../../src/util/json-duplicate-keys.ts';

const found = (text: string) => duplicateJsonKeys(text, JSON.parse(text));

test('no duplicates in ordinary JSON, whatever its strings hold', () => {
  assert.deepEqual(found('{"a":1,"b":[{"a":1},{"a":2}],"c":{"a":{"a":"x"}}}'), []);
  // A string that looks like a member name, escapes, a key that is a prototype name, empty objects and arrays.
  assert.deepEqual(found('{"text":"\\"a\\": 1, \\"a\\": 2","a\\"b":"\\\\","__proto__":{},"e":[],"f":{}}'), []);
  assert.deepEqual(found('[1,"a",{"x":1}]'), []);
  assert.deepEqual(found('"just a string"'), []);
});

test('each repeated member is named by the pointer of its second occurrence, at any depth', () => {
  assert.deepEqual(found('{"gender":"male","gender":"female"}'), [{ pointer: '/gender', key: 'gender' }]);
  assert.deepEqual(found('{"name":[{"family":"A"},{"given":["x"],"family":"B" , "family" : "C"}]}'), [{ pointer: '/name/1/family', key: 'family' }]);
  assert.deepEqual(found('{"a/b":{"c~d":1,"c~d":2},"x":[[{"y":1,"y":1}]]}'), [
    { pointer: '/a~1b/c~0d', key: 'c~d' },
    { pointer: '/x/0/0/y', key: 'y' },
  ]);
  // Written differently, the same name: JSON compares names after unescaping.
  assert.deepEqual(found('{"id":"1","\\u0069d":"2"}'), [{ pointer: '/id', key: 'id' }]);
});

const validator = createFhirValidator();

test('the FHIR validator reports a duplicated property read from text as FHIR-JSON-DUPLICATE-KEY, at its FHIRPath', () => {
  const parsed = parseJsonDocument('{"resourceType":"Patient","name":[{"family":"Pérez","family":"Quispe"}],"gender":"female"}');
  assert.ok(parsed.ok);
  const duplicates = validator.validate(parsed.value).filter((f) => f.ruleId === 'FHIR-JSON-DUPLICATE-KEY');
  assert.equal(duplicates.length, 1);
  assert.equal(duplicates[0]!.severity, 'error');
  assert.equal(duplicates[0]!.location, 'Patient.name[0].family');
  assert.match(duplicates[0]!.message.en, /'family' appears more than once/);
  assert.ok(duplicates[0]!.message.es);
  // The same resource as a value (no text seen): nothing to say.
  assert.deepEqual(
    validator.validate({ resourceType: 'Patient', name: [{ family: 'Quispe' }], gender: 'female' }).filter((f) => f.ruleId === 'FHIR-JSON-DUPLICATE-KEY'),
    [],
  );
});

test('an NDJSON line with a repeated property is judged for it; the lines around it are not', async () => {
  const text = ['{"resourceType":"Patient","active":true}', '{"resourceType":"Patient","active":true,"active":false}', '{"resourceType":"Patient","active":false}'].join('\n');
  const results: NdjsonLineResult[] = [];
  for await (const r of judgeNdjson(Readable.from([Buffer.from(text)]), (resource) => validator.validate(resource), { maxLineBytes: 10_000 })) results.push(r);
  assert.deepEqual(
    results.map((r) => r.findings.filter((f) => f.ruleId === 'FHIR-JSON-DUPLICATE-KEY').map((f) => f.location)),
    [[], ['Patient.active'], []],
  );
});

test('names are counted right however the text is spaced, and a quote-colon inside a string is not a name', () => {
  assert.deepEqual(found('{ "a" : 1 ,\n  "b"\n:\t{"a" : "x\\": y"} }'), []);
  assert.deepEqual(found('{ "a" : 1 ,\n  "a"\n: 2 }'), [{ pointer: '/a', key: 'a' }]);
  assert.deepEqual(found('{"a":"x\\":","b\\\\":1,"c":"\\\\\\":"}'), []);
  assert.deepEqual(found('{"a":"x\\":","b\\\\":1,"b\\\\":2}'), [{ pointer: '/b\\', key: 'b\\' }]);
});

test('a repeat inside a Bundle entry is reported where the entry is walked, in the Bundle or on its own', () => {
  const parsed = parseJsonDocument(
    '{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:8a1b3c5d-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","gender":"male","gender":"female"}}]}',
  );
  assert.ok(parsed.ok);
  const bundle = parsed.value as { entry: Array<{ resource: unknown }> };
  const at = (findings: ReturnType<typeof validator.validate>) => findings.filter((f) => f.ruleId === 'FHIR-JSON-DUPLICATE-KEY').map((f) => f.location);
  assert.deepEqual(at(validator.validate(bundle)), ['Bundle.entry[0].resource.gender']);
  assert.deepEqual(at(validator.validate(bundle.entry[0]!.resource)), ['Patient.gender']);
});

test("a journaled JSON body read back by a judge carries its repeats: a vendor's message is judged as it was sent", () => {
  const message = textBodyMessage({ headers: {} }, journaledText('{"resourceType":"Patient","active":true,"name":[{"family":"Quispe","family":"Huamán"}]}', true));
  const findings = validator.validate(message.body).filter((f) => f.ruleId === 'FHIR-JSON-DUPLICATE-KEY');
  assert.deepEqual(
    findings.map((f) => f.location),
    ['Patient.name[0].family'],
  );
  // The value itself reads and serialises as JSON.parse gives it.
  assert.equal(JSON.stringify(message.body), '{"resourceType":"Patient","active":true,"name":[{"family":"Huamán"}]}');
});
