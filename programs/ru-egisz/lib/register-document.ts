/**
 * The metadata of a `registerDocument` request (Contract v1.1, "Operations at REMD"), derived from the same facts as
 * the SEMD's text, so that RR-03 (metadata vs content) compares two sides that agree unless a test makes them differ.
 * Field names as in public integrator material; the SOAP body that carries them is written elsewhere.
 */
import { createHash } from 'node:crypto';
import type { Semd194 } from './semd-194.ts';
import type { Gender } from './synthetic.ts';

export type PersonalRole = 'AUTHOR' | 'LEGAL_AUTHENTICATOR';
export type DigestAlgorithm = 'SHA-256' | 'GOST R 34.11-2012-256';

export interface RegisterDocumentMetadata {
  /** ClinicalDocument/id/@extension. */
  localUid: string;
  /** Code of the kinds book 1.2.643.5.1.13.13.11.1520. */
  kind: string;
  /** ISO 8601 with offset: ClinicalDocument/effectiveTime. */
  creationDateTime: string;
  /** FRMO OID of the medical organization: custodian/…/id/@root. */
  organization: string;
  /** FRMO OID of its department: componentOf/…/serviceProviderOrganization/id/@root. */
  department: string;
  patient: { snils: string; family: string; given: string; patronymic: string; birthDate: string; gender: Gender };
  personals: Array<{ role: PersonalRole; snils: string; position: string }>;
  /** Digest of the file REMD will pull back (RR-06); value base64, empty until the file exists. */
  digest: { algorithm: DigestAlgorithm; value: string };
  /** References to the detached signatures served with the file (RR-04); filled by whoever signs. */
  signatures: Array<{ role: 'DOCTOR' | 'ORGANIZATION'; reference: string }>;
}

/** SHA-256 of the file's exact bytes (UTF-8), base64: what RR-06 compares. */
export const sha256Base64 = (file: string | Buffer): string => createHash('sha256').update(file).digest('base64');

/** The registration of a kind-194 SEMD; with the file's text, its digest too. */
export function registerDocumentMetadata(doc: Semd194, file?: string | Buffer): RegisterDocumentMetadata {
  const { patient, doctor } = doc;
  return {
    localUid: doc.localUid,
    kind: doc.kind.code,
    creationDateTime: doc.createdAt,
    organization: doc.clinic.moOid,
    department: doc.clinic.department.oid,
    patient: { snils: patient.snils, family: patient.family, given: patient.given, patronymic: patient.patronymic, birthDate: patient.birthDate, gender: patient.gender },
    personals: (['AUTHOR', 'LEGAL_AUTHENTICATOR'] as const).map((role) => ({ role, snils: doctor.snils, position: doctor.position })),
    digest: { algorithm: 'SHA-256', value: file === undefined ? '' : sha256Base64(file) },
    signatures: [],
  };
}
