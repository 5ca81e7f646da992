import type { RunConfig } from '../run/run-config.ts';
import { DEFAULT_REQUEST_MS } from '../transport/http-client.ts';

export { DEFAULT_REQUEST_MS };
/** Used when no target file says otherwise (reference runs). */
export const DEFAULT_PROPAGATION_MS = 5000;

export const requestMsOf = (run: RunConfig): number => run.target?.timeouts?.requestMs ?? DEFAULT_REQUEST_MS;
export const propagationMsOf = (run: RunConfig): number => run.target?.timeouts?.propagationMs ?? DEFAULT_PROPAGATION_MS;

/**
 * How long a step or hook may take, in the target's own units: so many requests of up to requestMs and so many
 * propagation waits of up to propagationMs, never less than floorMs. A step passes `{ wrapperOptions: { budget } }`.
 */
export interface StepBudget {
  requests: number;
  propagations: number;
  floorMs: number;
}

/**
 * The default: it must never be what ends a step. A SUT answering each of several calls just within requestMs, or a
 * propagation just within propagationMs, has to reach Sello's own timeouts (findings or InfrastructureErrors with the
 * exchange on the record), so it leaves room for six calls and two propagation waits, and never less than a minute.
 */
export const DEFAULT_BUDGET: StepBudget = { requests: 6, propagations: 2, floorMs: 60_000 };

export function budgetMs(run: RunConfig, budget: StepBudget = DEFAULT_BUDGET): number {
  return Math.max(budget.floorMs, budget.requests * requestMsOf(run) + budget.propagations * propagationMsOf(run));
}

/** Step options with a budget. */
export const withBudget = (requests: number, propagations: number, floorMs: number): { wrapperOptions: { budget: StepBudget } } => ({
  wrapperOptions: { budget: { requests, propagations, floorMs } },
});

/**
 * Cucumber's own limit, fixed when the support code loads (before the run configuration is known): only a backstop
 * above the largest budget a valid target file allows (requestMs ≤ 120 s, propagationMs ≤ 60 s); the budget above,
 * computed from the world parameters, is what ends a step.
 */
export const CUCUMBER_BACKSTOP_MS = 30 * 60_000;
