/**
 * Snapshots of Sello's profiles for the peer, built by Sello's definitions layer: Medplum needs
 * snapshots and cannot build them, and the peer must check the same profiles for a fair comparison.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { PROFILE_DIRS, REPO_ROOT } from '../test/fhir/profiles/engine.ts';

const REGISTRY = fileURLToPath(new URL('../src/fhir/definitions/registry.ts', import.meta.url));

export interface SnapshotLoad {
  snapshots: StructureDefinition[];
  note: string;
}

export async function selloProfileSnapshots(): Promise<SnapshotLoad> {
  if (!existsSync(REGISTRY)) return { snapshots: [], note: 'no Sello definitions layer: peer checks base R4 only' };
  const mod = (await import(pathToFileURL(REGISTRY).href)) as {
    DefinitionRegistry?: new (o: { profileDirs: string[] }) => { structureDefinition(url: string): StructureDefinition | undefined };
  };
  if (typeof mod.DefinitionRegistry !== 'function') {
    return { snapshots: [], note: 'Sello definitions layer has no DefinitionRegistry: peer checks base R4 only' };
  }
  const dirs = PROFILE_DIRS.map((d) => join(REPO_ROOT, d));
  const registry = new mod.DefinitionRegistry({ profileDirs: dirs });
  const snapshots: StructureDefinition[] = [];
  const missing: string[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => n.startsWith('StructureDefinition-') && n.endsWith('.json'))) {
      const { url } = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { url: string };
      const sd = registry.structureDefinition(url);
      if (sd?.snapshot?.element?.length) snapshots.push(sd);
      else missing.push(url);
    }
  }
  // Extensions first: a profile's extension slices look them up by URL while it is parsed.
  snapshots.sort((a, b) => Number(b.type === 'Extension') - Number(a.type === 'Extension'));
  const note =
    missing.length === 0
      ? `peer validates against Sello-generated snapshots of all ${snapshots.length} profiles`
      : `peer has snapshots for ${snapshots.length} profiles; base R4 only for ${missing.join(', ')}`;
  return { snapshots, note };
}
