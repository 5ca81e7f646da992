import { withBudget } from '../../../src/cucumber/timeouts.ts';

/*
 * Budgets of pe-ris steps and hooks, in the target's `timeouts`: a step may make several calls that each take up to
 * requestMs and wait up to propagationMs a few times (a receiver down for seconds, then retries), and it is Sello's
 * own bounded waits — findings or InfrastructureErrors on the record — that must end it, never the budget.
 */

/** A step that waits for something to propagate (notifications, the engine's messages). */
export const WAITING = withBudget(6, 4, 75_000);
/** A step whose receiver may sit on a broken frame until its frame timeout, then answer. */
export const FRAMING = withBudget(3, 0, 30_000);
/** Before: the deployment may start (and subscribe) on first use. */
export const BEFORE = withBudget(3, 0, 30_000);
/** After: roles brought back up, notifiers drained. */
export const AFTER = withBudget(2, 1, 15_000);
