import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every test folder is removed when the test process exits, whichever test made it and however it ended, so a run of
// `npm test` leaves the system's temporary folder as it found it. SELLO_KEEP_TEST_DIRS=1 keeps them for a post-mortem.
const made = new Set<string>();
let removalRegistered = false;

function removeOnExit(dir: string): string {
  made.add(dir);
  if (!removalRegistered && process.env.SELLO_KEEP_TEST_DIRS !== '1') {
    removalRegistered = true;
    process.once('exit', () => {
      for (const path of made) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}

export async function tempDir(prefix: string): Promise<string> {
  return removeOnExit(await mkdtemp(join(tmpdir(), prefix)));
}

export function tempDirSync(prefix: string): string {
  return removeOnExit(mkdtempSync(join(tmpdir(), prefix)));
}
