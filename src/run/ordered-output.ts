/**
 * The output of several producers running at once, written as if they had run one after another: the first
 * unfinished producer in the given order writes through as it goes; the others are held until every producer before
 * them has finished, then written whole. A reader sees each program's block intact and in registry order, and the
 * block being worked on live.
 */
export class OrderedOutput {
  readonly #held: string[][];
  readonly #finished: boolean[];
  readonly #write: (text: string) => void;
  #current = 0;

  constructor(producers: number, write: (text: string) => void) {
    this.#held = Array.from({ length: producers }, () => []);
    this.#finished = Array.from({ length: producers }, () => false);
    this.#write = write;
  }

  write(producer: number, text: string): void {
    if (producer === this.#current) this.#write(text);
    else this.#held[producer]!.push(text);
  }

  /** The producer wrote its last: the ones after it that were held come out, up to the next one still running. */
  finish(producer: number): void {
    this.#finished[producer] = true;
    while (this.#current < this.#finished.length && this.#finished[this.#current]) {
      this.#current++;
      this.#flush(this.#current);
    }
  }

  #flush(producer: number): void {
    const held = this.#held[producer];
    if (!held) return;
    for (const text of held.splice(0)) this.#write(text);
  }
}
