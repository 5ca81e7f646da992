import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { IntegrityFile } from '../model.ts';

/*
 * What a signed directory holds. Only regular files and directories belong there: a symlink can be re-pointed
 * without changing a byte of the directory, a FIFO or device reads differently each time, and a leftover `*.tmp` is
 * a write that never finished. Those are refused (named, never hashed), wherever they are.
 */

export interface Refused {
  path: string;
  why: string;
}

export interface Listing {
  /** Regular files, relative and `/`-separated, sorted. */
  files: string[];
  refused: Refused[];
}

export interface ListOptions {
  /** Paths (relative, `/`-separated) that are not listed: the signed document itself and its signature. */
  exclude?: ReadonlySet<string>;
  /** Directories not listed but still searched for refused entries (derived output built after signing). */
  unlisted?: (rel: string) => boolean;
  /** Directories left out altogether (each program's run directory, verified on its own). */
  skip?: (rel: string) => boolean;
}

function kindOf(e: Dirent): string | undefined {
  if (e.isSymbolicLink()) return 'a symbolic link';
  if (e.isFIFO()) return 'a FIFO (named pipe)';
  if (e.isSocket()) return 'a socket';
  if (e.isBlockDevice() || e.isCharacterDevice()) return 'a device file';
  if (!e.isFile() && !e.isDirectory()) return 'not a regular file';
  return undefined;
}

export async function listDirectory(dir: string, options: ListOptions = {}): Promise<Listing> {
  const files: string[] = [];
  const refused: Refused[] = [];
  const walk = async (rel: string, listed: boolean): Promise<void> => {
    const entries = await readdir(rel === '' ? dir : path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      const kind = kindOf(e);
      if (kind) refused.push({ path: r, why: kind });
      else if (e.isDirectory()) {
        if (options.skip?.(r)) continue;
        await walk(r, listed && !options.unlisted?.(r));
      } else if (e.name.endsWith('.tmp')) refused.push({ path: r, why: 'a leftover temporary file' });
      else if (listed && !options.exclude?.has(r)) files.push(r);
    }
  };
  await walk('', true);
  files.sort();
  refused.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, refused };
}

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function hashFiles(dir: string, files: readonly string[]): Promise<IntegrityFile[]> {
  const out: IntegrityFile[] = [];
  for (const p of files) out.push({ path: p, ...(await sha256File(path.join(dir, p))) });
  return out;
}

export type FileStatus = 'ok' | 'altered' | 'missing' | 'extra' | 'refused';

export interface FileCheck {
  path: string;
  status: FileStatus;
  expected?: string;
  actual?: string;
  /** Bytes expected and found, a quick hint of truncation or growth. */
  expectedBytes?: number;
  actualBytes?: number;
  /** Why a refused entry is refused. */
  why?: string;
}

/** Each listed file against what is on disk: ok, altered, missing; files on disk not listed are extra. */
export async function compareWithManifest(dir: string, manifest: readonly IntegrityFile[], present: Listing): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  const onDisk = new Set(present.files);
  const listed = new Set<string>();
  for (const f of manifest) {
    if (listed.has(f.path)) {
      out.push({ path: f.path, status: 'altered', why: 'listed twice in the signed manifest' });
      continue;
    }
    listed.add(f.path);
    if (!onDisk.has(f.path)) {
      out.push({ path: f.path, status: 'missing', expected: f.sha256, expectedBytes: f.bytes });
      continue;
    }
    const actual = await sha256File(path.join(dir, f.path));
    out.push(
      actual.sha256 === f.sha256 ? { path: f.path, status: 'ok' } : { path: f.path, status: 'altered', expected: f.sha256, actual: actual.sha256, expectedBytes: f.bytes, actualBytes: actual.bytes },
    );
  }
  for (const p of present.files) if (!listed.has(p)) out.push({ path: p, status: 'extra' });
  for (const r of present.refused) out.push({ path: r.path, status: 'refused', why: r.why });
  return out;
}
