import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOMParser, type Node } from '@xmldom/xmldom';
import fc from 'fast-check';
import { ruEnvelope, searchRegistryItemBody } from '../../programs/ru-egisz/lib/messages.ts';
import { parseXml } from '../../src/xml/dom.ts';
import { readWellFormed } from '../../src/xml/fast-read.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every XML-syntax file the repository holds (profiles, schemas, fixtures). */
function xmlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) xmlFiles(path, out);
    else if (/\.(xml|xsd|sch)$/.test(name)) out.push(path);
  }
  return out;
}

type AttributeNode = Node & { name: string; value: string; ownerElement: Node | null };
type Readable = { attributes?: { length: number; item(i: number): AttributeNode | null }; data?: string; getAttributeNS?(ns: string | null, local: string): string | null };

/**
 * Everything a reader of the tree can see: kinds, names, namespaces, data, attributes and positions, and the links a
 * walker follows (parent, siblings, the indexed childNodes, owner), the namespace lookups and attribute lookups by name.
 */
function dump(node: Node, out: string[] = [], indent = ''): string[] {
  let before: Node | null = null;
  let index = 0;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    const e = c as unknown as Readable;
    const attributes: string[] = [];
    for (let i = 0; i < (e.attributes?.length ?? 0); i++) {
      const a = e.attributes!.item(i)!;
      const found = e.getAttributeNS?.(a.namespaceURI, a.localName!) === a.value && a.ownerElement === c;
      attributes.push(
        `${a.name}{${a.namespaceURI}}${a.prefix}|${a.localName}=${JSON.stringify(a.value)}/${JSON.stringify(a.nodeValue)}@${a.lineNumber}:${a.columnNumber}${found ? '' : ' NOT FOUND BY NAME'}`,
      );
    }
    const links = [c.parentNode === node, c.previousSibling === before, node.childNodes.item(index) === c, c.ownerDocument === (node.ownerDocument ?? node)].map(Number).join('');
    const lookup = c.nodeType === 1 ? ` ns(${c.prefix})=${c.lookupNamespaceURI(c.prefix)}` : '';
    out.push(
      `${indent}${c.nodeType} ${c.nodeName} {${c.namespaceURI}}${c.prefix}|${c.localName} ${JSON.stringify(e.data ?? c.nodeValue)} @${c.lineNumber}:${c.columnNumber} ${c.childNodes.length} ${links}${lookup} ${attributes.join(' ')}`,
    );
    dump(c, out, `${indent}  `);
    before = c;
    index++;
  }
  out.push(`${indent}last ${node.lastChild === before} of ${node.childNodes.length}`);
  return out;
}

/** xmldom's tree and whether it said anything (parseXml ignores only its U+FFFD warning). */
function xmldom(text: string): { tree?: string; clean: boolean } {
  let clean = true;
  try {
    const document = new DOMParser({
      locator: true,
      onError: (level, message) => {
        if (!(level === 'warning' && /Unicode replacement/.test(message))) clean = false;
      },
    }).parseFromString(text, 'text/xml');
    return { tree: dump(document).join('\n'), clean };
  } catch {
    return { clean: false };
  }
}

/** The fast reader either declines or builds exactly xmldom's tree of a document xmldom finds nothing wrong with. */
function agrees(text: string): 'same' | 'declined' {
  const fast = readWellFormed(text, 256);
  if (!fast) return 'declined';
  const reference = xmldom(text);
  assert.ok(reference.clean, `the fast reader took what xmldom refuses: ${JSON.stringify(text.slice(0, 300))}`);
  assert.equal(dump(fast).join('\n'), reference.tree, JSON.stringify(text.slice(0, 300)));
  return 'same';
}

const FILES = xmlFiles(ROOT).map((path) => ({ path, text: readFileSync(path, 'utf8').replace(/^\uFEFF/, '') }));
const ENVELOPE = ruEnvelope('searchRegistryItem', {
  body: searchRegistryItemBody({ organization: '1.2.643.5.1.13.13.12.2.77.7777', dateFrom: '2024-01-01', dateTo: '2024-12-31' }),
  messageId: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
  clientEntityId: 'b5a0e7c2-0000-4000-8000-000000000001',
});

test('the fast reader builds xmldom’s tree for every XML file in the repository and a REMD envelope', () => {
  assert.ok(FILES.length >= 10, `found ${FILES.length} XML files`);
  for (const { path, text } of [...FILES, { path: 'envelope', text: ENVELOPE }]) assert.equal(agrees(text), 'same', path);
});

test('the fast reader matches xmldom on the constructs it reads: declaration, comments, PIs, CDATA, references, CRLF, namespaces', () => {
  const cases = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --> \n<a:r xmlns:a="urn:a" b="x&amp;\ty\n z" a:c=\'q\'>\n  t1&lt;&#65;&#x42;<![CDATA[cd<]]>t2<?pi data ?><e/><!--in-->\r\n<f\n g="1" ></f ></a:r>\n<!--after-->\n ',
    "<?xml version='1.0' standalone='yes' ?><a>x<![CDATA[]]>y&#x1F600;\uD83D\uDE00</a>",
    '  <a/>',
    '<a xmlns="urn:d"><b xmlns=""><c/></b><d/></a>',
    '<p:a xmlns:p="u"><p:b xmlns:p="v"/><p:c/></p:a>',
    '<a>&#13;&#9;<?p?><?q  ?><!----></a>',
    '<a b="&#9;&#10;&#13;" xml:lang="ru">\uFFFD</a>',
  ];
  for (const text of cases) assert.equal(agrees(text), 'same', text);
});

test('the fast reader declines what is not well-formed, and what it leaves to xmldom', () => {
  const declined = [
    '<!DOCTYPE a><a/>',
    '<a><b></a>',
    '<a>]]></a>',
    '<a><!-- a -- b --></a>',
    '<a><!-- a ---></a>',
    '<a b="1" b="2"/>',
    '<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>',
    '<p:a/>',
    '<a xmlns:p=""/>',
    '<a b="1"c="2"/>',
    '<a b="<"/>',
    '<a>&nbsp;</a>',
    '<a>&#0;</a>',
    '<a>\uD800</a>',
    '<a>\u0001</a>',
    '<a/><b/>',
    '<a/>text',
    'text<a/>',
    '<a>',
    '<ы/>',
    '<a:b:c xmlns:a="u"/>',
    '<?xml version="1.1"?><a/>',
    ' <?xml version="1.0"?><a/>',
    '<a>\u2028</a>',
  ];
  for (const text of declined) assert.equal(readWellFormed(text, 256), undefined, text);
  // Depth counts every element, an empty one too, as parseXml's own bound does.
  assert.ok(readWellFormed('<a><b><c/></b></a>', 3));
  assert.equal(readWellFormed('<a><b><c/></b></a>', 2), undefined);
});

test('parseXml answers what it answered before: the fast path for well-formed text, xmldom’s findings for the rest', () => {
  const good = parseXml(ENVELOPE);
  assert.ok(good.document);
  assert.deepEqual(good.findings, []);
  const bad = parseXml('<a><b></a>');
  assert.equal(bad.document, undefined);
  assert.equal(bad.findings[0]?.ruleId, 'XML-WELLFORMED');
  assert.equal(parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>').findings[0]?.ruleId, 'XML-DOCTYPE');
  assert.equal(parseXml('<a><b><c/></b></a>', { maxDepth: 2 }).findings[0]?.code, 'too-costly');
});

const PIECES = ['<', '>', '/>', '</', '<!DOCTYPE x>', '<!--', '-->', '--', '<![CDATA[', ']]>', ']', '&', '&amp;', '&#x0;', '&#65;', '&lt', '"', "'", '=', ' ', '\t', '\n', '\r', '\r\n'];
const MORE = [
  'xmlns:p="u"',
  'xmlns=""',
  'xmlns:p=""',
  'p:',
  'a:b:',
  ':',
  '-',
  '\u0000',
  '\uD800',
  '\uD83D\uDE00',
  'é',
  'ы',
  '\uFFFD',
  '\u0085',
  '<?pi x?>',
  '<?xml version="1.0"?>',
  'xml:lang="ru"',
  'a="1"',
  '<x/>',
  '</x>',
];
const SEEDS = [ENVELOPE, ...FILES.filter((f) => f.text.length < 20_000).map((f) => f.text)];

test('on mutated messages and schemas the fast reader either declines or agrees with xmldom exactly', () => {
  let same = 0;
  const mutated = fc
    .tuple(fc.nat(SEEDS.length - 1), fc.array(fc.tuple(fc.nat(1_000_000), fc.nat(4), fc.constantFrom(...PIECES, ...MORE, '')), { minLength: 1, maxLength: 3 }))
    .map(([seed, edits]) => edits.reduce((text, [at, cut, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + cut), SEEDS[seed]!));
  fc.assert(
    fc.property(mutated, (text) => {
      if (agrees(text) === 'same') same++;
    }),
    { numRuns: 1500, seed: 14 },
  );
  // The comparison means something only if the fast path took a good share of them.
  assert.ok(same > 150, `the fast reader took ${same} of 1500`);
});
