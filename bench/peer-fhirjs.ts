/**
 * The second peer: lantanagroup's FHIR.js (npm `fhir`), `new Fhir().validate(resource)`, base R4 (its own bundled R4
 * definitions). It reports messages with a severity (error, warning, info) and a location such as `Patient.gender`.
 */
import { createRequire } from 'node:module';
import type { Finding, Severity } from '../src/findings/finding.ts';
import type { PeerValidator } from './peer-medplum.ts';

interface FhirJsMessage {
  location?: string;
  severity?: string;
  message?: string;
}

export async function loadFhirJsPeer(): Promise<PeerValidator> {
  // The package is CommonJS; required, not imported, so tsx does not look for an ESM build it lacks.
  const { Fhir } = createRequire(import.meta.url)('fhir') as { Fhir: new () => { validate(r: unknown): { valid: boolean; messages?: FhirJsMessage[] } } };
  const fhir = new Fhir();
  const toFinding = (m: FhirJsMessage): Finding => ({
    ruleId: 'FHIRJS',
    severity: (m.severity === 'info' ? 'information' : (m.severity ?? 'error')) as Severity,
    code: 'invalid',
    location: m.location ?? '',
    locationKind: 'fhirpath',
    message: { en: m.message ?? '' },
  });
  return {
    profiles: new Set(),
    validate(resource) {
      return (fhir.validate(resource).messages ?? []).map(toFinding);
    },
  };
}
