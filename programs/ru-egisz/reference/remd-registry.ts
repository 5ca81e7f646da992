/**
 * What the reference REMD remembers: the wsa:MessageIDs it was sent while a reuse can matter (RR-05, message-id-memory.ts), each registration
 * from "accepted" to its outcome, the registry of documents it registered (RR-13 identity, RR-18 reads) with their
 * emdrIds, and the requests per clientEntityId in the last second (RR-16).
 */
import { messageIdKey } from '../../../src/soap/index.ts';
import type { RegisterDocumentMetadata, RegisterDocumentResult, RegistryItem, RegistrySearch } from '../lib/contract.ts';
import type { RegistrationCheck } from '../lib/semd-check.ts';
import type { Delivery } from './callback-delivery.ts';
import { MessageIdMemory } from './message-id-memory.ts';

export interface RemdRegistration {
  /** The registerDocument's wsa:MessageID, as the request spelled it. */
  messageId: string;
  clientEntityId: string;
  metadata: RegisterDocumentMetadata;
  receivedAt: string;
  state: 'processing' | 'registered' | 'refused';
  /** What the document check found (after any planted fault). */
  checks?: RegistrationCheck[];
  result?: RegisterDocumentResult;
  item?: RegistryItem;
  /** The callback's delivery; absent while processing, or when the callback is withheld. */
  delivery?: Delivery;
  withheld?: boolean;
}

const digitsOf = (snils: string): string => snils.replace(/\D/g, '');

export class RemdRegistry {
  readonly registrations: RemdRegistration[] = [];
  readonly #messageIds: MessageIdMemory;
  readonly #items = new Map<string, RegistryItem>();
  readonly #recent = new Map<string, number[]>();
  #serial = 14_000;

  constructor(
    private readonly clock: () => Date,
    /** How long a MessageID is remembered at least: past the settling of the registration it may have started. */
    messageIdWindowMs: number,
    /** Registrations kept: a REMD left running must not grow without end (the oldest is forgotten first). */
    private readonly max = 10_000,
  ) {
    this.#messageIds = new MessageIdMemory(() => clock().getTime(), messageIdWindowMs, max * 2);
  }

  /** Whether `id` was sent within the window (its UUID in either spelling counts as the same); remembers it either way. */
  seen(id: string): boolean {
    return this.#messageIds.seen(messageIdKey(id));
  }

  /** RR-16: whether one more request of `client`, received at `now`, would exceed `perSecond`; counts it when it would not. */
  overLimit(client: string, perSecond: number, now = this.clock().getTime()): boolean {
    const recent = (this.#recent.get(client) ?? []).filter((t) => now - t < 1000);
    const over = recent.length >= perSecond;
    if (!over) recent.push(now);
    this.#recent.set(client, recent);
    return over;
  }

  add(registration: RemdRegistration): void {
    this.registrations.push(registration);
    if (this.registrations.length > this.max) this.registrations.shift();
  }

  /** Whether a document with this localUid is registered already (RR-13): the uniqueness check's question. */
  registered(localUid: string): boolean {
    return [...this.#items.values()].some((i) => i.localUid === localUid);
  }

  /** An emdrId shaped like REMD's (`NN.NN.NN.NN.NNNNNNNNN`): region, service, year, month, serial. */
  nextEmdrId(): string {
    const now = this.clock();
    const yy = String(now.getUTCFullYear() % 100).padStart(2, '0');
    const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
    this.#serial++;
    return `77.01.${yy}.${mm}.${String(this.#serial).padStart(9, '0')}`;
  }

  store(item: RegistryItem): void {
    this.#items.set(item.emdrId, item);
    if (this.#items.size > this.max) this.#items.delete(this.#items.keys().next().value as string);
  }

  item(emdrId: string): RegistryItem | undefined {
    return this.#items.get(emdrId.trim());
  }

  /** RR-18: every registered document meeting every criterion given (dates inclusive, on creationDateTime's date). */
  search(s: RegistrySearch, options: { ignorePatientSnils?: boolean } = {}): RegistryItem[] {
    return [...this.#items.values()].filter((i) => {
      const day = i.creationDateTime.slice(0, 10);
      if (i.organization !== s.organization || day < s.dateFrom || day > s.dateTo) return false;
      if (s.kind !== undefined && i.kind !== s.kind) return false;
      if (s.patientSnils !== undefined && !options.ignorePatientSnils && digitsOf(i.patientSnils) !== digitsOf(s.patientSnils)) return false;
      return true;
    });
  }
}

/**
 * ISO 8601 with Moscow's offset (+03:00, no daylight saving since 2014), as REMD writes its dates; milliseconds kept, so
 * a registration date is never read as earlier than the request it answers.
 */
export function moscowIso(date: Date): string {
  const shifted = new Date(date.getTime() + 3 * 3_600_000);
  return `${shifted.toISOString().slice(0, 23)}+03:00`;
}
