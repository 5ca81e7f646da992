import { setDefinitionFunctionWrapper } from '@cucumber/cucumber';
import { isInfrastructureError } from '../../src/transport/infrastructure-error.ts';
import { INFRASTRUCTURE_MEDIA_TYPE, type InfrastructureRecord } from '../../src/report/model.ts';

interface Attaching {
  attach(data: string, mediaType: string): void | Promise<void>;
}

const canAttach = (x: unknown): x is Attaching => typeof (x as Attaching | undefined)?.attach === 'function';

export function infrastructureRecord(error: unknown): InfrastructureRecord | undefined {
  if (!isInfrastructureError(error)) return undefined;
  return {
    cause: error.cause_,
    endpoint: error.endpoint,
    message: error.message,
    ...(error.exchangeId ? { exchangeId: error.exchangeId } : {}),
  };
}

/*
 * Every step and hook is wrapped so that an InfrastructureError thrown anywhere below it (a transport, a mock's
 * client, a wait) is recognised by its type and reported as a typed attachment: the report makes the scenario
 * INCONCLUSIVE from that, never from the text of an error message. The error is rethrown: the step still fails.
 * Cucumber allows one wrapper per run; add to this one rather than setting another.
 */
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      return await fn.apply(this, args);
    } catch (error) {
      const record = infrastructureRecord(error);
      if (record && canAttach(this)) await this.attach(JSON.stringify(record), INFRASTRUCTURE_MEDIA_TYPE);
      throw error;
    }
  };
});
