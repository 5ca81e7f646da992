import { withBudget } from '../../../src/cucumber/timeouts.ts';

/*
 * Budgets of mx-ece steps and hooks, in the target's `timeouts`: a record is one request of up to requestMs (a
 * 50,000-note one included, RE-05); an export is a kick-off, polls Retry-After apart and the files, bounded by
 * exportMs (default 60 s). Sello's own bounded waits must end a step, never these.
 */

/** Loading a scene, asking for one record. */
export const REQUESTING = withBudget(6, 2, 60_000);
/** A 50,000-note history posted to a source's control API (test equipment, ~60 MB) may take this many requestMs. */
export const LARGE_LOAD_REQUESTS = 3;
/** A whole Bulk export, or a receiver told to run one. */
export const EXPORTING = withBudget(12, 4, 120_000);
/** Before: the deployment may start on first use. */
export const BEFORE = withBudget(3, 0, 60_000);
/** After: the wire of the scenario judged (a 50,000-note record and export files read back as streams). */
export const AFTER = withBudget(4, 1, 60_000);
