/**
 * A membership pre-filter (Bloom filter, two hashes) over the CURPs the central index holds. The confronta looks up
 * every padrón line, and most name someone no institution reported: in a Map of a few hundred thousand CURPs each
 * lookup is a cache miss (measured at several hundred ns on a shared machine, most of a line's cost), while this
 * bit array stays in cache. "No" is certain; "maybe" goes on to the Map. It grows with the index, about 16 bits
 * a CURP, so false positives stay near 1 %.
 */

const MIN_BITS = 1 << 16;
/** Bits per key before the array doubles: two hashes at 16 bits a key give ~1.4 % false positives. */
const BITS_PER_KEY = 16;

/** FNV-1a over the UTF-16 code units. */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A multiplicative hash, independent enough of FNV for two Bloom probes. */
function hashB(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 0x5bd1e995) + s.charCodeAt(i)) | 0;
  return (h ^ (h >>> 15)) >>> 0;
}

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
    const a = hashA(key) & this.#mask;
    if ((this.#bits[a >>> 5]! & (1 << (a & 31))) === 0) return false;
    const b = hashB(key) & this.#mask;
    return (this.#bits[b >>> 5]! & (1 << (b & 31))) !== 0;
  }

  #set(key: string): void {
    const a = hashA(key) & this.#mask;
    const b = hashB(key) & this.#mask;
    this.#bits[a >>> 5]! |= 1 << (a & 31);
    this.#bits[b >>> 5]! |= 1 << (b & 31);
  }
}
