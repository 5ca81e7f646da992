import type { Bundle } from '@medplum/fhirtypes';
import { peRisValidator } from '../../programs/pe-ris/judges/triage-check.ts';
import { buildTriageBundle, type TriageBundle } from '../../programs/pe-ris/lib/triage-bundle.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { generatePersonPe, type SyntheticPersonPe } from '../../src/identifiers/pe/person.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

/** A synthetic person of the given sex, born between 1960 and 2000, with a DNI check letter. */
export function person(seed: string, sexo: 'female' | 'male' = 'female'): SyntheticPersonPe {
  for (let i = 0; ; i++) {
    const p = generatePersonPe(new SeededRandom(`${seed}:${i}`), { dniCheck: 'letter', born: { from: '1960-01-01', to: '2000-12-31' } });
    if (p.sexo === sexo) return p;
  }
}

export const AT = new Date('2025-03-14T14:30:00Z');

export function triage(seed = 'rosa', sexo: 'female' | 'male' = 'female', extra: Partial<Parameters<typeof buildTriageBundle>[1]> = {}): TriageBundle & { person: SyntheticPersonPe } {
  const p = person(seed, sexo);
  return { ...buildTriageBundle(new SeededRandom(`bundle:${seed}`), { person: p, prioridad: 'II', renipress: '00004321', at: AT, ...extra }), person: p };
}

export const clone = (b: Bundle): Bundle & Record<string, unknown> => structuredClone(b) as Bundle & Record<string, unknown>;

/** The resource of entry `i`, as a plain object to mutate. */
export const entry = (b: Bundle, i: number): Record<string, unknown> => b.entry![i]!.resource as unknown as Record<string, unknown>;

export const ids = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.ruleId} ${f.location}`);

export const validator = () => peRisValidator();
