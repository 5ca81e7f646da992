/** The committed FHIR corpus and its expectations, shared by the corpus test and the benchmark. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../../src/findings/finding.ts';
import type { ExpectedEntry, ExpectedIssue } from '../../fixtures/fhir/generate.ts';

export const CORPUS_ROOT = fileURLToPath(new URL('../../fixtures/fhir/', import.meta.url));

export interface CorpusCase extends ExpectedEntry {
  /** Relative to test/fixtures/fhir, e.g. `pe-ris/invalid/triage-sin-consent.json`. */
  path: string;
  kind: 'valid' | 'invalid';
  resource: Record<string, unknown>;
}

export function readExpected(): Record<string, ExpectedEntry> {
  return JSON.parse(readFileSync(join(CORPUS_ROOT, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
}

/** Every corpus file on disk, in a stable order. */
export function corpusPaths(): string[] {
  const paths: string[] = [];
  for (const program of ['pe-ris', 'mx-ece']) {
    for (const kind of ['valid', 'invalid']) {
      for (const name of readdirSync(join(CORPUS_ROOT, program, kind)).sort()) {
        if (name.endsWith('.json')) paths.push(`${program}/${kind}/${name}`);
      }
    }
  }
  return paths;
}

export function readCorpus(): CorpusCase[] {
  const expected = readExpected();
  return corpusPaths().map((path) => {
    const entry = expected[path];
    if (entry === undefined) throw new Error(`${path} has no entry in expected.json`);
    return {
      ...entry,
      path,
      kind: path.includes('/invalid/') ? 'invalid' : 'valid',
      resource: JSON.parse(readFileSync(join(CORPUS_ROOT, path), 'utf8')) as Record<string, unknown>,
    };
  });
}

/**
 * Reduces a reported FHIRPath to plain `name[index]` segments: validators differ in how they spell a
 * resource inside a Bundle entry (`resource.ofType(Patient)`, HAPI's `resource/*Patient/x*\/`), and
 * the corpus pins where an issue is, not how a validator prints it.
 */
function segments(location: string): { name: string; index?: number }[] {
  const cleaned = location
    .replace(/\/\*.*?\*\//g, '')
    .replace(/\.ofType\([^)]*\)/g, '')
    .replace(/\.as\([^)]*\)/g, '');
  return cleaned
    .split('.')
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^(.*?)\[(\d+)\]$/.exec(s);
      return m ? { name: m[1] ?? '', index: Number(m[2]) } : { name: s };
    });
}

/**
 * True when `actual` is at or below `expected`. A segment without an index on either side matches any
 * index (some validators omit `[0]`), and the last expected segment may be the start of the actual one,
 * so `Observation.value` covers `Observation.valueCodeableConcept`.
 */
export function locationMatches(expected: string, actual: string): boolean {
  const exp = segments(expected);
  const act = segments(actual);
  if (act.length < exp.length) return false;
  return exp.every((e, i) => {
    const a = act[i];
    if (a === undefined) return false;
    const last = i === exp.length - 1;
    const nameOk = last && e.index === undefined ? a.name.startsWith(e.name) : a.name === e.name;
    const indexOk = e.index === undefined || a.index === undefined || e.index === a.index;
    return nameOk && indexOk;
  });
}

const severityOf = (f: Finding): 'error' | 'warning' | 'information' => (f.severity === 'fatal' ? 'error' : f.severity);

export function issueFound(expected: ExpectedIssue, findings: readonly Finding[]): boolean {
  return findings.some((f) => severityOf(f) === expected.severity && (expected.ruleId === undefined || f.ruleId === expected.ruleId) && locationMatches(expected.location, f.location));
}

export const isError = (f: Finding): boolean => f.severity === 'error' || f.severity === 'fatal';
