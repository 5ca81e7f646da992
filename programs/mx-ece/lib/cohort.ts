/**
 * A synthetic cohort drawn lazily, patient by patient, for the bench and large exports: each patient's record comes
 * from its own seed (`<seed>:<n>`), so any slice of the cohort replays alone and nothing is held between patients.
 */
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { exportedResources, ndjsonLine } from './ndjson.ts';
import type { FhirResource, PatientRecord } from './record.ts';
import { generateRecord } from './synthetic-record.ts';

export interface CohortOptions {
  patients: number;
  now: Date;
  /** First patient number (default 0): a shard draws its own slice. */
  from?: number;
}

/** Patient n of the cohort. */
export const cohortRecord = (seed: string, n: number, now: Date): PatientRecord => generateRecord(new SeededRandom(`${seed}:${n}`), { now });

function* records(seed: string, opts: CohortOptions): Generator<PatientRecord> {
  const from = opts.from ?? 0;
  for (let n = from; n < from + opts.patients; n++) yield cohortRecord(seed, n, opts.now);
}

/** What an export of the cohort holds (the 7-year window applied), one resource at a time; references `urn:uuid:`. */
export function* cohortResources(seed: string, opts: CohortOptions): Generator<FhirResource> {
  for (const record of records(seed, opts)) yield* exportedResources(record, opts.now);
}

/** The same as NDJSON lines with `Type/id` references, with the resource type of each line. */
export function* cohortLines(seed: string, opts: CohortOptions): Generator<{ type: string; line: string }> {
  for (const record of records(seed, opts)) {
    const resources = exportedResources(record, opts.now);
    const typeOf = new Map(resources.map((r) => [r.id ?? '', r.resourceType]));
    for (const r of resources) yield { type: r.resourceType, line: ndjsonLine(r, typeOf) };
  }
}
