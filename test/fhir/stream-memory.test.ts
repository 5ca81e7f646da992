import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { judgeNdjson, readBundleStream } from '../../src/fhir/stream/index.ts';

// A collection (not a heap sample) is what tells memory kept from garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A document Bundle of `count` progress-note entries of ~1.2 KB, written piece by piece, never whole. */
async function* bundleText(count: number): AsyncGenerator<string> {
  yield '{"resourceType":"Bundle","type":"document","identifier":{"value":"urn:uuid:0"},"timestamp":"2026-01-01T00:00:00Z","entry":[';
  const note = Buffer.from('Nota de evolución. '.repeat(40)).toString('base64');
  let piece = '';
  for (let i = 0; i < count; i++) {
    const entry = {
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource: {
        resourceType: 'DocumentReference',
        status: 'current',
        type: { coding: [{ system: 'http://loinc.org', code: '11506-3' }] },
        date: '2025-01-01T10:00:00Z',
        content: [{ attachment: { contentType: 'text/plain', data: note } }],
      },
    };
    piece += `${i === 0 ? '' : ','}${JSON.stringify(entry)}`;
    if (piece.length > 60_000) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
}

test('a 50,000-entry Bundle (~60 MB) is read in memory that does not grow with the entries: heap after GC at entry 5,000 vs 50,000', async () => {
  const count = 50_000;
  const heapAt = new Map<number, number>();
  let chars = 0;
  const { entries, findings } = await readBundleStream(
    bundleText(count),
    {
      onEntry(entry, index) {
        chars += (entry as { fullUrl: string }).fullUrl.length;
        if (index === 4_999 || index === count - 1) {
          gc();
          heapAt.set(index, process.memoryUsage().heapUsed);
        }
      },
    },
    { maxEntryBytes: 64 * 1024 * 1024 },
  );
  assert.deepEqual(findings, []);
  assert.equal(entries, count);
  assert.ok(chars > 0);
  const growthMb = ((heapAt.get(count - 1) ?? 0) - (heapAt.get(4_999) ?? 0)) / 2 ** 20;
  // Keeping the 45,000 entries read in between would hold well over 45 MB of objects.
  assert.ok(growthMb < 8, `heap grew ${growthMb.toFixed(1)} MB from entry 5,000 to 50,000`);
  console.log(
    `# heap after GC: entry 5,000 ${((heapAt.get(4_999) ?? 0) / 2 ** 20).toFixed(1)} MB, entry 50,000 ${((heapAt.get(count - 1) ?? 0) / 2 ** 20).toFixed(1)} MB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
});

test('NDJSON: 200,000 lines judged with heap after GC flat from line 20,000 to 200,000', async () => {
  const count = 200_000;
  async function* lines(): AsyncGenerator<string> {
    let piece = '';
    for (let i = 0; i < count; i++) {
      piece += `{"resourceType":"Observation","id":"o${i}","status":"final","code":{"text":"${'x'.repeat(200)}"}}\n`;
      if (piece.length > 60_000) {
        yield piece;
        piece = '';
      }
    }
    yield piece;
  }
  const heapAt = new Map<number, number>();
  let judged = 0;
  for await (const result of judgeNdjson(lines(), () => [], { maxLineBytes: 1024 })) {
    judged++;
    if (result.line === 20_000 || result.line === count) {
      gc();
      heapAt.set(result.line, process.memoryUsage().heapUsed);
    }
  }
  assert.equal(judged, count);
  const growthMb = ((heapAt.get(count) ?? 0) - (heapAt.get(20_000) ?? 0)) / 2 ** 20;
  // 180,000 lines of ~280 bytes kept would be over 50 MB.
  assert.ok(growthMb < 8, `heap grew ${growthMb.toFixed(1)} MB from line 20,000 to 200,000`);
});
