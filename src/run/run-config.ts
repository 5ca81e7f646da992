import type { TargetFile } from '../programs/program.ts';

/** What the CLI hands the scenarios: cucumber's world parameters `{ sello: RunConfig }` (parallel workers get them too). */
export interface RunConfig {
  runId: string;
  program: string;
  /** Synthetic identities derive from it: the same seed replays the same people. */
  seed: string;
  target?: TargetFile;
  /** Planted defects for reference implementations, by role (lower case): only Sello's own tests use them. */
  faults?: Record<string, string[]>;
  /** Where journals put the bodies they do not hold in memory: inside the run directory, removed before it is signed. */
  spillDir?: string;
}

export const worldParametersOf = (run: RunConfig): { sello: RunConfig } => ({ sello: run });

/** The run configuration from cucumber's world parameters; a run started without one is a programming error, said so. */
export function runConfigOf(parameters: unknown): RunConfig {
  const run = (parameters as { sello?: RunConfig } | undefined)?.sello;
  if (!run || typeof run.program !== 'string' || typeof run.seed !== 'string') {
    throw new Error('no Sello run configuration in the world parameters: scenarios run through `sello run`, which passes { sello: RunConfig }');
  }
  return run;
}
