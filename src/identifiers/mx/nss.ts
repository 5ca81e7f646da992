/**
 * NSS (Número de Seguridad Social, IMSS): 11 digits, the last a Luhn check over the first 10.
 * Only the check digit may reject: the registration and birth-year fields inside the number
 * are unreliable in real padrones, so they are not validated.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import { luhnCheckDigit } from '../luhn.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';
import { pad2 } from './shared.ts';

export function nssCheckDigit(first10: string): string {
  if (!/^\d{10}$/.test(first10)) throw new RangeError('nssCheckDigit needs exactly 10 digits');
  // Weights 1,2,1,2… from the left over an even count of digits: Luhn's doubling from the right.
  return luhnCheckDigit(first10);
}

export function validateNss(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') {
    return [notAString('ID-NSS-FORMAT', location, value, { es: 'El NSS debe ser una cadena de texto de 11 dígitos', en: 'The NSS must be a string of 11 digits' })];
  }
  if (!/^\d{11}$/.test(value)) {
    return [
      finding('ID-NSS-FORMAT', 'error', 'invalid', location, {
        es: `El NSS debe tener exactamente 11 dígitos; tiene ${value.length} caracteres.`,
        en: `The NSS must be exactly 11 digits; it has ${value.length} characters.`,
      }),
    ];
  }
  const expected = nssCheckDigit(value.slice(0, 10));
  if (value.charAt(10) !== expected) {
    return [
      finding('ID-NSS-CHECKDIGIT', 'error', 'value', location, {
        es: `El dígito verificador del NSS es ${value.charAt(10)}; debería ser ${expected}.`,
        en: `The NSS check digit is ${value.charAt(10)}; it should be ${expected}.`,
      }),
    ];
  }
  return [];
}

/** A synthetic NSS laid out like IMSS's: subdelegación, registration year, birth year, serial, check. */
export function generateNss(rng: SeededRandom): string {
  const subdelegacion = pad2(rng.int(1, 99));
  const birthYear = rng.int(1930, 2006);
  // Registration happens from age 16 on (first job), never in the future.
  const registrationYear = rng.int(Math.min(birthYear + 16, 2024), 2024);
  const serial = String(rng.int(0, 9999)).padStart(4, '0');
  const first10 = subdelegacion + pad2(registrationYear % 100) + pad2(birthYear % 100) + serial;
  return first10 + nssCheckDigit(first10);
}
