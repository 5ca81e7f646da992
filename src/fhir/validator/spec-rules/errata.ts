/**
 * Places where R4's own published content contradicts one of its definitions, so that following the definition
 * to the letter would reject the specification's own resources.
 *
 * structuredefinition-fhir-type declares the context ElementDefinition.type.code, yet every R4 core definition
 * (profiles-types.json, e.g. Element.id) carries it on ElementDefinition.type; the FHIR extensions pack corrected
 * the context to ElementDefinition.type, and the HL7 validator accepts it there.
 */
const EXTRA_CONTEXTS = new Map<string, readonly string[]>([['http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type', ['ElementDefinition.type']]]);

/** Element paths where the extension `url` is also allowed, by the errata above. */
export function extraExtensionContexts(url: string): readonly string[] {
  return EXTRA_CONTEXTS.get(url) ?? [];
}
