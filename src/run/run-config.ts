import type { TargetFile } from '../config/target.ts';

/** What the CLI hands the scenario workers (through the environment, so parallel workers get it too). */
export interface RunConfig {
  runId: string;
  program: string;
  /** Synthetic identities derive from it: the same seed replays the same people. */
  seed: string;
  target?: TargetFile;
  /** Planted defects for reference implementations, by role key (mx-pgs `IMSS`, pe-ris `sihce`): only Sello's own tests use them. */
  faults?: Record<string, string[]>;
}

export const RUN_CONFIG_ENV = 'SELLO_RUN_CONFIG';

export function readRunConfig(env: NodeJS.ProcessEnv = process.env): RunConfig {
  const raw = env[RUN_CONFIG_ENV];
  if (!raw) return { runId: 'adhoc', program: 'mx-pgs', seed: 'sello' };
  return JSON.parse(raw) as RunConfig;
}
