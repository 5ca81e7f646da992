/**
 * RR-03's comparison: the registration metadata beside the same facts read from the CDA, field by field, each CDA
 * side with the node it came from so a finding can point at it. Pure: the judge and REMD's reference implementation
 * turn a mismatch into a finding or a VALIDATION_ERROR naming the field.
 */
import type { Attr, Document, Node } from '@xmldom/xmldom';
import { useNamespaces } from 'xpath';
import type { ReferenceBooks } from './reference-books.ts';
import type { PersonalRole, RegisterDocumentMetadata } from './register-document.ts';
import { CDA_NS, IDENTITY_NS, SNILS_ROOT } from './semd-194.ts';

/** Metadata field names as the registration spells them (nested ones dotted). */
export const METADATA_FIELDS = [
  'localUid',
  'kind',
  'creationDateTime',
  'organization',
  'department',
  'patient.snils',
  'patient.family',
  'patient.given',
  'patient.patronymic',
  'patient.birthDate',
  'patient.gender',
  'personals.AUTHOR.snils',
  'personals.LEGAL_AUTHENTICATOR.snils',
] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

export interface FieldMismatch {
  field: MetadataField;
  metadata: string | undefined;
  cda: string | undefined;
  /** Where the CDA's value is (absent when the CDA has none). */
  node?: Node;
}

const select = useNamespaces({ hl7: CDA_NS, identity: IDENTITY_NS });
const first = (path: string, document: Document): Node | undefined => (select(path, document as unknown as globalThis.Node) as unknown as Node[])[0];

const STAFF: Record<PersonalRole, string> = { AUTHOR: 'hl7:author/hl7:assignedAuthor', LEGAL_AUTHENTICATOR: 'hl7:legalAuthenticator/hl7:assignedEntity' };

/** Where each field lives in a SEMD (attribute or element), relative to ClinicalDocument. */
const PATHS: Record<Exclude<MetadataField, 'kind'>, string> = {
  localUid: 'hl7:id/@extension',
  creationDateTime: 'hl7:effectiveTime/@value',
  organization: 'hl7:custodian/hl7:assignedCustodian/hl7:representedCustodianOrganization/hl7:id/@root',
  department: 'hl7:componentOf/hl7:encompassingEncounter/hl7:location/hl7:healthCareFacility/hl7:serviceProviderOrganization/hl7:id/@root',
  'patient.snils': `hl7:recordTarget/hl7:patientRole/hl7:id[@root='${SNILS_ROOT}']/@extension`,
  'patient.family': 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:family',
  'patient.given': 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/hl7:given',
  'patient.patronymic': 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:name/identity:Patronymic',
  'patient.birthDate': 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:birthTime/@value',
  'patient.gender': 'hl7:recordTarget/hl7:patientRole/hl7:patient/hl7:administrativeGenderCode/@code',
  'personals.AUTHOR.snils': `${STAFF.AUTHOR}/hl7:id[@root='${SNILS_ROOT}']/@extension`,
  'personals.LEGAL_AUTHENTICATOR.snils': `${STAFF.LEGAL_AUTHENTICATOR}/hl7:id[@root='${SNILS_ROOT}']/@extension`,
};

/** CDA TS `YYYYMMDD[hhmmss±hhmm]` as ISO 8601 (`YYYY-MM-DD[Thh:mm:ss±hh:mm]`); anything else as given. */
export function isoFromTs(ts: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2}))?$/.exec(ts);
  if (!m) return ts;
  return m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7]}${m[8]}:${m[9]}`;
}

const text = (node: Node | undefined): string | undefined => (node ? (node.nodeType === 2 ? (node as unknown as Attr).value : (node.textContent ?? '')).trim() : undefined);

/** The registration's value of a field. */
function metadataValue(meta: RegisterDocumentMetadata, field: MetadataField): string | undefined {
  if (field.startsWith('patient.')) return meta.patient?.[field.slice('patient.'.length) as keyof RegisterDocumentMetadata['patient']];
  if (field.startsWith('personals.')) return meta.personals?.find((p) => p.role === field.split('.')[1])?.snils;
  return meta[field as 'localUid' | 'kind' | 'creationDateTime' | 'organization' | 'department'];
}

/** Same value, allowing for spelling: SNILS with or without separators, date-times as instants. */
function same(field: MetadataField, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (field.endsWith('snils')) return a.replace(/[\s-]/g, '') === b.replace(/[\s-]/g, '');
  if (field === 'creationDateTime') {
    const [x, y] = [Date.parse(a), Date.parse(b)];
    return Number.isNaN(x) || Number.isNaN(y) ? a === b : x === y;
  }
  return a === b;
}

/**
 * Every field on which the registration and the CDA disagree (empty: they agree). The kind is read from the CDA's
 * templateId through the kinds book; a templateId the book does not know reads as no kind.
 */
export function compareMetadataWithCda(meta: RegisterDocumentMetadata, document: Document, books: ReferenceBooks): FieldMismatch[] {
  const root = '/hl7:ClinicalDocument/';
  const out: FieldMismatch[] = [];
  for (const field of METADATA_FIELDS) {
    let node: Node | undefined;
    let cda: string | undefined;
    if (field === 'kind') {
      node = first(`${root}hl7:templateId/@root`, document);
      cda = text(node) === undefined ? undefined : books.kindByTemplate(text(node) as string)?.code;
    } else {
      node = first(root + PATHS[field], document);
      cda = text(node);
      if (cda !== undefined && (field === 'creationDateTime' || field === 'patient.birthDate')) cda = isoFromTs(cda);
    }
    const metadata = metadataValue(meta, field);
    if (!same(field, metadata, cda)) out.push({ field, metadata, cda, ...(node ? { node } : {}) });
  }
  return out;
}
