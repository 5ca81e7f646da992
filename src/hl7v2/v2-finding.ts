/** The finding constructor every HL7 v2 check shares: location kind `hl7v2`, paths as `path.ts` writes them. */
import { type Finding, finding, type IssueCode, type LocalizedText, type Severity } from '../findings/finding.ts';

export const v2 = (ruleId: string, severity: Severity, code: IssueCode, location: string, message: LocalizedText): Finding => finding(ruleId, severity, code, location, message, 'hl7v2');

export const q = (s: string): string => JSON.stringify(s);
