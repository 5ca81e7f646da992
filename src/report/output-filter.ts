import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/*
 * The last word on what leaves Sello: every file of a run or certification directory passes through one text filter
 * after everything is written and before anything is hashed and signed, whoever wrote it (report writers, cucumber's
 * formatters, allure-cucumberjs, evidence copies). Filters that scrub secrets by value and pseudonymise persons are
 * composed into it; report.json, written after the hashes, goes through the same filter as text.
 *
 * Files are rewritten line by line, so memory does not grow with evidence size: a filter must therefore look for
 * values that do not span lines (identifiers, names, secrets never contain a line break).
 */

/** A text transform applied to every line Sello writes; `file` is the run-relative path, for filters that care. */
export type OutputFilter = (text: string, file: string) => string;

export const identityFilter: OutputFilter = (text) => text;

export function composeFilters(...filters: (OutputFilter | undefined)[]): OutputFilter {
  const active = filters.filter((f): f is OutputFilter => f !== undefined);
  if (active.length === 0) return identityFilter;
  return (text, file) => active.reduce((acc, f) => f(acc, file), text);
}

async function filterFile(absolute: string, relative: string, filter: OutputFilter): Promise<boolean> {
  const tmp = `${absolute}.${process.pid}.filter.tmp`;
  const out = createWriteStream(tmp);
  let changed = false;
  let first = true;
  // crlfDelay: a CRLF is one line break, so a file keeps its line endings' count; the lone trailing newline is kept.
  const lines = createInterface({ input: createReadStream(absolute, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const filtered = filter(line, relative);
    if (filtered !== line) changed = true;
    const chunk = `${first ? '' : '\n'}${filtered}`;
    first = false;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  if (!changed) {
    await rm(tmp, { force: true });
    return false;
  }
  // readline drops the final line break; put it back when the file had one.
  if (await endsWithNewline(absolute)) await appendFile(tmp, '\n');
  await rename(tmp, absolute);
  return true;
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Runs `filter` over every regular file under `dir` (symlinks and special files are left for the manifest to refuse). Returns the files changed. */
export async function filterDirectory(dir: string, filter: OutputFilter): Promise<string[]> {
  if (filter === identityFilter) return [];
  const changed: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, absolute).split(path.sep).join('/');
    if (await filterFile(absolute, relative, filter)) changed.push(relative);
  }
  return changed.sort();
}
