/** What Sello knows of when a request reached its peer: after Sello started it and before its answer came back. */
export interface SentSpan {
  startedAt: string;
  finishedAt?: string;
}

/**
 * The most requests of a burst that certainly reached the peer inside one second, however it counts a second: those
 * whose whole exchange, from Sello's send to the answer's arrival, fits in one window of 1000 ms. Counted from the
 * sends alone a busy machine or network could have spread a burst that left together; counted this way, a peer that
 * refused none of more than twice its limit had them all within one of its seconds.
 */
export function certainlyWithinOneSecond(sent: readonly SentSpan[]): number {
  const spans = sent
    .map((x) => ({ from: Date.parse(x.startedAt), to: Date.parse(x.finishedAt ?? '') }))
    .filter((s) => Number.isFinite(s.from) && Number.isFinite(s.to))
    .sort((a, b) => a.from - b.from);
  let most = 0;
  for (const window of spans) {
    const inside = spans.filter((s) => s.from >= window.from && s.to < window.from + 1000).length;
    most = Math.max(most, inside);
  }
  return most;
}
