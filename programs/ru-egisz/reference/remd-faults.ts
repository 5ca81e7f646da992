/**
 * Planted faults of the reference REMD: one per remd behaviour of requirements.json, each a small conditional that
 * breaks exactly that behaviour (the catalogue's entries say how). Most act on the outcome of the document check,
 * dropping or rewriting the one classifier code the behaviour is about; the rest sit where REMD answers, pulls or
 * calls back, in remd.ts and its neighbours.
 */
import type { ReferenceBooks } from '../lib/reference-books.ts';
import type { RegisterDocumentMetadata } from '../lib/register-document.ts';
import type { RegistrationCheck } from '../lib/semd-check.ts';

/** Fault → the remd behaviour it breaks. */
export const REMD_FAULTS = {
  'xsd-error-without-place': 'RR-01.2',
  'skip-schematron': 'RR-01.3',
  'accept-no-snils': 'RR-02.2',
  'accept-wrong-doctor-snils': 'RR-02.3',
  'accept-wrong-patient-snils': 'RR-02.4',
  'skip-birth-date-comparison': 'RR-03.2',
  'skip-kind-organization-department-comparison': 'RR-03.3',
  'skip-local-uid-date-comparison': 'RR-03.4',
  'accept-missing-signature': 'RR-04.2',
  'skip-signature-verification': 'RR-04.3',
  'skip-certificate-snils': 'RR-04.4',
  'gost-as-verification-error': 'RR-04.5',
  'accept-non-uuid-message-id': 'RR-05.3',
  'accept-reused-message-id': 'RR-05.4',
  'relates-to-own-message-id': 'RR-05.5',
  'skip-digest': 'RR-06.3',
  'unreachable-as-file-error': 'RR-06.4',
  'file-fault-as-unreachable': 'RR-06.5',
  'accept-after-kind-window': 'RR-07.2',
  'accept-before-kind-window': 'RR-07.3',
  'kind-window-end-exclusive': 'RR-07.4',
  'answer-echoes-request-message-id': 'RR-08.4',
  'accept-soap11': 'RR-08.5',
  'accept-text-xml': 'RR-08.6',
  'accept-unknown-client-entity-id': 'RR-08.7',
  'malformed-fault-without-code': 'RR-09.1',
  'fault-without-relates-to': 'RR-09.2',
  'emdr-id-misshaped': 'RR-10.1',
  'error-text-english': 'RR-10.2',
  'skip-dictionary-version': 'RR-11.2',
  'skip-element-code': 'RR-11.3',
  'skip-frmo': 'RR-12.2',
  'skip-frmr': 'RR-12.3',
  'accept-duplicate-local-uid': 'RR-13.2',
  'no-retry': 'RR-15.1',
  'no-retry-after-503': 'RR-15.2',
  'no-rate-limit': 'RR-16.1',
  'registry-item-without-patient-snils': 'RR-18.1',
  'unknown-emdr-id-not-named': 'RR-18.2',
  'search-ignores-patient-snils': 'RR-18.3',
} as const;

export type RemdFaultName = keyof typeof REMD_FAULTS;

export interface Faults {
  has(name: RemdFaultName): boolean;
}

const text = (c: RegistrationCheck): string => `${c.message.en} ${c.message.ru} ${c.findings.map((f) => `${f.ruleId} ${f.location} ${f.message.en}`).join(' ')}`;
/** Only kind 194's Schematron assertions (RU194-nn) failed, the XSD passed. */
const fromSchematron = (c: RegistrationCheck): boolean => c.findings.length > 0 && c.findings.every((f) => /RU194-\d+/.test(f.message.en));
/** RR-03's refusal of one metadata field (semd-check names it first: "Field patient.birthDate (…) is …"), else the field named anywhere. */
const metadataField = (c: RegistrationCheck, fields: readonly string[]): boolean => {
  if (c.code !== 'VALIDATION_ERROR' || c.rule !== 'RR-03') return false;
  const named = /^Field (\S+) /.exec(c.message.en)?.[1];
  return named !== undefined ? fields.includes(named) : fields.some((f) => text(c).includes(f));
};

/** Each check-level fault: which checks it drops (or how it rewrites them). */
const DROPS: ReadonlyArray<readonly [RemdFaultName, (c: RegistrationCheck) => boolean]> = [
  ['skip-schematron', (c) => c.code === 'XML_VALIDATION_ERROR' && fromSchematron(c)],
  ['accept-no-snils', (c) => c.code === 'NO_SNILS'],
  ['accept-wrong-doctor-snils', (c) => c.code === 'INVALID_DOCTOR_SNILS'],
  ['accept-wrong-patient-snils', (c) => c.code === 'VALIDATION_ERROR' && c.rule === 'RR-02'],
  ['skip-birth-date-comparison', (c) => metadataField(c, ['patient.birthDate'])],
  ['skip-kind-organization-department-comparison', (c) => metadataField(c, ['kind', 'organization', 'department'])],
  ['skip-local-uid-date-comparison', (c) => metadataField(c, ['localUid', 'creationDateTime'])],
  ['accept-missing-signature', (c) => c.code === 'NO_SIGNATURE'],
  ['skip-signature-verification', (c) => c.code === 'SIGNATURE_VERIFICATION_ERROR'],
  ['skip-certificate-snils', (c) => c.code === 'VALUE_MISMATCH_METADATA_AND_CERTIFICATE'],
  ['skip-digest', (c) => c.code === 'DIGEST_MISMATCH'],
  ['skip-dictionary-version', (c) => c.code === 'INVALID_DICTIONARY_VERSION'],
  ['skip-element-code', (c) => c.code === 'INVALID_ELEMENT_VALUE_CODE'],
  ['skip-frmo', (c) => c.code === 'ORG_NOT_FOUND_IN_FRMO'],
  ['skip-frmr', (c) => c.code === 'PERSON_NOT_FOUND'],
  ['accept-duplicate-local-uid', (c) => c.code === 'NOT_UNIQUE_PROVIDED_ID'],
];

/** The document check's outcome as a faulty REMD would report it. */
export function plantedChecks(checks: readonly RegistrationCheck[], faults: Faults, metadata: RegisterDocumentMetadata, books: ReferenceBooks): RegistrationCheck[] {
  const day = metadata.creationDateTime.slice(0, 10);
  const window = /^\d{4}-\d{2}-\d{2}$/.test(day) ? books.kindValidOn(metadata.kind, day) : undefined;
  let out = checks.filter((c) => !DROPS.some(([fault, drops]) => faults.has(fault) && drops(c)));
  if (window && !window.valid) {
    const side = window.reason;
    if ((faults.has('accept-after-kind-window') && side === 'after') || (faults.has('accept-before-kind-window') && side === 'before')) out = out.filter((c) => c.code !== 'NO_DOCUMENT_KIND_ON_DATE');
  }
  if (faults.has('kind-window-end-exclusive') && window?.valid && window.entry.validTo === day && !out.some((c) => c.code === 'NO_DOCUMENT_KIND_ON_DATE')) {
    out.push({
      code: 'NO_DOCUMENT_KIND_ON_DATE',
      rule: 'RR-07',
      message: { ru: `Вид документа ${metadata.kind} не действует на ${day}`, en: `Document kind ${metadata.kind} is not valid on ${day}` },
      findings: [],
    });
  }
  if (faults.has('gost-as-verification-error')) out = out.map((c) => (c.code === 'UNKNOWN_ALGORITHM' ? { ...c, code: 'SIGNATURE_VERIFICATION_ERROR' } : c));
  if (faults.has('xsd-error-without-place')) {
    const vague = { ru: 'Документ не прошёл проверку', en: 'The document failed validation' };
    out = out.map((c) => (c.code === 'XML_VALIDATION_ERROR' && !fromSchematron(c) ? { ...c, message: vague, findings: [] } : c));
  }
  return out;
}
