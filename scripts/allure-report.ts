/** `npm run report:allure [RUN_DIR]`: the Allure HTML of a run (default: the latest), built offline with allure-commandline. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const runDir = resolve(process.argv[2] ?? join('reports', 'latest'));
const results = join(runDir, 'allure-results');
if (!existsSync(results)) {
  console.error(`no allure-results in ${runDir}: run \`npm start\` first, or name a run directory`);
  process.exit(4);
}
const allure = join(createRequire(import.meta.url).resolve('allure-commandline/package.json'), '..', 'dist', 'bin', 'allure');
const output = join(runDir, 'allure-report');
const result = spawnSync(allure, ['generate', results, '-o', output, '--clean'], { stdio: 'inherit' });
if (result.status === 0) console.log(`Allure report: ${join(output, 'index.html')}`);
process.exit(result.status ?? 1);
