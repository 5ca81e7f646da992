import type { InfrastructureRecord } from '../report/model.ts';
import { isInfrastructureError } from '../transport/infrastructure-error.ts';

/** The typed record of an infrastructure failure a step threw, or undefined for any other error. */
export function infrastructureRecord(error: unknown): InfrastructureRecord | undefined {
  if (!isInfrastructureError(error)) return undefined;
  return {
    cause: error.cause_,
    endpoint: error.endpoint,
    message: error.message,
    ...(error.exchangeId ? { exchangeId: error.exchangeId } : {}),
  };
}
