import { readRunConfig } from '../../src/run/run-config.ts';

/**
 * Hook and step limits derived from the target's timeouts, read once when the step files load (cucumber fixes a
 * hook's timeout at definition): a SUT answering within requestMs must never be cut by a fixed limit of ours.
 */
const timeouts = readRunConfig().target?.timeouts;
export const requestMs = timeouts?.requestMs ?? 10_000;
export const propagationMs = timeouts?.propagationMs ?? 5000;

/** A limit for work that makes up to `requests` sequential calls and may wait `propagations` times for the index. */
export function budgetMs(requests: number, propagations = 0): number {
  return requests * requestMs + propagations * propagationMs + 5000;
}
