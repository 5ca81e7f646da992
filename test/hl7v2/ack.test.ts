import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/findings/finding.ts';
import { ackMode, buildAck, ControlIdTracker, errorCodeFor, hl7Timestamp } from '../../src/hl7v2/ack.ts';
import { parseEr7, valueAt } from '../../src/hl7v2/er7.ts';
import { checkAck, ReferenceReceiver, referenceAck, validateHl7 } from './pe-ris-contract.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/hl7v2/', import.meta.url));
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const keys = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId} @ ${f.location}`).sort();
const blocking = (fs: Finding[]): string[] => keys(fs.filter((f) => f.severity === 'error' || f.severity === 'fatal'));
const NOW = new Date(2025, 2, 14, 9, 30, 1);
const ADT = fixture('valid/adt-a04.hl7');
/** The ADT in enhanced mode: MSH-15 and MSH-16 set. */
const enhanced = (accept: string, application = 'AL'): string => ADT.replace('|P|2.5|||||PER|', `|P|2.5|||${accept}|${application}|PER|`);
const field = (text: string, segment: string, f: number, component?: number, occurrence = 1): string => valueAt(parseEr7(text), { segment, occurrence, field: f, ...(component ? { component } : {}) });
/** Edits one field of one segment of an ER7 text. */
const edit = (text: string, segment: string, n: number, value: string): string =>
  text
    .split('\r')
    .map((line) => {
      if (!line.startsWith(`${segment}|`)) return line;
      const fields = line.split('|');
      const index = segment === 'MSH' ? n - 1 : n;
      while (fields.length <= index) fields.push('');
      fields[index] = value;
      return fields.join('|');
    })
    .join('\r');

test('buildAck answers the original: swapped routing, ACK^<event>^ACK, MSA-2 = MSH-10', () => {
  const ack = buildAck(ADT, 'AA', [], { now: NOW, controlId: 'ACK0001' });
  assert.equal(ack.split('\r')[0], `MSH|^~\\&|SIHCE|00004321|SELLO-ENGINE|DIRESA-CAJ|${hl7Timestamp(NOW)}||ACK^A04^ACK|ACK0001|P|2.5||||||UNICODE UTF-8`);
  assert.match(hl7Timestamp(NOW), /^20250314093001[+-]\d{4}$/);
  assert.equal(ack.split('\r')[1], 'MSA|AA|ADT0001');
  assert.deepEqual(checkAck(ADT, ack), []);
  assert.deepEqual(validateHl7(ack), []);
});

test('AE carries one ERR per error: ERL location, 0357 code, severity, user message — and passes the ACK profile', () => {
  const ack = buildAck(ADT, 'AE', [
    { code: '101', location: 'PID-5', message: 'Falta el nombre' },
    { code: '103', location: 'PID-3[2].5', severity: 'W', message: 'Tipo ^ desconocido|raro' },
  ]);
  const errs = ack.split('\r').filter((s) => s.startsWith('ERR'));
  assert.deepEqual(errs, ['ERR||PID^1^5^1|101^Required field missing^HL70357|E||||Falta el nombre', 'ERR||PID^1^3^2^5|103^Table value not found^HL70357|W||||Tipo \\S\\ desconocido\\F\\raro']);
  assert.deepEqual(checkAck(ADT, ack), []);
});

test('original mode: AA/AE/AR only; AE and AR need ERR', () => {
  assert.equal(ackMode(ADT), 'original');
  assert.deepEqual(keys(checkAck(ADT, buildAck(ADT, 'AE'))), ['V2-ACK-ERR @ ERR']);
  assert.deepEqual(keys(checkAck(ADT, buildAck(ADT, 'AR'))), ['V2-ACK-ERR @ ERR']);
  assert.deepEqual(keys(checkAck(ADT, buildAck(ADT, 'CA'))), ['V2-ACK-MODE @ MSA-1']);
  assert.deepEqual(checkAck(ADT, buildAck(ADT, 'AR', [{ code: '207' }])), []);
});

test('enhanced mode (MSH-15/16 set): the first reply is a commit ACK', () => {
  const al = enhanced('AL');
  assert.equal(ackMode(al), 'enhanced');
  assert.deepEqual(checkAck(al, buildAck(al, 'CA')), []);
  assert.deepEqual(keys(checkAck(al, buildAck(al, 'AA'))), ['V2-ACK-MODE @ MSA-1']);
  assert.deepEqual(keys(checkAck(al, buildAck(al, 'CR'))), ['V2-ACK-ERR @ ERR']);
  assert.deepEqual(keys(checkAck(al, buildAck(al, 'CE'))), ['V2-ACK-ERR @ ERR']);
  // The application ACK that follows it.
  assert.deepEqual(checkAck(al, buildAck(al, 'AA'), { expect: 'application' }), []);
  // MSH-15 NE: no commit ACK; the reply is the application ACK.
  const ne = enhanced('NE');
  assert.deepEqual(checkAck(ne, buildAck(ne, 'AA')), []);
  assert.deepEqual(blocking(checkAck(ne, buildAck(ne, 'CA'))), ['V2-ACK-MODE @ MSA-1']);
  // MSH-15 ER: a commit ACK only on errors, so a CA is out of place (a warning).
  const er = checkAck(enhanced('ER'), buildAck(enhanced('ER'), 'CA'));
  assert.deepEqual(
    er.map((f) => `${f.ruleId}:${f.severity}`),
    ['V2-ACK-MODE:warning'],
  );
});

test('MSA-2 must be the original MSH-10', () => {
  const ack = edit(buildAck(ADT, 'AA'), 'MSA', 2, 'ADT0002');
  assert.deepEqual(keys(checkAck(ADT, ack)), ['V2-ACK-CORRELATION @ MSA-2']);
  assert.deepEqual(keys(checkAck(ADT, edit(buildAck(ADT, 'AA'), 'MSA', 2, ''))), ['V2-USAGE-R @ MSA-2']);
});

test('the ACK goes back to the sender: MSH-5/6 are the original MSH-3/4', () => {
  const ack = edit(edit(buildAck(ADT, 'AA'), 'MSH', 5, 'SIHCE'), 'MSH', 6, '00004321');
  assert.deepEqual(keys(checkAck(ADT, ack)), ['V2-ACK-ROUTING @ MSH-5', 'V2-ACK-ROUTING @ MSH-6']);
  // Trailing empty HD components do not matter.
  assert.deepEqual(checkAck(ADT, edit(buildAck(ADT, 'AA'), 'MSH', 5, 'SELLO-ENGINE^^')), []);
});

test('MSH-9 of the ACK is ACK^<event>^ACK — the ACK node-hl7-server 2.5 writes fails on MSH-9.3', () => {
  assert.deepEqual(keys(checkAck(ADT, edit(buildAck(ADT, 'AA'), 'MSH', 9, 'ACK^A01^ACK'))), ['V2-ACK-MSH9 @ MSH-9.2']);
  const original = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A04^ADT_A01|X1|P|2.5\rPID|1\r';
  const fromNodeHl7Server = 'MSH|^~\\&|C|D|A|B|20261128002913||ACK^A04^ACK_A04|ACK|P|2.5\rMSA|AA|X1\r';
  assert.deepEqual(blocking(checkAck(original, fromNodeHl7Server)), ['V2-MSH @ MSH-9.3']);
});

test('an error ERR on an accept is a warning; version and processing id should match the original', () => {
  const aa = buildAck(ADT, 'AA', [{ code: '207', severity: 'E' }]);
  assert.deepEqual(
    checkAck(ADT, aa).map((f) => `${f.ruleId}:${f.severity}`),
    ['V2-ACK-ERR:warning'],
  );
  assert.deepEqual(checkAck(ADT, buildAck(ADT, 'AA', [{ code: '0', severity: 'I' }])), []);
  const t = edit(buildAck(ADT, 'AA'), 'MSH', 11, 'T');
  assert.deepEqual(
    checkAck(ADT, t).map((f) => `${f.ruleId}:${f.severity}@${f.location}`),
    ['V2-ACK-HEADER:warning@MSH-11.1'],
  );
});

test('ERR-3 must be a table 0357 code', () => {
  const ack = buildAck(ADT, 'AE', [{ code: '999' }]);
  assert.deepEqual(keys(checkAck(ADT, ack)), ['V2-TABLE @ ERR-3.1']);
});

test('an unreadable ACK or original gives findings, not a throw', () => {
  assert.deepEqual(keys(checkAck(ADT, 'garbage')), ['V2-ER7 @ #1']);
  const fs = checkAck('garbage', buildAck('garbage', 'AR', [{ code: '100' }]));
  // No original to take routing, event and control id from: those ACK fields are empty, and only the ACK is judged.
  assert.deepEqual(keys(fs), ['V2-ACK-CORRELATION @ MSA-2', 'V2-USAGE-R @ MSA-2', 'V2-USAGE-R @ MSH-3', 'V2-USAGE-R @ MSH-4', 'V2-USAGE-R @ MSH-5', 'V2-USAGE-R @ MSH-6', 'V2-USAGE-R @ MSH-9.2']);
  assert.equal(fs.find((f) => f.ruleId === 'V2-ACK-CORRELATION')?.severity, 'information');
});

test('control ids: new, retransmission (MSH-7 may differ), conflict, unidentified; bounded', () => {
  const t = new ControlIdTracker(2);
  assert.equal(t.classify(ADT).status, 'new');
  assert.equal(t.record(ADT, buildAck(ADT, 'AA')), 'new');
  assert.equal(t.classify(edit(ADT, 'MSH', 7, '20250314093100-0500')).status, 'retransmission');
  assert.equal(t.classify(ADT).previous?.ackCode, 'AA');
  assert.equal(t.classify(edit(ADT, 'PID', 8, 'M')).status, 'conflict');
  assert.equal(t.classify(edit(ADT, 'MSH', 4, 'OTRO')).status, 'new', 'another sender may reuse the id');
  assert.equal(t.classify(edit(ADT, 'MSH', 10, '')).status, 'unidentified');
  t.record(edit(ADT, 'MSH', 10, 'B'));
  t.record(edit(ADT, 'MSH', 10, 'C'));
  assert.equal(t.size, 2);
  assert.equal(t.classify(ADT).status, 'new', 'the oldest entry was forgotten');
});

test('checkAck with the tracker: a retransmission must get the first answer; a reused id must not be accepted', () => {
  const t = new ControlIdTracker();
  t.record(ADT, buildAck(ADT, 'AA'));
  assert.deepEqual(checkAck(ADT, buildAck(ADT, 'AA'), { seenControlIds: t }), []);
  assert.deepEqual(keys(checkAck(ADT, buildAck(ADT, 'AE', [{ code: '205' }]), { seenControlIds: t })), ['V2-ACK-DUPLICATE @ MSA-1']);
  const other = edit(ADT, 'PID', 5, 'TORRES^LUIS');
  assert.deepEqual(keys(checkAck(other, buildAck(other, 'AA'), { seenControlIds: t })), ['V2-ACK-DUPLICATE @ MSA-1']);
  assert.deepEqual(checkAck(other, buildAck(other, 'AR', [{ code: '205' }]), { seenControlIds: t }), []);
});

test('referenceAck: AA, AE with mapped ERR codes, AR for unsupported headers and garbage', () => {
  const code = (text: string): string => referenceAck(text, { now: NOW }).code;
  assert.equal(code(ADT), 'AA');
  const ae = referenceAck(fixture('defects/usage-r.hl7')).ack ?? '';
  assert.equal(field(ae, 'MSA', 1), 'AE');
  assert.equal(field(ae, 'ERR', 3, 1), '101');
  assert.equal(parseEr7(ae).segments.find((s) => s.id === 'ERR')?.fields[2], 'PID^1^5^1');
  for (const [name, ack, err] of [
    ['unknown-message-type', 'AR', '201'],
    ['msh-version', 'AR', '203'],
    ['table', 'AE', '103'],
    ['datatype-dtm', 'AE', '102'],
    ['segment-missing', 'AE', '100'],
    ['er7-no-msh', 'AR', '100'],
  ] as const) {
    const text = referenceAck(fixture(`defects/${name}.hl7`)).ack ?? '';
    assert.equal(field(text, 'MSA', 1), ack, name);
    assert.equal(field(text, 'ERR', 3, 1), err, name);
  }
  const garbage = referenceAck('\x00\x01hello', { sender: { application: 'SIHCE', facility: '00004321' } }).ack ?? '';
  assert.equal(field(garbage, 'MSA', 1), 'AR');
  assert.equal(field(garbage, 'MSA', 2), '');
  assert.equal(field(garbage, 'MSH', 3), 'SIHCE');
});

test('referenceAck in enhanced mode: CA for anything readable, CR for unsupported, nothing when MSH-15 says so', () => {
  assert.equal(referenceAck(enhanced('AL')).code, 'CA');
  assert.equal(referenceAck(enhanced('AL').replace('|F|', '|X|')).code, 'CA', 'content errors belong to the application ACK');
  assert.equal(referenceAck(enhanced('AL').replace('|2.5|', '|2.3|')).code, 'CR');
  assert.equal(referenceAck(enhanced('ER')).ack, undefined, 'ER: no commit ACK on success');
  assert.equal(referenceAck(enhanced('SU')).code, 'CA');
  assert.equal(referenceAck(enhanced('NE')).code, 'AA', 'NE: the application ACK is the answer');
  assert.equal(referenceAck(enhanced('NE').replace('|F|', '|X|')).code, 'AE');
});

test('every reference ACK of every fixture passes checkAck (Sello agrees with itself)', () => {
  for (const dir of ['valid', 'defects']) {
    for (const file of readdirSync(join(FIXTURES, dir))) {
      const original = fixture(`${dir}/${file}`);
      const { ack } = referenceAck(original);
      assert.ok(ack, file);
      // An ACK field copied from an empty (or unreadable) original field is empty too: that is the original's fault.
      const source: Record<string, string[]> = {
        'MSH-3': ['MSH', '5'],
        'MSH-4': ['MSH', '6'],
        'MSH-5': ['MSH', '3'],
        'MSH-6': ['MSH', '4'],
        'MSA-2': ['MSH', '10'],
        'MSH-9.2': ['MSH', '9', '2'],
      } as never;
      const problems = blocking(checkAck(original, ack)).filter((k) => {
        const [, at] = /^V2-USAGE-R @ (.*)$/.exec(k) ?? [];
        const src = at === undefined ? undefined : (source as Record<string, [string, string, string?]>)[at];
        return !(src && field(original, src[0], Number(src[1]), src[2] ? Number(src[2]) : undefined) === '');
      });
      assert.deepEqual(problems, [], file);
    }
  }
});

test('the reference receiver processes a retransmitted ADT once and answers it twice the same way', () => {
  const r = new ReferenceReceiver();
  const first = r.handle(ADT);
  const again = r.handle(edit(ADT, 'MSH', 7, '20250314093500-0500'));
  assert.equal(again, first);
  assert.equal(r.processed.length, 1, 'one patient, not two');
  const reused = r.handle(edit(ADT, 'PID', 5, 'TORRES^LUIS')) ?? '';
  assert.equal(field(reused, 'MSA', 1), 'AR');
  assert.equal(field(reused, 'ERR', 3, 1), '205');
  assert.equal(r.processed.length, 1);
  assert.equal(field(r.handle(edit(ADT, 'MSH', 10, 'ADT0002')) ?? '', 'MSA', 1), 'AA');
  assert.equal(r.processed.length, 2);
});

test('0357 mapping of findings', () => {
  const f = (ruleId: string, location: string, code: Finding['code'] = 'value'): Finding => ({ ruleId, location, code, severity: 'error', locationKind: 'hl7v2', message: { en: '' } });
  assert.equal(errorCodeFor(f('V2-SEGMENT-ORDER', 'PID')), '100');
  assert.equal(errorCodeFor(f('V2-CARDINALITY', 'EVN[2]')), '100');
  assert.equal(errorCodeFor(f('V2-CARDINALITY', 'PID-8[2]')), '102');
  assert.equal(errorCodeFor(f('V2-USAGE-R', 'PID-5')), '101');
  assert.equal(errorCodeFor(f('V2-DATATYPE', 'PID-7.1')), '102');
  assert.equal(errorCodeFor(f('V2-TABLE', 'PID-8')), '103');
  assert.equal(errorCodeFor(f('V2-TABLE', 'MSH-11.1')), '202');
  assert.equal(errorCodeFor(f('V2-MSH', 'MSH-12.1')), '203');
  assert.equal(errorCodeFor(f('V2-PROFILE', 'MSH-9'), { messageCode: 'ADT', knownMessageCodes: new Set(['ADT']) }), '201');
  assert.equal(errorCodeFor(f('V2-PROFILE', 'MSH-9'), { messageCode: 'RDE', knownMessageCodes: new Set(['ADT']) }), '200');
  assert.equal(errorCodeFor(f('ID-DNI-CHECK', 'PID-3.1')), '102');
  assert.equal(errorCodeFor(f('V2-PE-DNI', 'PID-3', 'required')), '101');
  assert.equal(errorCodeFor(f('SOMETHING', 'X')), '207');
});
