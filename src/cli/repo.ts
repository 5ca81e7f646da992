import { readFile } from 'node:fs/promises';

export { REPO_ROOT } from '../programs/layout.ts';

export async function seloVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
