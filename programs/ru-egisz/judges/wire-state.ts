/**
 * What judging the wire keeps across a worker's scenarios: one registration's callback, its file pull or its relay
 * may come in a later scenario than the registration, and a MessageID must be new across the whole run (RR-05). The
 * hooks judge the same scenario more than once (after a step, after the scenario): everything here is keyed by the
 * exchange it came from, so judging an exchange again changes nothing.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { messageIdKey } from '../../../src/soap/index.ts';
import { PARTY, RU_ROLES, type RuRole } from '../lib/contract.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import type { RegisterDocumentMetadata } from '../lib/register-document.ts';
import type { Registers } from '../lib/registers.ts';
import type { JudgedFinding } from './expectations.ts';

/** A registerDocument seen on the wire, whoever sent it (a stimulus's too: REMD's callback to it is judged). */
export interface SeenRegistration {
  exchangeId: string;
  /** The sender's party as journaled and, when it is a role, the role. */
  party: string;
  sender?: RuRole;
  receiver?: RuRole;
  messageId: string;
  clientEntityId?: string;
  metadata?: RegisterDocumentMetadata;
  startedAt: string;
  finishedAt: string;
  /** The synchronous answer accepted it (SOAP 1.2, 2xx, no Fault). */
  accepted: boolean;
  /** A callback status success relating to it was seen. */
  registered: boolean;
}

/** What one exchange showed once judged: its own findings (cached) and what cross-exchange checks need. */
export interface SeenExchange {
  /** Findings that depend on this exchange alone (and on registrations before it). */
  findings: JudgedFinding[];
}

export interface WireState {
  /** The role under test: an exchange a Sello mock journaled from a client it does not know is that role's. */
  sutRole?: RuRole;
  /** FRMO/FRMR the MIS's registrations are checked against (RR-12); without them RR-12 is not judged on the wire. */
  registers?: Registers;
  /** Reference books (loaded from the program's profiles when absent). */
  books?: ReferenceBooks;
  /** Request MessageIDs by sender role, as UUIDs (lower case) or the text when not one: the first exchange that used each. */
  messageIds: Map<RuRole, Map<string, { exchangeId: string; operation?: string; relatesTo?: string; body?: string }>>;
  /** Registrations by who received them and their MessageID (registrationKey): a gateway may reuse the MIS's MessageID. */
  registrations: Map<string, SeenRegistration>;
  /** Callbacks by `<sender>→<receiver>|<relatesToMessage>`: the first one, to compare repeats with (RR-15). */
  callbacks: Map<string, { exchangeId: string; messageId?: string; result: string }>;
  /** Exchanges judged, by id. */
  judged: Map<string, SeenExchange>;
}

export function newWireState(options: { sutRole?: RuRole; registers?: Registers; books?: ReferenceBooks } = {}): WireState {
  return { ...options, messageIds: new Map(), registrations: new Map(), callbacks: new Map(), judged: new Map() };
}

/** The key of a registration: its receiver (the party a callback about it comes from) and its MessageID's UUID. */
export const registrationKey = (receiver: string, messageId: string): string => `${receiver}|${messageIdKey(messageId)}`;

/** The role a journal party is, when it is one of the program's roles (not Sello's stimuli or control calls). */
export function roleOf(party: string | undefined): RuRole | undefined {
  return RU_ROLES.find((r) => PARTY[r] === party);
}

/**
 * Who sent an exchange's request: its party's role, or — when a Sello mock journaled a call from a client it does not
 * know (an external system under test names no party) — the role under test.
 */
export function senderOf(x: ExchangeEntry, state: Pick<WireState, 'sutRole'>): RuRole | undefined {
  const role = roleOf(x.from);
  if (role) return role;
  if (x.observedBy === 'server' && state.sutRole && !x.from.startsWith('sello')) return state.sutRole;
  return undefined;
}

/** Who answered an exchange: its receiving party's role (Sello's clients name the party they call). */
export function receiverOf(x: ExchangeEntry): RuRole | undefined {
  return roleOf(x.to);
}
