/**
 * OGRN (ОГРН, the primary state registration number of an organization): 13 digits, the last being the remainder of
 * the first 12 (as a number) divided by 11, taken mod 10. It is what an organization's signing certificate carries.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';

export function ogrnCheckDigit(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new RangeError('ogrnCheckDigit needs exactly 12 digits');
  return String((BigInt(first12) % 11n) % 10n);
}

export function validateOgrn(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') return [notAString('ID-OGRN-FORMAT', location, value, { ru: 'ОГРН должен быть строкой из 13 цифр', en: 'The OGRN must be a string of 13 digits' })];
  if (!/^\d{13}$/.test(value)) {
    return [
      finding('ID-OGRN-FORMAT', 'error', 'invalid', location, {
        ru: `ОГРН должен состоять ровно из 13 цифр; символов: ${value.length}.`,
        en: `The OGRN must be exactly 13 digits; it has ${value.length} characters.`,
      }),
    ];
  }
  const expected = ogrnCheckDigit(value.slice(0, 12));
  if (value.charAt(12) !== expected) {
    return [
      finding('ID-OGRN-CHECKDIGIT', 'error', 'value', location, {
        ru: `Контрольная цифра ОГРН ${value.charAt(12)}; должна быть ${expected}.`,
        en: `The OGRN check digit is ${value.charAt(12)}; it should be ${expected}.`,
      }),
    ];
  }
  return [];
}

/** A synthetic OGRN of a legal entity: sign 1 (or 5), year of registration, region, register number, check. */
export function generateOgrn(rng: SeededRandom): string {
  const first12 = `${rng.pick(['1', '5'])}${String(rng.int(2, 24)).padStart(2, '0')}${String(rng.int(1, 99)).padStart(2, '0')}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
  return first12 + ogrnCheckDigit(first12);
}
