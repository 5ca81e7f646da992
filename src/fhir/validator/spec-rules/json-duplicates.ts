/**
 * A property named twice in one object. R4 json.html maps each element to one JSON property (a repeating element is
 * one array), so a second one has no FHIR reading, and RFC 8259 §4 warns that receivers differ on which they keep; the
 * reference validator reports it as an error (DUPLICATE_JSON_PROPERTY). JSON.parse keeps the last silently: the reader
 * that parsed the text notes the repeats (src/util/json-duplicate-keys.ts), so documents Sello read from text
 * (`sello validate` files, NDJSON lines) are judged for it.
 */
import type { Finding } from '../../../findings/finding.ts';
import { duplicateKeysOf } from '../../../util/json-duplicate-keys.ts';
import { issue, RULE, text } from '../messages.ts';

/** `/name/0/family` under `Patient` as FHIRPath: `Patient.name[0].family`. */
function fhirPathOf(root: string, pointer: string): string {
  let path = root;
  for (const raw of pointer.split('/').slice(1)) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(step) ? `[${step}]` : `.${step}`;
  }
  return path;
}

export function duplicateKeyFindings(resource: unknown, type: string): Finding[] {
  return duplicateKeysOf(resource).map((d) =>
    issue(
      RULE.jsonDuplicateKey,
      'error',
      'structure',
      fhirPathOf(type, d.pointer),
      text(
        `The JSON property '${d.key}' appears more than once; FHIR JSON allows each property once (the last one was read)`,
        `La propiedad JSON '${d.key}' aparece más de una vez; el JSON de FHIR admite cada propiedad una sola vez (se leyó la última)`,
      ),
    ),
  );
}
