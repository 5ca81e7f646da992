/**
 * Loads Sello's FHIR engine for the corpus test and the benchmark without a static import, so both
 * still type-check and run (skipping, with a reason) while `src/fhir/index.ts` is being written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Finding } from '../../../src/findings/finding.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ENGINE_ENTRY = fileURLToPath(new URL('../../../src/fhir/index.ts', import.meta.url));
export const PROFILE_DIRS = ['programs/pe-ris/profiles/fhir', 'programs/mx-ece/profiles/fhir'];

/** The API the engine's author announced: createFhirValidator({ profileDirs }).validate(resource, { profile }). */
export interface SelloFhirValidator {
  validate(resource: unknown, options?: { profile?: string }): Finding[];
}
export type CreateFhirValidator = (options?: { profileDirs?: string[] }) => SelloFhirValidator;

export type EngineLoad = { ok: true; createFhirValidator: CreateFhirValidator } | { ok: false; reason: string };

export async function loadSelloEngine(): Promise<EngineLoad> {
  if (!existsSync(ENGINE_ENTRY)) {
    return { ok: false, reason: 'Sello FHIR engine not there yet: src/fhir/index.ts does not exist' };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(ENGINE_ENTRY).href)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `src/fhir/index.ts failed to load: ${(error as Error).message}` };
  }
  const create = mod['createFhirValidator'];
  if (typeof create !== 'function') {
    return { ok: false, reason: 'src/fhir/index.ts does not export createFhirValidator yet' };
  }
  return { ok: true, createFhirValidator: create as CreateFhirValidator };
}
