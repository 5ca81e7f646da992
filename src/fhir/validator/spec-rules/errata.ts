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

/**
 * The vital signs profiles of the published R4 package (hl7.fhir.r4.core 4.0.1, as the HL7 validator loads it) bind
 * Observation.component.value[x] to Vital Signs Units as extensible — a component's value may be any unit when none
 * of the common ones fits (an FiO2 flow in L/min) — while the copy Sello loads carries the binding as required.
 */
const VITAL_SIGNS_PROFILES = new Set(
  ['vitalsigns', 'vitalspanel', 'resprate', 'heartrate', 'oxygensat', 'bodytemp', 'bodyheight', 'headcircum', 'bodyweight', 'bmi', 'bp'].map((n) => `http://hl7.org/fhir/StructureDefinition/${n}`),
);

/** The binding strength the published package gives an element, where the loaded copy differs. */
export function bindingStrengthErratum(sdUrl: string, path: string, valueSet: string | undefined, strength: string): string {
  if (strength === 'required' && path === 'Observation.component.value[x]' && valueSet?.startsWith('http://hl7.org/fhir/ValueSet/ucum-vitals-common') && VITAL_SIGNS_PROFILES.has(sdUrl))
    return 'extensible';
  return strength;
}
