/**
 * Timestamps of journal entries as ISO 8601 text. A loaded mock records thousands of entries a second, and most share
 * their milliseconds with the entries around them (an answer's start and end, back-to-back requests): formatting a
 * Date is a few microseconds, so the texts of the last two milliseconds seen are kept and reused (one string shared by
 * the entries that hold it). Two, because an entry's start and end alternate.
 */
let ms0 = Number.NaN;
let text0 = '';
let ms1 = Number.NaN;
let text1 = '';

export function isoTime(ms: number): string {
  if (ms === ms0) return text0;
  if (ms === ms1) return text1;
  // The older slot goes: slot 0 is always the latest.
  ms1 = ms0;
  text1 = text0;
  ms0 = ms;
  text0 = new Date(ms).toISOString();
  return text0;
}
