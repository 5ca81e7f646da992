import type { Finding } from '../../findings/finding.ts';
import { parseNotingDuplicates } from '../../util/json-duplicate-keys.ts';

/**
 * A JSON text parsed, or the JSON-PARSE finding that says why it is not JSON. Members the text names twice, which
 * JSON.parse drops silently, are noted on their objects (DUPLICATE_KEYS) for a judge whose format forbids them (FHIR).
 */
export function parseJsonDocument(text: string): { ok: true; value: unknown } | { ok: false; finding: Finding } {
  try {
    return { ok: true, value: parseNotingDuplicates(text) };
  } catch (error) {
    return { ok: false, finding: notJsonFinding((error as Error).message) };
  }
}

export const notJsonFinding = (why: string, location = ''): Finding => ({
  ruleId: 'JSON-PARSE',
  severity: 'fatal',
  code: 'structure',
  location,
  locationKind: 'json-pointer',
  message: { en: `Not JSON: ${why}`, es: `No es JSON: ${why}` },
});
