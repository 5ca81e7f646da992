/**
 * `npm run report:allure [RUN_DIR]`: the Allure HTML of a run (default: the latest), built offline with allure-commandline.
 * A run over every program keeps each program's allure-results in its own run directory; one report is built from all
 * of them, so that every program's scenarios are in it (their results carry the program as parentSuite and epic label).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The run's allure-results directories: its own, or, for a certification directory, each program's. */
export function allureResultsDirs(runDir: string): string[] {
  const own = join(runDir, 'allure-results');
  if (existsSync(own)) return [own];
  return readdirSync(runDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(runDir, e.name, 'allure-results')))
    .map((e) => join(runDir, e.name, 'allure-results'))
    .sort();
}

function main(): number {
  const runDir = resolve(process.argv[2] ?? join('reports', 'latest'));
  const results = existsSync(runDir) ? allureResultsDirs(runDir) : [];
  if (results.length === 0) {
    console.error(`no allure-results in ${runDir}: run \`npm start\` first, or name a run directory`);
    return 4;
  }
  const allure = join(createRequire(import.meta.url).resolve('allure-commandline/package.json'), '..', 'dist', 'bin', 'allure');
  // At the run directory's root: `sello verify` ignores allure-report/ there, it is derived from the signed results.
  const output = join(runDir, 'allure-report');
  const result = spawnSync(allure, ['generate', ...results, '-o', output, '--clean'], { stdio: 'inherit' });
  if (result.status === 0) console.log(`Allure report: ${join(output, 'index.html')}`);
  return result.status ?? 1;
}

// Imported by the tests for allureResultsDirs; run as a script, it builds the report.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exit(main());
