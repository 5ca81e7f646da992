import type { ExchangeJournal } from '../../../src/journal/journal.ts';

/** What every mx-ece reference role is started with: where it listens, what it journals, which defects it plants. */
export interface EceServerOptions {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  /** Planted faults of the role (profiles/planted-defects.json), to prove the suite catches a broken implementation. */
  faults?: readonly string[];
  /** Journal party of a client this process does not run (Sello's own clients journal themselves): the SUT's role. */
  externalParty?: string;
  /** Bound on each request this role sends (the target's requestMs). */
  timeoutMs?: number;
}
