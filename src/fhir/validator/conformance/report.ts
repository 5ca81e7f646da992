/** One finding of a conformance-resource check, pushed on the run of the resource being checked. */
import type { IssueCode, Severity } from '../../../findings/finding.ts';
import { issue, text } from '../messages.ts';
import type { ResourceScope } from '../scope.ts';

export function report(scope: ResourceScope, ruleId: string, severity: Severity, code: IssueCode, location: string, en: string, es: string): void {
  scope.run.findings.push(issue(ruleId, severity, code, location, text(en, es)));
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
