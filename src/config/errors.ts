/** Exit codes are part of Sello's contract with CI pipelines. */
export const EXIT = {
  passed: 0,
  conformanceFailure: 3,
  configurationError: 4,
  infrastructureError: 5,
  /** `sello verify`: consistent, but not signed by a pinned key (ephemeral or unknown signer): CI can gate on it. */
  unattributed: 6,
} as const;

/** A problem with what the user asked for (target file, flags): exit 4, with a message that says how to fix it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

// One typed class for "no verdict can be given": exit 5 and INCONCLUSIVE are decided by this type, never by a message.
export { type InfrastructureCause, InfrastructureError } from '../transport/infrastructure-error.ts';
