/**
 * The FHIR judge of `sello validate`: one validator per process (base R4, every program's profiles, the command's
 * --ig and flags). Its own module so that each thread of `--threads N` (src/fhir/stream/ndjson-threads.ts) loads
 * just this by URL and judges as the main thread does.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../config/errors.ts';
import type { SyncResourceJudge } from '../fhir/stream/ndjson.ts';
import type { Finding } from '../findings/finding.ts';
import { PROGRAMS_ROOT, programProfilesDir } from '../programs/layout.ts';
import { createCliFhirValidator, type FhirCliOptions } from './fhir-options.ts';

let fhirValidator: Promise<import('../fhir/index.ts').FhirValidator> | undefined;

/** Every program's FHIR profile directory: the validator loads them all, and a shard's profile set hashes them all. */
export async function fhirProfileDirs(): Promise<string[]> {
  const profileDirs: string[] = [];
  for (const program of (await readdir(PROGRAMS_ROOT)).sort()) {
    const dir = join(programProfilesDir(program), 'fhir');
    if (
      await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      profileDirs.push(dir);
  }
  return profileDirs;
}

/** One validator per process: the first call's FHIR options (--ig, --validate-references, --examples) are the command's. */
export const loadFhirValidator = (options: FhirCliOptions = {}) => (fhirValidator ??= (async () => createCliFhirValidator(await fhirProfileDirs(), options))());

export async function validateFhir(resource: unknown, profile: string | undefined, options: FhirCliOptions): Promise<Finding[]> {
  const validator = await loadFhirValidator(options);
  if (profile && !validator.registry.structureDefinition(profile)) {
    throw new ConfigurationError(`unknown FHIR profile ${profile} (not in base R4, programs/*/profiles/fhir nor any --ig)`);
  }
  return validator.validate(resource, profile ? { profile } : {});
}

/** The loaded validator called directly: no promise per resource. An unknown profile is refused before any line. */
export async function createJudge(data: { profile?: string | undefined; options: FhirCliOptions }): Promise<SyncResourceJudge> {
  const validator = await loadFhirValidator(data.options);
  if (data.profile) await validateFhir({ resourceType: 'Basic' }, data.profile, data.options);
  const options = data.profile ? { profile: data.profile } : {};
  return (resource) => validator.validate(resource, options);
}
