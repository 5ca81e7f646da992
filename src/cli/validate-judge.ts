/**
 * The judge each thread of `sello validate --threads N` loads by URL (src/fhir/stream/ndjson-threads.ts): the same
 * validator, options and profile check as the main thread's.
 */
import type { ResourceJudge } from '../fhir/stream/ndjson.ts';
import type { FhirCliOptions } from './fhir-options.ts';
import { loadFhirValidator, validateFhir } from './validate-command.ts';

export async function createJudge(data: { profile?: string; options: FhirCliOptions }): Promise<ResourceJudge> {
  const validator = await loadFhirValidator(data.options);
  // An unknown profile throws the command's own ConfigurationError before any line is judged.
  if (data.profile) await validateFhir({ resourceType: 'Basic' }, data.profile, data.options);
  return (resource) => validator.validate(resource, data.profile ? { profile: data.profile } : {});
}
