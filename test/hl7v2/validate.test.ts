import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/findings/finding.ts';
import { parsePath } from '../../src/hl7v2/path.ts';
import { tempDirSync } from '../support/temp-dir.ts';
import { loadProfileSet, PROFILE_DIR, validateHl7, validateHl7File } from './pe-ris-contract.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/hl7v2/', import.meta.url));
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
const expected = JSON.parse(fixture('expected.json')) as Record<string, { defect: string; profile?: string; findings: string[] }>;
const keys = (fs: Finding[]): string[] => fs.map((f) => `${f.ruleId} @ ${f.location}`).sort();

test('the valid fixtures of every profile have no findings', () => {
  const files = readdirSync(join(FIXTURES, 'valid'));
  assert.equal(files.length, 4);
  for (const file of files) assert.deepEqual(validateHl7(fixture(`valid/${file}`)), [], file);
});

test('every defect fixture has exactly the findings its planted defect explains', () => {
  const files = readdirSync(join(FIXTURES, 'defects'))
    .map((f) => f.replace(/\.hl7$/, ''))
    .sort();
  assert.deepEqual(files, Object.keys(expected).sort(), 'expected.json and defects/ list the same fixtures');
  for (const [name, e] of Object.entries(expected)) {
    const fs = validateHl7(fixture(`defects/${name}.hl7`), e.profile ? { profile: e.profile } : {});
    assert.deepEqual(keys(fs), [...e.findings].sort(), `${name}: ${e.defect}`);
  }
});

test('every finding is located by an HL7 v2 path and speaks English and Spanish', () => {
  for (const name of Object.keys(expected)) {
    const e = expected[name];
    for (const f of validateHl7(fixture(`defects/${name}.hl7`), e?.profile ? { profile: e.profile } : {})) {
      assert.equal(f.locationKind, 'hl7v2', name);
      assert.ok(parsePath(f.location) ?? /^#\d+$/.test(f.location), `${name}: ${f.location} is a path`);
      assert.ok(f.message.en.length > 10 && (f.message.es ?? '').length > 10, `${name}: ${f.ruleId} has en and es`);
    }
  }
});

test('severities: length is a warning, a Z-segment a warning, LF a warning, table and usage errors', () => {
  const sev = (name: string): string[] => validateHl7(fixture(`defects/${name}.hl7`)).map((f) => `${f.ruleId}:${f.severity}`);
  assert.deepEqual(sev('length'), ['V2-LENGTH:warning']);
  assert.deepEqual(sev('segment-z'), ['V2-SEGMENT-UNEXPECTED:warning']);
  assert.deepEqual(sev('er7-lf-separators'), ['V2-ER7:warning']);
  assert.deepEqual(sev('table'), ['V2-TABLE:error']);
  assert.deepEqual(sev('usage-r'), ['V2-USAGE-R:error']);
  assert.deepEqual(sev('usage-x'), ['V2-USAGE-X:error']);
  assert.deepEqual(sev('er7-no-msh'), ['V2-ER7:fatal']);
  // A structure that Sello's copy of table 0354 lacks is only a warning there: the copy is partial.
  assert.deepEqual(sev('msh-structure').sort(), ['V2-MSH:error', 'V2-TABLE:warning']);
});

test('segment order: a misplaced required segment is one out-of-order finding, not missing + unexpected', () => {
  const [f, ...rest] = validateHl7(fixture('defects/segment-order.hl7'));
  assert.equal(rest.length, 0);
  assert.equal(f?.ruleId, 'V2-SEGMENT-ORDER');
  assert.match(f?.message.en ?? '', /PID is out of order: ADT_A01 needs it after EVN, but it comes after PV1/);
});

test('a repeating group repeats; a segment beyond a group iteration starts the next one', () => {
  const siu = fixture('valid/siu-s12.hl7');
  // Two PATIENT groups and two RESOURCES groups, each complete.
  const twice = siu.replace(/(PID\|[^\r]*\rPV1\|[^\r]*\r)/, '$1PID|2||71234567^^^RENIEC^NI||TORRES^LUIS\r').replace(/(RGS[\s\S]*)$/, '$1$1');
  assert.deepEqual(validateHl7(twice), []);
  // ORU: two ORDER_OBSERVATION groups in one PATIENT_RESULT.
  const oru = fixture('valid/oru-r01.hl7');
  const orders = oru.replace(/(ORC[\s\S]*?)(NTE)/, '$1ORC|RE|TRI-0002^QHALI\rOBR|2|TRI-0002^QHALI||8310-5^Body temperature^LN\rOBX|1|NM|8310-5^Body temperature^LN||37.9||||||F\r$2');
  assert.deepEqual(validateHl7(orders), []);
});

test('a segment or group that may occur once reports its second occurrence', () => {
  // ORU's PATIENT group holds one VISIT (PV1 [PV2]).
  const base = fixture('valid/oru-r01.hl7');
  assert.deepEqual(keys(validateHl7(base.replace(/(PV1\|[^\r]*\r)/, '$1$1'))), ['V2-CARDINALITY @ PV1[2]']);
  const twoVisits = validateHl7(base.replace(/(PV1\|[^\r]*\r)/, '$1PV2|\r$1PV2|\r'));
  assert.deepEqual(keys(twoVisits), ['V2-CARDINALITY @ PV1[2]']);
  assert.match(twoVisits[0]?.message.en ?? '', /Group VISIT repeats at PV1\[2\]/);
});

test('unknown segments are skipped without derailing the rest of the structure', () => {
  const adt = fixture('valid/adt-a04.hl7').replace('PID|', 'XYZ|1\rPID|').replace('PV1|', 'QQQ|2\rPV1|');
  assert.deepEqual(keys(validateHl7(adt)), ['V2-SEGMENT-UNEXPECTED @ QQQ', 'V2-SEGMENT-UNEXPECTED @ XYZ']);
});

test('an explicit profile overrides MSH-9; an unknown one is fatal', () => {
  const adt = fixture('valid/adt-a04.hl7');
  assert.deepEqual(validateHl7(adt, { profile: 'ADT_A04' }), []);
  const [f] = validateHl7(adt, { profile: 'ADT_A99' });
  assert.equal(f?.ruleId, 'V2-PROFILE');
  assert.equal(f?.severity, 'fatal');
});

test('OBX-5 takes its datatype from OBX-2: a CE value is checked component by component', () => {
  const oru = fixture('valid/oru-r01.hl7').replace('III^Prioridad III^NTS042', 'III^Prioridad III^NTS042^^^^^^^extra');
  assert.deepEqual(keys(validateHl7(oru)), ['V2-DATATYPE @ OBX-5.7']);
  const ts = fixture('valid/oru-r01.hl7').replace('|NM|8310-5^Body temperature^LN||38.4|', '|TS|8310-5^Body temperature^LN||20250230|');
  assert.deepEqual(keys(validateHl7(ts)), ['V2-DATATYPE @ OBX[2]-5.1']);
});

test('dates and times: calendar and clock are checked, not only the shape', () => {
  const adt = fixture('valid/adt-a04.hl7');
  for (const [value, ok] of [
    ['1985', true],
    ['198504', true],
    ['19850412', true],
    ['198504121530', true],
    ['19850412153045.1234-0500', true],
    ['19850230', false],
    ['19851301', false],
    ['198504122460', false],
    ['19850412-05', false],
    ['85-04-12', false],
  ] as const) {
    const fs = validateHl7(adt.replace('|19850412|', `|${value}|`));
    assert.deepEqual(keys(fs), ok ? [] : ['V2-DATATYPE @ PID-7.1'], value);
  }
});

test('an empty PID-3 is one finding (usage), not also a missing DNI', () => {
  const adt = fixture('valid/adt-a04.hl7').replace(/^(PID\|1\|\|)[^|]*/m, '$1');
  assert.deepEqual(keys(validateHl7(adt)), ['V2-USAGE-R @ PID-3']);
});

test('escaped delimiters in data are values, not structure', () => {
  const adt = fixture('valid/adt-a04.hl7').replace('QUISPE MAMANI^ROSA^ELENA', 'QUISPE \\T\\ MAMANI^ROSA\\S\\ELENA^');
  assert.deepEqual(validateHl7(adt), []);
});

test("length severity is the profile's choice (lengthSeverity: error)", () => {
  const dir = tempDirSync('sello-v2-profile-');
  cpSync(PROFILE_DIR, dir, { recursive: true });
  const path = join(dir, 'messages', 'ADT_A04.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), lengthSeverity: 'error' }));
  const [f] = validateHl7(fixture('defects/length.hl7'), { profileDir: dir });
  assert.equal(f?.ruleId, 'V2-LENGTH');
  assert.equal(f?.severity, 'error');
});

test('the profile set is consistent and labelled as the Sello reference contract', () => {
  const set = loadProfileSet();
  assert.deepEqual(Object.keys(set.messages).sort(), ['ACK', 'ADT_A04', 'ORU_R01', 'SIU_S12']);
  for (const p of Object.values(set.messages)) {
    assert.equal(p.contract, 'Sello reference contract v1, v2.5 base');
    assert.equal(p.version, '2.5');
    assert.equal(p.root.items[0]?.kind === 'segment' && p.root.items[0].id, 'MSH');
  }
  for (const t of ['0001', '0003', '0076', '0103', '0104', '0008', '0203', '0357', '0516']) assert.ok(set.tables[t], `table ${t}`);
  assert.equal(set.tables['0203']?.codes['NI'], 'National unique individual identifier');
  assert.equal(set.tables['0203']?.codes['DNI'], undefined);
  const broken = tempDirSync('sello-v2-broken-');
  cpSync(PROFILE_DIR, broken, { recursive: true });
  writeFileSync(join(broken, 'messages', 'X.json'), JSON.stringify({ id: 'X', messageType: { code: 'X', structure: 'X' }, structure: ['MSH', '[PID'] }));
  assert.throws(() => loadProfileSet(broken), /bad structure item/);
});

test('validateHl7File reads .hl7 files, framed or not, and tolerates a trailing LF', async () => {
  assert.deepEqual(await validateHl7File(join(FIXTURES, 'valid', 'adt-a04.hl7')), []);
  const dir = tempDirSync('sello-v2-file-');
  const framed = join(dir, 'framed.hl7');
  writeFileSync(framed, `\x0b${fixture('valid/siu-s12.hl7')}\x1c\r`);
  assert.deepEqual(keys(await validateHl7File(framed)), ['V2-ER7 @ MSH']);
  const latin1 = join(dir, 'latin1.hl7');
  writeFileSync(latin1, Buffer.from(fixture('valid/adt-a04.hl7').replace('ROSA', 'ROSA MARÍA'), 'latin1'));
  const fs = await validateHl7File(latin1);
  assert.deepEqual(
    fs.map((f) => `${f.ruleId}:${f.severity}`),
    ['V2-ER7:information'],
  );
  await assert.rejects(validateHl7File(join(dir, 'missing.hl7')), /ENOENT/);
});
