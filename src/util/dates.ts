/** One formatter per time zone: building one costs more than a mock's whole answer, and every answer asks the date. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** PGS dates are civil dates in Mexico City: "today" must not flip at UTC midnight. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}

export const todayInMexico = (now?: Date): string => todayIn('America/Mexico_City', now);

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
