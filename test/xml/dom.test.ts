import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCTYPE_RULE, MAX_XML_DEPTH, parseXml, WELLFORMED_RULE } from '../../src/xml/dom.ts';

test('parseXml: a well-formed document gives a namespace-faithful DOM with line and column on elements and attributes', () => {
  const parsed = parseXml(Buffer.from('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">\n  <id root="1.2.3"/>\n</ClinicalDocument>\n'));
  assert.deepEqual(parsed.findings, []);
  const id = parsed.document?.getElementsByTagNameNS('urn:hl7-org:v3', 'id')[0];
  assert.ok(id);
  assert.equal(id.namespaceURI, 'urn:hl7-org:v3');
  assert.deepEqual([id.lineNumber, id.columnNumber], [3, 3]);
  const root = id.getAttributeNode('root');
  assert.equal(root?.lineNumber, 3);
});

test('parseXml: a well-formedness error is a fatal XML-WELLFORMED finding with line and column, not a throw', () => {
  const parsed = parseXml('<a>\n  <b>\n</a>');
  assert.equal(parsed.document, undefined);
  assert.equal(parsed.findings.length, 1);
  const [f] = parsed.findings;
  assert.equal(f?.ruleId, WELLFORMED_RULE);
  assert.equal(f?.severity, 'fatal');
  assert.equal(f?.locationKind, 'xpath');
  // xmldom points at the start tag left open (just past it).
  assert.equal(f?.position?.line, 2);
  assert.ok((f?.position?.column ?? 0) >= 3);
  assert.ok(f?.message.ru && f.message.en);
});

test('parseXml: an empty or rootless text is a finding', () => {
  for (const text of ['', '   ', '<?xml version="1.0"?>', '<!-- only a comment -->']) {
    const parsed = parseXml(text);
    assert.equal(parsed.document, undefined, JSON.stringify(text));
    assert.equal(parsed.findings[0]?.ruleId, WELLFORMED_RULE);
  }
});

test('parseXml: a DOCTYPE (external entity, entity expansion) is refused before parsing, with its position', () => {
  const xxe = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<r>&xxe;</r>';
  const laughs = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]><l>&bbbbbbbbb;</l>`;
  for (const text of [xxe, laughs, '<!doctype html><html/>']) {
    const parsed = parseXml(text);
    assert.equal(parsed.document, undefined);
    assert.equal(parsed.findings[0]?.ruleId, DOCTYPE_RULE);
    assert.equal(parsed.findings[0]?.code, 'security');
  }
  assert.deepEqual(parseXml(xxe).findings[0]?.position, { line: 2, column: 1 });
  assert.ok(!JSON.stringify(parseXml(xxe)).includes('root:'), 'no file content');
  // The word in a comment or CDATA is text, not a declaration.
  assert.ok(parseXml('<!-- <!DOCTYPE x> --><r><![CDATA[<!DOCTYPE y>]]></r>').document);
});

test('parseXml: nesting past MAX_XML_DEPTH is one SELLO-LIMIT finding, found without recursion', () => {
  const deep = (n: number) => `${'<e>'.repeat(n)}${'</e>'.repeat(n)}`;
  assert.ok(parseXml(deep(MAX_XML_DEPTH)).document);
  for (const n of [MAX_XML_DEPTH + 1, 100_000]) {
    const parsed = parseXml(deep(n));
    assert.equal(parsed.document, undefined);
    assert.equal(parsed.findings.length, 1);
    assert.equal(parsed.findings[0]?.ruleId, 'SELLO-LIMIT');
    assert.equal(parsed.findings[0]?.code, 'too-costly');
  }
  // Self-closing elements and '>' inside attribute values do not count as nesting.
  assert.ok(parseXml(`<r>${'<e a="x>y"/>'.repeat(MAX_XML_DEPTH * 2)}</r>`).document);
  assert.equal(parseXml(deep(20), { maxDepth: 10 }).findings[0]?.ruleId, 'SELLO-LIMIT');
});

test('parseXml: a document past the size limit is a SELLO-LIMIT finding and is not parsed', () => {
  const parsed = parseXml('<r>0123456789</r>', { maxBytes: 10 });
  assert.equal(parsed.document, undefined);
  assert.equal(parsed.findings[0]?.ruleId, 'SELLO-LIMIT');
  assert.match(parsed.findings[0]?.message.en ?? '', /17 bytes/);
});

test('parseXml: an unbound namespace prefix is not well-formed', () => {
  const parsed = parseXml('<hl7:ClinicalDocument/>');
  assert.equal(parsed.document, undefined);
  assert.equal(parsed.findings[0]?.ruleId, WELLFORMED_RULE);
});

test('parseXml: UTF-8 only: another declared encoding or bytes that are not UTF-8 are an XML-ENCODING finding', () => {
  assert.ok(parseXml(Buffer.from('<?xml version="1.0" encoding="utf-8"?><r>Иванов</r>')).document);
  const declared = parseXml('<?xml version="1.0" encoding="windows-1251"?><r/>');
  assert.equal(declared.document, undefined);
  assert.equal(declared.findings[0]?.ruleId, 'XML-ENCODING');
  assert.match(declared.findings[0]?.message.en ?? '', /windows-1251/);
  const bytes = parseXml(Buffer.from([0x3c, 0x72, 0x3e, 0xc8, 0xe2, 0x3c, 0x2f, 0x72, 0x3e])); // <r>Ив</r> in windows-1251
  assert.equal(bytes.document, undefined);
  assert.equal(bytes.findings[0]?.ruleId, 'XML-ENCODING');
});

test('parseXml: U+FFFD is a legal XML character: a document holding it parses with no finding', () => {
  const parsed = parseXml('<a>broken \uFFFD char</a>');
  assert.deepEqual(parsed.findings, []);
  assert.ok(parsed.document);
});
