/** The XML validation engine: a positioned DOM, XPath locations, XSD (libxml2 in WebAssembly), Schematron (SaxonJS). */

export { type CertificateSummary, type KeyAndCertificate, readCertificate, type SelfSignedOptions, type SubjectAttribute, selfSignedCertificate } from './certificates.ts';
export { DOCTYPE_RULE, ENCODING_RULE, MAX_XML_BYTES, MAX_XML_DEPTH, type ParsedXml, type ParseXmlOptions, parseXml, positionAtOffset, WELLFORMED_RULE } from './dom.ts';
export {
  type DetachedFailure,
  type DetachedVerification,
  DSIG_NS,
  EXC_C14N,
  MAX_SIGNATURE_BYTES,
  RSA_SHA256,
  SHA256,
  type SignDetachedOptions,
  type SigningKey,
  signDetached,
  verifyDetached,
} from './dsig.ts';
export { XmlSchemaUnusable } from './errors.ts';
export { elements, locate, type NodeLocation, type PrefixMap, positionOfNode, resolvePath, STANDARD_PREFIXES, xpathOf } from './locate.ts';
export {
  type CompiledSchematron,
  compileSchematron,
  DEFAULT_SEF_CACHE,
  loadSchematron,
  runSchematron,
  SCHEMATRON_RUNTIME_RULE,
  SchematronError,
  severityOf,
  svrlToFindings,
  validateSchematron,
} from './schematron.ts';
export { SCH_NS, type SchematronXsltOptions, SVRL_NS, schematronToXslt } from './schematron-xslt.ts';
export { createXmlValidator, validateXmlFiles, type XmlValidationOptions, type XmlValidator } from './validate-xml.ts';
export { loadXsdSchemaSet, validateXsd, type XsdDocument, XsdSchemaError, type XsdSchemaSet, xsdRuleId } from './xsd.ts';
