import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DocumentFile } from '../../programs/ru-egisz/lib/contract.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { generateSemd194, type Semd194, semd194Xml } from '../../programs/ru-egisz/lib/semd-194.ts';
import {
  GOST_SIGNATURE_URI,
  gostSignatureFixture,
  OGRN_OID,
  type SignatureCheck,
  type Signer,
  SNILS_OID,
  signSemd,
  type TestSigners,
  testSigners,
  verifySemdSignatures,
} from '../../programs/ru-egisz/lib/signatures.ts';
import { generateSnils } from '../../src/identifiers/ru/snils.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { readCertificate } from '../../src/xml/certificates.ts';

const books = ReferenceBooks.load();
const doc: Semd194 = generateSemd194(new SeededRandom('signatures-test'), books);
const file = Buffer.from(semd194Xml(doc, books), 'utf8');
const on = new Date(doc.createdAt);
const expect = { doctorSnils: [doc.doctor.snils], organizationOgrn: doc.clinic.ogrn, on };

let signers: TestSigners;
let doctor: Signer;
let organization: Signer;
let signatures: DocumentFile['signatures'];
before(async () => {
  signers = await testSigners('signatures-test');
  doctor = await signers.doctor(doc.doctor.snils);
  organization = await signers.organization(doc.clinic.ogrn);
  signatures = signSemd(file, { doctor, organization });
});

const codes = (checks: SignatureCheck[]): string[] => checks.map((c) => `${c.role}:${c.code}`);

describe('SEMD signatures (RR-04)', () => {
  it('the doctor and organization certificates carry SNILS and OGRN in their subjects', () => {
    assert.ok(readCertificate(doctor.certificatePem).subject.some((a) => a.oid === SNILS_OID && a.value === doc.doctor.snils.replace(/\D/g, '')));
    assert.ok(readCertificate(organization.certificatePem).subject.some((a) => a.oid === OGRN_OID && a.value === doc.clinic.ogrn));
  });

  it('a correctly signed SEMD gives no check, and each check is RR-04 with Russian and English texts', () => {
    const started = performance.now();
    assert.deepEqual(verifySemdSignatures(file, signatures, expect), []);
    assert.ok(performance.now() - started < 1000);
    const failed = verifySemdSignatures(file, [], expect);
    assert.equal(failed.length, 2);
    for (const c of failed) assert.ok(c.rule === 'RR-04' && c.message.ru.length > 0 && c.message.en.length > 0);
  });

  it('the SNILS of the document may be written with separators', () => {
    const spelled = doc.doctor.snils.replace(/\D/g, '').replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1-$2-$3 $4');
    assert.deepEqual(verifySemdSignatures(file, signatures, { ...expect, doctorSnils: [spelled] }), []);
  });

  it('one byte changed after signing is SIGNATURE_VERIFICATION_ERROR for both signatures', () => {
    const tampered = Buffer.from(file);
    const at = file.lastIndexOf('>') - 1;
    tampered[at] = (tampered[at] as number) ^ 1;
    assert.deepEqual(codes(verifySemdSignatures(tampered, signatures, expect)), ['DOCTOR:SIGNATURE_VERIFICATION_ERROR', 'ORGANIZATION:SIGNATURE_VERIFICATION_ERROR']);
  });

  it('a missing doctor or organization signature is NO_SIGNATURE for that role', () => {
    const without = (role: string) => signatures.filter((s) => s.role !== role);
    assert.deepEqual(codes(verifySemdSignatures(file, without('DOCTOR'), expect)), ['DOCTOR:NO_SIGNATURE']);
    assert.deepEqual(codes(verifySemdSignatures(file, without('ORGANIZATION'), expect)), ['ORGANIZATION:NO_SIGNATURE']);
  });

  it("a doctor's certificate whose SNILS is not the document's doctor is VALUE_MISMATCH_METADATA_AND_CERTIFICATE", async () => {
    const stranger = await signers.doctor(generateSnils(new SeededRandom('another doctor')));
    const signed = signSemd(file, { doctor: stranger, organization });
    const checks = verifySemdSignatures(file, signed, expect);
    assert.deepEqual(codes(checks), ['DOCTOR:VALUE_MISMATCH_METADATA_AND_CERTIFICATE']);
    assert.match(checks[0]?.message.ru ?? '', /СНИЛС/);
  });

  it('an organization certificate with another OGRN is VALUE_MISMATCH_METADATA_AND_CERTIFICATE', async () => {
    const other = await signers.organization('1027700000001');
    const checks = verifySemdSignatures(file, signSemd(file, { doctor, organization: other }), expect);
    assert.deepEqual(codes(checks), ['ORGANIZATION:VALUE_MISMATCH_METADATA_AND_CERTIFICATE']);
  });

  it('a certificate not valid on the document date is SIGNATURE_VERIFICATION_ERROR saying so', async () => {
    const expired = await signers.doctor(doc.doctor.snils, { notBefore: new Date('2001-01-01T00:00:00Z'), notAfter: new Date(on.getTime() - 86_400_000) });
    const checks = verifySemdSignatures(file, signSemd(file, { doctor: expired, organization }), expect);
    assert.deepEqual(codes(checks), ['DOCTOR:SIGNATURE_VERIFICATION_ERROR']);
    assert.match(checks[0]?.message.en ?? '', /not valid on/);
    assert.match(checks[0]?.message.ru ?? '', /недействителен/);
  });

  it('a GOST signature is UNKNOWN_ALGORITHM naming the URI', () => {
    const gost = signatures.map((s) => (s.role === 'DOCTOR' ? { role: s.role, signature: gostSignatureFixture(file) } : s));
    const checks = verifySemdSignatures(file, gost, expect);
    assert.deepEqual(codes(checks), ['DOCTOR:UNKNOWN_ALGORITHM']);
    assert.ok(checks[0]?.message.en.includes(GOST_SIGNATURE_URI));
  });

  it('malformed signature XML is SIGNATURE_VERIFICATION_ERROR and never an exception', () => {
    for (const text of ['', 'not xml', '<a/>', `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>`, '<x>&undefined;</x>']) {
      const broken = signatures.map((s) => (s.role === 'ORGANIZATION' ? { role: s.role, signature: text } : s));
      assert.deepEqual(codes(verifySemdSignatures(file, broken, expect)), ['ORGANIZATION:SIGNATURE_VERIFICATION_ERROR'], text);
    }
  });
});
