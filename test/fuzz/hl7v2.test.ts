import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isBlocking } from '../../src/findings/finding.ts';
import { parseEr7, serializeEr7, valueAt } from '../../src/hl7v2/er7.ts';
import { MllpDeframer, type MllpEvent } from '../../src/hl7v2/mllp.ts';
import { checkAck, referenceAck, validateHl7 } from '../hl7v2/pe-ris-contract.ts';
import { fuzzRuns, mutatedText } from './fuzz.ts';
import { ER7_PIECES, VALID_V2 } from './v2-seeds.ts';

const mutated = mutatedText(VALID_V2, ER7_PIECES);
const anyText = fc.oneof({ weight: 3, arbitrary: mutated }, fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }));

const ACK_CODES = new Set(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);

test('every valid seed is valid, so what the mutations break is theirs', () => {
  for (const m of VALID_V2) assert.deepEqual(validateHl7(m).filter(isBlocking), [], m);
});

const parse = fuzzRuns(1000);
test(`parseEr7 never throws on random and mutated messages: a parse with V2-ER7 findings, or no MSH and no segments ${parse.label}`, () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const m = parseEr7(text);
      assert.equal(typeof m.ok, 'boolean');
      if (!m.ok) {
        assert.deepEqual(m.segments, []);
        assert.ok(m.findings.some(isBlocking), 'an unusable message says why');
      } else {
        assert.equal(m.segments[0]?.id, 'MSH');
        // The serialized parse reads back as the same segments: the parser keeps what it read.
        assert.deepEqual(
          parseEr7(serializeEr7(m)).segments.map((s) => s.fields),
          m.segments.map((s) => s.fields),
        );
      }
      for (const f of m.findings) assert.ok(f.ruleId === 'V2-ER7' && f.locationKind === 'hl7v2' && f.message.en, JSON.stringify(f));
    }),
    parse.params,
  );
});

const validate = fuzzRuns(500);
test(`validateHl7 (pe-ris v2.5 profiles) never throws on random and mutated messages; every finding is located ${validate.label}`, () => {
  fc.assert(
    fc.property(anyText, (text) => {
      for (const f of validateHl7(text)) {
        assert.equal(f.locationKind, 'hl7v2');
        assert.ok(f.ruleId && f.message.en && f.message.es, JSON.stringify(f));
      }
    }),
    validate.params,
  );
});

const ack = fuzzRuns(500);
test(`the reference ACK of any message is a well-formed ACK: its code, MSA-2 echoing MSH-10, ERR unless accepted, and it passes checkAck when the original's header is valid ${ack.label}`, () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const r = referenceAck(text);
      if (r.ack === undefined) return;
      const a = parseEr7(r.ack);
      assert.ok(a.ok, r.ack);
      const code = valueAt(a, { segment: 'MSA', field: 1 });
      assert.ok(ACK_CODES.has(code), `MSA-1 ${code}`);
      assert.equal(code, r.code);
      const original = parseEr7(text);
      if (original.ok) assert.equal(valueAt(a, { segment: 'MSA', field: 2 }), valueAt(original, { segment: 'MSH', field: 10 }));
      if (code !== 'AA' && code !== 'CA')
        assert.ok(
          a.segments.some((s) => s.id === 'ERR'),
          `${code} without ERR: ${r.ack}`,
        );
      // The ACK echoes MSH-3…6, 9.2, 10, 11, 12 and 18: only an original whose header is valid can expect a valid ACK.
      if (original.ok && !validateHl7(text).some((f) => isBlocking(f) && f.location.startsWith('MSH'))) assert.deepEqual(checkAck(text, r.ack).filter(isBlocking), [], r.ack);
    }),
    ack.params,
  );
});

const describe = (events: MllpEvent[]): string[] =>
  events.map((e) => (e.kind === 'message' ? `message ${e.payload.toString('latin1')}` : e.kind === 'garbage' ? `garbage ${e.bytes}` : `bad-frame ${e.reason} ${e.bytes}`));

const deframe = fuzzRuns(1000);
test(`MllpDeframer never throws, and however the bytes are cut into chunks it reads the same events ${deframe.label}`, () => {
  const framed = mutatedText(
    VALID_V2.map((m) => `\x0b${m}\x1c\r`),
    ['\x0b', '\x1c', '\r', '\x1c\r', '\x0b\x1c\r', '\n', ' ', 'GET / HTTP/1.1\r\n'],
  );
  const bytes = fc.oneof(
    framed.map((s) => Buffer.from(s, 'latin1')),
    fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
  );
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 8 }), (input, cuts) => {
      // A small limit so the oversize path is fuzzed too.
      const whole = new MllpDeframer(512);
      const expected = describe([...whole.push(input), ...whole.abort()]);
      const chunked = new MllpDeframer(512);
      const events: MllpEvent[] = [];
      let from = 0;
      for (const cut of [...cuts.map((c) => c % (input.length + 1))].sort((a, b) => a - b)) {
        events.push(...chunked.push(input.subarray(from, cut)));
        from = cut;
      }
      events.push(...chunked.push(input.subarray(from)), ...chunked.abort());
      assert.deepEqual(describe(events), expected);
    }),
    deframe.params,
  );
});
