import { withBudget } from '../../../src/cucumber/timeouts.ts';

/*
 * Budgets of ru-egisz steps and hooks, in the target's `timeouts`: a registration is a few requests of up to
 * requestMs, then REMD pulls the file and calls back (a propagation wait); retries of a callback take up to five
 * callbackMs. Sello's own bounded waits (findings or InfrastructureErrors on the record) must end a step, never these.
 */

/** A step that registers and may wait for the callback. */
export const REGISTERING = withBudget(6, 3, 60_000);
/** A step that watches a callback being repeated (up to 5 attempts, callbackMs apart) or a gateway timing out. */
export const RETRYING = withBudget(8, 6, 120_000);
/** Before: the deployment may start (RSA keys, XSD and Schematron) on first use. */
export const BEFORE = withBudget(3, 0, 90_000);
/** After: the wire of the scenario judged. */
export const AFTER = withBudget(2, 1, 30_000);
