/**
 * A record as Bulk export lines (CONTRACT.md, RE-10): the Patient and its entries of the last 7 years, one JSON text
 * per line, references written `Type/id` (a file has no fullUrls for `urn:uuid:` to resolve against).
 */
import type { FhirResource, PatientRecord } from './record.ts';
import { withinRetention } from './retention.ts';

const UUID_REF = /"urn:uuid:([0-9a-f-]{36})"/g;

/** The record's resources an export carries (Organization and Practitioner included), oldest entries left out. */
export function exportedResources(record: PatientRecord, now: Date): FhirResource[] {
  return [record.patient, record.organization, record.practitioner, ...record.clinical.filter((r) => withinRetention(r, now))];
}

/** One NDJSON line: `urn:uuid:<id>` references become `Type/id` for the ids the record holds. */
export function ndjsonLine(resource: FhirResource, typeOf: ReadonlyMap<string, string>): string {
  return JSON.stringify(resource).replace(UUID_REF, (whole, id: string) => {
    const type = typeOf.get(id);
    return type ? `"${type}/${id}"` : whole;
  });
}

/** Lines per resource type for the given records; optionally only some types, and only what changed after `since` (meta.lastUpdated). */
export function ndjsonByType(records: Iterable<PatientRecord>, opts: { now: Date; types?: readonly string[]; since?: string }): Map<string, string[]> {
  const since = opts.since === undefined ? undefined : Date.parse(opts.since);
  const out = new Map<string, string[]>();
  for (const record of records) {
    const resources = exportedResources(record, opts.now);
    const typeOf = new Map(resources.map((r) => [r.id ?? '', r.resourceType]));
    for (const r of resources) {
      if (opts.types && !opts.types.includes(r.resourceType)) continue;
      if (since !== undefined && !(Date.parse(String(r.meta?.lastUpdated)) > since)) continue;
      const lines = out.get(r.resourceType) ?? [];
      lines.push(ndjsonLine(r, typeOf));
      out.set(r.resourceType, lines);
    }
  }
  return out;
}
