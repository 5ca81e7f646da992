import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compareMetadataWithCda } from '../../programs/ru-egisz/lib/cda-metadata.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { registerDocumentMetadata, sha256Base64 } from '../../programs/ru-egisz/lib/register-document.ts';
import { cdaTs, generateSemd194, type Semd194, semd194Xml } from '../../programs/ru-egisz/lib/semd-194.ts';
import { validateEnp, validateSnils } from '../../src/identifiers/ru/index.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { compileSchematron, loadSchematron, loadXsdSchemaSet, parseXml, validateSchematron, validateXsd, xpathOf } from '../../src/xml/index.ts';
import { tempDir } from '../support/temp-dir.ts';

const PROFILE = fileURLToPath(new URL('../../programs/ru-egisz/profiles/semd-194/', import.meta.url));
const books = ReferenceBooks.load();
const generate = (seed: string, options: { createdOn?: string } = {}): { doc: Semd194; text: string } => {
  const doc = generateSemd194(new SeededRandom(seed), books, options);
  return { doc, text: semd194Xml(doc, books) };
};
const SEEDS = Array.from({ length: 40 }, (_, i) => `semd-${i}`);
const samples = SEEDS.map((s) => generate(s));
const parsed = (text: string) => {
  const p = parseXml(text);
  assert.deepEqual(p.findings, [], 'well-formed');
  return { text, document: p.document! };
};

test('the same seed writes the same document byte for byte; another seed another person and clinic', () => {
  assert.equal(generate('semd-0').text, samples[0]!.text);
  assert.notEqual(samples[1]!.text, samples[0]!.text);
  assert.notEqual(samples[1]!.doc.patient.snils, samples[0]!.doc.patient.snils);
});

test("synthetic identifiers carry valid check digits and the local ids their suffixes under the clinic's MO OID", () => {
  for (const { doc, text } of samples) {
    assert.deepEqual(validateSnils(doc.patient.snils), []);
    assert.deepEqual(validateSnils(doc.doctor.snils), []);
    assert.deepEqual(validateEnp(doc.patient.enp), []);
    const stem = `${doc.clinic.moOid}.100.${doc.clinic.misNumber}.${doc.clinic.instance}`;
    assert.match(doc.clinic.moOid, /^1\.2\.643\.5\.1\.13\.13\.12\.2\.\d+\.\d+$/);
    for (const [suffix, extension] of [
      ['51', doc.localUid],
      ['50', doc.setId],
      ['10', doc.patient.localId],
      ['70', doc.doctor.localId],
    ])
      assert.ok(text.includes(`root="${stem}.${suffix}" extension="${extension}"`), `${suffix} in ${doc.localUid}`);
  }
});

test("every creation date falls in kind 194's window unless asked for another; the CDA timestamp is the same instant", () => {
  for (const { doc, text } of samples) {
    assert.equal(books.kindValidOn('194', doc.createdAt.slice(0, 10)).valid, true, doc.createdAt);
    assert.ok(text.includes(`<effectiveTime value="${cdaTs(doc.createdAt)}"/>`));
  }
  const late = generate('late', { createdOn: '2024-07-01' }).doc;
  assert.equal(late.createdAt.slice(0, 10), '2024-07-01');
  assert.equal(books.kindValidOn('194', '2024-07-01').valid, false);
  assert.equal(cdaTs('2023-10-15T10:30:00+03:00'), '20231015103000+0300');
  assert.throws(() => cdaTs('15.10.2023'), RangeError);
});

test('text is escaped: names and places with < & " > read back unchanged', () => {
  const { doc } = generate('escape');
  doc.patient.family = 'О\'Нил <&> "Тест"';
  doc.clinic.name = 'ООО «Рога & Копыта» <филиал>';
  const { document } = parsed(semd194Xml(doc, books));
  const family = document.getElementsByTagNameNS('urn:hl7-org:v3', 'family')[0];
  assert.equal(family?.textContent, doc.patient.family);
  assert.equal(document.getElementsByTagNameNS('urn:hl7-org:v3', 'name')[1]?.textContent, doc.clinic.name);
});

test("the generated documents pass Sello's kind-194 XSD and Schematron; broken ones fail with the rule that catches them", async () => {
  const xsd = await loadXsdSchemaSet(`${PROFILE}semd-194.xsd`);
  const schematron = await compileSchematron(await loadSchematron(`${PROFILE}semd-194.sch`), { cacheDir: await tempDir('sello-ru-sef-') });
  const docs = samples.map((s) => parsed(s.text));
  for (const [i, findings] of (await validateXsd(docs, xsd)).entries()) assert.deepEqual(findings, [], `XSD ${SEEDS[i]}`);
  for (const [i, d] of docs.entries()) assert.deepEqual(validateSchematron(schematron, d), [], `Schematron ${SEEDS[i]}`);

  const base = samples[0]!;
  const noRealm = parsed(base.text.replace('<realmCode code="RU"/>', ''));
  const [xsdFindings] = await validateXsd([noRealm], xsd);
  assert.ok(
    xsdFindings!.some((f) => f.ruleId.startsWith('XSD-') && f.position?.line === 4),
    JSON.stringify(xsdFindings),
  );

  const snils = base.doc.patient.snils;
  const wrongCheck = `${snils.slice(0, 9)}${String((Number(snils.slice(9)) + 1) % 100).padStart(2, '0')}`;
  const broken = [
    { change: (t: string) => t.replace(`extension="${snils}"`, `extension="${wrongCheck}"`), rule: 'RU194-32' },
    { change: (t: string) => t.replace('1.2.643.5.1.13.13.15.47.2', '1.2.643.5.1.13.13.15.47.1'), rule: 'RU194-03' },
    { change: (t: string) => t.replace(/(\.\d+)\.50"/, '$19.50"'), rule: 'RU194-13' },
    { change: (t: string) => t.replace(/codeSystemVersion="2\.1" /, ''), rule: 'RU194-20' },
    { change: (t: string) => t.replace('<code code="RESINFO"', '<code code="RESULT"'), rule: 'RU194-61' },
  ];
  for (const { change, rule } of broken) {
    const d = parsed(change(base.text));
    assert.notEqual(d.text, base.text, rule);
    const findings = validateSchematron(schematron, d);
    assert.deepEqual([...new Set(findings.map((f) => f.ruleId))], [rule]);
    assert.ok(findings[0]!.message.ru && findings[0]!.message.en && !findings[0]!.message.en.startsWith('(untranslated'), `${rule} in Russian and English`);
    assert.ok(findings[0]!.position, `${rule} has a line and column`);
  }
});

test("registerDocument metadata agrees with the CDA field by field, with the file's SHA-256; a changed field is named with its place", () => {
  const { doc, text } = samples[3]!;
  const meta = registerDocumentMetadata(doc, text);
  assert.equal(meta.digest.value, sha256Base64(Buffer.from(text, 'utf8')));
  assert.equal(registerDocumentMetadata(doc).digest.value, '', 'a placeholder until the file exists');
  const { document } = parsed(text);
  assert.deepEqual(compareMetadataWithCda(meta, document, books), []);
  // Another spelling of the same facts is no mismatch: a dashed SNILS, the instant in UTC.
  const utc = new Date(Date.parse(meta.creationDateTime)).toISOString().replace('.000Z', 'Z');
  const s = meta.patient.snils;
  assert.deepEqual(
    compareMetadataWithCda({ ...meta, creationDateTime: utc, patient: { ...meta.patient, snils: `${s.slice(0, 3)}-${s.slice(3, 6)}-${s.slice(6, 9)} ${s.slice(9)}` } }, document, books),
    [],
  );

  const wrong = compareMetadataWithCda({ ...meta, kind: '103', patient: { ...meta.patient, birthDate: '1900-01-01' } }, document, books);
  assert.deepEqual(
    wrong.map((m) => [m.field, m.metadata, m.cda]),
    [
      ['kind', '103', '194'],
      ['patient.birthDate', '1900-01-01', doc.patient.birthDate],
    ],
  );
  assert.equal(xpathOf(wrong[1]!.node!), '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:patient[1]/hl7:birthTime[1]/@value');
  const personals = compareMetadataWithCda({ ...meta, personals: meta.personals.filter((p) => p.role === 'AUTHOR') }, document, books);
  assert.deepEqual(
    personals.map((m) => m.field),
    ['personals.LEGAL_AUTHENTICATOR.snils'],
  );
});
