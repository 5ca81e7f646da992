/**
 * Runs a reference deployment in a process of its own, so a test can throw input at it that might kill the
 * process without killing the test runner. Prints one JSON line (endpoints, credentials) once it listens.
 */

import { startPgsDeployment } from '../../../programs/mx-pgs/reference/deployment.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';

const deployment = await startPgsDeployment({ journal: new ExchangeJournal() });
process.stdout.write(`${JSON.stringify({ endpoints: deployment.endpoints, credentials: deployment.credentials })}\n`);
process.once('SIGTERM', () => {
  void deployment.stop().then(() => process.exit(0));
});
