import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { DocumentFile } from '../../programs/ru-egisz/lib/contract.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { type RegisterDocumentMetadata, registerDocumentMetadata, sha256Base64 } from '../../programs/ru-egisz/lib/register-document.ts';
import { fromTarget, type Registers, registersFor } from '../../programs/ru-egisz/lib/registers.ts';
import { generateSemd194, type Semd194, SNILS_ROOT, semd194Xml } from '../../programs/ru-egisz/lib/semd-194.ts';
import { checkRegistration, checkRegistrations, loadSemdValidators, type RegistrationCheck, type RegistrationInput, type SemdValidators } from '../../programs/ru-egisz/lib/semd-check.ts';
import { gostSignatureFixture, signSemd, type TestSigners, testSigners } from '../../programs/ru-egisz/lib/signatures.ts';
import { formatSnils, generateSnils, snilsCheckDigits } from '../../src/identifiers/ru/snils.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

const books = ReferenceBooks.load();
let validators: SemdValidators;
let signers: TestSigners;
before(async () => {
  [validators, signers] = await Promise.all([loadSemdValidators(), testSigners('semd-check-test')]);
});

/** A SNILS with the check number off by one: what RR-02.3 / RR-02.4 register "the same everywhere". */
const wrongCheck = (snils: string): string => `${snils.slice(0, 9)}${String((Number(snilsCheckDigits(snils.slice(0, 9))) + 1) % 100).padStart(2, '0')}`;

interface Mutations {
  createdOn?: string;
  doc?: (d: Semd194) => void;
  text?: (t: string, d: Semd194) => string;
  metadata?: (m: RegisterDocumentMetadata, d: Semd194) => void;
  doctorSnils?: string;
  signatures?: (s: DocumentFile['signatures'], file: Buffer) => DocumentFile['signatures'];
  /** The file changed after signing; the registered digest is that of the changed file. */
  afterSigning?: (file: Buffer) => Buffer;
  registers?: (d: Semd194) => Registers;
  registered?: (localUid: string) => boolean;
}

const staffOf = (d: Semd194) => [{ snils: d.doctor.snils, position: d.doctor.position }];

/** A correct registration of seed `semd-check`, each step open to one mutation, and its check. */
async function registration(change: Mutations = {}, options: { exhaustive?: boolean; seed?: string } = {}): Promise<{ doc: Semd194; input: RegistrationInput; checks: RegistrationCheck[] }> {
  const doc = generateSemd194(new SeededRandom(options.seed ?? 'semd-check'), books, change.createdOn ? { createdOn: change.createdOn } : {});
  const registers = (change.registers ?? ((d: Semd194) => registersFor([{ clinic: d.clinic, staff: staffOf(d) }])))(structuredClone(doc));
  change.doc?.(doc);
  const text = (change.text ?? ((t) => t))(semd194Xml(doc, books), doc);
  let file: Buffer = Buffer.from(text, 'utf8');
  let signatures = signSemd(file, { doctor: await signers.doctor(change.doctorSnils ?? doc.doctor.snils), organization: await signers.organization(doc.clinic.ogrn) });
  signatures = change.signatures?.(signatures, file) ?? signatures;
  if (change.afterSigning) file = change.afterSigning(file);
  const metadata = registerDocumentMetadata(doc, file);
  change.metadata?.(metadata, doc);
  const input: RegistrationInput = {
    metadata,
    file,
    signatures,
    registers,
    books,
    validators,
    ...(change.registered ? { registered: change.registered } : {}),
    ...(options.exhaustive ? { exhaustive: true } : {}),
  };
  return { doc, input, checks: await checkRegistration(input) };
}

const codes = (checks: RegistrationCheck[]): string[] => checks.map((c) => c.code);

test('a correct generated registration (CDA, metadata with its digest, both signatures) gives no check; so do other seeds', async () => {
  assert.deepEqual((await registration()).checks, []);
  for (const seed of ['a', 'b', 'c']) assert.deepEqual(codes((await registration({}, { seed })).checks), [], seed);
});

test('the readings v1.1 allows are all accepted: SNILS with separators, creationDateTime in another offset, a hex digest, SHA256 spelled without the hyphen', async () => {
  const spelled = await registration({
    metadata: (m) => {
      m.patient.snils = formatSnils(m.patient.snils);
      for (const p of m.personals) p.snils = formatSnils(p.snils);
      m.creationDateTime = new Date(Date.parse(m.creationDateTime)).toISOString().replace('.000Z', 'Z');
    },
  });
  assert.notEqual(spelled.input.metadata.creationDateTime.slice(-6), '+03:00');
  assert.deepEqual(spelled.checks, []);
  const hex = await registration({
    metadata: (m) => {
      m.digest = { algorithm: 'SHA256' as 'SHA-256', value: Buffer.from(m.digest.value, 'base64').toString('hex') };
    },
  });
  assert.deepEqual(hex.checks, []);
});

test('without the file only the registration itself is checked', async () => {
  const { input } = await registration();
  const { file: _file, signatures: _signatures, ...metadataOnly } = input;
  assert.deepEqual(await checkRegistration(metadataOnly), []);
  assert.deepEqual(codes(await checkRegistration({ ...metadataOnly, registered: () => true })), ['NOT_UNIQUE_PROVIDED_ID']);
});

/** Every remd behaviour of requirements.json that a document defect makes REMD refuse, and the one code it expects. */
const CASES: Array<[string, string, Mutations, (c: RegistrationCheck[]) => void]> = [
  [
    'RR-01.2',
    'XML_VALIDATION_ERROR',
    { text: (t) => t.replace('<realmCode code="RU"/>', '') },
    (c) => {
      assert.match(c[0]!.message.en, /XSD/);
      assert.match(c[0]!.message.en, /ClinicalDocument/);
      assert.ok(c[0]!.findings.every((f) => f.ruleId === 'RR-01' && f.position !== undefined && f.location.startsWith('/hl7:ClinicalDocument')));
    },
  ],
  [
    'RR-01.3',
    'XML_VALIDATION_ERROR',
    { text: (t) => t.replace('1.2.643.5.1.13.13.15.47.2', '1.2.643.5.1.13.13.15.47.1') },
    (c) => {
      assert.match(c[0]!.message.en, /RU194-03/);
      assert.ok(c[0]!.message.ru.includes('templateId'));
    },
  ],
  [
    'RR-02.2',
    'NO_SNILS',
    {
      text: (t, d) => t.replace(new RegExp(`\\n *<id root="${SNILS_ROOT}" extension="${d.patient.snils}"/>`), ''),
      metadata: (m) => {
        delete (m.patient as Partial<RegisterDocumentMetadata['patient']>).snils;
      },
    },
    (c) => assert.equal(c[0]!.findings[0]!.location, '/svc:registerDocument/svc:patient/svc:snils'),
  ],
  [
    'RR-02.3',
    'INVALID_DOCTOR_SNILS',
    {
      doc: (d) => {
        d.doctor.snils = wrongCheck(d.doctor.snils);
      },
    },
    (c) => assert.equal(c[0]!.findings.length, 2, 'AUTHOR and LEGAL_AUTHENTICATOR: one error, found twice'),
  ],
  [
    'RR-02.4',
    'VALIDATION_ERROR',
    {
      doc: (d) => {
        d.patient.snils = wrongCheck(d.patient.snils);
      },
    },
    (c) => assert.match(c[0]!.message.en, /patient\.snils/),
  ],
  [
    'RR-03.2',
    'VALIDATION_ERROR',
    {
      metadata: (m) => {
        m.patient.birthDate = '1970-01-02';
      },
    },
    (c) => {
      assert.match(c[0]!.message.en, /patient\.birthDate/);
      assert.match(c[0]!.message.ru, /дата рождения/);
      const inCda = c[0]!.findings.find((f) => f.location.includes('birthTime'));
      assert.ok(inCda?.position, 'located in the CDA with line and column');
    },
  ],
  ['RR-03.3 kind', 'VALIDATION_ERROR', { metadata: (m) => void (m.kind = '103') }, (c) => assert.match(c[0]!.message.en, /Field kind /)],
  ['RR-03.3 department', 'VALIDATION_ERROR', { metadata: (m) => void (m.department = `${m.organization}.0.123`) }, (c) => assert.match(c[0]!.message.en, /Field department /)],
  [
    'RR-03.3 organization',
    'VALIDATION_ERROR',
    {
      metadata: (m) => void (m.organization = '1.2.643.5.1.13.13.12.2.77.7777'),
      registers: (d) => fromTarget({ oid: d.clinic.moOid, departments: [], staff: staffOf(d) }, { oid: '1.2.643.5.1.13.13.12.2.77.7777', departments: [], staff: staffOf(d) }),
    },
    (c) => assert.match(c[0]!.message.en, /Field organization /),
  ],
  ['RR-03.4 localUid', 'VALIDATION_ERROR', { metadata: (m) => void (m.localUid = '00000000-0000-4000-8000-000000000000') }, (c) => assert.match(c[0]!.message.en, /Field localUid /)],
  [
    'RR-03.4 creationDateTime',
    'VALIDATION_ERROR',
    { metadata: (m) => void (m.creationDateTime = m.creationDateTime.replace('+03:00', '+04:00')) },
    (c) => assert.match(c[0]!.message.en, /Field creationDateTime /),
  ],
  ['RR-04.2', 'NO_SIGNATURE', { signatures: (s) => s.filter((x) => x.role !== 'ORGANIZATION') }, (c) => assert.match(c[0]!.message.en, /organization/)],
  ['RR-04.3', 'SIGNATURE_VERIFICATION_ERROR', { afterSigning: (f) => Buffer.from(f.toString('utf8').replace('Период осмотра:', 'Период осмотра;')) }, () => {}],
  ['RR-04.4', 'VALUE_MISMATCH_METADATA_AND_CERTIFICATE', { doctorSnils: generateSnils(new SeededRandom('someone else')) }, () => {}],
  ['RR-04.5', 'UNKNOWN_ALGORITHM', { signatures: (s, file) => s.map((x) => (x.role === 'DOCTOR' ? { ...x, signature: gostSignatureFixture(file) } : x)) }, (c) => assert.equal(c[0]!.rule, 'RR-04')],
  ['RR-06.3', 'DIGEST_MISMATCH', { metadata: (m) => void (m.digest.value = sha256Base64('another file')) }, () => {}],
  ['RR-06 GOST digest', 'UNKNOWN_ALGORITHM', { metadata: (m) => void (m.digest.algorithm = 'GOST R 34.11-2012-256') }, (c) => assert.equal(c[0]!.rule, 'RR-06')],
  ['RR-07.2', 'NO_DOCUMENT_KIND_ON_DATE', { createdOn: '2024-07-01' }, (c) => assert.match(c[0]!.message.en, /2024-07-01/)],
  ['RR-07.3', 'NO_DOCUMENT_KIND_ON_DATE', { createdOn: '2023-07-30' }, () => {}],
  [
    'RR-11.2',
    'INVALID_DICTIONARY_VERSION',
    { text: (t) => t.replace(/(<administrativeGenderCode [^>]*codeSystemVersion=")[^"]*"/, '$199.99"') },
    (c) => {
      assert.match(c[0]!.message.en, /1\.2\.643\.5\.1\.13\.13\.11\.1040/);
      assert.ok(c[0]!.findings[0]!.location.endsWith('hl7:administrativeGenderCode[1]/@codeSystemVersion') && c[0]!.findings[0]!.position);
    },
  ],
  ['RR-11.3 code', 'INVALID_ELEMENT_VALUE_CODE', { text: (t) => t.replace(/(<code code=")[^"]*(" codeSystem="1\.2\.643\.5\.1\.13\.13\.11\.1002")/g, '$1999999$2') }, () => {}],
  ['RR-11.3 displayName', 'INVALID_ELEMENT_VALUE_CODE', { text: (t) => t.replace(/(codeSystem="1\.2\.643\.5\.1\.13\.13\.11\.1002"[^>]*displayName=")[^"]*"/, '$1Не та должность"') }, () => {}],
  ['RR-12.2', 'ORG_NOT_FOUND_IN_FRMO', { registers: () => fromTarget() }, () => {}],
  [
    'RR-12.3',
    'PERSON_NOT_FOUND',
    { registers: (d) => fromTarget({ oid: d.clinic.moOid, departments: [d.clinic.department.oid], staff: [{ snils: generateSnils(new SeededRandom('x')), position: d.doctor.position }] }) },
    () => {},
  ],
  ['RR-13.2', 'NOT_UNIQUE_PROVIDED_ID', { registered: () => true }, () => {}],
];

for (const [behaviour, code, change, more] of CASES) {
  test(`${behaviour}: the mutation gives exactly ${code}, with ru and en texts and located findings`, async () => {
    const { checks } = await registration(change);
    assert.deepEqual(codes(checks), [code]);
    const [only] = checks as [RegistrationCheck];
    assert.ok(only.message.ru.length > 0 && only.message.en.length > 0);
    assert.ok(only.findings.length > 0 && only.findings.every((f) => f.locationKind === 'xpath' && f.location !== '' && f.ruleId === only.rule && f.message.en !== ''));
    more(checks);
  });
}

test("RR-07.4: the window's last day registers", async () => {
  assert.deepEqual(codes((await registration({ createdOn: '2024-06-30' })).checks), []);
});

test('bad input (not XML, empty, another root) is XML_VALIDATION_ERROR, never a throw', async () => {
  const { input } = await registration();
  for (const bytes of [Buffer.from('это не XML'), Buffer.alloc(0), Buffer.from('<?xml version="1.0"?><foo/>'), Buffer.from([0xff, 0xfe, 0x00])]) {
    const metadata = { ...input.metadata, digest: { algorithm: 'SHA-256' as const, value: sha256Base64(bytes) } };
    const checks = await checkRegistration({ ...input, metadata, file: bytes });
    assert.deepEqual(codes(checks), ['XML_VALIDATION_ERROR'], JSON.stringify(bytes.toString()));
  }
});

test('a registration with its fields missing is refused with codes, never a throw', async () => {
  const { input } = await registration();
  const empty = {} as RegisterDocumentMetadata;
  assert.deepEqual(codes(await checkRegistration({ ...input, metadata: empty })), ['NO_SNILS']);
  const all = await checkRegistration({ ...input, metadata: empty, exhaustive: true });
  assert.deepEqual(codes(all).slice(0, 3), ['NO_SNILS', 'ORG_NOT_FOUND_IN_FRMO', 'UNKNOWN_ALGORITHM']);
});

test('exhaustive: every stage that can run reports (a wrong doctor SNILS also fails the Schematron and FRMR)', async () => {
  const { checks } = await registration({ doc: (d) => void (d.doctor.snils = wrongCheck(d.doctor.snils)) }, { exhaustive: true });
  assert.deepEqual(codes(checks), ['INVALID_DOCTOR_SNILS', 'PERSON_NOT_FOUND', 'XML_VALIDATION_ERROR']);
  assert.ok(checks[2]!.findings.some((f) => f.message.en.startsWith('RU194-42')));
});

test("a SNILS check number the Schematron refuses is RR-02's finding within XML_VALIDATION_ERROR; the CDA's other asserts stay RR-01", async () => {
  const { checks } = await registration(
    {
      doc: (d) => void (d.patient.snils = wrongCheck(d.patient.snils)),
      text: (t) => t.replace('<realmCode code="RU"/>', ''),
    },
    { exhaustive: true },
  );
  const xml = checks.find((c) => c.code === 'XML_VALIDATION_ERROR');
  assert.equal(xml?.rule, 'RR-01');
  const rules = new Map(xml!.findings.map((f) => [f.message.en.split(':')[0], f.ruleId]));
  assert.equal(rules.get('RU194-32'), 'RR-02');
  assert.equal(rules.get('RU194-01'), 'RR-01');
});

test('registrations checked side by side (one XSD call) each get their own answer', async () => {
  const good = (await registration()).input;
  const noRealm = (await registration({ text: (t) => t.replace('<realmCode code="RU"/>', '') })).input;
  const other = (await registration({}, { seed: 'other' })).input;
  const answers = await checkRegistrations([good, noRealm, other, noRealm]);
  assert.deepEqual(answers.map(codes), [[], ['XML_VALIDATION_ERROR'], [], ['XML_VALIDATION_ERROR']]);
  assert.deepEqual(answers[1], answers[3]);
});

test('the validators are loaded once per process', async () => {
  assert.equal(await loadSemdValidators(), await loadSemdValidators());
});
