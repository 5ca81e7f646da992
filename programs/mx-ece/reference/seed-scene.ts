/**
 * What a reference run starts with, drawn from the run's seed: a few IMSS patients (imss-ece holds their records)
 * and their padrón records and consents (ssa-pgs holds them). Both roles draw the same scene from the same seed and
 * day, so Sello's reference deployment agrees with itself.
 */
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { Institution } from '../lib/contract.ts';
import type { Beneficiario, FhirResource, PatientRecord } from '../lib/record.ts';
import { beneficiarioOf, consentFor, generateRecord } from '../lib/synthetic-record.ts';

export const DEFAULT_SEED = 'mx-ece';

/** Who each seeded patient consented to give the record to. */
const RECIPIENTS: readonly (readonly Institution[])[] = [['ISSSTE'], ['IMSS-BIENESTAR'], ['ISSSTE', 'IMSS-BIENESTAR']];

export interface SeedScene {
  records: PatientRecord[];
  beneficiarios: Beneficiario[];
  consents: FhirResource[];
}

/** The day `now` falls on (UTC midnight): birth dates are drawn relative to it, and two processes must agree. */
export function sceneDay(now: Date): Date {
  return new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
}

export function seedScene(seed: string, now: Date): SeedScene {
  const day = sceneDay(now);
  const rng = new SeededRandom(`${seed}:escena`);
  const records = RECIPIENTS.map((_, i) => generateRecord(rng.fork(`paciente-${i}`), { now: day }));
  const consents = records.flatMap((record, i) => RECIPIENTS[i]!.map((to) => consentFor(record, to, { now: day, id: `seed-${i}-${to.toLowerCase()}` })));
  return { records, beneficiarios: records.map((r) => beneficiarioOf(r)), consents };
}
