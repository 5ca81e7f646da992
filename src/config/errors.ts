/** Exit codes are part of Sello's contract with CI pipelines. */
export const EXIT = {
  passed: 0,
  conformanceFailure: 3,
  configurationError: 4,
  infrastructureError: 5,
} as const;

/** A problem with what the user asked for (target file, flags): exit 4, with a message that says how to fix it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** The SUT or a needed service cannot be reached: exit 5, as no verdict on conformance can be given. */
export class InfrastructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfrastructureError';
  }
}
