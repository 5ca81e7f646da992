// Support code added to the parallel fixture run of read-messages.test.ts only. Its test cases sleep 40 ms, but a
// worker that starts late on a loaded machine (seen with 2 cores and 3 test files at once) finds the other one done
// with every test case: the run does not interleave, whatever the reader does. So each worker holds its first test
// case open until the message file the coordinator writes holds a test case started by the other worker. Reading that
// file, not a marker of the worker's own, is what makes the overlap certain in the message stream itself: this test
// case's testCaseFinished is sent only after the other worker's testCaseStarted has been written.
import { readFile } from 'node:fs/promises';
import { Before } from '@cucumber/cucumber';

const MESSAGES = 'cucumber-messages.ndjson'; // in the run's cwd: runCucumberFixture writes it there
const me = process.env.CUCUMBER_WORKER_ID;
let waited = false;

async function otherWorkerStarted() {
  const text = await readFile(MESSAGES, 'utf8').catch(() => '');
  return text.split('\n').some((line) => {
    if (!line.includes('"testCaseStarted"')) return false;
    try {
      const { testCaseStarted } = JSON.parse(line);
      return testCaseStarted.workerId !== undefined && testCaseStarted.workerId !== me;
    } catch {
      return false; // the last line, half written
    }
  });
}

Before({ timeout: 60_000 }, async function () {
  if (me === undefined || waited) return;
  waited = true;
  while (!(await otherWorkerStarted())) await new Promise((resolve) => setTimeout(resolve, 10));
});
