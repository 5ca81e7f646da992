import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DELIMITERS, type Delimiters, er7Length, escapeEr7, parseEr7, rawAt, segmentOf, serializeEr7, unescapeEr7, valueAt } from '../../src/hl7v2/er7.ts';
import { formatPath, parsePath } from '../../src/hl7v2/path.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { validateHl7 } from './pe-ris-contract.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/hl7v2/', import.meta.url));
const fixture = (path: string): string => readFileSync(`${FIXTURES}${path}`, 'utf8');
const ids = (text: string): string[] => parseEr7(text).findings.map((f) => `${f.severity} ${f.ruleId} @ ${f.location}`);

test('MSH fields are numbered as the standard does: MSH-1 is the field separator, MSH-2 the encoding characters', () => {
  const m = parseEr7(fixture('valid/adt-a04.hl7'));
  assert.equal(m.ok, true);
  assert.deepEqual(m.findings, []);
  assert.deepEqual(m.delimiters, { ...DEFAULT_DELIMITERS });
  const msh = m.segments[0];
  assert.equal(msh?.fields[1], '|');
  assert.equal(msh?.fields[2], '^~\\&');
  assert.equal(msh?.fields[9], 'ADT^A04^ADT_A01');
  assert.equal(valueAt(m, { segment: 'MSH', field: 9, component: 2 }), 'A04');
  assert.equal(valueAt(m, { segment: 'MSH', field: 10 }), 'ADT0001');
  assert.deepEqual(
    m.segments.map((s) => s.id),
    ['MSH', 'EVN', 'PID', 'PV1'],
  );
  assert.deepEqual(
    m.segments.map((s) => s.line),
    [1, 2, 3, 4],
  );
});

test('round trip: serialize(parse(x)) gives x back for every fixture', () => {
  for (const dir of ['valid', 'defects']) {
    for (const file of readdirSync(`${FIXTURES}${dir}`)) {
      const text = fixture(`${dir}/${file}`);
      const m = parseEr7(text);
      if (!m.ok) continue;
      const normalized = text.replace(/\r\n|\n/g, '\r').replace(/\r?$/, '\r');
      assert.equal(serializeEr7(m), normalized, file);
      assert.equal(serializeEr7(parseEr7(serializeEr7(m))), normalized, file);
    }
  }
});

test('repetitions, components and subcomponents are addressed as PID-3[2].4.1', () => {
  const m = parseEr7(fixture('valid/adt-a04.hl7'));
  assert.equal(rawAt(m, { segment: 'PID', field: 3 }), '45678912^I^^RENIEC^NI~HC-0001^^^00004321^MR');
  assert.equal(rawAt(m, { segment: 'PID', field: 3, repetition: 2 }), 'HC-0001^^^00004321^MR');
  assert.equal(valueAt(m, { segment: 'PID', field: 3, repetition: 2, component: 4, subcomponent: 1 }), '00004321');
  assert.equal(valueAt(m, { segment: 'PID', field: 3, component: 5 }), 'NI');
  assert.equal(valueAt(m, { segment: 'PID', field: 99 }), '');
  const withSubs = parseEr7('MSH|^~\\&|A|B\rPID|||1^^^RENIEC&2.16.604.1&ISO^NI\r');
  assert.equal(valueAt(withSubs, { segment: 'PID', field: 3, component: 4, subcomponent: 2 }), '2.16.604.1');
  assert.equal(valueAt(withSubs, { segment: 'PID', field: 3, component: 4 }), 'RENIEC');
});

test('segment occurrences are counted over the whole message', () => {
  const m = parseEr7(fixture('valid/oru-r01.hl7'));
  assert.deepEqual(
    m.segments.filter((s) => s.id === 'OBX').map((s) => s.occurrence),
    [1, 2, 3],
  );
  assert.equal(segmentOf(m, 'OBX', 3)?.fields[5], 'Fiebre \\T\\ tos desde hace 3 d\\XC3AD\\as');
  assert.equal(valueAt(m, { segment: 'OBX', occurrence: 3, field: 5 }), 'Fiebre & tos desde hace 3 días');
});

test('delimiters come from MSH-1 and MSH-2, whatever they are', () => {
  const m = parseEr7('MSH#$*@%#APP#FAC\rPID###111$$$RENIEC%9$NI*222$$$X$MR##AB@F@C\r');
  assert.equal(m.ok, true);
  assert.deepEqual(m.delimiters, { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' } satisfies Delimiters);
  assert.equal(valueAt(m, { segment: 'MSH', field: 3 }), 'APP');
  assert.equal(valueAt(m, { segment: 'PID', field: 3, repetition: 2, component: 5 }), 'MR');
  assert.equal(valueAt(m, { segment: 'PID', field: 3, component: 4, subcomponent: 2 }), '9');
  assert.equal(valueAt(m, { segment: 'PID', field: 5 }), 'AB#C');
  assert.equal(serializeEr7(m), 'MSH#$*@%#APP#FAC\rPID###111$$$RENIEC%9$NI*222$$$X$MR##AB@F@C\r');
});

test('escape sequences: delimiters, hex, formatting, character sets, local', () => {
  const d = DEFAULT_DELIMITERS;
  assert.equal(unescapeEr7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d).value, 'a|b^c&d~e\\f');
  assert.equal(unescapeEr7('d\\XC3AD\\a', d).value, 'día');
  assert.equal(unescapeEr7('\\X41\\\\X0D0A\\', d).value, 'A\r\n');
  assert.equal(unescapeEr7('\\XE9\\', d).value, 'é', 'not UTF-8: read as Latin-1');
  const br = unescapeEr7('uno\\.br\\dos\\H\\tres\\N\\\\.sp2\\', d);
  assert.equal(br.value, 'uno\ndostres');
  assert.equal(br.formatting, true);
  assert.equal(unescapeEr7('\\C2842\\x\\M2442\\', d).value, 'x');
  assert.equal(unescapeEr7('\\Zlocal\\', d).value, '\\Zlocal\\');
  assert.deepEqual(unescapeEr7('a\\Q\\b', d).problems, [{ kind: 'unknown', sequence: '\\Q\\' }]);
  assert.deepEqual(unescapeEr7('a\\b', d).problems, [{ kind: 'unterminated', sequence: '\\b' }]);
  assert.deepEqual(unescapeEr7('\\X4\\', d).problems, [{ kind: 'bad-hex', sequence: '\\X4\\' }]);
  assert.deepEqual(unescapeEr7('\\\\', d).problems, [{ kind: 'empty', sequence: '\\\\' }]);
  assert.deepEqual(unescapeEr7('\\P\\', d).problems, [{ kind: 'truncation-undefined', sequence: '\\P\\' }]);
  assert.equal(escapeEr7('A|B^C&D~E\\F\rG\nH'), 'A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F\\X0D\\G\\X0A\\H');
});

test('escape then unescape is the identity, for random text full of delimiters', () => {
  const rng = new SeededRandom('er7-escape');
  const alphabet = 'ab|^~\\&#\r\nñ é0X.';
  const delimiters: Delimiters[] = [DEFAULT_DELIMITERS, { ...DEFAULT_DELIMITERS, truncation: '#' }, { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' }];
  for (let i = 0; i < 500; i++) {
    let s = '';
    for (let n = rng.int(0, 30); n > 0; n--) s += alphabet.charAt(rng.int(0, alphabet.length - 1));
    for (const d of delimiters) {
      const escaped = escapeEr7(s, d);
      for (const c of [d.field, d.component, d.repetition, d.subcomponent, '\r', '\n']) {
        assert.ok(!escaped.includes(c), `${JSON.stringify(escaped)} still holds ${JSON.stringify(c)}`);
      }
      const back = unescapeEr7(escaped, d);
      assert.equal(back.value, s);
      assert.deepEqual(back.problems, []);
    }
  }
});

test('length counts an escape sequence as the one character it stands for', () => {
  assert.equal(er7Length('AB\\F\\C', DEFAULT_DELIMITERS), 4);
  assert.equal(er7Length('A^B&C', DEFAULT_DELIMITERS), 5);
  assert.equal(er7Length('d\\XC3AD\\a^x', DEFAULT_DELIMITERS), 5);
});

test('v2.7 truncation character: a fifth MSH-2 character, warned for a 2.5 message', () => {
  const m27 = parseEr7('MSH|^~\\&#|A|B|C|D|20250101||ADT^A04^ADT_A01|1|P|2.7\rPID|||X\\P\\Y\r');
  assert.equal(m27.delimiters.truncation, '#');
  assert.equal(valueAt(m27, { segment: 'PID', field: 3 }), 'X#Y');
  assert.deepEqual(ids(m27.text), []);
  assert.deepEqual(ids('MSH|^~\\&#|A|B|C|D|20250101||ADT^A04^ADT_A01|1|P|2.5\r'), ['warning V2-ER7 @ MSH-2']);
  assert.equal(serializeEr7(m27), m27.text);
});

test('LF and CRLF separators are read as CR, with one warning', () => {
  const cr = fixture('valid/adt-a04.hl7');
  for (const sep of ['\n', '\r\n']) {
    const m = parseEr7(cr.replace(/\r/g, sep));
    assert.deepEqual(
      m.segments.map((s) => s.id),
      ['MSH', 'EVN', 'PID', 'PV1'],
    );
    assert.deepEqual(ids(m.text), ['warning V2-ER7 @ MSH']);
    assert.equal(serializeEr7(m), cr);
  }
});

test('malformed input gives findings, never a throw', () => {
  assert.deepEqual(ids(''), ['fatal V2-ER7 @ MSH']);
  assert.deepEqual(ids('\r\n\r'), ['warning V2-ER7 @ MSH', 'fatal V2-ER7 @ MSH']);
  assert.deepEqual(ids('hello world'), ['fatal V2-ER7 @ #1']);
  assert.deepEqual(ids('PID|1'), ['fatal V2-ER7 @ #1']);
  assert.deepEqual(ids('BHS|^~\\&\rMSH|^~\\&|A\r'), ['fatal V2-ER7 @ #1']);
  assert.deepEqual(ids('MSH'), ['fatal V2-ER7 @ MSH']);
  assert.deepEqual(ids('MSH|'), ['fatal V2-ER7 @ MSH-2']);
  assert.deepEqual(ids('MSHA^~\\&'), ['fatal V2-ER7 @ MSH-1']);
  assert.deepEqual(ids('MSH|^~\\&abc|A'), ['fatal V2-ER7 @ MSH-2']);
  assert.deepEqual(ids('MSH|^^\\&|A'), ['fatal V2-ER7 @ MSH-2']);
  assert.deepEqual(ids('MSH|^~|A\r'), ['error V2-ER7 @ MSH-2'], 'missing encoding characters: the defaults stand in');
  assert.deepEqual(ids('\uFEFFMSH|^~\\&|A\r'), ['warning V2-ER7 @ MSH']);
  assert.deepEqual(ids('MSH|^~\\&|A\rpid|1\r'), ['error V2-ER7 @ #2']);
  assert.deepEqual(ids('MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\r'), ['error V2-ER7 @ MSH[2]']);
  assert.deepEqual(ids('MSH|^~\\&|A\r\rPID|1\r'), ['warning V2-ER7 @ #2']);
  assert.deepEqual(ids('MSH|^~\\&|A\rPID|1|\x0b2\r'), ['warning V2-ER7 @ PID']);
  assert.deepEqual(ids('MSH|^~\\&|A\rPID|1||X\\Y~Z\\Q\\&1\r'), ['error V2-ER7 @ PID-3.1', 'warning V2-ER7 @ PID-3[2].1.1']);
});

test('fuzz: random bytes and mutated messages never make the parser or the validator throw', () => {
  const rng = new SeededRandom('er7-fuzz');
  const base = fixture('valid/siu-s12.hl7');
  const noise = 'MSH|^~\\&\r\n\x0b\x1cPIDOBX#$%0123 \uFFFDé';
  for (let i = 0; i < 400; i++) {
    let text: string;
    if (i % 2 === 0) {
      text = '';
      for (let n = rng.int(0, 80); n > 0; n--) text += noise.charAt(rng.int(0, noise.length - 1));
    } else {
      const chars = [...base];
      for (let n = rng.int(1, 8); n > 0 && chars.length > 0; n--) {
        const at = rng.int(0, chars.length - 1);
        const op = rng.int(0, 2);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, noise.charAt(rng.int(0, noise.length - 1)));
        else chars.length = at;
      }
      text = chars.join('');
    }
    const m = parseEr7(text);
    assert.ok(Array.isArray(m.findings));
    const fs = validateHl7(text);
    for (const f of fs) assert.equal(f.locationKind, 'hl7v2');
  }
});

test('paths: repetition and occurrence shown only when > 1, and parsePath reads them back', () => {
  assert.equal(formatPath({ segment: 'PID', field: 3, repetition: 1, component: 1 }), 'PID-3.1');
  assert.equal(formatPath({ segment: 'PID', field: 3, repetition: 2, component: 1, subcomponent: 2 }), 'PID-3[2].1.2');
  assert.equal(formatPath({ segment: 'OBX', occurrence: 3, field: 5 }), 'OBX[3]-5');
  assert.equal(formatPath({ segment: 'PID', occurrence: 2 }), 'PID[2]');
  assert.equal(formatPath({ segment: 'PV1' }), 'PV1');
  for (const p of ['PID', 'PID[2]', 'PID-3', 'PID-3[2]', 'PID-3[2].4', 'PID-3[2].4.1', 'OBX[3]-5.1.2', 'MSH-9.3']) {
    const loc = parsePath(p);
    assert.ok(loc, p);
    assert.equal(formatPath(loc), p.replace('[1]', ''));
  }
  assert.equal(parsePath('PID-0'), undefined);
  assert.equal(parsePath('pid-3'), undefined);
  assert.equal(parsePath('PID.3'), undefined);
});
