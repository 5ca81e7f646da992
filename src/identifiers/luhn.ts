/**
 * The Luhn (mod 10) check digit, shared by every identifier that uses it (Mexico's NSS, Russia's ENP): from the right,
 * the payload's last digit is doubled, the one before it is not, and so on; a doubled digit counts as the sum of its
 * digits.
 */
export function luhnCheckDigit(payload: string): string {
  if (!/^\d+$/.test(payload)) throw new RangeError('luhnCheckDigit needs digits only');
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    const product = Number(payload.charAt(i)) * (double ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Whether digits end with the Luhn check digit of the digits before it. */
export const luhnValid = (digits: string): boolean => /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
