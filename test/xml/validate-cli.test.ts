import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSello, tempDir } from '../e2e/sello-process.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const env = async () => ({ SELLO_SEF_CACHE: await tempDir('sello-cli-sef-') });

test('sello validate doc.xml --xsd --schematron: XSD then Schematron findings with XPath, line and column; exit 3', async () => {
  const r = await runSello(['validate', fixture('cda-sch-invalid.xml'), fixture('cda-valid.xml'), '--xsd', fixture('cda-mini.xsd'), '--schematron', fixture('cda-mini.sch')], await env());
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /cda-sch-invalid\.xml: 5 error\(s\), 2 other finding\(s\)/);
  assert.match(r.stdout, /ERROR \[XSD-facet-pattern\] \/hl7:ClinicalDocument\/hl7:id\[1\]\/@root \(line 3, col 12\)/);
  assert.match(r.stdout, /ERROR \[T-01\] \/hl7:ClinicalDocument \(line 2, col 1\): Корень идентификатора документа 9\.9\.9/);
  assert.match(r.stdout, /cda-valid\.xml: valid/);
  // XSD findings come before Schematron's for the same document.
  assert.ok(r.stdout.indexOf('XSD-facet-pattern') < r.stdout.indexOf('[T-01]'));
});

test('sello validate --format json: OperationOutcomes whose location carries the XPath and Line[n] Col[m]', async () => {
  const r = await runSello(['validate', fixture('cda-invalid.xml'), '--xsd', fixture('cda-mini.xsd'), '--format', 'json'], await env());
  assert.equal(r.code, 3, r.stderr);
  const [result] = JSON.parse(r.stdout) as { outcome: { issue: { details: { coding: { code: string }[] }; location: string[] }[] } }[];
  const missing = result?.outcome.issue.find((i) => i.details.coding[0]?.code === 'XSD-attribute-missing');
  assert.deepEqual(missing?.location, ['/hl7:ClinicalDocument/hl7:code[1]', 'Line[4] Col[3]']);
});

test('sello validate doc.xml alone checks well-formedness: a valid file exits 0, a broken one or a DOCTYPE exits 3', async () => {
  const dir = await tempDir('sello-xml-cli-');
  await writeFile(join(dir, 'broken.xml'), '<a>\n<b></a>');
  await writeFile(join(dir, 'xxe.xml'), '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>');
  const ok = await runSello(['validate', fixture('cda-invalid.xml')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const bad = await runSello(['validate', dir]);
  assert.equal(bad.code, 3, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /broken\.xml: 1 error\(s\)\n {2}FATAL \[XML-WELLFORMED\] \/ \(line 2/);
  assert.match(bad.stdout, /xxe\.xml: 1 error\(s\)\n {2}FATAL \[XML-DOCTYPE\]/);
});

test('sello validate: an unusable XSD or Schematron is a configuration error (exit 4)', async () => {
  const dir = await tempDir('sello-xml-cli-bad-');
  await writeFile(join(dir, 'bad.sch'), '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xquery"/>');
  const xsd = await runSello(['validate', fixture('cda-valid.xml'), '--xsd', join(dir, 'missing.xsd')]);
  assert.equal(xsd.code, 4, xsd.stdout + xsd.stderr);
  assert.match(xsd.stderr, /missing\.xsd/);
  const sch = await runSello(['validate', fixture('cda-valid.xml'), '--schematron', join(dir, 'bad.sch')], await env());
  assert.equal(sch.code, 4, sch.stdout + sch.stderr);
  assert.match(sch.stderr, /queryBinding/);
});
