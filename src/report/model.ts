import type { Finding, LocalizedText } from '../findings/finding.ts';
import type { ExchangeEntry } from '../journal/exchange.ts';

/**
 * Shape of report.json. Bump the major version on any breaking change: CI gates and regulator
 * tooling parse this file, and report.schema.json must be kept in step with these types.
 */
export const REPORT_SCHEMA_VERSION = '1.2.0';

export const FINDING_MEDIA_TYPE = 'application/vnd.sello.finding+json';
export const EXCHANGE_MEDIA_TYPE = 'application/vnd.sello.exchange+json';
/** Attached by steps/support when a step throws an InfrastructureError: the typed signal of an inconclusive scenario. */
export const INFRASTRUCTURE_MEDIA_TYPE = 'application/vnd.sello.infrastructure+json';

/** INCONCLUSIVE: no rule failed on real findings, but the weather (unreachable, reset, timeout) left something unjudged. */
export type Verdict = 'CERTIFIABLE' | 'NOT CERTIFIABLE' | 'INCONCLUSIVE' | PartialVerdict;
/**
 * A run limited by --tags is a partial run, not a certification: PASSED when every selected scenario passed and
 * nothing failed, FAILED when something did (INCONCLUSIVE as for any run). Coverage is not asked of it.
 */
export type PartialVerdict = 'PASSED' | 'FAILED';

/** `inconclusive`: a step met an InfrastructureError and no blocking finding was made before it. */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'undefined' | 'pending' | 'ambiguous' | 'inconclusive';

/**
 * `not-assessed`: every scenario that would have judged it was stopped by something else (another rule's finding,
 * an infrastructure error, a finding against Sello's own mock), named in the reason and in `blockedBy`.
 */
export type RuleVerdict = 'passed' | 'failed' | 'not-assessed' | 'not-covered' | 'not-applicable';

/** What stopped a scenario before it could judge a requirement it is tagged for. */
export interface BlockRef {
  scenarioId: string;
  kind: 'finding' | 'infrastructure' | 'sello-mock';
  /** The finding's rule, for kind finding / sello-mock. */
  ruleId?: string;
  location?: string;
  /** Infrastructure cause (unreachable, reset, timeout, protocol). */
  cause?: string;
  exchangeId?: string;
}

/** The infrastructure error that made a scenario inconclusive, as a step reported it (typed, see steps/support). */
export interface InfrastructureRecord {
  cause: 'unreachable' | 'reset' | 'timeout' | 'protocol';
  endpoint: string;
  message: string;
  exchangeId?: string;
}

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
  inconclusive: number;
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
  /** Why the verdict is what it is (always set from schema 1.2.0). */
  reason?: VerdictReason;
  /** For `not-assessed`: what stopped each tagged scenario. */
  blockedBy?: BlockRef[];
}

/** Which message of which exchange a finding was judged on, when Sello could tell (see link-findings.ts). */
export interface ReportFinding extends Finding {
  /** Id of the exchange (in evidence/exchanges.ndjson) holding the offending message. */
  exchangeId?: string;
  /** The message of that exchange the location points into. */
  side?: 'request' | 'response';
}

export type RequirementKind = 'rule' | 'profile';

/** Coverage of one requirement for one role of the run: a cell of the coverage matrix. */
export interface RoleCoverage {
  role: string;
  verdict: RuleVerdict;
  /** Ids of the scenarios of this role that cover the requirement. */
  scenarios: string[];
}

/** Where a finding counted against a requirement sits: scenario, index in its findings, offending exchange. */
export interface FindingRef {
  scenarioId: string;
  index: number;
  exchangeId?: string;
}

/** What the catalogue says of a requirement: shared by the catalogue and the report's matrix. */
export interface RequirementDefinition {
  id: string;
  kind: RequirementKind;
  title: LocalizedText;
  text: LocalizedText;
  source: string;
  severity: 'SHALL' | 'SHOULD';
  roles?: string[];
  /** Profile constraints: the schema file, relative to profiles/<program>/. */
  schema?: string;
  /** Tags (without `@`) that declare a scenario as covering the requirement. */
  coveredBy: string[];
}

/** One row of the coverage matrix: requirement → scenarios → verdict → evidence. */
export interface RequirementReport extends RequirementDefinition {
  verdict: RuleVerdict;
  /** Scenarios that cover it: tagged with a coveredBy tag and, for profile constraints, exchanged such a message. */
  scenarios: string[];
  /** Scenarios tagged for it that exchanged no message the constraint governs: declared, not exercised. */
  declaredOnly: string[];
  byRole: RoleCoverage[];
  /** Findings counted against it (any severity); blocking ones fail it. */
  findings: FindingRef[];
  /** Why the verdict is what it is, in both languages. */
  reason: VerdictReason;
}

/** One cell of the behaviour × role matrix: a behaviour exercised (or not) against one role. */
export interface BehaviourCell {
  role: string;
  /**
   * passed / failed (a blocking finding of the behaviour's requirement against this role) / not-assessed (stopped by
   * something else) / not-covered (no scenario tagged @<behaviour> and @<role> exchanged a message with the role) /
   * not-applicable (a role Sello played in a single-role run).
   */
  verdict: RuleVerdict;
  /** Scenarios tagged @<behaviour> and @<role> that exchanged at least one message with the role. */
  scenarios: string[];
  /** Scenarios so tagged that exchanged nothing with the role: declared, not exercised. */
  declaredOnly: string[];
  /** Blocking findings that failed the cell. */
  findings: FindingRef[];
  /** For not-assessed: what stopped each scenario. */
  blockedBy?: BlockRef[];
}

/** One row of the behaviour matrix: a behaviour of a requirement, with a cell per role it binds. */
export interface BehaviourReport {
  id: string;
  requirement: string;
  sent: LocalizedText;
  expected: LocalizedText;
  source: string;
  /** Severity of its requirement: a SHALL behaviour not passed for a role keeps that role from certification. */
  severity: 'SHALL' | 'SHOULD';
  cells: BehaviourCell[];
}

/** Verdict of the run restricted to one program and role: the summary a vendor of that role reads first. */
export interface RoleSummary {
  program: string;
  role: string;
  /** PLAYED BY SELLO: a single-role run's other roles, played by Sello's mocks and not judged. */
  verdict: Verdict | 'PLAYED BY SELLO';
  scenarios: number;
  passed: number;
  notPassed: number;
  findings: number;
  failedRequirements: string[];
  /** SHALL requirements that apply to the role and no scenario of the role covers. */
  uncoveredShall: string[];
  /** SHALL behaviours binding the role that no scenario exercised against it (when the catalogue has behaviours). */
  uncoveredBehaviours?: string[];
  /** Behaviours failed against the role. */
  failedBehaviours?: string[];
}

export interface IntegrityFile {
  /** Relative to the report directory, `/`-separated. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface IntegrityInfo {
  algorithm: 'SHA-256';
  /** Every file of the report directory except report.json and its signature, sorted by path. */
  files: IntegrityFile[];
  signature: {
    file: 'report.json.jws';
    format: 'JWS compact serialization, detached payload (RFC 7515 Appendix F)';
    alg: 'EdDSA';
    /** The signed payload: report.json parsed and canonicalized (RFC 8785 JCS), so line endings and indentation do not matter. */
    payload: 'RFC 8785 canonical JSON of report.json';
    /** `ephemeral`: a key made for this run only, proving the directory was not altered, not who produced it. */
    key: 'ephemeral' | 'provided';
    /** RFC 7638 JWK SHA-256 thumbprint of the public key, base64url. */
    keyThumbprint: string;
  };
  /** Paths that are not covered by the hashes, with why (e.g. built after the run). */
  notCovered: { path: string; why: string }[];
}

export interface RedactionInfo {
  applied: boolean;
  /** What was replaced by pseudonyms in report.json, report.html, junit.xml and fhir/. */
  kinds?: string[];
  method?: string;
  /** Number of distinct values replaced. */
  values?: number;
  /** Files left raw (evidence): their hashes above are of the raw bytes. */
  rawFiles?: string[];
}

export interface CatalogueInfo {
  version: string;
  /** Profile files the run was judged against, with their SHA-256. */
  files: IntegrityFile[];
}

export interface StepReport {
  keyword: string;
  text: string;
  status: ScenarioStatus;
  durationMs: number;
  error?: string;
  /** Set on a hook (shown only when it failed): a failed After hook ends no step early. */
  hook?: 'before' | 'after';
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
  findings: ReportFinding[];
  /** Requirement ids of the catalogue this scenario declares (by tag) and covers. */
  requirements: string[];
  /** Number of exchanges of the last attempt; the exchanges themselves are in evidence/exchanges.ndjson. */
  exchanges: number;
  /** Ids of those exchanges, in order. */
  exchangeIds: string[];
  attempts: number;
  /** Set when status is inconclusive (or a blocking finding preceded the infrastructure error). */
  infrastructure?: InfrastructureRecord;
  /** Findings against a role Sello played in a single-role run: information about Sello's mock, not the SUT. */
  selloFindings?: number;
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
  /** Present when the run was limited by --tags: a partial run, whose verdict is PASSED / FAILED / INCONCLUSIVE. */
  selection?: { tags: string };
  /** Ids of the rules and requirements that blocking findings against the judged roles name: what was actually violated. */
  violated: string[];
  totals: Totals;
  rules: RuleReport[];
  /** The coverage matrix: every requirement of the catalogue (rules and profile constraints). */
  requirements: RequirementReport[];
  /** The behaviour × role matrix, when the catalogue declares behaviours (absent otherwise). */
  behaviours?: BehaviourReport[];
  catalogue: CatalogueInfo;
  /** Per program and role. */
  summary: RoleSummary[];
  features: FeatureReport[];
  evidence: EvidenceItem[];
  /** Other renderings of this run, relative paths (junit.xml, fhir/…). */
  outputs: { path: string; description: string }[];
  redaction: RedactionInfo;
  integrity: IntegrityInfo;
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
