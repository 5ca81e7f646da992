/**
 * Deterministic pseudo-random numbers for synthetic test data.
 *
 * cyrb128 turns the seed into 128 bits and sfc32 (both public-domain, from bryc's
 * "PRNGs" collection) draws from them. Not cryptographic: it only has to make the same
 * seed replay the same scenario on every machine and Node version, which Math.random cannot.
 */

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class SeededRandom {
  /** The derivation path of this stream; forks extend it instead of reading the current state. */
  private key: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A number seed is used through its decimal text, so `42` and `'42'` give the same stream. */
  constructor(seed: string | number) {
    // Root keys and fork keys ('[...]') live in disjoint spaces, so no seed string can replay a fork.
    this.key = `seed:${String(seed)}`;
    [this.a, this.b, this.c, this.d] = [0, 0, 0, 0];
    this.reseed(this.key);
  }

  private reseed(key: string): void {
    this.key = key;
    [this.a, this.b, this.c, this.d] = cyrb128(key);
    // sfc32's first outputs are visibly correlated for closely related seeds (e.g. 'a' and 'b').
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    // sfc32
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number {
    if (!Number.isSafeInteger(minInclusive) || !Number.isSafeInteger(maxInclusive)) {
      throw new RangeError(`SeededRandom.int needs integer bounds, got ${minInclusive} and ${maxInclusive}`);
    }
    if (minInclusive > maxInclusive) {
      throw new RangeError(`SeededRandom.int: min ${minInclusive} > max ${maxInclusive}`);
    }
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('SeededRandom.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A UUID v4-shaped identifier from this stream: message ids that replay with the seed. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    hex[12] = '4';
    hex[16] = (8 + this.int(0, 3)).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /**
   * An independent stream derived from this stream's seed path and `label` only, never from
   * how many draws were made: adding a draw to one scenario must not reshuffle the others.
   */
  fork(label: string): SeededRandom {
    // JSON keeps the path unambiguous: fork('a/b') and fork('a').fork('b') must differ.
    const child = new SeededRandom(0);
    child.reseed(JSON.stringify([this.key, label]));
    return child;
  }
}
