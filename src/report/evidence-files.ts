import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { redactRecordedHeaders, redactUrl } from '../util/redaction.ts';
import type { ExchangeEntry, ScenarioExchange } from './model.ts';

/*
 * The files of a run directory's evidence: exchanges with credentials redacted, journals copied in through the same
 * redaction, and atomic writes so that CI never picks up a half-written file.
 */

/**
 * Evidence is handed to vendors and regulators: live credentials of the SUT or of Sello must not
 * travel with it. Bodies are kept verbatim since they are what the rules judged.
 */
export function redactExchange(e: ExchangeEntry): ExchangeEntry {
  const out: ExchangeEntry = { ...e };
  if (typeof e.url === 'string') out.url = redactUrl(e.url);
  if (e.request && typeof e.request === 'object') out.request = { ...e.request, headers: redactRecordedHeaders(e.request.headers) as Record<string, string> };
  if (e.response && typeof e.response === 'object') out.response = { ...e.response, headers: redactRecordedHeaders(e.response.headers) as Record<string, string> };
  return out;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Write-then-rename so that CI never picks up a half-written report. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, file);
}

/**
 * Files that live outside the report directory are copied in, so the directory alone is the
 * complete, portable evidence package.
 */
export async function placeEvidence(outDir: string, file: string, targetName: string, used: Set<string>): Promise<string> {
  const abs = path.resolve(file);
  const rel = path.relative(outDir, abs);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return toPosix(rel);
  let name = targetName;
  for (let i = 2; used.has(name); i++) {
    const ext = path.extname(targetName);
    name = `${targetName.slice(0, targetName.length - ext.length)}-${i}${ext}`;
  }
  used.add(name);
  await mkdir(path.join(outDir, 'evidence', path.dirname(name)), { recursive: true });
  await copyFile(abs, path.join(outDir, 'evidence', name));
  return `evidence/${toPosix(name)}`;
}

/** Journals are copied line by line through the same redaction as attached exchanges. */
export async function writeRedactedJournal(outDir: string, file: string, used: Set<string>): Promise<string> {
  const base = path.basename(file);
  let name = `journal/${base}`;
  for (let i = 2; used.has(name); i++) name = `journal/${i}-${base}`;
  used.add(name);
  const target = path.join(outDir, 'evidence', name);
  await mkdir(path.dirname(target), { recursive: true });
  // Via a temp file: the journal may already sit at the target path.
  const tmp = `${target}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const closed = once(out, 'close');
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    let text = line;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        text = JSON.stringify(redactExchange(parsed as ExchangeEntry));
      }
    } catch {
      // Not JSON: nothing structured to redact, keep the line as recorded.
    }
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await closed;
  await rename(tmp, target);
  return `evidence/${name}`;
}

export async function writeExchanges(file: string, exchanges: Iterable<ScenarioExchange>): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const closed = once(out, 'close');
  for (const x of exchanges) {
    if (!out.write(`${JSON.stringify(x)}\n`)) await once(out, 'drain');
  }
  out.end();
  await closed;
}
