/**
 * Retry-After (RFC 9110 §10.2.3) as milliseconds after `answeredAt` (epoch ms): delay-seconds or an HTTP date; undefined
 * when absent or unreadable. The receivers wait by it and the judge measures their polls against it.
 */
export function retryAfterMs(value: string | undefined, answeredAt: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - answeredAt);
}
