import { randomUUID } from 'node:crypto';
import type { ExchangeEntry } from './exchange.ts';

export type NewExchange = Omit<ExchangeEntry, 'id'>;

/**
 * Append-only record of every exchange seen by Sello's clients and mocks in one process.
 * Scenarios take a `mark()` at their start and read `since(mark)` at the end, so evidence is per scenario
 * without clearing anything shared.
 */
export class ExchangeJournal {
  readonly #entries: ExchangeEntry[] = [];
  readonly #listeners = new Set<(entry: ExchangeEntry) => void>();

  record(exchange: NewExchange): ExchangeEntry {
    const entry: ExchangeEntry = { id: randomUUID(), ...exchange };
    this.#entries.push(entry);
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }

  mark(): number {
    return this.#entries.length;
  }

  since(mark: number): readonly ExchangeEntry[] {
    return this.#entries.slice(mark);
  }

  all(): readonly ExchangeEntry[] {
    return this.#entries;
  }

  onRecord(listener: (entry: ExchangeEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
