import { randomUUID } from 'node:crypto';
import type { ExchangeEntry, ExchangeMessage } from './exchange.ts';
import { type SpilledBody, SpillFile } from './spill.ts';
import { bodyTextOf, dropBodyText } from './text-body.ts';

export type NewExchange = Omit<ExchangeEntry, 'id'>;

/**
 * A body above this many bytes goes to the spill file as soon as it is recorded. The messages a certification
 * exchanges are a few KiB (a triage Bundle ~20 KiB); 64 KiB keeps them all in memory and sends every upload-sized
 * body (the mocks accept 1 MiB) to disk.
 */
export const JOURNAL_SPILL_THRESHOLD_BYTES = 64 * 1024;
/**
 * Bytes of bodies held in memory by one journal; past it the oldest in-memory bodies are spilled too. A full
 * certification holds under 5 MiB of bodies; 32 MiB is the heap a journal may cost whatever a peer sends.
 */
export const JOURNAL_MAX_BODY_BYTES_IN_MEMORY = 32 * 1024 * 1024;
/**
 * Entries held in memory. A certification records about 2,000; a mock left running (`sello mocks`) has no scenario
 * reading its journal and would otherwise keep every request it ever answered. Past this, the oldest entries that no
 * live mark covers are dropped from memory (a spilled body stays in the spill file).
 */
export const JOURNAL_MAX_ENTRIES_IN_MEMORY = 20_000;
/**
 * Entries held that no live mark covers (none when no scenario runs: `sello mocks`, a bench): nobody will read them
 * by `since()`, so only the latest few stay, for `all()` (a retry looking up its last failure). Every entry a mock
 * keeps long enough survives the young generation and is copied into the old one: keeping 20,000 cost a loaded mock a
 * third of its CPU, and 1,000 (a tenth of a second of a loaded mock's answers) still cost it a fifth against 100
 * (mx-pgs consulta, bench/mock-throughput.ts: CPU per answer 0.70 → 0.90 of bare hapi's). Past this the oldest
 * unmarked entries are dropped (a spilled body stays in the spill file).
 */
export const JOURNAL_MAX_UNMARKED_ENTRIES = 100;
/** Bytes the spill file may grow to; past it a large body is not kept, and its entry says so (`bodyOmitted`). */
export const JOURNAL_MAX_SPILL_BYTES = 1024 ** 3;
/**
 * Marks that protect their entries from being dropped. A worker runs one scenario at a time and takes one mark per
 * scenario, so a mark is done with once a few newer ones exist, whether or not anyone called release().
 */
export const JOURNAL_LIVE_MARKS = 8;

export interface JournalLimits {
  spillThresholdBytes?: number;
  maxBodyBytesInMemory?: number;
  maxEntriesInMemory?: number;
  maxUnmarkedEntries?: number;
  maxSpillBytes?: number;
  /** Directory of the spill file; default a temp directory removed when the process exits. */
  spillDir?: string;
}

/**
 * Append-only record of every exchange seen by Sello's clients and mocks in one process.
 * Scenarios take a `mark()` at their start and read `since(mark)` at the end, so evidence is per scenario
 * without clearing anything shared. Memory is bounded (see the JOURNAL_* limits): large bodies live in a spill file
 * and are read back when a reader touches `body`, so what a scenario reads is what was on the wire.
 */
export class ExchangeJournal {
  readonly #entries: ExchangeEntry[] = [];
  /** Bytes of body each entry holds in memory, parallel to #entries. */
  readonly #inMemory: number[] = [];
  /** Sequence number of #entries[0]: marks stay valid when old entries are dropped. */
  #base = 0;
  #bodyBytes = 0;
  /** No entry before this index holds a body in memory. */
  #spillCursor = 0;
  #liveMarks: number[] = [];
  readonly #listeners = new Set<(entry: ExchangeEntry) => void>();
  readonly #limits: Required<Omit<JournalLimits, 'spillDir'>>;
  readonly #spill: SpillFile;

  constructor(limits: JournalLimits = {}) {
    this.#limits = {
      spillThresholdBytes: limits.spillThresholdBytes ?? JOURNAL_SPILL_THRESHOLD_BYTES,
      maxBodyBytesInMemory: limits.maxBodyBytesInMemory ?? JOURNAL_MAX_BODY_BYTES_IN_MEMORY,
      maxEntriesInMemory: limits.maxEntriesInMemory ?? JOURNAL_MAX_ENTRIES_IN_MEMORY,
      maxUnmarkedEntries: limits.maxUnmarkedEntries ?? JOURNAL_MAX_UNMARKED_ENTRIES,
      maxSpillBytes: limits.maxSpillBytes ?? JOURNAL_MAX_SPILL_BYTES,
    };
    this.#spill = new SpillFile(limits.spillDir);
  }

  record(exchange: NewExchange): ExchangeEntry {
    const entry: ExchangeEntry = { id: randomUUID(), ...exchange };
    let held = 0;
    for (const message of [entry.request, entry.response]) if (message) held += this.#keep(message);
    this.#entries.push(entry);
    this.#inMemory.push(held);
    this.#bodyBytes += held;
    this.#spillOldest();
    this.#dropOldest();
    for (const listener of this.#listeners) listener(entry);
    return entry;
  }

  mark(): number {
    const mark = this.#base + this.#entries.length;
    this.#liveMarks.push(mark);
    if (this.#liveMarks.length > JOURNAL_LIVE_MARKS) this.#liveMarks.shift();
    return mark;
  }

  /** The scenario of `mark` is done: its entries may be dropped from memory (JOURNAL_MAX_UNMARKED_ENTRIES). */
  release(mark: number): void {
    const at = this.#liveMarks.indexOf(mark);
    if (at >= 0) this.#liveMarks.splice(at, 1);
  }

  /** Entries from `mark` on; of a mark no longer live, those still in memory. */
  since(mark: number): readonly ExchangeEntry[] {
    return this.#entries.slice(Math.max(0, mark - this.#base));
  }

  /** The entries in memory: every entry of a live mark, and the latest JOURNAL_MAX_UNMARKED_ENTRIES before them. */
  all(): readonly ExchangeEntry[] {
    return this.#entries;
  }

  /** Bodies held in memory, in bytes, and entries dropped from memory so far. */
  get stats(): { entries: number; dropped: number; bodyBytesInMemory: number; spilledBytes: number } {
    return { entries: this.#entries.length, dropped: this.#base, bodyBytesInMemory: this.#bodyBytes, spilledBytes: this.#spill.size };
  }

  onRecord(listener: (entry: ExchangeEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Removes the spill file (of a temp directory: the directory too). Bodies not read by then are gone. */
  close(): void {
    this.#spill.close();
  }

  /** Spills `message`'s body if it is large; returns the bytes it keeps in memory. */
  #keep(message: ExchangeMessage): number {
    // A tapped (streamed) body is on disk already: reading it back to measure it would pull it into the heap.
    if (message.spilled) return 0;
    const body = measure(message);
    if (!body) return 0;
    if (body.bytes <= this.#limits.spillThresholdBytes) return body.bytes;
    this.#spillBody(message, body);
    return 0;
  }

  #spillBody(message: ExchangeMessage, body: { text: string; bytes: number; kind: SpilledBody['kind'] }): void {
    if (this.#spill.size + body.bytes > this.#limits.maxSpillBytes) {
      message.body = undefined;
      message.bodyOmitted = `body of ${body.bytes} bytes not kept: the journal's spill file reached ${this.#limits.maxSpillBytes} bytes`;
      return;
    }
    const ref = this.#spill.write(body.text, body.kind);
    const spill = this.#spill;
    Object.defineProperty(message, 'spilled', { value: ref, enumerable: false, configurable: true });
    // Read back on each access and not cached, so a reader holding the entry does not pin the body.
    Object.defineProperty(message, 'body', { get: () => spill.read(ref), enumerable: true, configurable: true });
    dropBodyText(message);
  }

  #spillOldest(): void {
    while (this.#bodyBytes > this.#limits.maxBodyBytesInMemory && this.#spillCursor < this.#entries.length) {
      const i = this.#spillCursor++;
      if (this.#inMemory[i] === 0) continue;
      const entry = this.#entries[i]!;
      for (const message of [entry.request, entry.response]) {
        const body = message && !message.spilled ? measure(message) : undefined;
        if (message && body) this.#spillBody(message, body);
      }
      this.#bodyBytes -= this.#inMemory[i]!;
      this.#inMemory[i] = 0;
    }
  }

  #dropOldest(): void {
    const { maxEntriesInMemory: max, maxUnmarkedEntries: maxUnmarked } = this.#limits;
    // Entries before the oldest live mark are no running scenario's: those may go, oldest first, never a later one.
    const unmarked = this.#liveMarks.length > 0 ? Math.max(0, Math.min(...this.#liveMarks) - this.#base) : this.#entries.length;
    // In batches (down to 90% of a limit at once), so a full journal does not shift its arrays on every record.
    const overTotal = this.#entries.length > max ? this.#entries.length - Math.floor(max * 0.9) : 0;
    const overUnmarked = unmarked > maxUnmarked + Math.ceil(maxUnmarked / 10) ? unmarked - Math.floor(maxUnmarked * 0.9) : 0;
    const count = Math.min(Math.max(overTotal, overUnmarked), unmarked);
    if (count <= 0) return;
    this.#entries.splice(0, count);
    for (const bytes of this.#inMemory.splice(0, count)) this.#bodyBytes -= bytes;
    this.#base += count;
    this.#spillCursor = Math.max(0, this.#spillCursor - count);
  }
}

function measure(message: ExchangeMessage): { text: string; bytes: number; kind: SpilledBody['kind'] } | undefined {
  // A body journaled as text (a mock's): measured as it is, never parsed to be serialised again.
  const journaled = bodyTextOf(message);
  if (journaled) return { text: journaled.text, kind: journaled.kind, bytes: Buffer.byteLength(journaled.text) };
  const body = message.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return { text: body, bytes: Buffer.byteLength(body), kind: 'text' };
  try {
    const text = JSON.stringify(body);
    return text === undefined ? undefined : { text, bytes: Buffer.byteLength(text), kind: 'json' };
  } catch {
    // Not serialisable (a cycle, a BigInt): it could not reach the report either; it stays as given.
    return undefined;
  }
}
