import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Attachment, Envelope, GherkinDocument, Hook, Pickle, TestCase, TestCaseFinished, TestCaseStarted, TestStep, TestStepFinished, TestStepResult, Timestamp } from '@cucumber/messages';
import type { Finding, IssueCode, LocalizedText, LocationKind, Severity } from '../findings/finding.ts';
import { isObject } from '../util/is-object.ts';
import type { ExchangeEntry, InfrastructureRecord, ScenarioStatus, StepReport } from './model.ts';
import { EXCHANGE_MEDIA_TYPE, FINDING_MEDIA_TYPE, INFRASTRUCTURE_MEDIA_TYPE } from './model.ts';

/*
 * `satisfies Record<X, true>` makes tsc fail as soon as finding.ts gains or loses a member,
 * so a finding with a new code is never rejected as malformed by a stale copy of the list.
 */
export const SEVERITIES = { fatal: true, error: true, warning: true, information: true } satisfies Record<Severity, true>;
export const ISSUE_CODES = {
  invalid: true,
  structure: true,
  required: true,
  value: true,
  invariant: true,
  security: true,
  login: true,
  forbidden: true,
  processing: true,
  'not-supported': true,
  duplicate: true,
  'not-found': true,
  conflict: true,
  'business-rule': true,
  'code-invalid': true,
  extension: true,
  exception: true,
  timeout: true,
  incomplete: true,
  'too-costly': true,
  informational: true,
} satisfies Record<IssueCode, true>;
export const LOCATION_KINDS = { 'json-pointer': true, fhirpath: true, hl7v2: true, xpath: true, http: true, 'text-line': true } satisfies Record<LocationKind, true>;

/** Rule id of the findings Sello makes up when the evidence itself is unusable. */
export const EVIDENCE_RULE_ID = 'SELLO-EVIDENCE';

export interface AttemptExchange {
  attempt: number;
  entry: ExchangeEntry;
}

export interface AssembledScenario {
  pickleId: string;
  /** `<uri>:<line>`, see ScenarioReport.id. */
  id: string;
  uri: string;
  name: string;
  tags: string[];
  /** Cucumber's verdict on the last attempt, without Sello's reading of the findings. */
  status: ScenarioStatus;
  durationMs: number;
  steps: StepReport[];
  /** Findings of the last attempt only: the last attempt is the one that counts. */
  findings: Finding[];
  /** When each finding was attached (epoch ms), parallel to `findings`; undefined for old message streams. */
  findingTimes: (number | undefined)[];
  /** Exchanges of every attempt, in attachment order; the last attempt's are those with the highest `attempt`. */
  exchanges: AttemptExchange[];
  /** 0 when the scenario never started (e.g. the run aborted). */
  attempts: number;
  lastAttempt: number;
  /** The first infrastructure error of the last attempt, when a step reported one. */
  infrastructure?: InfrastructureRecord;
}

export interface AssembledFeature {
  uri: string;
  name: string;
  scenarios: AssembledScenario[];
}

export interface AssembledRun {
  features: AssembledFeature[];
  /** ISO time of testRunStarted / testRunFinished, when present. */
  startedAt?: string;
  finishedAt?: string;
  /** Undefined when testRunFinished never arrived: the run crashed or the file is truncated. */
  success?: boolean;
  /**
   * Things that make the evidence incomplete or unreliable (malformed lines, unfinished test cases,
   * blocking findings outside any scenario). Any of them makes the run NOT CERTIFIABLE.
   */
  problems: string[];
}

interface Attempt {
  testCaseId: string;
  attempt: number;
  /** Order of arrival, to break ties if two starts claim the same attempt number. */
  seq: number;
  startedAt: Timestamp;
  finishedAt?: Timestamp;
  results: Map<string, TestStepResult>;
  findings: Finding[];
  findingTimes: (number | undefined)[];
  infrastructure?: InfrastructureRecord;
}

interface DocIndex {
  featureName: string;
  /** Gherkin step id -> keyword as written ("Given ", "And ", "* "). */
  keywords: Map<string, string>;
}

const STATUS_RANK: Record<ScenarioStatus, number> = {
  passed: 0,
  skipped: 1,
  pending: 2,
  undefined: 3,
  ambiguous: 4,
  failed: 5,
  inconclusive: 6,
};

export function worstStatus(statuses: Iterable<ScenarioStatus>, ifEmpty: ScenarioStatus): ScenarioStatus {
  let worst: ScenarioStatus | undefined;
  for (const s of statuses) if (worst === undefined || STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst ?? ifEmpty;
}

function mapStatus(status: string): ScenarioStatus {
  switch (status) {
    case 'PASSED':
      return 'passed';
    case 'SKIPPED':
      return 'skipped';
    case 'PENDING':
      return 'pending';
    case 'UNDEFINED':
      return 'undefined';
    case 'AMBIGUOUS':
      return 'ambiguous';
    // UNKNOWN and anything a future protocol adds: a status we cannot vouch for is not a pass.
    default:
      return 'failed';
  }
}

const toMs = (t: { seconds: number; nanos: number }): number => t.seconds * 1000 + t.nanos / 1e6;
const toIso = (t: Timestamp): string => new Date(toMs(t)).toISOString();
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

// Cucumber formats some errors with colours; escape codes are noise in HTML/XML and for a regulator.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

function parseLocalizedText(x: unknown): LocalizedText | undefined {
  if (!isObject(x) || typeof x.en !== 'string') return undefined;
  const out: LocalizedText = { en: x.en };
  if (typeof x.es === 'string') out.es = x.es;
  if (typeof x.ru === 'string') out.ru = x.ru;
  return out;
}

/** Copies only the Finding fields, so unexpected extra data from a step never reaches the report. */
export function parseFinding(x: unknown): Finding | undefined {
  if (!isObject(x)) return undefined;
  const { ruleId, severity, code, location, locationKind } = x;
  const message = parseLocalizedText(x.message);
  if (typeof ruleId !== 'string' || ruleId === '') return undefined;
  if (typeof severity !== 'string' || !Object.hasOwn(SEVERITIES, severity)) return undefined;
  if (typeof code !== 'string' || !Object.hasOwn(ISSUE_CODES, code)) return undefined;
  if (typeof location !== 'string') return undefined;
  if (typeof locationKind !== 'string' || !Object.hasOwn(LOCATION_KINDS, locationKind)) return undefined;
  if (!message) return undefined;
  return {
    ruleId,
    severity: severity as Severity,
    code: code as IssueCode,
    location,
    locationKind: locationKind as LocationKind,
    message,
    // A step that judged a message it took from the journal names that exchange (see link-findings.ts).
    ...(typeof x.exchangeId === 'string' && x.exchangeId !== '' ? { exchangeId: x.exchangeId } : {}),
    ...(x.side === 'request' || x.side === 'response' ? { side: x.side } : {}),
    ...(typeof x.role === 'string' && x.role !== '' ? { role: x.role } : {}),
  } as Finding;
}

const INFRASTRUCTURE_CAUSES = new Set(['unreachable', 'reset', 'timeout', 'protocol']);

export function parseInfrastructure(x: unknown): InfrastructureRecord | undefined {
  if (!isObject(x) || typeof x.cause !== 'string' || !INFRASTRUCTURE_CAUSES.has(x.cause)) return undefined;
  return {
    cause: x.cause as InfrastructureRecord['cause'],
    endpoint: typeof x.endpoint === 'string' ? x.endpoint : '',
    message: typeof x.message === 'string' ? x.message : '',
    ...(typeof x.exchangeId === 'string' && x.exchangeId !== '' ? { exchangeId: x.exchangeId } : {}),
  };
}

function evidenceFinding(severity: Severity, en: string, es: string, location: string): Finding {
  return { ruleId: EVIDENCE_RULE_ID, severity, code: 'processing', location, locationKind: 'json-pointer', message: { en, es } };
}

function decodeBody(a: Attachment): string {
  return a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
}

function indexDocument(doc: GherkinDocument): DocIndex {
  const keywords = new Map<string, string>();
  const addSteps = (steps: readonly { id: string; keyword: string }[]): void => {
    for (const s of steps) keywords.set(s.id, s.keyword);
  };
  const feature = doc.feature;
  for (const child of feature?.children ?? []) {
    if (child.background) addSteps(child.background.steps);
    if (child.scenario) addSteps(child.scenario.steps);
    for (const rc of child.rule?.children ?? []) {
      if (rc.background) addSteps(rc.background.steps);
      if (rc.scenario) addSteps(rc.scenario.steps);
    }
  }
  return { featureName: feature?.name ?? '', keywords };
}

/**
 * Streams a cucumber message NDJSON file and assembles one record per pickle.
 *
 * Everything is keyed by id (pickle, test case, test case started, test step) so envelopes of
 * parallel workers may interleave freely and the whole read stays linear in the file size.
 */
export async function readMessages(file: string): Promise<AssembledRun> {
  const problems: string[] = [];
  const docs = new Map<string, DocIndex>();
  const featureOrder: string[] = [];
  const pickles = new Map<string, Pickle>();
  const pickleOrder: string[] = [];
  const hooks = new Map<string, Hook>();
  const testCases = new Map<string, TestCase>();
  const testCaseByPickle = new Map<string, string>();
  const attempts = new Map<string, Attempt>();
  const attemptsByTestCase = new Map<string, Attempt[]>();
  const exchangesByTestCase = new Map<string, AttemptExchange[]>();
  let runStarted: Timestamp | undefined;
  let runFinished: { timestamp: Timestamp; success: boolean } | undefined;
  let seq = 0;
  let lineNo = 0;

  const onGherkinDocument = (doc: GherkinDocument): void => {
    const uri = doc.uri ?? '';
    if (!docs.has(uri)) featureOrder.push(uri);
    docs.set(uri, indexDocument(doc));
  };

  const onPickle = (p: Pickle): void => {
    if (!pickles.has(p.id)) pickleOrder.push(p.id);
    pickles.set(p.id, p);
  };

  const onTestCase = (tc: TestCase): void => {
    testCases.set(tc.id, tc);
    testCaseByPickle.set(tc.pickleId, tc.id);
  };

  const onTestCaseStarted = (s: TestCaseStarted): void => {
    const a: Attempt = {
      testCaseId: s.testCaseId,
      attempt: s.attempt,
      seq: seq++,
      startedAt: s.timestamp,
      results: new Map(),
      findings: [],
      findingTimes: [],
    };
    attempts.set(s.id, a);
    let list = attemptsByTestCase.get(s.testCaseId);
    if (!list) attemptsByTestCase.set(s.testCaseId, (list = []));
    list.push(a);
  };

  const onTestStepFinished = (f: TestStepFinished): void => {
    const a = attempts.get(f.testCaseStartedId);
    if (!a) {
      problems.push(`line ${lineNo}: testStepFinished for unknown testCaseStarted ${f.testCaseStartedId}`);
      return;
    }
    a.results.set(f.testStepId, f.testStepResult);
  };

  const onTestCaseFinished = (f: TestCaseFinished): void => {
    const a = attempts.get(f.testCaseStartedId);
    if (!a) {
      problems.push(`line ${lineNo}: testCaseFinished for unknown testCaseStarted ${f.testCaseStartedId}`);
      return;
    }
    a.finishedAt = f.timestamp;
  };

  const onAttachment = (att: Attachment): void => {
    const a = att.testCaseStartedId === undefined ? undefined : attempts.get(att.testCaseStartedId);
    if (att.mediaType === INFRASTRUCTURE_MEDIA_TYPE) {
      let record: InfrastructureRecord | undefined;
      try {
        record = parseInfrastructure(JSON.parse(decodeBody(att)));
      } catch {
        record = undefined;
      }
      // Unreadable, it proves nothing: the step's failure then stands as a failure.
      if (a && record && !a.infrastructure) a.infrastructure = record;
      return;
    }
    if (att.mediaType !== FINDING_MEDIA_TYPE && att.mediaType !== EXCHANGE_MEDIA_TYPE) return;
    let parsed: unknown;
    let valid = true;
    try {
      parsed = JSON.parse(decodeBody(att));
    } catch {
      valid = false;
    }
    if (att.mediaType === FINDING_MEDIA_TYPE) {
      const finding = valid ? parseFinding(parsed) : undefined;
      if (!a) {
        // BeforeAll/AfterAll hooks have no scenario to hang a finding on.
        if (!finding || finding.severity === 'error' || finding.severity === 'fatal') {
          problems.push(`line ${lineNo}: ${finding ? `blocking finding ${finding.ruleId}` : 'malformed finding'} attached outside any scenario`);
        }
        return;
      }
      a.findingTimes.push(att.timestamp ? toMs(att.timestamp) : undefined);
      // A finding we cannot read might have been a failure: count it as one rather than drop it.
      a.findings.push(
        finding ??
          evidenceFinding(
            'error',
            `Malformed finding attachment (cucumber-messages line ${lineNo}); the step's result cannot be trusted.`,
            `Adjunto de hallazgo malformado (cucumber-messages línea ${lineNo}); no se puede confiar en el resultado del paso.`,
            `/line/${lineNo}`,
          ),
      );
      return;
    }
    if (!a) {
      problems.push(`line ${lineNo}: exchange attached outside any scenario`);
      return;
    }
    if (!valid || !isObject(parsed)) {
      a.findingTimes.push(att.timestamp ? toMs(att.timestamp) : undefined);
      // Lost evidence, not a conformance failure: a warning keeps it visible without failing the run.
      a.findings.push(
        evidenceFinding(
          'warning',
          `Malformed exchange attachment (cucumber-messages line ${lineNo}); the exchange is missing from the evidence.`,
          `Adjunto de intercambio malformado (cucumber-messages línea ${lineNo}); el intercambio falta en la evidencia.`,
          `/line/${lineNo}`,
        ),
      );
      return;
    }
    let list = exchangesByTestCase.get(a.testCaseId);
    if (!list) exchangesByTestCase.set(a.testCaseId, (list = []));
    list.push({ attempt: a.attempt, entry: parsed as unknown as ExchangeEntry });
  };

  const onEnvelope = (e: Envelope): void => {
    if (e.gherkinDocument) onGherkinDocument(e.gherkinDocument);
    else if (e.pickle) onPickle(e.pickle);
    else if (e.hook) hooks.set(e.hook.id, e.hook);
    else if (e.testCase) onTestCase(e.testCase);
    else if (e.testCaseStarted) onTestCaseStarted(e.testCaseStarted);
    else if (e.testStepFinished) onTestStepFinished(e.testStepFinished);
    else if (e.attachment) onAttachment(e.attachment);
    else if (e.testCaseFinished) onTestCaseFinished(e.testCaseFinished);
    else if (e.testRunStarted) runStarted = e.testRunStarted.timestamp;
    else if (e.testRunFinished) {
      runFinished = { timestamp: e.testRunFinished.timestamp, success: e.testRunFinished.success };
      const ex = e.testRunFinished.exception;
      if (ex) problems.push(`cucumber aborted the run: ${ex.type}${ex.message ? `: ${stripAnsi(ex.message)}` : ''}`);
    } else if (e.parseError) {
      problems.push(`gherkin parse error in ${e.parseError.source.uri ?? '?'}: ${e.parseError.message}`);
    } else if (e.testRunHookFinished) {
      const r = e.testRunHookFinished.result;
      const status = mapStatus(r.status);
      if (status !== 'passed' && status !== 'skipped') {
        problems.push(`a BeforeAll/AfterAll hook ${status}${r.message ? `: ${stripAnsi(r.message).split('\n')[0]}` : ''}`);
      }
    }
  };

  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(line) as Envelope;
    } catch {
      // Typically the last line of a run killed mid-write: keep what we have, but it cannot certify.
      problems.push(`line ${lineNo}: not valid JSON`);
      continue;
    }
    onEnvelope(envelope);
  }
  if (!runFinished) problems.push('the messages file has no testRunFinished: the run did not complete');

  const assemble = (p: Pickle): AssembledScenario | undefined => {
    const line = p.location?.line;
    const id = `${p.uri}:${line ?? p.id}`;
    const base = {
      pickleId: p.id,
      id,
      uri: p.uri,
      name: p.name,
      tags: p.tags.map((t) => t.name),
    };
    const keywords = docs.get(p.uri)?.keywords;
    const pickleSteps = new Map(p.steps.map((s) => [s.id, s]));
    const tcId = testCaseByPickle.get(p.id);
    const tc = tcId === undefined ? undefined : testCases.get(tcId);
    // Cucumber emits a pickle for every scenario but a test case only for those the tag filter kept.
    if (!tc) return undefined;
    const tries = tcId === undefined ? [] : (attemptsByTestCase.get(tcId) ?? []);
    let last: Attempt | undefined;
    for (const t of tries) if (!last || t.attempt > last.attempt || (t.attempt === last.attempt && t.seq > last.seq)) last = t;

    const keywordOf = (astNodeIds: readonly string[]): string => {
      for (const nodeId of astNodeIds) {
        const k = keywords?.get(nodeId);
        if (k !== undefined) return k.trim();
      }
      return '';
    };
    const stepText = (ts: TestStep, index: number, firstPickleIndex: number): { keyword: string; text: string; isHook: boolean } => {
      if (ts.pickleStepId !== undefined) {
        const ps = pickleSteps.get(ts.pickleStepId);
        return { keyword: ps ? keywordOf(ps.astNodeIds) : '', text: ps?.text ?? '', isHook: false };
      }
      const hook = ts.hookId === undefined ? undefined : hooks.get(ts.hookId);
      const before = hook?.type === 'BEFORE_TEST_CASE' || (hook?.type === undefined && (firstPickleIndex < 0 || index < firstPickleIndex));
      return { keyword: before ? 'Before' : 'After', text: hook?.name ?? '', isHook: true };
    };

    if (!last) {
      // Planned but never executed (e.g. the run aborted before reaching it): show the planned steps as skipped.
      const steps = p.steps.map((ps): StepReport => ({ keyword: keywordOf(ps.astNodeIds), text: ps.text, status: 'skipped', durationMs: 0 }));
      return { ...base, status: 'skipped', durationMs: 0, steps, findings: [], findingTimes: [], exchanges: [], attempts: 0, lastAttempt: 0 };
    }

    const firstPickleIndex = tc.testSteps.findIndex((s) => s.pickleStepId !== undefined);
    const steps: StepReport[] = [];
    const statuses: ScenarioStatus[] = [];
    let stepsMs = 0;
    tc.testSteps.forEach((ts, index) => {
      const result = last.results.get(ts.id);
      const status: ScenarioStatus = result ? mapStatus(result.status) : 'skipped';
      statuses.push(status);
      const durationMs = result ? toMs(result.duration) : 0;
      stepsMs += durationMs;
      const { keyword, text, isHook } = stepText(ts, index, firstPickleIndex);
      // Passing or skipped hooks are plumbing; only show them when they decided the outcome.
      if (isHook && (status === 'passed' || status === 'skipped')) return;
      const step: StepReport = { keyword, text, status, durationMs: round3(durationMs), ...(isHook ? { hook: keyword === 'Before' ? ('before' as const) : ('after' as const) } : {}) };
      const error = result?.message ?? result?.exception?.message;
      if (error !== undefined && status !== 'passed') step.error = stripAnsi(error);
      steps.push(step);
    });

    // A scenario with no steps checks nothing; it must not count as covering a rule.
    let status = worstStatus(statuses, 'undefined');
    if (!last.finishedAt) {
      status = 'failed';
      problems.push(`scenario ${id} (${p.name}) started but never finished`);
    }
    const durationMs = last.finishedAt ? toMs(last.finishedAt) - toMs(last.startedAt) : stepsMs;
    return {
      ...base,
      status,
      durationMs: round3(Math.max(0, durationMs)),
      steps,
      findings: last.findings,
      findingTimes: last.findingTimes,
      exchanges: exchangesByTestCase.get(tc.id) ?? [],
      attempts: tries.length,
      lastAttempt: last.attempt,
      ...(last.infrastructure ? { infrastructure: last.infrastructure } : {}),
    };
  };

  const byUri = new Map<string, AssembledFeature>();
  for (const uri of featureOrder) byUri.set(uri, { uri, name: docs.get(uri)?.featureName ?? '', scenarios: [] });
  const seenIds = new Set<string>();
  for (const pid of pickleOrder) {
    const p = pickles.get(pid);
    if (!p) continue;
    const scenario = assemble(p);
    if (!scenario) continue;
    if (seenIds.has(scenario.id)) scenario.id = `${scenario.id}#${p.id}`;
    seenIds.add(scenario.id);
    let feature = byUri.get(p.uri);
    if (!feature) byUri.set(p.uri, (feature = { uri: p.uri, name: docs.get(p.uri)?.featureName ?? '', scenarios: [] }));
    feature.scenarios.push(scenario);
  }

  const run: AssembledRun = {
    // Features without pickles (all filtered out by tags) tell the reader nothing.
    features: [...byUri.values()].filter((f) => f.scenarios.length > 0),
    problems,
  };
  if (runStarted) run.startedAt = toIso(runStarted);
  if (runFinished) {
    run.finishedAt = toIso(runFinished.timestamp);
    run.success = runFinished.success;
  }
  return run;
}
