/**
 * RFC (Registro Federal de Contribuyentes, SAT): 13 characters for a person, 12 for a company
 * (persona moral), ending in a mod-11 check character. About 1.5 % of RFCs in real use fail the
 * check, so a wrong check character is a warning; only the format is an error.
 */
import { type Finding, finding } from '../../findings/finding.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { notAString } from '../shared.ts';
import { isRealDate, randomIsoDate, UPPER_LETTERS } from './shared.ts';

/** Check alphabet: value = index; the space pads company RFCs to the 12 positions of a person's. */
const RFC_ALPHABET = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';

const RFC_RE = /^([A-ZÑ&]{3,4})(\d{6})([A-Z\d]{3})$/;

/**
 * Generic RFCs SAT issues for invoices without a known taxpayer (público en general, foreign
 * residents); XAXX010101000 does not pass the check, yet it is the official value.
 */
const SAT_GENERIC_RFCS: ReadonlySet<string> = new Set(['XAXX010101000', 'XEXX010101000']);

/** Four-letter starts SAT replaces (last letter by X), as listed in python-stdnum (stdnum/mx/rfc.py). */
const INCONVENIENT_WORDS: ReadonlySet<string> = new Set(
  `BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COJA COJE COJI COJO CULO FETO GUEY JOTO KACA KACO KAGA
   KAGO KAKA KOGE KOJO KULO MAME MAMO MEAR MEAS MEON MION MOCO MULA PEDA PEDO PENE PUTA PUTO QULO RATA
   RUIN`.split(/\s+/),
);

/** The check character for the RFC without it (11 characters for a company, 12 for a person). */
export function rfcCheckDigit(withoutCheck: string): string {
  if (withoutCheck.length !== 11 && withoutCheck.length !== 12) {
    throw new RangeError(`rfcCheckDigit needs 11 or 12 characters, got ${withoutCheck.length}`);
  }
  // Weights run 13..2 over 12 positions; a company RFC is one short and gets a leading space.
  const padded = withoutCheck.padStart(12, ' ');
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const v = RFC_ALPHABET.indexOf(padded.charAt(i));
    if (v < 0) throw new RangeError(`rfcCheckDigit: '${padded.charAt(i)}' is not in the RFC alphabet`);
    sum += v * (13 - i);
  }
  // 0..9 map to the digit, 10 to 'A' (the alphabet's index 10).
  return RFC_ALPHABET.charAt((11 - (sum % 11)) % 11);
}

export function validateRfc(value: unknown, opts: { location?: string } = {}): Finding[] {
  const location = opts.location ?? '';
  const formatError = (es: string, en: string): Finding[] => [finding('ID-RFC-FORMAT', 'error', 'invalid', location, { es, en })];
  if (typeof value !== 'string') {
    return [notAString('ID-RFC-FORMAT', location, value, { es: 'El RFC debe ser una cadena de texto', en: 'The RFC must be a string' })];
  }
  const m = RFC_RE.exec(value);
  if (!m || (value.length !== 12 && value.length !== 13)) {
    return formatError(
      'El RFC debe tener 13 caracteres (persona física: 4 letras, fecha AAMMDD, homoclave de 3) o 12 (persona moral: 3 letras, fecha, homoclave), en mayúsculas y sin guiones ni espacios.',
      'The RFC must have 13 characters (person: 4 letters, YYMMDD date, 3-character homoclave) or 12 (company: 3 letters, date, homoclave), upper case, without dashes or spaces.',
    );
  }
  const letters = m[1] ?? '';
  const date = m[2] ?? '';
  // The century is not in the RFC; 2000+YY accepts 29 Feb of any YY divisible by 4, which one century allows.
  if (!isRealDate(2000 + Number(date.slice(0, 2)), Number(date.slice(2, 4)), Number(date.slice(4, 6)))) {
    return formatError(`La fecha del RFC (${date}, AAMMDD) no es una fecha real.`, `The RFC date (${date}, YYMMDD) is not a real date.`);
  }
  if (letters.length === 4 && INCONVENIENT_WORDS.has(letters)) {
    return formatError(
      'Las cuatro letras iniciales del RFC forman una palabra que el SAT sustituye (última letra por X); este RFC no pudo ser asignado.',
      'The first four letters of the RFC spell a word SAT replaces (last letter by X); this RFC cannot have been assigned.',
    );
  }
  if (SAT_GENERIC_RFCS.has(value)) return [];
  const expected = rfcCheckDigit(value.slice(0, -1));
  const actual = value.charAt(value.length - 1);
  if (actual !== expected) {
    return [
      finding('ID-RFC-CHECKDIGIT', 'warning', 'value', location, {
        es: `El dígito verificador del RFC es ${actual}; el cálculo da ${expected}. Cerca del 1.5 % de los RFC reales no cumple el cálculo: confirme con el SAT.`,
        en: `The RFC check character is ${actual}; the computation gives ${expected}. About 1.5 % of real RFCs fail it: confirm with SAT.`,
      }),
    ];
  }
  return [];
}

// Homoclave alphabets as SAT assigns them (python-stdnum's check-digit pattern [1-9A-V][1-9A-Z]).
const HOMOCLAVE_1 = '123456789ABCDEFGHIJKLMNOPQRSTUV';
const HOMOCLAVE_2 = '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A synthetic RFC with a correct check character: 13 characters for 'persona', 12 for 'moral'. */
export function generateRfc(rng: SeededRandom, kind: 'persona' | 'moral'): string {
  const letter = (): string => rng.pick([...UPPER_LETTERS]);
  let letters: string;
  let date: string;
  if (kind === 'persona') {
    // Shaped like the name-derived part: initial + internal vowel of the first surname, then two initials.
    letters = letter() + rng.pick([...'AEIOUX']) + letter() + letter();
    if (INCONVENIENT_WORDS.has(letters)) letters = `${letters.slice(0, 3)}X`;
    date = randomIsoDate(rng, '1930-01-01', '2006-12-31');
  } else if (kind === 'moral') {
    // Company initials may contain '&' (e.g. "M&A"), which the check alphabet must handle.
    letters = letter() + (rng.next() < 0.1 ? '&' : letter()) + letter();
    date = randomIsoDate(rng, '1940-01-01', '2024-12-31');
  } else {
    throw new RangeError(`generateRfc: kind must be 'persona' or 'moral', got '${String(kind)}'`);
  }
  const yymmdd = date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
  const homoclave = rng.pick([...HOMOCLAVE_1]) + rng.pick([...HOMOCLAVE_2]);
  const withoutCheck = letters + yymmdd + homoclave;
  return withoutCheck + rfcCheckDigit(withoutCheck);
}
