import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseXml } from '../../src/xml/dom.ts';
import { loadXsdSchemaSet, validateXsd, XsdSchemaError, xsdRuleId } from '../../src/xml/xsd.ts';
import { tempDir } from '../support/temp-dir.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string) => {
  const parsed = parseXml(readFileSync(join(FIXTURES, name)));
  assert.ok(parsed.document);
  return { text: parsed.text, document: parsed.document };
};

test('loadXsdSchemaSet: the main schema first, its include under the path it is named by', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  assert.equal(set.main, 'cda-mini.xsd');
  assert.deepEqual(
    set.files.map((f) => f.fileName),
    ['cda-mini.xsd', 'types/datatypes.xsd'],
  );
});

test('validateXsd: each libxml2 error is a finding with its class, the XPath of the element or attribute, line and column', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  const [valid, invalid] = await validateXsd([load('cda-valid.xml'), load('cda-invalid.xml')], set);
  assert.deepEqual(valid, []);
  assert.deepEqual(
    invalid?.map((f) => [f.ruleId, f.location, f.position?.line, f.position?.column]),
    [
      ['XSD-attribute-missing', '/hl7:ClinicalDocument/hl7:code[1]', 4, 3],
      ['XSD-facet-pattern', '/hl7:ClinicalDocument/hl7:effectiveTime[1]/@value', 5, 24],
      // The start tag spreads over three lines; libxml2 names the line it closes on.
      ['XSD-facet-pattern', '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]/@root', 10, 16],
      ['XSD-element-unexpected', '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:name[1]', 12, 7],
    ],
  );
  for (const f of invalid ?? []) {
    assert.equal(f.severity, 'error');
    assert.equal(f.locationKind, 'xpath');
    assert.ok(f.message.en.startsWith('XSD: ') && f.message.ru);
  }
});

test('validateXsd: many documents in one run, each finding back on its own document', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  const docs = Array.from({ length: 30 }, (_, i) => load(i % 3 === 2 ? 'cda-invalid.xml' : 'cda-valid.xml'));
  const results = await validateXsd(docs, set);
  assert.equal(results.length, 30);
  for (const [i, r] of results.entries()) assert.equal(r.length, i % 3 === 2 ? 4 : 0, `document ${i}`);
});

test('validateXsd: a schema libxml2 cannot use is an XsdSchemaError (the invocation is wrong, not the document)', async () => {
  const dir = await tempDir('sello-xsd-');
  await writeFile(join(dir, 'bad.xsd'), '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>');
  await writeFile(join(dir, 'broken.xsd'), '<xs:schema');
  await assert.rejects(loadXsdSchemaSet(join(dir, 'broken.xsd')), XsdSchemaError);
  await assert.rejects(loadXsdSchemaSet(join(dir, 'missing.xsd')), XsdSchemaError);
  const set = await loadXsdSchemaSet(join(dir, 'bad.xsd'));
  await assert.rejects(validateXsd([load('cda-valid.xml')], set), XsdSchemaError);
});

test('validateXsd: a text libxml2 cannot parse is a finding with its line and column, and the next document is still judged', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  const valid = load('cda-valid.xml');
  // The tree was built from a good text; libxml2 reads the text itself, so a text gone bad must not crash the check.
  const [broken, after] = await validateXsd([{ text: '<ClinicalDocument xmlns="urn:hl7-org:v3">\n  <id>', document: valid.document }, valid], set);
  assert.ok(broken && broken.length > 0);
  assert.equal(broken[0]?.ruleId, 'XSD-invalid');
  assert.equal(broken[0]?.position?.line, 2);
  assert.ok(broken[0]?.message.en.startsWith('XSD: '));
  assert.deepEqual(after, []);
});

test('validateXsd: an encoding declaration does not make libxml2 decode the already decoded text again', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  const valid = load('cda-valid.xml');
  const text = valid.text.replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="windows-1251"?>');
  assert.notEqual(text, valid.text);
  const invalid = load('cda-invalid.xml');
  const cyrillicText = invalid.text.replace('encoding="UTF-8"', 'encoding="KOI8-R"').replace('not-an-oid', 'не-OID');
  const [declared, cyrillic] = await validateXsd(
    [
      { text, document: valid.document },
      { text: cyrillicText, document: invalid.document },
    ],
    set,
  );
  assert.deepEqual(declared, []);
  assert.ok(
    cyrillic?.some((f) => f.message.en.includes("The value 'не-OID'")),
    JSON.stringify(cyrillic),
  );
});

test('validateXsd: a set validated again and again gives the same findings (its compiled schema is kept)', async () => {
  const set = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  const invalid = load('cda-invalid.xml');
  const first = await validateXsd([invalid], set);
  for (let i = 0; i < 200; i++) assert.deepEqual(await validateXsd([invalid], set), first);
  const other = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
  assert.deepEqual(await validateXsd([invalid], other), first);
});

test('xsdRuleId: stable classes of libxml2 messages', () => {
  assert.equal(xsdRuleId("Element 'a': [facet 'maxLength'] The value has a length of '9'"), 'XSD-facet-maxLength');
  assert.equal(xsdRuleId("Element 'a': Missing child element(s). Expected is ( b )."), 'XSD-element-missing');
  assert.equal(xsdRuleId("Element 'a', attribute 'x': The attribute 'x' is not allowed."), 'XSD-attribute-unexpected');
  assert.equal(xsdRuleId("Element 'a': No matching global declaration available for the validation root."), 'XSD-root-undeclared');
  assert.equal(xsdRuleId("Element 'a': 'x' is not a valid value of the atomic type 'xs:int'."), 'XSD-datatype');
  assert.equal(xsdRuleId('something new'), 'XSD-invalid');
});
