/**
 * HL7 v2 for Sello: ER7 parsing, validation against a program's message profiles (its `Hl7v2Contract`: profile
 * directory and rule checks), acknowledgment semantics and MLLP transport. Every finding has locationKind `hl7v2` and a path as `path.ts` defines (`PID-3[2].1.2`).
 */

export {
  type AckCode,
  type AckError,
  APPLICATION_CODES,
  ackMode,
  type BuildAckOptions,
  buildAck,
  type CheckAckOptions,
  COMMIT_CODES,
  type ControlIdStatus,
  ControlIdTracker,
  checkAck,
  errorCodeFor,
  findingsToAckErrors,
  hl7Timestamp,
  newControlId,
  type ReferenceAckOptions,
  type ReferenceAckResult,
  ReferenceReceiver,
  referenceAck,
} from './ack.ts';
export {
  DEFAULT_DELIMITERS,
  type Delimiters,
  type Er7Message,
  type Er7Segment,
  type EscapeProblem,
  encodingCharacters,
  er7Length,
  escapeEr7,
  parseEr7,
  rawAt,
  segmentOf,
  serializeEr7,
  splitComponents,
  splitRepetitions,
  splitSubcomponents,
  type Unescaped,
  unescapeEr7,
  valueAt,
} from './er7.ts';
export {
  type BadFrameReason,
  CR,
  DEFAULT_MAX_FRAME_BYTES,
  decodePayload,
  exchangeMllp,
  FS,
  frameMllp,
  framingAck,
  MllpConnection,
  MllpDeframer,
  MllpError,
  type MllpEvent,
  type MllpFailure,
  type MllpListener,
  type MllpListenerEvent,
  type MllpListenerOptions,
  MllpPool,
  type MllpPoolOptions,
  type MllpReply,
  type MllpSendOptions,
  sendMllp,
  startMllpListener,
  VT,
} from './mllp.ts';
export { formatPath, type Hl7Location, parsePath, profileKey, segmentNumberPath } from './path.ts';
export { loadProfileSet, type MessageProfile, type ProfileSet, type RuleDef, type Usage } from './profile.ts';
export { type Hl7v2Contract, type RuleCheck, type RuleCheckContext, type RuleChecks, repetitionValue, runRules } from './rules.ts';
export { checkStructure } from './structure.ts';
export { q as quote, v2 as hl7v2Finding } from './v2-finding.ts';
export { selectProfile, type ValidateHl7Options, validateHl7, validateHl7File, validateParsed } from './validate.ts';
