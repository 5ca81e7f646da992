/** SOAP 1.2 with WS-Addressing 1.0 on the wire: read, write, faults, a hapi endpoint, a client, callback correlation. */
export {
  type AddressingIn,
  type AddressingPolicy,
  checkRelatesTo,
  childElements,
  type MessageIdForm,
  messageIdKey,
  messageIdUuid,
  type RelatesTo,
  readAddressing,
  sameMessageId,
} from './addressing.ts';
export { type ContentType, readContentType, soap12ContentType } from './content-type.ts';
export { awaitCorrelated, Inbox, type Observable } from './correlate.ts';
export { type HeaderBlock, type ReadEnvelopeOptions, type ReceivedFault, type Refusal, readEnvelope, type SoapEnvelope } from './envelope-read.ts';
export { type AddressingOut, addressingHeaders, buildEnvelope, type EnvelopeParts } from './envelope-write.ts';
export { type FaultCode, faultHttpStatus, type SoapFault12Options, type SoapMessage, soapFault12, soapVersionMismatch11 } from './fault.ts';
export * from './namespaces.ts';
export { type SoapCallOptions, type SoapCallResult, soapCall } from './soap-call.ts';
export { SOAP_RULES } from './soap-findings.ts';
export { newUrnUuid, refusalMessage, type SoapHandler, type SoapReply, type SoapRequestContext, type SoapRouteOptions, soapRoute } from './soap-route.ts';
export { el, escapeAttribute, escapeText, type RawXml, type XmlElement, type XmlNode } from './xml-write.ts';
