import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Every program is a folder here, named by its id (programs.json lists those a run certifies). */
export const PROGRAMS_ROOT = join(REPO_ROOT, 'programs');
export const programProfilesDir = (id: string): string => join(PROGRAMS_ROOT, id, 'profiles');
