/** Finding construction for the FHIR validator: FHIRPath locations, English and Spanish text. */
import type { Finding, IssueCode, LocalizedText, Severity } from '../../findings/finding.ts';

export const text = (en: string, es: string): LocalizedText => ({ en, es });

export function issue(ruleId: string, severity: Severity, code: IssueCode, location: string, message: LocalizedText): Finding {
  return { ruleId, severity, code, location, locationKind: 'fhirpath', message };
}

export const RULE = {
  cardinalityMin: 'FHIR-CARDINALITY-MIN',
  cardinalityMax: 'FHIR-CARDINALITY-MAX',
  type: 'FHIR-TYPE',
  format: 'FHIR-PRIMITIVE-FORMAT',
  unknownElement: 'FHIR-UNKNOWN-ELEMENT',
  jsonShape: 'FHIR-JSON-SHAPE',
  fixed: 'FHIR-FIXED',
  pattern: 'FHIR-PATTERN',
  sliceCardinality: 'FHIR-SLICE-CARDINALITY',
  sliceUnmatched: 'FHIR-SLICE-UNMATCHED',
  bindingRequired: 'FHIR-BINDING-REQUIRED',
  bindingExtensible: 'FHIR-BINDING-EXTENSIBLE',
  valueSetUnknown: 'FHIR-VALUESET-UNKNOWN',
  extensionUnknown: 'FHIR-EXTENSION-UNKNOWN',
  extensionContext: 'FHIR-EXTENSION-CONTEXT',
  extensionModifier: 'FHIR-EXTENSION-MODIFIER',
  referenceUnresolved: 'FHIR-REFERENCE-UNRESOLVED',
  referenceAmbiguous: 'FHIR-REFERENCE-AMBIGUOUS',
  referenceType: 'FHIR-REFERENCE-TYPE',
  mustSupport: 'FHIR-MUST-SUPPORT',
  profileUnknown: 'FHIR-PROFILE-UNKNOWN',
  resourceType: 'FHIR-RESOURCE-TYPE',
  duplicateId: 'FHIR-DUPLICATE-ID',
  bundleFullUrl: 'FHIR-BUNDLE-FULLURL',
  attachmentSize: 'FHIR-ATTACHMENT-SIZE',
  securityHtml: 'FHIR-SECURITY-HTML',
  invariantError: 'FHIR-INVARIANT-ERROR',
  snapshot: 'FHIR-SNAPSHOT',
  maxLength: 'FHIR-MAX-LENGTH',
  stringWhitespace: 'FHIR-STRING-WHITESPACE',
  searchParameter: 'FHIR-SEARCHPARAMETER',
  valueSetParameter: 'FHIR-VALUESET-PARAMETER',
  // Prose rules of the R4 specification (docs/fhir-rules.md gives each one's section and reference message id)
  bundleLinkDuplicate: 'FHIR-BUNDLE-LINK-DUPLICATE',
  bundleLinkContext: 'FHIR-BUNDLE-LINK-CONTEXT',
  bundleSearchSelf: 'FHIR-BUNDLE-SEARCH-SELF',
  bundleSearchMode: 'FHIR-BUNDLE-SEARCH-MODE',
  bundleSearchEntry: 'FHIR-BUNDLE-SEARCH-ENTRY',
  bundleSearchId: 'FHIR-BUNDLE-SEARCH-ID',
  bundleSearchType: 'FHIR-BUNDLE-SEARCH-TYPE',
  codingSystemRelative: 'FHIR-CODING-SYSTEM-RELATIVE',
  codingSystemValueSet: 'FHIR-CODING-SYSTEM-VALUESET',
  identifierSystemRelative: 'FHIR-IDENTIFIER-SYSTEM-RELATIVE',
  identifierUriValue: 'FHIR-IDENTIFIER-URI-VALUE',
  jsonComments: 'FHIR-JSON-COMMENTS',
  jsonDuplicateKey: 'FHIR-JSON-DUPLICATE-KEY',
  bundleSignaturePayload: 'FHIR-BUNDLE-SIGNATURE-PAYLOAD',
  markdownHtml: 'FHIR-MARKDOWN-HTML',
} as const;
