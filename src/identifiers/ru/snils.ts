/**
 * SNILS (СНИЛС, the personal insurance account number): 11 digits, usually written `112-233-445 95`. The last two are
 * a check over the first nine (identifiers.md): Σ digit × weight (9 … 1); under 100 the sum itself, 100 or 101 → 00,
 * else the sum mod 101 (100 → 00). Numbers up to 001-001-998 were issued before the check existed and are not checked.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';

/** Both spellings are in use: bare digits in XML attributes, the printed form on cards and in some messages. */
const SNILS_RE = /^(\d{3})-?(\d{3})-?(\d{3})[ -]?(\d{2})$/;
const LAST_UNCHECKED = 1_001_998;

export function snilsCheckDigits(first9: string): string {
  if (!/^\d{9}$/.test(first9)) throw new RangeError('snilsCheckDigits needs exactly 9 digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9.charAt(i)) * (9 - i);
  const check = sum < 100 ? sum : sum === 100 || sum === 101 ? 0 : (sum % 101) % 100;
  return String(check).padStart(2, '0');
}

/** The 11 digits of a SNILS in either spelling, or undefined. */
export function snilsDigits(value: string): string | undefined {
  const m = SNILS_RE.exec(value);
  return m ? m.slice(1, 5).join('') : undefined;
}

export const formatSnils = (digits: string): string => `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9, 11)}`;

export function validateSnils(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') return [notAString('ID-SNILS-FORMAT', location, value, { ru: 'СНИЛС должен быть строкой из 11 цифр', en: 'The SNILS must be a string of 11 digits' })];
  const digits = snilsDigits(value);
  if (!digits) {
    return [
      finding('ID-SNILS-FORMAT', 'error', 'invalid', location, {
        ru: 'СНИЛС должен состоять из 11 цифр (например, 11223344595 или 112-233-445 95).',
        en: 'The SNILS must be 11 digits (e.g. 11223344595 or 112-233-445 95).',
      }),
    ];
  }
  if (Number(digits.slice(0, 9)) <= LAST_UNCHECKED) return [];
  const expected = snilsCheckDigits(digits.slice(0, 9));
  if (digits.slice(9) !== expected) {
    return [
      finding('ID-SNILS-CHECKDIGIT', 'error', 'value', location, {
        ru: `Контрольное число СНИЛС ${digits.slice(9)}; должно быть ${expected}.`,
        en: `The SNILS check number is ${digits.slice(9)}; it should be ${expected}.`,
      }),
    ];
  }
  return [];
}

/** A synthetic SNILS (bare digits) from the checked range, with its check number. */
export function generateSnils(rng: SeededRandom): string {
  const first9 = String(rng.int(LAST_UNCHECKED + 1, 999_999_999)).padStart(9, '0');
  return first9 + snilsCheckDigits(first9);
}
