import type { ExchangeJournal } from '../../../src/journal/journal.ts';

/** What every ru-egisz reference role is started with: where it listens, what it journals, which defects it plants. */
export interface ReferenceServerOptions {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  /** Planted faults of the role (its *_FAULTS), for proving the suite catches a broken implementation. */
  faults?: readonly string[];
  /** Journal party of a client this process does not run (Sello's own clients journal themselves): the SUT's role. */
  externalParty?: string;
}
