/** An XSD or Schematron that cannot be used (unreadable, not XML, not a schema): the invocation's fault, not a document's. */
export class XmlSchemaUnusable extends Error {}
