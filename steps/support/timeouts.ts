import { setDefaultTimeout } from '@cucumber/cucumber';
import { readRunConfig, type RunConfig } from '../../src/run/run-config.ts';
import { DEFAULT_REQUEST_MS } from '../../src/transport/http-client.ts';

export { DEFAULT_REQUEST_MS };
/** Used when no target file says otherwise (reference runs, both programs). */
export const DEFAULT_PROPAGATION_MS = 5000;

export const requestMsOf = (run: RunConfig): number => run.target?.timeouts?.requestMs ?? DEFAULT_REQUEST_MS;
export const propagationMsOf = (run: RunConfig): number => run.target?.timeouts?.propagationMs ?? DEFAULT_PROPAGATION_MS;

/**
 * Cucumber's own limit on a step or hook. It must never be what ends a step: a SUT answering each of several calls
 * just within requestMs, or a propagation just within propagationMs, has to reach Sello's own timeouts (which are
 * findings or InfrastructureErrors with the exchange on the record), so the limit leaves room for six calls and two
 * propagation waits, and never less than a minute.
 */
export function hookTimeoutMs(run: RunConfig): number {
  return Math.max(60_000, 6 * requestMsOf(run) + 2 * propagationMsOf(run));
}

// Read at load time: cucumber fixes the default when the support code is built, before any world exists.
setDefaultTimeout(hookTimeoutMs(readRunConfig()));
