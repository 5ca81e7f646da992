/**
 * RE-02: every clinical entry is from the last 7 years before the request's instant (CONTRACT.md). The finding points
 * at the date the entry is judged by; a clinical entry without one is reported at the entry (nothing shows it is recent).
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { RETENTION_YEARS } from '../../lib/contract.ts';
import { CLINICAL_TYPES, dateWithin, isSummary, yearsBefore } from '../../lib/retention.ts';
import { type Located, reFinding, text } from './shared.ts';

/** The element each clinical type is judged by, in the order it is looked for. */
const DATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Encounter: ['period.start'],
  Condition: ['recordedDate', 'onsetDateTime'],
  MedicationRequest: ['authoredOn'],
  Observation: ['effectiveDateTime'],
  DocumentReference: ['date'],
};

function valueAt(resource: Record<string, unknown>, path: string): string | undefined {
  const [first, second] = path.split('.');
  const v = resource[first ?? ''];
  return second ? text((v as Record<string, unknown> | undefined)?.[second]) : text(v);
}

/** RE-02 for one entry. */
export function re02Entry({ resource, location }: Located, now: Date): Finding[] {
  const fields = DATE_FIELDS[resource.resourceType];
  if (!fields || !CLINICAL_TYPES.has(resource.resourceType) || (resource.resourceType === 'DocumentReference' && isSummary(resource))) return [];
  const field = fields.find((f) => valueAt(resource, f) !== undefined);
  const earliest = yearsBefore(now, RETENTION_YEARS).toISOString();
  if (!field) {
    return [
      reFinding('RE-02', location, {
        es: `La entrada clínica ${resource.resourceType} no tiene fecha (${fields.join(' o ')}): no se puede mostrar que sea de los últimos ${RETENTION_YEARS} años.`,
        en: `The clinical entry ${resource.resourceType} has no date (${fields.join(' or ')}): nothing shows it is from the last ${RETENTION_YEARS} years.`,
      }),
    ];
  }
  const date = valueAt(resource, field) as string;
  if (dateWithin(date, now)) return [];
  return [
    reFinding('RE-02', `${location}.${field}`, {
      es: `${resource.resourceType} del ${date}: anterior al límite de ${RETENTION_YEARS} años (${earliest}) de la solicitud del ${now.toISOString()}.`,
      en: `${resource.resourceType} of ${date}: older than the ${RETENTION_YEARS}-year limit (${earliest}) of the request at ${now.toISOString()}.`,
    }),
  ];
}

/** RE-02 for many entries (a Bundle's, or NDJSON lines with their own locations). */
export function re02Retention(entries: Iterable<Located>, now: Date): Finding[] {
  const out: Finding[] = [];
  for (const e of entries) out.push(...re02Entry(e, now));
  return out;
}
