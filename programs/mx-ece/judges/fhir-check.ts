/** Sello's FHIR R4 validator with the mx-ece profiles, built once per process (about half a second). */
import { fileURLToPath } from 'node:url';
import { createFhirValidator, type FhirValidator } from '../../../src/fhir/index.ts';

export const MX_ECE_FHIR_DIR = fileURLToPath(new URL('../profiles/fhir/', import.meta.url));

let shared: FhirValidator | undefined;
export function eceValidator(): FhirValidator {
  shared ??= createFhirValidator({ profileDirs: [MX_ECE_FHIR_DIR], mustSupport: false });
  return shared;
}
