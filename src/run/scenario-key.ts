import { createHash } from 'node:crypto';

/** The parts of a cucumber pickle that identify a scenario from its source alone. */
export interface PickleLike {
  uri: string;
  name: string;
  steps: readonly { text: string; argument?: unknown }[];
}

/**
 * A key for a scenario that is the same in every run of the same feature files: cucumber's pickle and AST ids are
 * random UUIDs, so a key mixing them in gives other synthetic people on every run and `--seed` replays nothing.
 * The steps' text (with their tables and doc strings) separates the rows of a Scenario Outline, which share a name.
 */
export function stableScenarioKey(pickle: PickleLike): string {
  const steps = createHash('sha256')
    .update(JSON.stringify(pickle.steps.map((s) => [s.text, s.argument ?? null])))
    .digest('hex')
    .slice(0, 16);
  return `${pickle.uri}:${pickle.name}:${steps}`;
}
