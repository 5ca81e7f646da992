/** ENP (ЕНП, the single number of the compulsory medical insurance policy): 16 digits, Luhn over all of them. */
import { type Finding, finding } from '../../findings/finding.ts';
import { luhnCheckDigit, luhnValid } from '../luhn.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';

export function validateEnp(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') return [notAString('ID-ENP-FORMAT', location, value, { ru: 'ЕНП должен быть строкой из 16 цифр', en: 'The ENP must be a string of 16 digits' })];
  if (!/^\d{16}$/.test(value)) {
    return [
      finding('ID-ENP-FORMAT', 'error', 'invalid', location, {
        ru: `ЕНП должен состоять ровно из 16 цифр; символов: ${value.length}.`,
        en: `The ENP must be exactly 16 digits; it has ${value.length} characters.`,
      }),
    ];
  }
  if (!luhnValid(value)) {
    const expected = luhnCheckDigit(value.slice(0, 15));
    return [
      finding('ID-ENP-CHECKDIGIT', 'error', 'value', location, {
        ru: `Контрольная цифра ЕНП ${value.charAt(15)}; должна быть ${expected}.`,
        en: `The ENP check digit is ${value.charAt(15)}; it should be ${expected}.`,
      }),
    ];
  }
  return [];
}

export function generateEnp(rng: SeededRandom): string {
  const first15 = Array.from({ length: 15 }, (_, i) => rng.int(i === 0 ? 1 : 0, 9)).join('');
  return first15 + luhnCheckDigit(first15);
}
