import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createFhirValidator } from '../../src/fhir/index.ts';
import { atEntry, type BundlePart, bundleParts, judgeNdjson, NDJSON_TYPE_RULE, type NdjsonLineResult, readBundleStream } from '../../src/fhir/stream/index.ts';
import { LIMIT_RULE } from '../../src/findings/limits.ts';

const validator = createFhirValidator();
const judge = (resource: unknown) => validator.validate(resource);

/** Text cut into pieces of `size` characters, so lines and entries straddle chunks as they do on a socket. */
const chunks = (text: string, size = 7): Readable => Readable.from(Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size))));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('every NDJSON line is judged with its line number, blank lines skipped, whatever the chunking', async () => {
  const text = ['{"resourceType":"Patient","gender":"female"}', '', '{"resourceType":"Patient","gender":"nope"}', '{not json', '{"resourceType":"Patient"}\r'].join('\n');
  const results: NdjsonLineResult[] = await all(judgeNdjson(chunks(text), judge, { maxLineBytes: 1000 }));
  assert.deepEqual(
    results.map((r) => r.line),
    [1, 3, 4, 5],
  );
  assert.equal(results[0]?.findings.filter((f) => f.severity === 'error').length, 0);
  assert.ok(
    results[1]?.findings.some((f) => f.severity === 'error' && f.location.includes('gender')),
    'the bad code is found on line 3',
  );
  assert.equal(results[2]?.findings[0]?.ruleId, 'JSON-PARSE');
  assert.equal(results[3]?.resourceType, 'Patient');
});

test('a line past the limit is a SELLO-LIMIT finding and the lines after it are judged', async () => {
  const text = `{"resourceType":"Patient","id":"${'a'.repeat(5000)}"}\n{"resourceType":"Patient"}\n`;
  const results = await all(judgeNdjson(chunks(text, 512), judge, { maxLineBytes: 1024 }));
  assert.equal(results.length, 2);
  assert.equal(results[0]?.findings[0]?.ruleId, LIMIT_RULE);
  assert.match(results[0]?.findings[0]?.message.en ?? '', /5\d\d\d bytes/);
  assert.equal(results[1]?.resourceType, 'Patient');
});

test('with a declared type, a line of another type is an NDJSON-TYPE error and is not judged further', async () => {
  let judged = 0;
  const text = '{"resourceType":"Condition"}\n{"resourceType":"Patient"}\n[1]\n';
  const results = await all(
    judgeNdjson(
      chunks(text),
      (r) => {
        judged++;
        return judge(r);
      },
      { maxLineBytes: 1000, expectedType: 'Condition' },
    ),
  );
  assert.deepEqual(
    results.map((r) => r.findings.some((f) => f.ruleId === NDJSON_TYPE_RULE)),
    [false, true, true],
  );
  assert.equal(judged, 1);
});

test('the NDJSON source is read only as fast as results are taken (backpressure)', async () => {
  let produced = 0;
  async function* source() {
    for (let i = 0; i < 1000; i++) {
      produced++;
      yield `{"resourceType":"Patient","id":"p${i}"}\n`;
    }
  }
  const it = judgeNdjson(source(), () => [], { maxLineBytes: 1000 });
  await it.next();
  await it.next();
  assert.ok(produced <= 3, `only what two results need was read, not ${produced} chunks`);
  await it.return(undefined);
});

const BUNDLE = {
  resourceType: 'Bundle',
  type: 'document',
  identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:1' },
  entry: [
    { fullUrl: 'urn:uuid:a', resource: { resourceType: 'Patient', gender: 'male' } },
    { fullUrl: 'urn:uuid:b', resource: { resourceType: 'Patient', gender: 'bad' } },
  ],
  timestamp: '2026-01-01T00:00:00Z',
};

test('a Bundle streams its top-level members and each entry with its index, in document order', async () => {
  const parts: BundlePart[] = await all(bundleParts(chunks(JSON.stringify(BUNDLE), 5), { maxEntryBytes: 10_000 }));
  assert.deepEqual(
    parts.map((p) => (p.kind === 'member' ? p.name : p.kind === 'entry' ? `entry ${p.index}` : 'finding')),
    ['resourceType', 'type', 'identifier', 'entry 0', 'entry 1', 'timestamp'],
  );
  const second = parts.find((p) => p.kind === 'entry' && p.index === 1) as { value: { resource: unknown } };
  assert.deepEqual(second.value, BUNDLE.entry[1]);
  const errors = atEntry(judge(second.value.resource), 1).filter((f) => f.severity === 'error');
  assert.ok(errors.length > 0, "the entry's resource is judged like any resource");
  // Located in the Bundle, as a judge of the whole document reports them.
  assert.deepEqual(
    errors.map((f) => f.location),
    ['Bundle.entry[1].resource.gender'],
  );
});

test('readBundleStream: a too-large entry is a SELLO-LIMIT finding at /entry/i and the next entries are still read', async () => {
  const big = 'x'.repeat(40_000);
  const text = JSON.stringify({ resourceType: 'Bundle', entry: [{ a: big, b: big, c: big }, { resource: { resourceType: 'Patient' } }], type: 'collection' });
  const seen: number[] = [];
  const members: string[] = [];
  const result = await readBundleStream(chunks(text, 4096), { onEntry: (_e, i) => void seen.push(i), onMember: (n) => void members.push(n) }, { maxEntryBytes: 100_000 });
  assert.deepEqual(seen, [1]);
  assert.deepEqual(members, ['resourceType', 'type']);
  assert.equal(result.findings[0]?.ruleId, LIMIT_RULE);
  assert.equal(result.findings[0]?.location, '/entry/0');
});

test('unreadable Bundles are findings, never a throw: not JSON, not an object, cut short, nested too deep', async () => {
  const cases: [string, string][] = [
    ['{"resourceType":"Bundle","entry":[{"a":1},', 'JSON-PARSE'],
    ['[1,2]', 'JSON-STRUCTURE'],
    ['{"entry":[1]}', 'JSON-STRUCTURE'],
    ['{"resourceType":"Bundle" "x"}', 'JSON-PARSE'],
    [`{"entry":[{"a":${'['.repeat(200)}${']'.repeat(200)}}]}`, LIMIT_RULE],
    ['\uFEFF{"entry":[{"resourceType":"Patient"},2]}', 'JSON-STRUCTURE'],
  ];
  for (const [text, rule] of cases) {
    const { findings } = await readBundleStream(chunks(text), { onEntry: () => {} }, { maxEntryBytes: 10_000 });
    assert.equal(findings[0]?.ruleId, rule, text.slice(0, 40));
  }
});

test("an error of the source (a dropped connection) is thrown, not taken for the document's fault", async () => {
  async function* dropped() {
    yield '{"resourceType":"Bundle","entry":[';
    throw new Error('ECONNRESET');
  }
  await assert.rejects(readBundleStream(dropped(), { onEntry: () => {} }, { maxEntryBytes: 1000 }), /ECONNRESET/);
});
