/**
 * Rule ids of the conformance-resource checks (what the HL7 validator enforces on StructureDefinition,
 * SearchParameter, CapabilityStatement, ValueSet and CodeSystem beyond their invariants). The checks that
 * predate this module keep their ids (RULE.snapshot, RULE.searchParameter, RULE.valueSetParameter).
 */
export const CONFORMANCE_RULE = {
  /** SearchParameter.code with '.', '$' or '|' (SEARCHPARAMETER_BAD_CHAR). */
  searchParameterCode: 'FHIR-SEARCHPARAMETER-CODE',
  /** SearchParameter.derivedFrom names no known SearchParameter (SEARCHPARAMETER_NOTFOUND). */
  searchParameterDerivedUnknown: 'FHIR-SEARCHPARAMETER-DERIVED-UNKNOWN',
  /** A base not listed by the SearchParameter it derives from (SEARCHPARAMETER_BASE_WRONG). */
  searchParameterBase: 'FHIR-SEARCHPARAMETER-BASE',
  /** The expression of a derived SearchParameter selects other elements than its parent's (SEARCHPARAMETER_EXP_WRONG). */
  searchParameterDerivedExpression: 'FHIR-SEARCHPARAMETER-DERIVED-EXPRESSION',
  /** The expression starts from a resource type that is not a base (ED_SEARCH_EXPRESSION_ERROR). */
  searchParameterExpression: 'FHIR-SEARCHPARAMETER-EXPRESSION',
  /** A composite SearchParameter needs two or more components (SEARCHPARAMETER_MISSING_COMPONENTS). */
  searchParameterComposite: 'FHIR-SEARCHPARAMETER-COMPOSITE',
  /** CapabilityStatement searchParam type differs from its definition's (CAPABALITYSTATEMENT_CS_SP_WRONGTYPE). */
  capabilitySearchParamType: 'FHIR-CAPABILITY-SEARCHPARAM-TYPE',
  /** ValueSet.compose.include.system must be absolute (VALUESET_INCLUDE_SYSTEM_ABSOLUTE[_FRAG]). */
  valueSetIncludeSystem: 'FHIR-VALUESET-INCLUDE-SYSTEM',
  /** include.system written `url|version` (VALUESET_REFERENCE_INVALID_TYPE_NO_VERSION_0..3). */
  valueSetIncludeVersion: 'FHIR-VALUESET-INCLUDE-VERSION',
  /** include.concept codes exist in their (locally known, complete) code system (VALUESET_INCLUDE_INVALID_CONCEPT_CODE). */
  valueSetIncludeConcept: 'FHIR-VALUESET-INCLUDE-CONCEPT',
  /** A filter's value: an `exists` value that is not a boolean, a value and an expression at once (VALUESET_BAD_FILTER_*). */
  valueSetFilter: 'FHIR-VALUESET-FILTER',
  /** The language of a filter value expression must be text/fhirpath (VALUESET_BAD_FILTER_EXPR_LANG). */
  valueSetExpressionLanguage: 'FHIR-VALUESET-EXPRESSION-LANGUAGE',
  /** A declared value set parameter no filter uses (VALUESET_PARAMETER_NOT_USED). */
  valueSetParameterUnused: 'FHIR-VALUESET-PARAMETER-UNUSED',
  /** Supplement / content consistency (CODESYSTEM_CS_HL7_PRESENT_ELEMENT_SUPPL*, CODESYSTEM_CS_SUPP_NO_SUPP). */
  codeSystemSupplement: 'FHIR-CODESYSTEM-SUPPLEMENT',
  /** Stated count against the concepts present, concepts in a not-present code system (CODESYSTEM_CS_COUNT_*). */
  codeSystemCount: 'FHIR-CODESYSTEM-COUNT',
  /** A code defined twice (CODESYSTEM_DUPLICATE_CODE). */
  codeSystemDuplicateCode: 'FHIR-CODESYSTEM-DUPLICATE-CODE',
  /** Property declarations: absolute, unique uri and code, the standard properties' codes and types (CODESYSTEM_PROPERTY_*). */
  codeSystemProperty: 'FHIR-CODESYSTEM-PROPERTY',
  /** Concept property values: declared, of the declared type, internal codes defined (CODESYSTEM_PROPERTY_*). */
  codeSystemPropertyValue: 'FHIR-CODESYSTEM-PROPERTY-VALUE',
  /** The base definition is unknown (UNABLE_TO_FIND_BASE__FOR_). */
  sdBase: 'FHIR-SD-BASE',
  /** derivation stated, kind kept, type kept by a constraint and changed by a specialization (SD_MUST_HAVE_DERIVATION, SD_CONSTRAINED_*, SD_SPECIALIZED_TYPE_MATCHES). */
  sdDerivation: 'FHIR-SD-DERIVATION',
  /** Element paths start with the type; no slicing on the differential's root (SD_PATH_TYPE_MISMATCH, SD_NO_SLICING_ON_ROOT). */
  sdPath: 'FHIR-SD-PATH',
  /** ElementDefinition constraints its types allow, snapshot elements typed, fixed/pattern/default of an element type (SD_ILLEGAL_CHARACTERISTICS, SD_NO_TYPES_OR_CONTENTREF, SD_VALUE_TYPE_IILEGAL). */
  sdElement: 'FHIR-SD-ELEMENT',
  /** OperationDefinition in/out profiles resolve to Parameters profiles consistent with the parameters (OPDEF_PROFILE_*). */
  operationProfile: 'FHIR-OPERATION-PROFILE',
} as const;
