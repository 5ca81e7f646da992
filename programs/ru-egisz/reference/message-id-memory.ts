/**
 * The wsa:MessageIDs REMD remembers to refuse a reused one (RR-05, WRONG_MESSAGE_ID), bounded: a MessageID matters
 * while something can still be related to it — the synchronous answer, and a registration's callback until the
 * registration settles (the file pull, then RR-15's attempts). Each is remembered for at least `windowMs` after it
 * was last sent (REMD sets it past that settling), in two generations of at most `capacity` each, so memory stays
 * bounded however many requests come; only a rate above `capacity` per `windowMs` shortens the window, to whatever
 * `capacity` new MessageIDs take to arrive.
 */
export class MessageIdMemory {
  #current = new Set<string>();
  #previous = new Set<string>();
  #since: number;

  constructor(
    private readonly now: () => number,
    readonly windowMs: number,
    readonly capacity: number,
  ) {
    this.#since = now();
  }

  /** Whether `key` was sent within the window; remembers it either way. */
  seen(key: string): boolean {
    const now = this.now();
    if (now - this.#since >= this.windowMs || this.#current.size >= this.capacity) {
      this.#previous = this.#current;
      this.#current = new Set();
      this.#since = now;
    }
    const before = this.#current.has(key) || this.#previous.has(key);
    this.#current.add(key);
    return before;
  }

  /** MessageIDs held now: never more than twice `capacity`. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
