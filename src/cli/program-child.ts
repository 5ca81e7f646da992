import { type ProgramJob, type ProgramOutcome, runProgramJob } from './run-command.ts';
import { type ChildMessage, sendableError } from './side-by-side.ts';

/*
 * One program of a run over every program, in a process of its own (side-by-side.ts): it takes one job over the IPC
 * channel, runs the program as `sello run` would in its own process, and answers with the outcome or the error.
 */
let answered = false;

// The run's own process is gone before this program answered (killed, or interrupted): nobody will read the outcome,
// and a program left running would hold its ports and CPU for nothing.
process.once('disconnect', () => {
  if (!answered) process.exit(130);
});

process.once('message', async (job: ProgramJob) => {
  let answer: ChildMessage<ProgramOutcome>;
  try {
    answer = { outcome: await runProgramJob(job) };
  } catch (error) {
    answer = { error: sendableError(error) };
  }
  answered = true;
  process.send!(answer, () => {
    process.disconnect();
    // A handle a library left open must not keep a finished program's process, and the whole run, waiting.
    setTimeout(() => process.exit(), 5000).unref();
  });
});
