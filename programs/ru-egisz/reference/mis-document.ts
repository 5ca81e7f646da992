/**
 * What the reference MIS registers: a kind-194 SEMD of its own clinic and staff from a seed, its exact bytes, the
 * doctor's and the organization's detached signatures and the registerDocument metadata, or the same with one
 * deliberate defect (a stimulus Sello sends REMD or a gateway as `sello (mis)`, or a planted fault of the MIS).
 * Defects are made on the text the MIS will serve, so the signatures and digest cover what REMD pulls, unless the
 * defect is precisely that they do not.
 */
import { generateSnils, snilsCheckDigits, snilsDigits } from '../../../src/identifiers/ru/index.ts';
import type { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { DocumentFile } from '../lib/contract.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import { type RegisterDocumentMetadata, registerDocumentMetadata, sha256Base64 } from '../lib/register-document.ts';
import { BOOK, generateSemd194, type Semd194, SNILS_ROOT, semd194Xml } from '../lib/semd-194.ts';
import { gostSignatureFixture, signSemd, type testSigners } from '../lib/signatures.ts';
import { type SyntheticClinic, sisterOrganizationOid, syntheticClinic } from '../lib/synthetic.ts';

/** The signers of a clinic: a doctor's certificate for a SNILS, the organization's for an OGRN (lib/signatures.ts). */
export type MisSigners = Awaited<ReturnType<typeof testSigners>>;

/** A metadata field a stimulus makes differ from the CDA (RR-03.2 … RR-03.4). */
export type DifferingField = 'birthDate' | 'kind' | 'organization' | 'department' | 'localUid' | 'creationDateTime';

/** Defects of the document itself, its signatures or its digest. */
export type DocumentDefect =
  | 'xsd-failing'
  | 'schematron-failing'
  | 'no-patient-snils'
  | 'wrong-doctor-snils'
  | 'wrong-patient-snils'
  | 'no-organization-signature'
  | 'byte-changed-after-signing'
  | 'doctor-certificate-snils-mismatch'
  | 'gost-signature'
  | 'digest-differs'
  | 'unknown-organization'
  | 'doctor-not-in-frmr'
  | 'bad-gender-version'
  | 'bad-position-code'
  | { metadataDiffers: DifferingField };

export interface PreparedDocument {
  doc: Semd194;
  file: Buffer;
  signatures: DocumentFile['signatures'];
  metadata: RegisterDocumentMetadata;
}

export interface DocumentContext {
  clinic: SyntheticClinic;
  staff: ReadonlyArray<{ snils: string; position: string }>;
  signers: MisSigners;
  books: ReferenceBooks;
}

/** A SNILS with the same nine digits and a check number that is not theirs. */
export function wrongCheckSnils(snils: string): string {
  const digits = snilsDigits(snils) ?? snils;
  const first9 = digits.slice(0, 9);
  const right = Number(snilsCheckDigits(first9));
  return first9 + String((right + 1) % 100).padStart(2, '0');
}

/** A position code no version of the positions book has. */
const ABSENT_POSITION = '999999';
/** A gender book version that was never published. */
const ABSENT_VERSION = '0.1';
/** Another redaction's template: XSD-valid, refused by kind 194's Schematron (RU194-03). */
const OTHER_REDACTION_TEMPLATE = '1.2.643.5.1.13.13.15.47.1';
/** Another kind of the kinds book, valid on kind 194's dates. */
const OTHER_KIND = '103';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`mis-document: cannot make the defect, no ${what} in the document`);
  return text.replace(pattern, replacement);
}

/** The examination's facts: the MIS's clinic and one of its staff, unless the defect is a stranger. */
function facts(rng: SeededRandom, ctx: DocumentContext, defect: DocumentDefect | undefined, createdOn: string | undefined): Semd194 {
  const generated = generateSemd194(rng.fork('semd'), ctx.books, createdOn ? { createdOn } : {});
  const member = rng.fork('staff').pick([...ctx.staff]);
  let doc: Semd194 = { ...generated, clinic: ctx.clinic, doctor: { ...generated.doctor, snils: member.snils, position: member.position } };
  if (defect === 'unknown-organization') doc = { ...doc, clinic: syntheticClinic(rng.fork('stranger-clinic')) };
  if (defect === 'doctor-not-in-frmr') doc = { ...doc, doctor: { ...doc.doctor, snils: generateSnils(rng.fork('stranger-doctor')) } };
  if (defect === 'wrong-doctor-snils') doc = { ...doc, doctor: { ...doc.doctor, snils: wrongCheckSnils(doc.doctor.snils) } };
  if (defect === 'wrong-patient-snils') doc = { ...doc, patient: { ...doc.patient, snils: wrongCheckSnils(doc.patient.snils) } };
  return doc;
}

/** The CDA text with the defect that lives in the CDA. */
function cdaText(doc: Semd194, ctx: DocumentContext, defect: DocumentDefect | undefined, rng: SeededRandom): string {
  let xml = semd194Xml(doc, ctx.books);
  if (defect === 'xsd-failing') xml = replaceOnce(xml, /^[ \t]*<realmCode [^>]*\/>\n/m, '', 'realmCode');
  if (defect === 'schematron-failing') xml = replaceOnce(xml, new RegExp(`<templateId root="${escapeRe(doc.kind.templateId)}"`), `<templateId root="${OTHER_REDACTION_TEMPLATE}"`, 'templateId');
  if (defect === 'no-patient-snils') xml = replaceOnce(xml, new RegExp(`^[ \\t]*<id root="${escapeRe(SNILS_ROOT)}" extension="${doc.patient.snils}"/>\\n`, 'm'), '', "the patient's SNILS");
  if (defect === 'bad-gender-version') xml = replaceOnce(xml, /(<administrativeGenderCode [^>]*codeSystemVersion=")[^"]*"/, `$1${ABSENT_VERSION}"`, 'administrativeGenderCode');
  if (defect === 'bad-position-code') xml = replaceOnce(xml, new RegExp(`<code code="[^"]*"( codeSystem="${escapeRe(BOOK.position)}")`, 'g'), `<code code="${ABSENT_POSITION}"$1`, 'position code');
  if (typeof defect === 'object' && defect.metadataDiffers === 'department') {
    xml = replaceOnce(xml, /(<serviceProviderOrganization>\s*<id root=")[^"]*"/, `$1${doc.clinic.moOid}.0.${rng.int(100_000, 999_999)}"`, 'department');
  }
  return xml;
}

function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The metadata with the defect that lives in the metadata. */
function metadataFor(doc: Semd194, file: Buffer, defect: DocumentDefect | undefined, rng: SeededRandom): RegisterDocumentMetadata {
  const meta = registerDocumentMetadata(doc, file);
  if (defect === 'no-patient-snils') {
    // A patient without SNILS: the writer leaves svc:snils out (the plan's "a patient without SNILS omits svc:snils").
    const { snils: _omitted, ...patient } = meta.patient;
    return { ...meta, patient: patient as RegisterDocumentMetadata['patient'] };
  }
  if (defect === 'digest-differs') return { ...meta, digest: { ...meta.digest, value: sha256Base64(Buffer.concat([file, Buffer.from('\n')])) } };
  if (typeof defect !== 'object') return meta;
  switch (defect.metadataDiffers) {
    case 'birthDate':
      return { ...meta, patient: { ...meta.patient, birthDate: shiftDay(meta.patient.birthDate, 1) } };
    case 'kind':
      return { ...meta, kind: OTHER_KIND };
    case 'organization':
      // Another organization FRMO knows, the same doctors on its staff: only RR-03's comparison can tell (a random
      // OID would be ORG_NOT_FOUND_IN_FRMO first, a changed custodian would fail the Schematron first).
      return { ...meta, organization: sisterOrganizationOid(doc.clinic) };
    case 'localUid':
      return { ...meta, localUid: rng.fork('other-local-uid').uuid() };
    case 'creationDateTime': {
      // One hour later, the same day: the kind stays valid, only the field differs.
      const hour = Number(meta.creationDateTime.slice(11, 13)) + 1;
      return { ...meta, creationDateTime: `${meta.creationDateTime.slice(0, 11)}${String(hour).padStart(2, '0')}${meta.creationDateTime.slice(13)}` };
    }
    default:
      return meta;
  }
}

/** One byte of the text changed (`:` → `;` in a paragraph), so the XML stays valid and only the signatures break. */
function changeOneByte(file: Buffer): Buffer {
  const text = file.toString('utf8');
  const at = text.indexOf('осмотра: с ');
  if (at < 0) throw new Error('mis-document: no paragraph to change a byte in');
  const offset = Buffer.byteLength(text.slice(0, at + 'осмотра'.length), 'utf8');
  const out = Buffer.from(file);
  out[offset] = 0x3b;
  return out;
}

/** A document of the MIS, defective as asked. `localUid` reuses an earlier document's id (a planted fault). */
export async function prepareDocument(rng: SeededRandom, ctx: DocumentContext, options: { defect?: DocumentDefect; createdOn?: string; localUid?: string } = {}): Promise<PreparedDocument> {
  const { defect } = options;
  let doc = facts(rng, ctx, defect, options.createdOn);
  if (options.localUid) doc = { ...doc, localUid: options.localUid };
  let file: Buffer = Buffer.from(cdaText(doc, ctx, defect, rng), 'utf8');
  const signerSnils = defect === 'doctor-certificate-snils-mismatch' ? generateSnils(rng.fork('other-signer')) : doc.doctor.snils;
  let signatures = await signSemd(file, { doctor: await ctx.signers.doctor(signerSnils), organization: await ctx.signers.organization(doc.clinic.ogrn) });
  if (defect === 'no-organization-signature') signatures = signatures.filter((s) => s.role !== 'ORGANIZATION');
  if (defect === 'gost-signature') signatures = signatures.map((s) => (s.role === 'DOCTOR' ? { role: s.role, signature: gostSignatureFixture(file) } : s));
  if (defect === 'byte-changed-after-signing') file = changeOneByte(file);
  const metadata = { ...metadataFor(doc, file, defect, rng), signatures: signatures.map((s) => ({ role: s.role, reference: `${doc.localUid}#${s.role}` })) };
  return { doc, file, signatures, metadata };
}
