/**
 * DNI (Documento Nacional de Identidad, RENIEC): 8 digits, printed with a check character that
 * messages may omit. RENIEC does not publish the algorithm; the one used here is the community
 * one (identifiers.md), which gives each number two equivalent check characters: a digit and a
 * letter, so either printed form is accepted.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;
const DIGIT_TABLE = '67890112345';
const LETTER_TABLE = 'KABCDEFGHIJ';

// Upper case only: the card prints it so, and a lower-case letter is a transcription the sender should fix.
const DNI_RE = /^(\d{8})(?:-([0-9A-Z]))?$/;

export interface DniCheckCharacters {
  digit: string;
  letter: string;
}

export function dniCheckCharacters(dni: string): DniCheckCharacters {
  if (!/^\d{8}$/.test(dni)) throw new RangeError('dniCheckCharacters needs exactly 8 digits');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(dni.charAt(i)) * (WEIGHTS[i] ?? 0);
  const r = sum % 11;
  const index = (11 - r) % 11;
  return { digit: DIGIT_TABLE.charAt(index), letter: LETTER_TABLE.charAt(index) };
}

export interface ParsedDni {
  number: string;
  check?: string;
}

/** Number and check character of a format-valid DNI (check not verified), or undefined. */
export function parseDni(value: string): ParsedDni | undefined {
  const m = typeof value === 'string' ? DNI_RE.exec(value) : null;
  if (!m) return undefined;
  const number = m[1] ?? '';
  return m[2] === undefined ? { number } : { number, check: m[2] };
}

export function validateDni(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  if (typeof value !== 'string') {
    return [notAString('ID-DNI-FORMAT', location, value, { es: 'El DNI debe ser una cadena de texto', en: 'The DNI must be a string' })];
  }
  const parsed = parseDni(value);
  if (!parsed) {
    return [
      finding('ID-DNI-FORMAT', 'error', 'invalid', location, {
        es: 'El DNI debe tener 8 dígitos, opcionalmente seguidos de un guion y el carácter de verificación (p. ej. 12345678 o 12345678-E).',
        en: 'The DNI must be 8 digits, optionally followed by a dash and the check character (e.g. 12345678 or 12345678-E).',
      }),
    ];
  }
  if (parsed.check === undefined) return [];
  const { digit, letter } = dniCheckCharacters(parsed.number);
  if (parsed.check !== digit && parsed.check !== letter) {
    return [
      finding('ID-DNI-CHECK', 'error', 'value', location, {
        es: `El carácter de verificación del DNI es ${parsed.check}; debería ser ${digit} o ${letter}.`,
        en: `The DNI check character is ${parsed.check}; it should be ${digit} or ${letter}.`,
      }),
    ];
  }
  return [];
}

export interface GenerateDniOptions {
  /** Which printed form to append; 'none' (the default) gives the bare 8 digits. */
  check?: 'none' | 'digit' | 'letter';
}

/** A synthetic DNI with a correct check character when one is asked for. */
export function generateDni(rng: SeededRandom, opts: GenerateDniOptions = {}): string {
  // Issued DNIs start with 0–7 today; leading zeros are real and must survive as text.
  const number = String(rng.int(1_000_000, 79_999_999)).padStart(8, '0');
  const check = opts.check ?? 'none';
  if (check === 'none') return number;
  const chars = dniCheckCharacters(number);
  if (check === 'digit') return `${number}-${chars.digit}`;
  if (check === 'letter') return `${number}-${chars.letter}`;
  throw new RangeError(`generateDni: check must be 'none', 'digit' or 'letter', got '${String(check)}'`);
}
