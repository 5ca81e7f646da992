/**
 * Where the journal keeps message bodies it will not hold in memory: one append-only file per journal, a body read
 * back only when someone reads it (the report, a judge), so evidence stays complete while the heap stays bounded.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNotingDuplicates } from '../util/json-duplicate-keys.ts';

/** Where a spilled body lies, and what it was: enough to read it back and to prove it is the body that was sent. */
export interface SpilledBody {
  file: string;
  offset: number;
  bytes: number;
  sha256: string;
  /** `text` bodies come back as the string; `json` ones parsed. */
  kind: 'text' | 'json';
}

/**
 * Every open spill of this process. A spill is this process's memory on disk, never evidence (the bodies a report
 * shows come from the scenarios' attachments): it goes when its journal closes, when the run ends (removeSpills) or
 * with the process, whichever comes first.
 */
const openSpills = new Set<SpillFile>();
process.once('exit', () => removeSpills());

/**
 * Where spills without a directory of their own go from now on: a run puts them inside its run directory, so a
 * certification's bodies never land on a RAM-backed /tmp nor outlive the run in a shared temp folder. None: a temp
 * directory per spill (`sello mocks`, tests).
 */
let defaultSpillDir: string | undefined;
export function spillInto(dir: string | undefined): void {
  defaultSpillDir = dir;
}

/** Closes and deletes every spill of this process: the run is over and nothing reads a journal any more. */
export function removeSpills(): void {
  for (const spill of [...openSpills]) spill.close();
}

export class SpillFile {
  #fd: number | undefined;
  #file: string | undefined;
  #ownedDir: string | undefined;
  #size = 0;

  /** `dir`: where the file goes (created if missing); none: spillInto's directory, else a temp directory of its own. */
  constructor(private readonly dir?: string) {}

  get size(): number {
    return this.#size;
  }

  write(text: string, kind: SpilledBody['kind']): SpilledBody {
    const data = Buffer.from(text, 'utf8');
    const fd = this.#open();
    const offset = this.#size;
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, offset + done);
    this.#size += data.length;
    return { file: this.#file!, offset, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), kind };
  }

  /**
   * Appends raw bytes at the end, for a body that arrives in chunks (a streamed answer): a file that takes appends
   * holds one body only, so its bytes stay contiguous whatever else is spilled meanwhile.
   */
  append(chunk: Buffer): void {
    const fd = this.#open();
    for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done, this.#size + done);
    this.#size += chunk.length;
  }

  /** Where the file lies, once something was written. */
  get path(): string | undefined {
    return this.#file;
  }

  read(ref: SpilledBody): unknown {
    if (this.#fd === undefined) return `[spilled body of ${ref.bytes} bytes: the spill file is closed]`;
    const data = Buffer.alloc(ref.bytes);
    for (let done = 0; done < ref.bytes; ) {
      const n = readSync(this.#fd, data, done, ref.bytes - done, ref.offset + done);
      if (n === 0) return `[spilled body of ${ref.bytes} bytes: the spill file was cut short]`;
      done += n;
    }
    const text = data.toString('utf8');
    return ref.kind === 'json' ? parseNotingDuplicates(text) : text;
  }

  close(): void {
    openSpills.delete(this);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#file) rmSync(this.#file, { force: true });
    this.#file = undefined;
    if (this.#ownedDir) rmSync(this.#ownedDir, { recursive: true, force: true });
    this.#ownedDir = undefined;
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    let dir = this.dir ?? defaultSpillDir;
    if (dir) mkdirSync(dir, { recursive: true });
    else dir = this.#ownedDir = mkdtempSync(path.join(tmpdir(), 'sello-journal-'));
    openSpills.add(this);
    this.#file = path.join(dir, `bodies-${process.pid}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.spill`);
    this.#fd = openSync(this.#file, 'w+', 0o600);
    return this.#fd;
  }
}
