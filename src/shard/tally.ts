import type { Finding, Severity } from '../findings/finding.ts';
import { isBlocking } from '../findings/finding.ts';

/** How many findings of each rule are kept as examples: counts are exact, examples bounded. */
export const FIRST_FINDINGS = 10;

export interface FindingExample {
  file: string;
  /** The NDJSON line (1-based) or entry, when the document is one of many in the file. */
  line?: number;
  severity: Severity;
  location: string;
  message: { en: string; es?: string; ru?: string };
}

export interface Totals {
  /** Documents judged (NDJSON lines, whole files). */
  documents: number;
  /** Documents with at least one error or fatal finding. */
  withErrors: number;
  /** Findings by rule id, then severity. */
  findings: Record<string, Partial<Record<Severity, number>>>;
}

/** Counts over every document judged, in memory that grows with the number of rules, not documents. */
export class Tally {
  readonly totals: Totals = { documents: 0, withErrors: 0, findings: {} };
  readonly first: Record<string, FindingExample[]> = {};
  /** Per input file: a shard's files are a bounded listing, not its documents. */
  readonly documentsByFile = new Map<string, number>();

  add(file: string, line: number | undefined, findings: readonly Finding[]): void {
    this.totals.documents++;
    this.documentsByFile.set(file, (this.documentsByFile.get(file) ?? 0) + 1);
    if (findings.some(isBlocking)) this.totals.withErrors++;
    for (const f of findings) {
      const rule = (this.totals.findings[f.ruleId] ??= {});
      rule[f.severity] = (rule[f.severity] ?? 0) + 1;
      const examples = (this.first[f.ruleId] ??= []);
      if (examples.length < FIRST_FINDINGS) examples.push({ file, ...(line !== undefined ? { line } : {}), severity: f.severity, location: f.location, message: { ...f.message } });
    }
  }
}

/** Sums of shard totals: the same numbers one process over every file would count. */
export function addTotals(into: Totals, more: Totals): Totals {
  into.documents += more.documents;
  into.withErrors += more.withErrors;
  for (const [rule, bySeverity] of Object.entries(more.findings)) {
    const target = (into.findings[rule] ??= {});
    for (const [severity, n] of Object.entries(bySeverity) as [Severity, number][]) target[severity] = (target[severity] ?? 0) + n;
  }
  return into;
}

/** The first examples of each rule over shards, in the listing's file order then line order, as one process keeps them. */
export function mergeFirst(parts: readonly Record<string, FindingExample[]>[], fileOrder: ReadonlyMap<string, number>): Record<string, FindingExample[]> {
  const out: Record<string, FindingExample[]> = {};
  const rules = [...new Set(parts.flatMap((p) => Object.keys(p)))].sort();
  for (const rule of rules) {
    const all = parts.flatMap((p) => p[rule] ?? []).map((e, i) => ({ e, i }));
    all.sort((a, b) => (fileOrder.get(a.e.file) ?? 0) - (fileOrder.get(b.e.file) ?? 0) || (a.e.line ?? 0) - (b.e.line ?? 0) || a.i - b.i);
    out[rule] = all.slice(0, FIRST_FINDINGS).map((x) => x.e);
  }
  return out;
}
