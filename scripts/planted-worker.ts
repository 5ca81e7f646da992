/**
 * One process of the planted-defect self-test's pool (scripts/planted-defects.ts): it runs `sello run` argument lists
 * sent over IPC one after another, each through the CLI's own entry point, and answers with the exit code. A process
 * boots Node, tsx and the programs' modules once (~2 s of CPU) instead of once per defect; each run starts its own
 * deployment with its own faults and stops it in its AfterAll, as `sello run` over every program does.
 */
import { main } from '../src/cli/main.ts';

export interface PlantedRunRequest {
  id: number;
  args: string[];
}

export interface PlantedRunAnswer {
  id: number;
  code: number;
}

if (!process.send) throw new Error('scripts/planted-worker.ts runs under scripts/planted-defects.ts, which talks to it over IPC');

let queue = Promise.resolve();
process.on('message', (request: PlantedRunRequest) => {
  // One run at a time: each run owns the process's deployments and journals until its AfterAll.
  queue = queue.then(async () => {
    const code = await main(request.args).catch((error: unknown) => {
      console.error(error);
      return 1;
    });
    process.send!({ id: request.id, code } satisfies PlantedRunAnswer);
  });
});
// The pool closes the channel when it has no more work for this process.
process.on('disconnect', () => {
  void queue.then(() => process.exit(0));
});
