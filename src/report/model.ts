import type { ExchangeEntry } from '../journal/exchange.ts';
import type { Finding, LocalizedText } from '../findings/finding.ts';

/**
 * Shape of report.json. Bump the major version on any breaking change: CI gates and regulator
 * tooling parse this file, and report.schema.json must be kept in step with these types.
 */
export const REPORT_SCHEMA_VERSION = '1.0.0';

export const FINDING_MEDIA_TYPE = 'application/vnd.sello.finding+json';
export const EXCHANGE_MEDIA_TYPE = 'application/vnd.sello.exchange+json';

export type Verdict = 'CERTIFIABLE' | 'NOT CERTIFIABLE';

export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'undefined' | 'pending' | 'ambiguous';

export type RuleVerdict = 'passed' | 'failed' | 'not-covered' | 'not-applicable';

/** Both languages are mandatory here: the reason is what the regulator signs and the vendor reads. */
export interface VerdictReason {
  es: string;
  en: string;
}

/** Only what identifies the system under test; credentials must never reach a report. */
export interface SutInfo {
  role: string;
  baseUrl: string;
  kind: 'reference' | 'external';
}

export interface Totals {
  scenarios: number;
  passed: number;
  failed: number;
  skipped: number;
  undefined: number;
  pending: number;
  ambiguous: number;
  findings: number;
}

export interface RuleReport {
  id: string;
  title: LocalizedText;
  strength: 'SHALL' | 'SHOULD';
  verdict: RuleVerdict;
  /** Ids of the scenarios tagged `@<rule id>`. */
  scenarios: string[];
  /** Findings whose ruleId is this rule, whatever scenario produced them. */
  findings: number;
}

export interface StepReport {
  keyword: string;
  text: string;
  status: ScenarioStatus;
  durationMs: number;
  error?: string;
}

export interface ScenarioReport {
  /** `<feature uri>:<line>` (the Examples row line for outlines): stable across runs, unlike pickle ids. */
  id: string;
  name: string;
  tags: string[];
  roles: string[];
  rules: string[];
  /**
   * Cucumber's status of the last attempt, except that a passed scenario carrying an error or fatal
   * finding is reported as failed: such a finding is a conformance failure even if the step forgot to throw.
   */
  status: ScenarioStatus;
  durationMs: number;
  steps: StepReport[];
  findings: Finding[];
  /** Number of exchanges of the last attempt; the exchanges themselves are in evidence/exchanges.ndjson. */
  exchanges: number;
  attempts: number;
}

export interface FeatureReport {
  uri: string;
  name: string;
  scenarios: ScenarioReport[];
}

export interface EvidenceItem {
  /** Relative to the report directory, `/`-separated, so the directory can be archived and moved. */
  path: string;
  description: string;
}

export interface ReportModel {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  startedAt: string;
  finishedAt: string;
  program: string;
  /** Version of the program's profiles the run was checked against. */
  programVersion: string;
  sello: { version: string };
  sut: SutInfo;
  seed: string;
  verdict: Verdict;
  verdictReason: VerdictReason;
  totals: Totals;
  rules: RuleReport[];
  features: FeatureReport[];
  evidence: EvidenceItem[];
}

/** One entry of the exchange journal, as attached by steps with EXCHANGE_MEDIA_TYPE: the journal's own type. */
export type { ExchangeEntry } from '../journal/exchange.ts';
export type ExchangeMessage = ExchangeEntry['request'];

/** An exchange as written to evidence/exchanges.ndjson. */
export interface ScenarioExchange extends ExchangeEntry {
  scenarioId: string;
  /** 0-based attempt of the scenario (retries keep the exchanges of earlier attempts as evidence). */
  attempt: number;
}
