/**
 * The SEMD's two detached signatures (ru-egisz.md Contract v1.1 "Signatures", rule RR-04): the doctor's, whose
 * certificate subject carries a SNILS that must be one of the document's doctors, and the organization's, whose
 * subject carries its OGRN. Signing and verifying are the engine's (src/xml/dsig.ts, src/xml/certificates.ts); this
 * module adds the Russian facts (subject OIDs, GOST URIs) and REMD's classifier codes for what fails.
 */
import { snilsDigits } from '../../../src/identifiers/ru/snils.ts';
import { type KeyAndCertificate, readCertificate, selfSignedCertificate } from '../../../src/xml/certificates.ts';
import { DSIG_NS, EXC_C14N, signDetached, verifyDetached } from '../../../src/xml/dsig.ts';
import type { DocumentFile, SignatureRole } from './contract.ts';
import { SNILS_ROOT } from './semd-194.ts';

/** Subject attribute "СНИЛС" (the same OID the CDA uses as the SNILS identifier root). */
export const SNILS_OID = SNILS_ROOT;
/** Subject attribute "ОГРН". */
export const OGRN_OID = '1.2.643.100.1';
const COMMON_NAME_OID = '2.5.4.3';

/** GOST R 34.10-2012 (256-bit key) with GOST R 34.11-2012 (Streebog-256), in the urn:ietf:params:xml:ns:cpxmlsec namespace
 * CryptoPro's XMLDSig uses. */
export const GOST_SIGNATURE_URI = 'urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34102012-gostr34112012-256';
export const GOST_DIGEST_URI = 'urn:ietf:params:xml:ns:cpxmlsec:algorithms:gostr34112012-256';

/** The file's name in the signatures' Reference: getDocumentFile carries the CDA beside them, not at a URL. */
export const SEMD_REFERENCE_URI = 'semd.xml';

export type Signer = KeyAndCertificate;

export interface SignerOptions {
  notBefore?: Date;
  notAfter?: Date;
  name?: string;
}

export interface TestSigners {
  doctor(snils: string, options?: SignerOptions): Promise<Signer>;
  organization(ogrn: string, options?: SignerOptions): Promise<Signer>;
}

/**
 * Self-signed signers for Sello's reference roles and stand-ins. Each identity gets its own key pair (named by
 * `seed`, cached per process) and its certificate is made once per identity and validity.
 */
export async function testSigners(seed = 'ru-egisz'): Promise<TestSigners> {
  const made = new Map<string, Promise<Signer>>();
  const signer = (kind: string, oid: string, value: string, defaultName: string, options: SignerOptions = {}): Promise<Signer> => {
    const slot = JSON.stringify([kind, value, options.notBefore?.toISOString(), options.notAfter?.toISOString(), options.name]);
    let pending = made.get(slot);
    if (!pending) {
      const subject = [
        { oid: COMMON_NAME_OID, value: options.name ?? defaultName },
        { oid, value },
      ];
      pending = selfSignedCertificate(subject, { seed: `${seed}:${kind}:${value}`, notBefore: options.notBefore, notAfter: options.notAfter });
      made.set(slot, pending);
    }
    return pending;
  };
  return {
    doctor: (snils, options) => signer('doctor', SNILS_OID, snilsDigits(snils) ?? snils, `Врач (синтетический) ${snils}`, options),
    organization: (ogrn, options) => signer('organization', OGRN_OID, ogrn, `Медицинская организация (синтетическая) ОГРН ${ogrn}`, options),
  };
}

/** The doctor's and the organization's detached signatures over the CDA's exact bytes, in that order. */
export function signSemd(file: Buffer, signers: { doctor: Signer; organization: Signer }): DocumentFile['signatures'] {
  return [
    { role: 'DOCTOR', signature: signDetached(file, signers.doctor, { referenceUri: SEMD_REFERENCE_URI }) },
    { role: 'ORGANIZATION', signature: signDetached(file, signers.organization, { referenceUri: SEMD_REFERENCE_URI }) },
  ];
}

export type SignatureCode = 'NO_SIGNATURE' | 'SIGNATURE_VERIFICATION_ERROR' | 'UNKNOWN_ALGORITHM' | 'VALUE_MISMATCH_METADATA_AND_CERTIFICATE';

export interface SignatureCheck {
  code: SignatureCode;
  rule: 'RR-04';
  message: { ru: string; en: string };
  role?: SignatureRole;
}

export interface SignatureExpectation {
  /** SNILS of the document's doctors (legalAuthenticator, authors), in either spelling. */
  doctorSnils: string[];
  /** The organization's OGRN when known (FRMO); without it any OGRN in the subject is accepted. */
  organizationOgrn?: string;
  /** The date the certificates must be valid on (the document's creation). */
  on: Date;
}

const ROLE_NAME: Record<SignatureRole, { ru: string; en: string }> = {
  DOCTOR: { ru: 'врача', en: "doctor's" },
  ORGANIZATION: { ru: 'организации', en: "organization's" },
};

const check = (code: SignatureCode, role: SignatureRole, en: string, ru: string): SignatureCheck => ({ code, rule: 'RR-04', role, message: { ru, en } });

function checkOne(file: Buffer, role: SignatureRole, signature: string, expect: SignatureExpectation): SignatureCheck | undefined {
  const who = ROLE_NAME[role];
  const result = verifyDetached(file, signature);
  if (!result.ok) {
    const code = result.reason === 'unknown-algorithm' ? 'UNKNOWN_ALGORITHM' : 'SIGNATURE_VERIFICATION_ERROR';
    return check(code, role, `The ${who.en} signature: ${result.message.en}`, `Подпись ${who.ru}: ${result.message.ru ?? result.message.en}`);
  }
  let certificate: ReturnType<typeof readCertificate>;
  try {
    certificate = readCertificate(result.certificatePem);
  } catch (error) {
    const why = (error as Error).message;
    return check('SIGNATURE_VERIFICATION_ERROR', role, `The ${who.en} certificate cannot be read: ${why}`, `Сертификат ${who.ru} не читается: ${why}`);
  }
  const day = expect.on.toISOString().slice(0, 10);
  if (expect.on < certificate.notBefore || expect.on > certificate.notAfter) {
    const span = `${certificate.notBefore.toISOString().slice(0, 10)} … ${certificate.notAfter.toISOString().slice(0, 10)}`;
    return check('SIGNATURE_VERIFICATION_ERROR', role, `The ${who.en} certificate is not valid on ${day} (valid ${span})`, `Сертификат ${who.ru} недействителен на ${day} (срок действия ${span})`);
  }
  const values = (oid: string): string[] => certificate.subject.filter((a) => a.oid === oid).map((a) => a.value);
  if (role === 'DOCTOR') {
    const expected = new Set(expect.doctorSnils.map((s) => snilsDigits(s) ?? s));
    const found = values(SNILS_OID).map((s) => snilsDigits(s) ?? s);
    if (!found.some((s) => expected.has(s))) {
      const shown = found.join(', ') || '—';
      return check(
        'VALUE_MISMATCH_METADATA_AND_CERTIFICATE',
        role,
        `The doctor's certificate SNILS (${shown}) is not one of the document's doctors (${[...expected].join(', ')})`,
        `СНИЛС в сертификате врача (${shown}) не совпадает ни с одним врачом документа (${[...expected].join(', ')})`,
      );
    }
    return undefined;
  }
  const ogrns = values(OGRN_OID);
  if (ogrns.length === 0 || (expect.organizationOgrn !== undefined && !ogrns.includes(expect.organizationOgrn))) {
    const shown = ogrns.join(', ') || '—';
    const wanted = expect.organizationOgrn ?? '?';
    return check(
      'VALUE_MISMATCH_METADATA_AND_CERTIFICATE',
      role,
      `The organization's certificate OGRN (${shown}) does not match the organization (${wanted})`,
      `ОГРН в сертификате организации (${shown}) не совпадает с организацией (${wanted})`,
    );
  }
  return undefined;
}

/**
 * REMD's signature check: empty when both the doctor's and the organization's signatures verify over `file`, are valid
 * on `expect.on` and name the right SNILS / OGRN; otherwise one check per role that fails. Never throws.
 */
export function verifySemdSignatures(file: Buffer, signatures: DocumentFile['signatures'], expect: SignatureExpectation): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  for (const role of ['DOCTOR', 'ORGANIZATION'] as const) {
    const own = signatures.filter((s) => s.role === role);
    if (own.length === 0) {
      const who = ROLE_NAME[role];
      checks.push(check('NO_SIGNATURE', role, `The ${who.en} signature is missing`, `Отсутствует подпись ${who.ru}`));
      continue;
    }
    for (const { signature } of own) {
      const failed = checkOne(file, role, signature, expect);
      if (failed) checks.push(failed);
    }
  }
  return checks;
}

/**
 * A ds:Signature over `file` naming the GOST R 34.10-2012 / 34.11-2012 algorithms, for the RR-04.5 stimulus. Sello has
 * no GOST implementation (see the README), so DigestValue and SignatureValue are placeholders of the right lengths and
 * there is no certificate: a REMD without GOST must answer UNKNOWN_ALGORITHM from the URIs alone; one that verifies GOST
 * finds it invalid.
 */
export function gostSignatureFixture(_file: Buffer): string {
  const placeholder = (bytes: number): string => Buffer.alloc(bytes, 0x5a).toString('base64');
  return (
    `<ds:Signature xmlns:ds="${DSIG_NS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${GOST_SIGNATURE_URI}"/><ds:Reference URI="${SEMD_REFERENCE_URI}">` +
    `<ds:DigestMethod Algorithm="${GOST_DIGEST_URI}"/><ds:DigestValue>${placeholder(32)}</ds:DigestValue></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue>${placeholder(64)}</ds:SignatureValue></ds:Signature>`
  );
}
