/**
 * The ru-egisz SOAP messages (issue 12, package B): writers of each body and of the envelope, readers answering
 * `{ value?, findings }`, and REMD's Faults. Split by concern under messages/; this is the one import path.
 */
export { errorCodeText, isClassifierCode, readRemdFault, remdFault } from './messages/fault.ts';
export { bodyNames, bodyNamespaces, MESSAGE_PREFIXES, messageRule, type Side, XPATH_PREFIXES } from './messages/names.ts';
export {
  readCallbackAck,
  readDocumentFile,
  readGetDocumentFile,
  readGetRegistryItem,
  readRegisterDocument,
  readRegisterDocumentAccepted,
  readRegisterDocumentResult,
  readRegistryItem,
  readRegistryItems,
  readRegistrySearch,
} from './messages/read.ts';
export type { MessageRead } from './messages/read-kit.ts';
export {
  callbackAckBody,
  documentFileBody,
  getDocumentFileBody,
  getRegistryItemBody,
  type RuEnvelopeParts,
  registerDocumentAcceptedBody,
  registerDocumentBody,
  registerDocumentResultBody,
  registryItemBody,
  registryItemsBody,
  ruEnvelope,
  searchRegistryItemBody,
  transportHeader,
} from './messages/write.ts';
