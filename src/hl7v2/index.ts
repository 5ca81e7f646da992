/**
 * HL7 v2 for Sello: ER7 parsing, validation against a program's message profiles (its `Hl7v2Contract`: profile
 * directory and rule checks), acknowledgment semantics and MLLP transport. Every finding has locationKind `hl7v2` and a path as `path.ts` defines (`PID-3[2].1.2`).
 */
export {
  DEFAULT_DELIMITERS, encodingCharacters, er7Length, escapeEr7, parseEr7, rawAt, segmentOf, serializeEr7, splitComponents,
  splitRepetitions, splitSubcomponents, unescapeEr7, valueAt,
  type Delimiters, type Er7Message, type Er7Segment, type EscapeProblem, type Unescaped,
} from './er7.ts';
export { formatPath, parsePath, profileKey, segmentNumberPath, type Hl7Location } from './path.ts';
export { loadProfileSet, type MessageProfile, type ProfileSet, type RuleDef, type Usage } from './profile.ts';
export { repetitionValue, runRules, type Hl7v2Contract, type RuleCheck, type RuleCheckContext, type RuleChecks } from './rules.ts';
export { checkStructure } from './structure.ts';
export { q as quote, v2 as hl7v2Finding } from './v2-finding.ts';
export { selectProfile, validateHl7, validateHl7File, validateParsed, type ValidateHl7Options } from './validate.ts';
export {
  APPLICATION_CODES, COMMIT_CODES, ControlIdTracker, ReferenceReceiver, ackMode, buildAck, checkAck, errorCodeFor,
  findingsToAckErrors, hl7Timestamp, newControlId, referenceAck,
  type AckCode, type AckError, type BuildAckOptions, type CheckAckOptions, type ControlIdStatus, type ReferenceAckOptions,
  type ReferenceAckResult,
} from './ack.ts';
export {
  CR, DEFAULT_MAX_FRAME_BYTES, FS, MllpConnection, MllpDeframer, MllpError, VT, decodePayload, exchangeMllp, frameMllp,
  framingAck, sendMllp, startMllpListener,
  type BadFrameReason, type MllpEvent, type MllpFailure, type MllpListener, type MllpListenerEvent, type MllpListenerOptions,
  type MllpReply, type MllpSendOptions,
} from './mllp.ts';
