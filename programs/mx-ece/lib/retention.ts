/**
 * RE-02: which entries are clinical, the date each is judged by, and the 7-year window (CONTRACT.md, "One patient").
 */
import { PROFILE, RETENTION_YEARS } from './contract.ts';
import type { FhirResource } from './record.ts';

/** LOINC type of a progress note (NotaMedicaMx) and of the GIIS-A001 summary (ResumenCdaMx). */
export const NOTE_TYPE = '11506-3';
export const SUMMARY_TYPE = '34133-9';

/** The instant `years` calendar years before `now`, at the same time of day (29 February falls on 1 March). */
export function yearsBefore(now: Date, years: number): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}

/** A DocumentReference is the CDA summary, not a note, when its profile or type says so. */
export function isSummary(resource: FhirResource): boolean {
  if (resource.meta?.profile?.includes(PROFILE.cdaSummary)) return true;
  const codings = (resource.type as { coding?: { code?: unknown }[] } | undefined)?.coding ?? [];
  return codings.some((c) => c.code === SUMMARY_TYPE);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The date RE-02 judges a clinical entry by; undefined for what is not a clinical entry (Patient, summary, …). */
export function clinicalDate(resource: FhirResource): string | undefined {
  switch (resource.resourceType) {
    case 'Encounter':
      return str((resource.period as { start?: unknown } | undefined)?.start);
    case 'Condition':
      return str(resource.recordedDate) ?? str(resource.onsetDateTime);
    case 'MedicationRequest':
      return str(resource.authoredOn);
    case 'Observation':
      return str(resource.effectiveDateTime);
    case 'DocumentReference':
      return isSummary(resource) ? undefined : str(resource.date);
    default:
      return undefined;
  }
}

export const CLINICAL_TYPES: ReadonlySet<string> = new Set(['Encounter', 'Condition', 'MedicationRequest', 'Observation', 'DocumentReference']);

/**
 * Is the entry inside the window? The earliest allowed instant is `now` minus 7 calendar years; a date without a time
 * is in when its day is that instant's UTC day or later. A clinical entry with no date is out (nothing shows it is
 * recent); what is not a clinical entry is always in.
 */
export function withinRetention(resource: FhirResource, now: Date): boolean {
  const date = clinicalDate(resource);
  if (date === undefined) return !CLINICAL_TYPES.has(resource.resourceType) || isSummary(resource);
  return dateWithin(date, now);
}

/** The window test on a FHIR date or dateTime value. */
export function dateWithin(date: string, now: Date): boolean {
  const start = yearsBefore(now, RETENTION_YEARS);
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) {
    const day = start.toISOString().slice(0, date.length);
    return date >= day;
  }
  const at = Date.parse(date);
  return !Number.isNaN(at) && at >= start.getTime();
}
