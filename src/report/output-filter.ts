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
  const composed: OutputFilter = (text, file) => active.reduce((acc, f) => f(acc, file), text);
  return (text, file) => (JSON_FILE.test(file) ? filterJsonText(text, file, composed) : composed(text, file));
}

const JSON_FILE = /\.(?:nd)?json$/i;
// A JSON string literal (never spans a line: JSON escapes its line breaks), or the end of a line inside an unclosed one.
const JSON_STRING = /"(?:[^"\\]|\\.)*(?:"|$)/g;
const JSON_BARE_LITERAL = /-?\d[\d.eE+-]*|\btrue\b|\bfalse\b|\bnull\b/g;

/**
 * JSON text filtered so that it stays JSON: string literals are filtered as they are, and a bare number or literal
 * the filter would change (a secret `123456` that is also a size, a DNI written as a number) becomes the filtered
 * text as a string literal — `[redacted]` unquoted would leave report.json unreadable, and its signature worthless.
 */
export function filterJsonText(text: string, file: string, filter: OutputFilter): string {
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      let last = 0;
      for (const match of line.matchAll(JSON_STRING)) {
        out += filterBare(line.slice(last, match.index), file, filter) + filter(match[0], file);
        last = match.index + match[0].length;
      }
      return out + filterBare(line.slice(last), file, filter);
    })
    .join('\n');
}

function filterBare(segment: string, file: string, filter: OutputFilter): string {
  if (segment === '') return segment;
  const quoted = segment.replace(JSON_BARE_LITERAL, (literal) => {
    const filtered = filter(literal, file);
    return filtered === literal ? literal : JSON.stringify(filtered);
  });
  // Then the segment whole: a `.json` file that is not JSON at all is still filtered everywhere.
  return filter(quoted, file);
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
