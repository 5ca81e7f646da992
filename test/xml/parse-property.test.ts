import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseXml } from '../../src/xml/dom.ts';
import { elements, locate, resolvePath } from '../../src/xml/locate.ts';

const SEED = readFileSync(join(import.meta.dirname, 'fixtures', 'cda-invalid.xml'), 'utf8');
const PIECES = ['<', '>', '/>', '</', '<!DOCTYPE x>', '<!--', '-->', '<![CDATA[', ']]>', '&', '&amp;', '&#x0;', '"', "'", '=', 'xmlns:p="u"', 'p:', '\u0000', '\uD800', '\n', 'é'];

/** A document's text with pieces of XML syntax inserted, removed or repeated at random places. */
const mutated = fc
  .array(fc.tuple(fc.nat(SEED.length), fc.nat(40), fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 }))), { maxLength: 12 })
  .map((edits) => edits.reduce((text, [at, cut, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + (cut % 5)), SEED));

/** Whatever parseXml answers is consistent: a document without error findings, or findings and no document. */
function checkConsistent(input: string | Buffer): void {
  const parsed = parseXml(input);
  if (parsed.document) {
    assert.ok(!parsed.findings.some((f) => f.severity === 'error' || f.severity === 'fatal'));
    for (const e of elements(parsed.document)) {
      const where = locate(e);
      assert.equal(resolvePath(parsed.document, where.location.replace(/hl7:/g, 'Q{urn:hl7-org:v3}')), e, where.location);
    }
  } else assert.ok(parsed.findings.length > 0);
  for (const f of parsed.findings) assert.ok(f.ruleId && f.message.en && f.locationKind === 'xpath');
}

test('parseXml never throws on mutated documents, and locates every element it keeps', () => {
  fc.assert(fc.property(mutated, checkConsistent), { numRuns: 300, seed: 12 });
});

test('parseXml never throws on arbitrary strings and bytes', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), checkConsistent), { numRuns: 300, seed: 12 });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => checkConsistent(Buffer.from(bytes))),
    { numRuns: 300, seed: 12 },
  );
});
