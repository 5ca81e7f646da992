/**
 * A membership pre-filter (Bloom filter, two hashes) over the CURPs the central index holds. The confronta looks up
 * every padrón line, and most name someone no institution reported: in a Map of a few hundred thousand CURPs each
 * lookup is a cache miss (measured at several hundred ns on a shared machine, most of a line's cost), while this
 * bit array stays in cache. "No" is certain; "maybe" goes on to the Map. It grows with the index, about 16 bits
 * a CURP, so false positives stay near 1 %.
 *
 * Keys are hashed as Latin-1 bytes, so a padrón line's CURP can be asked about where it lies in the upload
 * (mayHaveBytes) and gets the same answer as its string would.
 */

const MIN_BITS = 1 << 16;
/** Bits per key before the array doubles: two hashes at 16 bits a key give ~1.4 % false positives. */
const BITS_PER_KEY = 16;

/**
 * FNV-1a and a multiplicative hash over b[from, to), independent enough for two Bloom probes; one pass for both.
 * Returned through `hashes` so a probe allocates nothing.
 */
const hashes = new Uint32Array(2);
function hash(b: Uint8Array, from: number, to: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = (Math.imul(h2, 0x5bd1e995) + c) | 0;
  }
  hashes[0] = h1;
  hashes[1] = h2 ^ (h2 >>> 15);
}

/** A string key's Latin-1 bytes; any other character keeps its low byte, which only costs a false "maybe". */
const bytesOf = (key: string): Buffer => Buffer.from(key, 'latin1');

export class CurpFilter {
  #bits = new Uint32Array(MIN_BITS >>> 5);
  #mask = MIN_BITS - 1;
  #count = 0;

  /** `keys` re-adds every key when the array doubles; the filter keeps none itself. */
  constructor(private readonly keys: () => Iterable<string>) {}

  add(key: string): void {
    this.#count++;
    if (this.#count * BITS_PER_KEY > this.#mask + 1) {
      const size = (this.#mask + 1) * 2;
      this.#bits = new Uint32Array(size >>> 5);
      this.#mask = size - 1;
      for (const k of this.keys()) this.#set(k);
    }
    this.#set(key);
  }

  /** False only when `key` was never added. */
  mayHave(key: string): boolean {
    const b = bytesOf(key);
    return this.mayHaveBytes(b, 0, b.length);
  }

  /** mayHave of the Latin-1 text in b[from, to). */
  mayHaveBytes(b: Uint8Array, from: number, to: number): boolean {
    hash(b, from, to);
    const a = hashes[0]! & this.#mask;
    if ((this.#bits[a >>> 5]! & (1 << (a & 31))) === 0) return false;
    const c = hashes[1]! & this.#mask;
    return (this.#bits[c >>> 5]! & (1 << (c & 31))) !== 0;
  }

  #set(key: string): void {
    const b = bytesOf(key);
    hash(b, 0, b.length);
    const a = hashes[0]! & this.#mask;
    const c = hashes[1]! & this.#mask;
    this.#bits[a >>> 5]! |= 1 << (a & 31);
    this.#bits[c >>> 5]! |= 1 << (c & 31);
  }
}
