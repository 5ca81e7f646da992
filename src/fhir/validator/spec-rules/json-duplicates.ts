/**
 * A property named twice in one object. R4 json.html maps each element to one JSON property (a repeating element is
 * one array), so a second one has no FHIR reading, and RFC 8259 §4 warns that receivers differ on which they keep; the
 * reference validator reports it as an error (DUPLICATE_JSON_PROPERTY). JSON.parse keeps the last silently: the reader
 * that parsed the text notes the repeats (src/util/json-duplicate-keys.ts), so whatever Sello read from text
 * (`sello validate` files and NDJSON lines, the journal's JSON bodies a judge reads) is judged for it, wherever the
 * object is walked — a Bundle's entry as much as a root.
 */
import type { Finding } from '../../../findings/finding.ts';
import { duplicateKeysIn } from '../../../util/json-duplicate-keys.ts';
import { issue, RULE, text } from '../messages.ts';

/** The members `obj`'s text named twice (as its reader noted them), each an error at `path`.member. */
export function reportDuplicateKeys(obj: object, path: string, findings: Finding[]): void {
  for (const key of duplicateKeysIn(obj)) {
    findings.push(
      issue(
        RULE.jsonDuplicateKey,
        'error',
        'structure',
        `${path}.${key}`,
        text(
          `The JSON property '${key}' appears more than once; FHIR JSON allows each property once (the last one was read)`,
          `La propiedad JSON '${key}' aparece más de una vez; el JSON de FHIR admite cada propiedad una sola vez (se leyó la última)`,
        ),
      ),
    );
  }
}
