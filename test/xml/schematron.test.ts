import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/findings/finding.ts';
import { parseXml } from '../../src/xml/dom.ts';
import { compileSchematron, loadSchematron, runSchematron, SCHEMATRON_RUNTIME_RULE, SchematronError, severityOf, validateSchematron } from '../../src/xml/schematron.ts';
import { tempDir } from '../support/temp-dir.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const cacheDir = await tempDir('sello-sef-');
const load = (name: string) => {
  const parsed = parseXml(readFileSync(join(FIXTURES, name)));
  assert.ok(parsed.document);
  return { text: parsed.text, document: parsed.document };
};
const compiled = await compileSchematron(await loadSchematron(join(FIXTURES, 'cda-mini.sch')), { cacheDir });
const findings = validateSchematron(compiled, load('cda-sch-invalid.xml'));
const byRule = (id: string): Finding[] => findings.filter((f) => f.ruleId === id);

test('Schematron: a valid document has no finding', () => {
  assert.deepEqual(validateSchematron(compiled, load('cda-valid.xml')), []);
});

test('Schematron: every finding has the assert id, the XPath of the context node, its line and column', () => {
  assert.deepEqual(
    findings.map((f) => [f.ruleId, f.severity, f.location, f.position?.line, f.position?.column]),
    [
      ['T-01', 'error', '/hl7:ClinicalDocument', 2, 1],
      ['T-02', 'error', '/hl7:ClinicalDocument', 2, 1],
      ['T-03', 'warning', '/hl7:ClinicalDocument', 2, 1],
      ['T-04', 'information', '/hl7:ClinicalDocument/hl7:recordTarget[2]/hl7:patientRole[1]', 13, 5],
      ['T-05', 'error', '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]', 9, 7],
    ],
  );
  for (const f of findings) assert.equal(f.locationKind, 'xpath');
});

test('Schematron let (schema and rule level) and value-of: the values are in the message', () => {
  assert.equal(byRule('T-01')[0]?.message.ru, 'Корень идентификатора документа 9.9.9 должен быть 1.2.3.4.5.');
});

test('Schematron diagnostics: English from the xml:lang="en" diagnostic, Russian from the assert as written', () => {
  assert.equal(byRule('T-01')[0]?.message.en, 'The document id root 9.9.9 must be 1.2.3.4.5.');
  // No English diagnostic: the Russian text, labelled.
  assert.deepEqual(byRule('T-02')[0]?.message, { ru: 'Вид документа code должен быть 194.', en: '(untranslated, ru) Вид документа code должен быть 194.' });
});

test('Schematron report: fires when its test holds; @role sets the severity', () => {
  assert.equal(byRule('T-03').length, 1);
  assert.equal(byRule('T-03')[0]?.severity, 'warning');
  assert.equal(byRule('T-04')[0]?.severity, 'information');
  assert.equal(severityOf('', ''), 'error');
  assert.equal(severityOf('fatal', ''), 'fatal');
  assert.equal(severityOf('', 'warning'), 'warning');
  assert.equal(severityOf('Info', ''), 'information');
});

test('Schematron rules of a pattern: only the first rule matching a node fires', () => {
  assert.equal(byRule('T-99').length, 0);
});

test('Schematron abstract rule (extends): its asserts run in the extending rule', () => {
  assert.equal(byRule('T-04').length, 1, 'the second patientRole has one id');
});

test('Schematron abstract pattern (is-a, param) and xsl:function: the instance checks with parameters replaced', () => {
  assert.equal(byRule('T-05').length, 1);
  assert.equal(byRule('T-05')[0]?.message.ru, 'Атрибут root не является OID: «not-an-oid».');
});

test('Schematron properties: referenced properties travel in the SVRL', () => {
  const svrl = runSchematron(compiled, load('cda-sch-invalid.xml').text);
  assert.match(svrl, /<svrl:property-reference property="prop-kind" role="kind" scheme="test"><svrl:text>kind<\/svrl:text>/);
});

test('Schematron phases: a named phase runs only its patterns; an unknown phase is refused', async () => {
  const schema = await loadSchematron(join(FIXTURES, 'cda-mini.sch'));
  const header = await compileSchematron(schema, { phase: 'header', cacheDir });
  assert.deepEqual(
    validateSchematron(header, load('cda-sch-invalid.xml')).map((f) => f.ruleId),
    ['T-01', 'T-02', 'T-03'],
  );
  const all = await compileSchematron(schema, { phase: '#ALL', cacheDir });
  assert.equal(validateSchematron(all, load('cda-sch-invalid.xml')).length, 5);
  await assert.rejects(compileSchematron(schema, { phase: 'nope', cacheDir }), SchematronError);
});

test('Schematron @subject, @flag, pattern let, sch:include, and a rule on an attribute', async () => {
  const dir = await tempDir('sello-sch-');
  await writeFile(
    join(dir, 'main.sch'),
    `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="hl7" uri="urn:hl7-org:v3"/>
  <include href="patterns.sch#p-subject"/>
  <pattern id="p-attr">
    <let name="max" value="3"/>
    <rule context="hl7:id/@extension">
      <assert id="A-1" test="string-length(.) le $max" flag="warning">extension too long: <value-of select="."/></assert>
    </rule>
  </pattern>
</schema>`,
  );
  await writeFile(
    join(dir, 'patterns.sch'),
    `<library xmlns="http://purl.oclc.org/dsdl/schematron"><pattern id="p-subject">
  <rule context="hl7:patientRole" subject="hl7:id[1]">
    <assert id="S-1" test="false()">always</assert>
  </rule>
</pattern></library>`,
  );
  const c = await compileSchematron(await loadSchematron(join(dir, 'main.sch')), { cacheDir });
  const got = validateSchematron(c, load('cda-valid.xml'));
  const s1 = got.find((f) => f.ruleId === 'S-1');
  assert.equal(s1?.location, '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[1]');
  assert.equal(s1?.message.en, 'always');
  const a1 = got.filter((f) => f.ruleId === 'A-1');
  assert.deepEqual(
    a1.map((f) => [f.location, f.severity, f.position?.line]),
    [
      ['/hl7:ClinicalDocument/hl7:id[1]/@extension', 'warning', 3],
      ['/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[1]/@extension', 'warning', 8],
      ['/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]/@extension', 'warning', 9],
    ],
  );
  assert.equal(a1[0]?.message.en, 'extension too long: DOC-1');
});

test('Schematron compilation: SEF cached on disk by the hash of the generated XSLT, and in memory', async () => {
  const again = await compileSchematron(await loadSchematron(join(FIXTURES, 'cda-mini.sch')), { cacheDir });
  assert.equal(again, compiled, 'same object from the memory cache');
  assert.ok(readdirSync(cacheDir).includes(`${compiled.hash}.sef.json`));
  assert.ok(!readdirSync(cacheDir).some((f) => f.endsWith('.xsl') || f.endsWith('.part')), 'no leftovers');
});

test('Schematron: what is not an ISO Schematron, or binds another query language, is a SchematronError', async () => {
  const dir = await tempDir('sello-sch-bad-');
  await writeFile(join(dir, 'a.sch'), '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="exslt"/>');
  await writeFile(join(dir, 'b.sch'), '<schema xmlns="http://www.ascc.net/xml/schematron"/>');
  await writeFile(join(dir, 'c.sch'), '<schema xmlns="http://purl.oclc.org/dsdl/schematron"><pattern><rule context="*"><assert test="(((">x</assert></rule></pattern></schema>');
  for (const f of ['a.sch', 'b.sch', 'c.sch', 'missing.sch']) await assert.rejects((async () => compileSchematron(await loadSchematron(join(dir, f)), { cacheDir }))(), SchematronError, f);
});

test('Schematron: a dynamic error of the schema on one document is one fatal finding, not a throw', async () => {
  const dir = await tempDir('sello-sch-dyn-');
  await writeFile(
    join(dir, 'cast.sch'),
    `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2"><ns prefix="hl7" uri="urn:hl7-org:v3"/>
  <pattern><rule context="hl7:id"><assert id="C-1" test="xs:integer(@extension) gt 0" xmlns:xs="http://www.w3.org/2001/XMLSchema">number</assert></rule></pattern></schema>`,
  );
  const c = await compileSchematron(await loadSchematron(join(dir, 'cast.sch')), { cacheDir });
  const got = validateSchematron(c, load('cda-valid.xml'));
  assert.equal(got.length, 1);
  assert.equal(got[0]?.ruleId, SCHEMATRON_RUNTIME_RULE);
  assert.equal(got[0]?.severity, 'fatal');
  assert.match(got[0]?.message.en ?? '', /FORG0001|DOC-1/);
});
