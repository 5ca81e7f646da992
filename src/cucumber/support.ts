import { AfterAll, BeforeAll, setDefaultTimeout, setDefinitionFunctionWrapper, setWorldConstructor } from '@cucumber/cucumber';
import { removeSpills, spillInto } from '../journal/spill.ts';
import { INFRASTRUCTURE_MEDIA_TYPE } from '../report/model.ts';
import { runConfigOf } from '../run/run-config.ts';
import { infrastructureRecord } from './infrastructure.ts';
import { budgetMs, CUCUMBER_BACKSTOP_MS, type StepBudget } from './timeouts.ts';
import { SelloWorld } from './world.ts';

interface Attaching {
  attach(data: string, mediaType: string): void | Promise<void>;
}

const canAttach = (x: unknown): x is Attaching => typeof (x as Attaching | undefined)?.attach === 'function';

export class StepBudgetExceeded extends Error {
  override name = 'StepBudgetExceeded';
}

/**
 * What every program's steps need from Sello, registered on the support code being built: a program's steps call it
 * once (programs/<id>/steps/sello.ts). It is a call and not an import side effect because one process may build the
 * support code of several programs in turn, and a module runs its top level only once.
 *
 * Every step and hook is wrapped so that
 * - an InfrastructureError thrown anywhere below it is recognised by its type and attached as a typed record: the
 *   report makes the scenario INCONCLUSIVE from that, never from the text of an error message (the error is rethrown);
 * - it ends at its budget, computed from the run configuration in the world parameters (`this.parameters`, which
 *   BeforeAll/AfterAll hooks have too), with a message that says what it waited for.
 */
export function installSelloSupport(): void {
  setWorldConstructor(SelloWorld);
  // Journals of this process (the steps' and the reference mocks') spill into the run directory, and are gone when the
  // scenarios are: the run directory is then hashed and signed, and a spill is memory on disk, not evidence.
  BeforeAll(function (this: { parameters?: unknown }) {
    spillInto(runConfigOf(this.parameters).spillDir);
  });
  AfterAll(() => {
    removeSpills();
    spillInto(undefined);
  });
  setDefaultTimeout(CUCUMBER_BACKSTOP_MS);
  setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown, options?: { budget?: StepBudget }) => {
    return async function (this: { parameters?: unknown }, ...args: unknown[]): Promise<unknown> {
      const limit = budgetMs(runConfigOf(this.parameters), options?.budget);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new StepBudgetExceeded(
                `step did not finish within ${limit} ms, its budget from the target's timeouts (${JSON.stringify(options?.budget ?? 'default')}); it was still waiting for its last call or condition`,
              ),
            ),
          limit,
        );
      });
      try {
        return await Promise.race([fn.apply(this, args), expired]);
      } catch (error) {
        const record = infrastructureRecord(error);
        if (record && canAttach(this)) await this.attach(JSON.stringify(record), INFRASTRUCTURE_MEDIA_TYPE);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    };
  });
}
