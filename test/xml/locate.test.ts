import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Attr, Document } from '@xmldom/xmldom';
import { parseXml } from '../../src/xml/dom.ts';
import { elements, locate, resolvePath, xpathOf } from '../../src/xml/locate.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const doc = (text: string): Document => {
  const parsed = parseXml(text);
  assert.ok(parsed.document, JSON.stringify(parsed.findings));
  return parsed.document;
};

test('xpathOf: prefixed names, a positional predicate below the root, the attribute last', () => {
  const d = doc(readFileSync(join(FIXTURES, 'cda-valid.xml'), 'utf8'));
  const ids = d.getElementsByTagNameNS('urn:hl7-org:v3', 'id');
  const second = ids[2];
  assert.ok(second);
  assert.equal(xpathOf(second.getAttributeNode('extension') as Attr), '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]/@extension');
  assert.deepEqual(locate(second), { location: '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[2]', position: { line: 9, column: 7 } });
});

test('xpathOf: the standard prefix whatever the document wrote; a caller prefix; Q{} for an unknown namespace', () => {
  const d = doc('<v3:doc xmlns:v3="urn:hl7-org:v3" xmlns:x="urn:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><v3:a xsi:type="CD"/><v3:a/><x:b/><c xmlns="urn:nameless"/></v3:doc>');
  const [, , a2, b, c] = [...elements(d)];
  assert.equal(xpathOf(a2 as never), '/hl7:doc/hl7:a[2]');
  assert.equal(xpathOf(b as never), '/hl7:doc/x:b[1]');
  assert.equal(xpathOf(b as never, { 'urn:other': 'o' }), '/hl7:doc/o:b[1]');
  assert.equal(xpathOf(c as never), '/hl7:doc/Q{urn:nameless}c[1]');
  const first = [...elements(d)][1];
  assert.equal(xpathOf((first as never as { getAttributeNodeNS(ns: string, n: string): Attr }).getAttributeNodeNS('http://www.w3.org/2001/XMLSchema-instance', 'type')), '/hl7:doc/hl7:a[1]/@xsi:type');
});

test('resolvePath: every element and attribute found again from its SVRL-style path (Q{} and *:local[namespace-uri()])', () => {
  const d = doc(readFileSync(join(FIXTURES, 'cda-valid.xml'), 'utf8'));
  for (const e of elements(d)) {
    const eq = xpathOf(e).replace(/hl7:([A-Za-z]+)/g, (_, l) => `Q{urn:hl7-org:v3}${l}`);
    assert.equal(resolvePath(d, eq), e, eq);
    const skeleton = xpathOf(e).replace(/hl7:([A-Za-z]+)/g, (_, l) => `*:${l}[namespace-uri()='urn:hl7-org:v3']`);
    assert.equal(resolvePath(d, skeleton), e, skeleton);
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes[i] as Attr;
      if (a.name === 'xmlns') continue;
      assert.equal(resolvePath(d, `${eq}/@Q{}${a.localName}`), a);
    }
  }
  assert.equal(resolvePath(d, '/Q{urn:hl7-org:v3}ClinicalDocument[1]/Q{urn:hl7-org:v3}recordTarget[7]'), undefined);
  assert.equal(resolvePath(d, '/Q{urn:wrong}ClinicalDocument[1]'), undefined);
});
