/**
 * Where the journal keeps message bodies it will not hold in memory: one append-only file per journal, a body read
 * back only when someone reads it (the report, a judge), so evidence stays complete while the heap stays bounded.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where a spilled body lies, and what it was: enough to read it back and to prove it is the body that was sent. */
export interface SpilledBody {
  file: string;
  offset: number;
  bytes: number;
  sha256: string;
  /** `text` bodies come back as the string; `json` ones parsed. */
  kind: 'text' | 'json';
}

/** A temp spill is only this process's memory on disk: it goes with the process (one exit hook for them all). */
const tempSpills = new Set<SpillFile>();
process.once('exit', () => {
  for (const spill of tempSpills) spill.close();
});

export class SpillFile {
  #fd: number | undefined;
  #file: string | undefined;
  #ownedDir: string | undefined;
  #size = 0;

  /** `dir`: where the file goes (created if missing); none: a temp directory of its own, removed when the process exits. */
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

  read(ref: SpilledBody): unknown {
    if (this.#fd === undefined) return `[spilled body of ${ref.bytes} bytes: the spill file is closed]`;
    const data = Buffer.alloc(ref.bytes);
    for (let done = 0; done < ref.bytes; ) {
      const n = readSync(this.#fd, data, done, ref.bytes - done, ref.offset + done);
      if (n === 0) return `[spilled body of ${ref.bytes} bytes: the spill file was cut short]`;
      done += n;
    }
    const text = data.toString('utf8');
    return ref.kind === 'json' ? JSON.parse(text) : text;
  }

  close(): void {
    tempSpills.delete(this);
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    if (this.#ownedDir) rmSync(this.#ownedDir, { recursive: true, force: true });
    this.#ownedDir = undefined;
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    let dir = this.dir;
    if (dir) mkdirSync(dir, { recursive: true });
    else {
      dir = this.#ownedDir = mkdtempSync(path.join(tmpdir(), 'sello-journal-'));
      tempSpills.add(this);
    }
    this.#file = path.join(dir, `bodies-${process.pid}-${Date.now().toString(36)}.spill`);
    this.#fd = openSync(this.#file, 'w+', 0o600);
    return this.#fd;
  }
}
