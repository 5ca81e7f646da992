/**
 * The engine's HL7 v2 API bound to the pe-ris contract (profiles and DNI/RENIPRESS checks): the fixtures here are
 * pe-ris messages, and the engine itself has no default profile set.
 */
import { PE_RIS_V2, PE_RIS_V2_PROFILE_DIR } from '../../programs/pe-ris/lib/v2-contract.ts';
import type { Finding } from '../../src/findings/finding.ts';
import * as ack from '../../src/hl7v2/ack.ts';
import type { Er7Message } from '../../src/hl7v2/er7.ts';
import { loadProfileSet as load, type ProfileSet } from '../../src/hl7v2/profile.ts';
import * as v from '../../src/hl7v2/validate.ts';

export { PE_RIS_V2, PE_RIS_V2_PROFILE_DIR as PROFILE_DIR };

type Opt<T> = Partial<T>;

export const validateHl7 = (message: string, opts: Opt<v.ValidateHl7Options> = {}): Finding[] => v.validateHl7(message, { ...PE_RIS_V2, ...opts });
export const validateHl7File = (path: string, opts: Opt<v.ValidateHl7Options> = {}): Promise<Finding[]> => v.validateHl7File(path, { ...PE_RIS_V2, ...opts });
export const checkAck = (original: string | Er7Message, a: string | Er7Message, opts: Opt<ack.CheckAckOptions> = {}): Finding[] => ack.checkAck(original, a, { ...PE_RIS_V2, ...opts });
export const referenceAck = (message: string, opts: Opt<ack.ReferenceAckOptions> = {}): ack.ReferenceAckResult => ack.referenceAck(message, { ...PE_RIS_V2, ...opts });
export class ReferenceReceiver extends ack.ReferenceReceiver {
  constructor(opts: Opt<ConstructorParameters<typeof ack.ReferenceReceiver>[0]> = {}) {
    super({ ...PE_RIS_V2, ...opts });
  }
}
export const loadProfileSet = (dir: string = PE_RIS_V2_PROFILE_DIR): ProfileSet => load(dir);
