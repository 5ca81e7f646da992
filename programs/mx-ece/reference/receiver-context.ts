import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import type { PgsCaller } from './pgs-client.ts';

/** What a receiver's transfer and export need: who it is, how it reaches ssa-pgs, its faults and its bounds. */
export interface ReceiverContext {
  journal: ExchangeJournal;
  faults: FaultSet;
  /** `ISSSTE` or `IMSS-BIENESTAR`: its X-Institucion. */
  institution: string;
  pgs: PgsCaller;
  timeoutMs: number;
  /** Bound on reading a whole record or file (a 50,000-note record takes longer than one small answer). */
  largeTimeoutMs: number;
  /** Longest a Bulk export may take, polls included, before it is reported fallido. */
  exportMs: number;
}
