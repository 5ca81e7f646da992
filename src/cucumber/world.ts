import { type IWorldOptions, World } from '@cucumber/cucumber';
import type { Finding } from '../findings/finding.ts';
import { isBlocking } from '../findings/finding.ts';
import { type RunConfig, runConfigOf } from '../run/run-config.ts';

export const FINDING_MEDIA_TYPE = 'application/vnd.sello.finding+json';
export const EXCHANGE_MEDIA_TYPE = 'application/vnd.sello.exchange+json';

/** A conformance failure: the step fails, and the finding explains why in the report. */
export class ConformanceError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(findings.map((f) => `[${f.ruleId}] ${f.location ? `${f.location}: ` : ''}${f.message.en}`).join('\n'));
    this.name = 'ConformanceError';
  }
}

export class SelloWorld extends World {
  readonly run: RunConfig;
  /** Requirement tags of this scenario (e.g. RN-05), set by a Before hook; the first is what its assertions judge. */
  requirements: string[] = [];
  readonly findings: Finding[] = [];

  constructor(options: IWorldOptions) {
    super(options);
    this.run = runConfigOf(options.parameters);
  }

  /** Records findings as evidence; blocking ones fail the step. */
  report(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    for (const f of findings) {
      this.findings.push(f);
      this.attach(JSON.stringify(f), FINDING_MEDIA_TYPE);
    }
    const blocking = findings.filter(isBlocking);
    if (blocking.length > 0) throw new ConformanceError(blocking);
  }

  /** The requirement an expectation belongs to when the step does not name one. */
  get primaryRequirement(): string {
    return this.requirements[0] ?? 'UNTAGGED';
  }
}
