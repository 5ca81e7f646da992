/**
 * The CURP checks of validateCurp on the 18 Latin-1 bytes where a padrón line holds them, so the confronta can
 * clear a line without building its CURP string. Same rules, same tables (test/mx-pgs/confronta/curp-bytes.test.ts
 * compares the two on generated, edge and mutated CURPs).
 */
import { CURP_STATES, GENERIC_CURP, INCONVENIENT_WORDS } from '../../../../src/identifiers/mx/curp.ts';

const pack2 = (a: number, b: number): number => (a << 8) | b;
const pack4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const STATES = new Set(CURP_STATES.map((s) => pack2(s.charCodeAt(0), s.charCodeAt(1))));
const WORDS = new Set([...INCONVENIENT_WORDS].map((w) => pack4(w.charCodeAt(0), w.charCodeAt(1), w.charCodeAt(2), w.charCodeAt(3))));
const GENERIC = [...GENERIC_CURP].map((c) => c.charCodeAt(0));

/** Byte classes as bits; each position of CURP_RE allows one class (or two, at the differentiator). */
const UPPER = 1;
const VOWEL_OR_X = 2;
const DIGIT = 4;
const SEX = 8;
/** [B-DF-HJ-NP-TV-Z] */
const CONSONANT = 16;
const CLASSES = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CLASSES[c] = DIGIT;
for (let c = 0x41; c <= 0x5a; c++) {
  const ch = String.fromCharCode(c);
  CLASSES[c] = UPPER | ('AEIOUX'.includes(ch) ? VOWEL_OR_X : 0) | ('AEIOU'.includes(ch) ? 0 : CONSONANT) | ('HMX'.includes(ch) ? SEX : 0);
}
/** ^[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[A-Z\d]\d$ */
const POSITIONS = [UPPER, VOWEL_OR_X, UPPER, UPPER, DIGIT, DIGIT, DIGIT, DIGIT, DIGIT, DIGIT, SEX, UPPER, UPPER, CONSONANT, CONSONANT, CONSONANT, UPPER | DIGIT, DIGIT];
const two = (b: Uint8Array, at: number): number => (b[at]! - 0x30) * 10 + b[at + 1]! - 0x30;

/** The 18 bytes at `at` are the generic CURP. */
export function isGenericCurpAt(b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 18; i++) if (b[at + i] !== GENERIC[i]) return false;
  return true;
}

/** CURP_ALPHABET's value of a byte CURP_RE already accepted (digits and A-Z; Ñ never passes the format). */
const value = (c: number): number => (c <= 0x39 ? c - 0x30 : c <= 0x4e ? c - 0x41 + 10 : c - 0x4f + 25);

/**
 * True exactly when validateCurp would find nothing wrong with the 18 bytes at `at` read as Latin-1 (the generic
 * CURP, which it judges by context, is false here).
 */
export function isValidCurpAt(b: Uint8Array, at: number): boolean {
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const c = b[at + i]!;
    if ((CLASSES[c]! & POSITIONS[i]!) === 0) return false;
    if (i < 17) sum += value(c) * (18 - i);
  }
  if ((10 - (sum % 10)) % 10 !== b[at + 17]! - 0x30) return false;
  if (WORDS.has(pack4(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!)) || !STATES.has(pack2(b[at + 11]!, b[at + 12]!))) return false;
  // RENAPO's differentiator is a digit for people born before 2000 and a letter from 2000 on.
  const year = (b[at + 16]! <= 0x39 ? 1900 : 2000) + two(b, at + 4);
  const month = two(b, at + 6);
  const day = two(b, at + 8);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}
