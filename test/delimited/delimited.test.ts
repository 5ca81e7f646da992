import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { type DelimitedFormat, DelimitedParser, type Layout, lineWriter, oneOf, type ParsedItem, parseDelimited, toLatin1 } from '../../src/delimited/index.ts';

// A format unlike confronta's, so nothing passes by sharing its separators or its way of naming places.
const FORMAT: DelimitedFormat = { fieldSeparator: ';', repeatSeparator: ',', maxLineBytes: 64, ruleId: 'CSV-FORMAT', location: (l, c) => `row ${l}${c ? ` col ${c}` : ''}` };
const LAYOUT: Layout<{ id: string; tags: string[]; kind: string }> = {
  name: 'sample',
  columns: [
    { name: 'ID', required: true, repeatable: false },
    { name: 'TAGS', required: false, repeatable: true },
    { name: 'KIND', required: true, repeatable: false, check: oneOf(['A', 'B']) },
  ],
  toRecord: (f) => ({ id: f[0]?.[0] ?? '', tags: [...(f[1] ?? [])], kind: f[2]?.[0] ?? '' }),
};

test('the reader follows the declared format: separators, repeats, checks, positions and the line cap', async () => {
  const text = `ID;TAGS;KIND\r\n1;x,y;A\n2;;C\n3;a,,b;B\n4;z\n${'9'.repeat(100)}\n5;;B`;
  const items: ParsedItem<{ id: string; tags: string[]; kind: string }>[] = [];
  for await (const item of parseDelimited(Readable.from([toLatin1(text)]), LAYOUT, FORMAT)) items.push(item);
  assert.deepEqual(items[0], { type: 'header', line: 1, findings: [] });
  assert.deepEqual(items[1], { type: 'row', line: 2, record: { id: '1', tags: ['x', 'y'], kind: 'A' } });
  const where = (i: number): string[] => (items[i]?.type === 'invalid' ? items[i].findings.map((f) => `${f.ruleId}@${f.location}`) : []);
  assert.deepEqual(where(2), ['CSV-FORMAT@row 3 col KIND']);
  assert.deepEqual(where(3), ['CSV-FORMAT@row 4 col TAGS[2]']);
  assert.deepEqual(where(4), ['CSV-FORMAT@row 5']);
  assert.equal(items[4]?.type === 'invalid' && items[4].key, '4');
  assert.match(items[5]?.type === 'invalid' ? (items[5].findings[0]?.message.en ?? '') : '', /exceeds 64 bytes \(100\)/);
  assert.deepEqual(items[6], { type: 'row', line: 7, record: { id: '5', tags: [], kind: 'B' } });
});

test('a wrong header stops the reading; the writer keeps values from shifting the columns', () => {
  const parser = new DelimitedParser(LAYOUT, FORMAT);
  const items = [...parser.push(toLatin1('ID;KIND\n1;A\n')), ...parser.end()];
  assert.deepEqual(
    items.map((i) => i.type),
    ['header'],
  );
  const w = lineWriter(FORMAT);
  assert.equal(w.formatLine(['a;b', ['x,y', 'z'], 'ü€']), 'a?b;x?y,z;ü?');
  assert.equal(w.cleanValue('a|b&c'), 'a|b&c');
});
