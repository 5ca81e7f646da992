import { readRunConfig } from '../../src/run/run-config.ts';

/**
 * Cucumber's limits on pe-ris steps and hooks, from the target's `timeouts`: a step may make several calls that each
 * take up to requestMs and wait up to propagationMs a few times (a receiver down for seconds, then retries), and it
 * is Sello's own bounded waits — findings or InfrastructureErrors on the record — that must end it, never cucumber.
 */
const run = readRunConfig();
export const REQUEST_MS = run.target?.timeouts?.requestMs ?? 10_000;
export const PROPAGATION_MS = run.target?.timeouts?.propagationMs ?? 5000;

const limit = (requests: number, propagations: number, floor: number): number => Math.max(floor, requests * REQUEST_MS + propagations * PROPAGATION_MS);

/** A step that waits for something to propagate (notifications, the engine's messages). */
export const WAITING = { timeout: limit(6, 4, 75_000) };
/** A step whose receiver may sit on a broken frame until its frame timeout, then answer. */
export const FRAMING = { timeout: limit(3, 0, 30_000) };
/** Before: the deployment may start (and subscribe) on first use. */
export const BEFORE = { timeout: limit(3, 0, 30_000) };
/** After: roles brought back up, notifiers drained. */
export const AFTER = { timeout: limit(2, 1, 15_000) };
