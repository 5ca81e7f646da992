/** Helpers shared by the Mexican identifier modules; not part of the public index. */

/** True when year-month-day is a day that exists in the proleptic Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lastDay = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= lastDay;
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A random day between two ISO dates (inclusive), as YYYY-MM-DD. */
export function randomIsoDate(rng: { int(min: number, max: number): number }, from: string, to: string): string {
  const dayMs = 86_400_000;
  const start = Date.parse(`${from}T00:00:00Z`) / dayMs;
  const end = Date.parse(`${to}T00:00:00Z`) / dayMs;
  return new Date(rng.int(start, end) * dayMs).toISOString().slice(0, 10);
}

export const UPPER_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
