/**
 * Implementation guides and supporting material given by the user (`sello validate --ig PATH`): a JSON file
 * (a conformance resource or a Bundle of them), a folder of such files, a FHIR NPM package folder
 * (`package/package.json` beside the resources) or a package archive (`.tgz`). StructureDefinitions,
 * ValueSets, CodeSystems and SearchParameters go into the registry, where later material wins over earlier
 * and over base R4, and differential-only profiles get their snapshot on first use.
 *
 * Unlike the programs' own profile folders, what the user names must be usable: an unreadable file, a `.json`
 * that is not JSON or a broken archive is an IgLoadError naming the file, never a silent skip.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DefinitionRegistry } from '../definitions/registry.ts';
import { readTar, TarError } from './tar.ts';

export class IgLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IgLoadError';
  }
}

export interface IgLoadResult {
  source: string;
  /** JSON documents read. */
  files: number;
  /** Conformance resources registered (StructureDefinition, ValueSet, CodeSystem, SearchParameter). */
  resources: number;
}

const ARCHIVE = /\.(tgz|tar\.gz|tar)$/i;

/** Package metadata and indexes, not resources. */
const skipped = (name: string): boolean => name === 'package.json' || name.startsWith('.');

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new IgLoadError(`${where} is not JSON: ${(error as Error).message}`);
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new IgLoadError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function jsonFiles(dir: string, recursive: boolean): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new IgLoadError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, e.name);
    if (e.isDirectory() && recursive) out.push(...jsonFiles(full, true));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.json') && !skipped(e.name)) out.push(full);
  }
  return out;
}

/**
 * The JSON files of a directory: a package's own folder only (its `package/` folder, or the folder itself
 * when it holds the package.json), since `example/` and `other/` hold instances; any other folder whole.
 */
function directoryFiles(dir: string): string[] {
  if (existsSync(join(dir, 'package', 'package.json'))) return jsonFiles(join(dir, 'package'), false);
  if (existsSync(join(dir, 'package.json')) && basename(dir) === 'package') return jsonFiles(dir, false);
  return jsonFiles(dir, true);
}

/**
 * What the IGs say beyond the registry's definitions: the canonical URL of every resource they hold (a Questionnaire,
 * a Library …, for canonical references to resolve) and the profiles their ImplementationGuide resources declare
 * global for a resource type.
 */
export interface IgCatalog {
  canonicals: Map<string, string>;
  globalProfiles: Map<string, string[]>;
  /** The Questionnaires by canonical URL (and url|version): QuestionnaireResponses are checked against them. */
  questionnaires: Map<string, Record<string, unknown>>;
}

export const emptyCatalog = (): IgCatalog => ({ canonicals: new Map(), globalProfiles: new Map(), questionnaires: new Map() });

function catalogue(catalog: IgCatalog, value: unknown): void {
  if (!value || typeof value !== 'object') return;
  const r = value as Record<string, unknown>;
  if (r.resourceType === 'Bundle' && Array.isArray(r.entry)) {
    for (const e of r.entry) catalogue(catalog, (e as { resource?: unknown } | null)?.resource);
    return;
  }
  if (typeof r.resourceType !== 'string') return;
  if (typeof r.url === 'string') catalog.canonicals.set(r.url, r.resourceType);
  if (r.resourceType === 'Questionnaire' && typeof r.url === 'string') {
    catalog.questionnaires.set(r.url, r);
    if (typeof r.version === 'string') catalog.questionnaires.set(`${r.url}|${r.version}`, r);
  }
  if (r.resourceType === 'ImplementationGuide' && Array.isArray(r.global)) {
    for (const g of r.global as { type?: unknown; profile?: unknown }[]) {
      if (typeof g?.type !== 'string' || typeof g.profile !== 'string') continue;
      const list = catalog.globalProfiles.get(g.type) ?? [];
      if (!list.includes(g.profile)) list.push(g.profile);
      catalog.globalProfiles.set(g.type, list);
    }
  }
}

/** Loads one `--ig` path into the registry (and what it says beyond definitions into `catalog`). */
export function loadIg(registry: DefinitionRegistry, path: string, catalog: IgCatalog = emptyCatalog()): IgLoadResult {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new IgLoadError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result: IgLoadResult = { source: path, files: 0, resources: 0 };
  const add = (value: unknown): void => {
    result.files++;
    result.resources += registry.add(value);
    catalogue(catalog, value);
  };
  if (isDirectory) {
    for (const file of directoryFiles(path)) add(parse(read(file), file));
  } else if (ARCHIVE.test(path)) {
    let entries: ReturnType<typeof readTar>;
    try {
      entries = readTar(readFileSync(path));
    } catch (error) {
      if (error instanceof TarError) throw new IgLoadError(`${path} is not a readable package archive: ${error.message}`);
      throw new IgLoadError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    for (const e of entries) {
      // the package's own folder, as for a package directory
      const m = /^(?:\.\/)?package\/([^/]+\.json)$/i.exec(e.name);
      if (!m || skipped(m[1]!)) continue;
      add(parse(e.data.toString('utf8'), `${path}!${e.name}`));
    }
  } else if (path.toLowerCase().endsWith('.json')) {
    add(parse(read(path), path));
  } else {
    throw new IgLoadError(`${path}: an --ig is a JSON file, a folder of them, a FHIR package folder or a package .tgz (XML is not read)`);
  }
  return result;
}

/** Loads every path in order (later ones win where they define the same canonical URL). */
export function loadIgs(registry: DefinitionRegistry, paths: readonly string[]): IgCatalog & { results: IgLoadResult[] } {
  const catalog = emptyCatalog();
  return { ...catalog, results: paths.map((p) => loadIg(registry, p, catalog)) };
}
