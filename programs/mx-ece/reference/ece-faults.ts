/**
 * The planted defects of the mx-ece reference roles (profiles/planted-defects.json lists each with its rule and
 * behaviour): each breaks one behaviour of one role. Record faults rewrite copies of what the source sends; the
 * rest are tested where the role decides.
 */
import type { FaultSet } from '../../../src/mock/faults.ts';
import { SYSTEM } from '../lib/contract.ts';
import type { FhirResource, PatientRecord } from '../lib/record.ts';

export const ECE_FAULTS = [
  'ece-refuses-consented',
  'ece-no-consent-check',
  'ece-accepts-expired-consent',
  'ece-ignores-consent-recipient',
  'ece-export-ignores-consent',
  'ece-old-entries',
  'ece-export-old-entries',
  'ece-retention-too-strict',
  'ece-patient-birthdate-off',
  'ece-ignores-unknown-padron',
  'ece-ignores-padron-birthdate',
  'ece-dotted-cie10',
  'ece-cie10-sex-mismatch',
  'ece-unknown-clues',
  'ece-lab-wrong-unit',
  'ece-unknown-cnis',
  'ece-truncates-large-record',
  'ece-composition-not-first',
  'ece-dangling-reference',
  'ece-cda-invalid',
  'ece-cda-wrong-curp',
  'ece-export-no-content-location',
  'ece-accepts-bad-since',
  'ece-manifest-incomplete',
  'ece-ndjson-wrong-content-type',
  'ece-ignores-type',
  'ece-ignores-since',
  'ece-cancel-ignored',
  'ece-export-unknown-in-output',
  'ece-crash-on-bad-json',
  'ece-unknown-job-500',
] as const;

export const RECEIVER_FAULTS = [
  'rx-no-consent',
  'rx-imports-old-entries',
  'rx-no-padron-check',
  'rx-truncates-large-record',
  'rx-no-prefer-async',
  'rx-ignores-retry-after',
  'rx-first-file-only',
  'rx-drops-type-since',
  'rx-no-cancel',
  'rx-ignores-errors',
  'rx-crash-on-bad-command',
] as const;

export const PGS_FAULTS = ['pgs-consent-drops-period', 'pgs-search-includes-expired', 'pgs-consulta-unknown-200', 'pgs-crash-on-bad-curp'] as const;

/** What the large-record faults keep of a record: far fewer than 50,000 notes. */
export const TRUNCATED_NOTES = 10_000;

/** A CLUES of the right shape that no catalogue lists. */
export const UNKNOWN_CLUES = 'DFIMS999999';
export const UNKNOWN_CNIS = '999.999.9999.99';

const copy = (r: FhirResource): FhirResource => structuredClone(r);

function codings(r: FhirResource, field: string): Array<{ system?: string; code?: string }> {
  return ((r[field] as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding ?? []) as Array<{ system?: string; code?: string }>;
}

/** The record the source sends, with the record faults of `faults` planted into copies of the entries they touch. */
export function plantRecordFaults(record: PatientRecord, faults: FaultSet): PatientRecord {
  let { patient, organization } = record;
  if (faults.has('ece-patient-birthdate-off') && typeof patient.birthDate === 'string') {
    const d = new Date(`${patient.birthDate}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    patient = { ...copy(patient), birthDate: d.toISOString().slice(0, 10) };
  }
  if (faults.has('ece-unknown-clues')) {
    organization = copy(organization);
    for (const id of (organization.identifier ?? []) as Array<{ system?: string; value?: string }>) if (id.system === SYSTEM.clues) id.value = UNKNOWN_CLUES;
  }
  let misfitPlanted = false;
  const clinical = record.clinical.map((r) => {
    if (r.resourceType === 'Condition' && (faults.has('ece-dotted-cie10') || (faults.has('ece-cie10-sex-mismatch') && !misfitPlanted))) {
      const c = copy(r);
      for (const coding of codings(c, 'code').filter((k) => k.system === SYSTEM.cie10)) {
        if (faults.has('ece-cie10-sex-mismatch') && !misfitPlanted) {
          // A diagnosis only the other sex can have: prostate cancer for a woman, a delivery for a man.
          coding.code = patient.gender === 'female' ? 'C61' : 'O800';
          misfitPlanted = true;
        }
        if (faults.has('ece-dotted-cie10') && coding.code && coding.code.length > 3) coding.code = `${coding.code.slice(0, 3)}.${coding.code.slice(3)}`;
      }
      return c;
    }
    if (r.resourceType === 'Observation' && faults.has('ece-lab-wrong-unit') && r.valueQuantity) {
      const o = copy(r);
      Object.assign(o.valueQuantity as object, { unit: 'kg', code: 'kg' });
      return o;
    }
    if (r.resourceType === 'MedicationRequest' && faults.has('ece-unknown-cnis')) {
      const m = copy(r);
      for (const coding of codings(m, 'medicationCodeableConcept').filter((k) => k.system === SYSTEM.cnis)) coding.code = UNKNOWN_CNIS;
      return m;
    }
    return r;
  });
  return { ...record, patient, organization, clinical };
}

/** Whether any fault rewrites the document Bundle as a whole (then it is built as one object, not streamed). */
export const BUNDLE_FAULTS = ['ece-old-entries', 'ece-composition-not-first', 'ece-dangling-reference', 'ece-cda-invalid', 'ece-cda-wrong-curp'] as const;
