import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Sello's folder in the user's cache (XDG_CACHE_HOME or ~/.cache): what one run learns that the next can reuse and
 * that no report may depend on. Anything kept there must be safe to lose and checked before it is trusted.
 */
export function selloCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sello');
}
