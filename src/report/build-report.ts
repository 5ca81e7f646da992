import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isBlocking } from '../findings/finding.ts';
import type { RuleMeta } from '../rules/rule.ts';
import { sanitizeBaseUrl } from '../util/redaction.ts';
import { judgedBlocking } from './assessment.ts';
import { computeBehaviours } from './behaviours.ts';
import { placeEvidence, redactExchange, writeAtomic, writeExchanges, writeRedactedJournal } from './evidence-files.ts';
import { renderTestReports, testReportIds } from './fhir-testreport.ts';
import { renderHtml } from './html.ts';
import type { SigningKey } from './integrity.ts';
import { DERIVED_DIRS, ephemeralKey, hashRunFiles, integrityInfo, REPORT_FILE, SIGNATURE_FILE, signDetached, signedPayload } from './integrity.ts';
import { renderJunit } from './junit.ts';
import { linkFindings } from './link-findings.ts';
import type { CatalogueInfo, EvidenceItem, ExchangeEntry, FeatureReport, RedactionInfo, ReportModel, ScenarioExchange, ScenarioReport, ScenarioStatus, SutInfo } from './model.ts';
import { REPORT_SCHEMA_VERSION } from './model.ts';
import { composeFilters, filterDirectory, type OutputFilter } from './output-filter.ts';
import { type AssembledScenario, readMessages } from './read-messages.ts';
import { Pseudonymizer } from './redact.ts';
import { collectRunPersons, redactionFilter } from './redact-files.ts';
import { redactModel } from './redact-model.ts';
import { computeCoverage, type Requirement } from './requirements.ts';
import { roleSummaries, runRoles, stripTag } from './role-summaries.ts';
import { computeRules, computeTotals, reassessRequirements } from './rule-verdicts.ts';
import { computeVerdict, partialVerdict, violatedIds } from './verdict.ts';

/*
 * buildReport: from cucumber's messages and the run's journals to the run directory — report.json (signed),
 * report.html, junit.xml, fhir/ TestReports and evidence/. The judging lives in the modules imported above.
 */

export { redactExchange, sanitizeBaseUrl };

export interface BuildReportOptions {
  messagesFile: string;
  outDir: string;
  runId: string;
  program: string;
  /** Version of the program's profiles. */
  programVersion: string;
  /** The program's rule catalogue: its ids define which tags are rule tags. */
  rules: RuleMeta[];
  sut: SutInfo;
  seed: string;
  startedAt: string;
  seloVersion: string;
  /** Exchange journals written outside cucumber (e.g. by mock endpoints); copied into evidence/. */
  journalFiles?: string[];
  /**
   * Tags (with or without `@`) that name a role. Without it every tag that is not a rule tag is taken
   * as a role, which also picks up housekeeping tags such as `@wip`.
   */
  roleTags?: string[];
  /**
   * The requirement catalogue (rules and profile constraints, see requirements.ts). Without it every rule of
   * `rules` is a requirement and there are no profile constraints.
   */
  requirements?: Requirement[];
  /** Version and hashes of the catalogue files, recorded in the report. */
  catalogue?: CatalogueInfo;
  /** Key that signs report.json; an ephemeral one (said so in the report) when absent. */
  signingKey?: SigningKey;
  /** Replace identifiers of persons by pseudonyms in report.json/html, junit.xml and fhir/; evidence stays raw. */
  redact?: boolean;
  /** The --tags of a run limited by them: a partial run, judged PASSED/FAILED, not a certification. */
  selection?: { tags: string };
  /** The program's locale (BCP 47, e.g. es-PE): report.html is in English and this language. Default es. */
  locale?: string;
  /** Applied to every file of the run directory, and to report.json, before anything is hashed (secrets scrubbed by value). */
  outputFilter?: OutputFilter;
}

function toScenarioReport(s: AssembledScenario, ruleIds: ReadonlySet<string>, roleTags: ReadonlySet<string> | undefined, shown: readonly ExchangeEntry[], sut: SutInfo): ScenarioReport {
  const rules: string[] = [];
  const roles: string[] = [];
  for (const tag of s.tags) {
    const name = stripTag(tag);
    if (ruleIds.has(name)) {
      if (!rules.includes(name)) rules.push(name);
    } else if ((roleTags === undefined || roleTags.has(name)) && !roles.includes(name)) {
      roles.push(name);
    }
  }
  const againstSut = s.findings.some((f) => judgedBlocking(f, sut));
  // The weather decides only when nothing the SUT sent had already failed: a finding before the outage stands.
  const status: ScenarioStatus = s.infrastructure && s.status !== 'passed' && !againstSut ? 'inconclusive' : s.status === 'passed' && againstSut ? 'failed' : s.status;
  const sello = s.findings.filter((f) => !judgedBlocking(f, sut) && isBlocking(f)).length;
  return {
    id: s.id,
    name: s.name,
    tags: s.tags,
    roles,
    rules,
    status,
    durationMs: s.durationMs,
    steps: s.steps,
    findings: linkFindings(s.findings, s.findingTimes, shown),
    requirements: [],
    exchanges: shown.length,
    exchangeIds: shown.map((x) => x.id).filter((id): id is string => typeof id === 'string'),
    attempts: s.attempts,
    ...(s.infrastructure ? { infrastructure: s.infrastructure } : {}),
    ...(sello > 0 ? { selloFindings: sello } : {}),
  };
}

function ruleRequirements(rules: readonly RuleMeta[]): Requirement[] {
  return rules.map(
    (r): Requirement => ({
      id: r.id,
      kind: 'rule',
      title: r.title,
      text: r.description,
      source: r.source,
      severity: r.strength,
      coveredBy: [r.id],
      judgedBy: [r.id],
      ...(r.roles ? { roles: [...r.roles] } : {}),
    }),
  );
}

export async function buildReport(opts: BuildReportOptions): Promise<ReportModel> {
  const outDir = path.resolve(opts.outDir);
  await mkdir(path.join(outDir, 'evidence'), { recursive: true });
  const run = await readMessages(opts.messagesFile);

  const ruleIds = new Set(opts.rules.map((r) => r.id));
  const roleTags = opts.roleTags ? new Set(opts.roleTags.map(stripTag)) : undefined;
  const catalogue = opts.requirements ?? ruleRequirements(opts.rules);

  const features: FeatureReport[] = [];
  const allScenarios: ScenarioReport[] = [];
  const shownExchanges = new Map<string, ExchangeEntry[]>();
  const evidenceExchanges: ScenarioExchange[] = [];
  for (const f of run.features) {
    const scenarios = f.scenarios.map((s) => {
      const shown: ExchangeEntry[] = [];
      const all: { entry: ExchangeEntry; attempt: number }[] = [];
      for (const x of s.exchanges) {
        const redacted = redactExchange(x.entry);
        all.push({ entry: redacted, attempt: x.attempt });
        if (x.attempt === s.lastAttempt) shown.push(redacted);
      }
      const report = toScenarioReport(s, ruleIds, roleTags, shown, opts.sut);
      for (const x of all) evidenceExchanges.push({ ...x.entry, scenarioId: report.id, attempt: x.attempt });
      shownExchanges.set(report.id, shown);
      return report;
    });
    allScenarios.push(...scenarios);
    features.push({ uri: f.uri, name: f.name, scenarios });
  }

  const totals = computeTotals(allScenarios);
  const rules = computeRules(opts.rules, allScenarios, opts.sut);
  const roles = runRoles(allScenarios, opts.roleTags);
  const coverage = computeCoverage({ requirements: catalogue, scenarios: allScenarios, exchanges: shownExchanges, sut: opts.sut, roles });
  for (const s of allScenarios) s.requirements = coverage.declared.get(s.id) ?? [];
  const requirements = coverage.requirements;
  reassessRequirements(requirements, allScenarios, opts.sut);
  const behaviours = catalogue.some((r) => r.behaviours?.length)
    ? computeBehaviours({ requirements: catalogue, reports: requirements, scenarios: allScenarios, exchanges: shownExchanges, sut: opts.sut })
    : undefined;
  const violated = violatedIds(allScenarios, rules, requirements, opts.sut);
  const full = computeVerdict(rules, requirements, allScenarios, totals, run.problems, run.success, violated, opts.sut, behaviours);
  const { verdict, reason } = opts.selection ? partialVerdict(full, { rules, requirements, scenarios: allScenarios, violated, problems: run.problems, sut: opts.sut }, opts.selection.tags) : full;

  const evidence: EvidenceItem[] = [];
  const usedNames = new Set<string>(['exchanges.ndjson']);
  evidence.push({
    path: await placeEvidence(outDir, opts.messagesFile, 'cucumber-messages.ndjson', usedNames),
    // Flagged because, unlike the files below, it holds the exchanges exactly as the steps attached them.
    description: 'Cucumber messages of the run (NDJSON), the source of this report; raw, exchange headers not redacted',
  });
  await writeExchanges(path.join(outDir, 'evidence', 'exchanges.ndjson'), evidenceExchanges);
  evidence.push({
    path: 'evidence/exchanges.ndjson',
    description: `Exchanges attached by the scenarios, all attempts (${evidenceExchanges.length}), one JSON per line with scenarioId; credentials redacted`,
  });
  for (const j of opts.journalFiles ?? []) {
    evidence.push({
      path: await writeRedactedJournal(outDir, j, usedNames),
      description: `Exchange journal ${path.basename(j)} recorded outside the scenarios; credentials redacted`,
    });
  }

  const key = opts.signingKey ?? ephemeralKey();
  const redaction: RedactionInfo = { applied: false };
  const model: ReportModel = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: opts.runId,
    startedAt: opts.startedAt,
    finishedAt: run.finishedAt ?? new Date().toISOString(),
    program: opts.program,
    programVersion: opts.programVersion,
    sello: { version: opts.seloVersion },
    // Rebuilt field by field: whatever else the caller's object carries (tokens, passwords) stays out.
    sut: { role: opts.sut.role, baseUrl: sanitizeBaseUrl(opts.sut.baseUrl), kind: opts.sut.kind },
    seed: opts.seed,
    verdict,
    verdictReason: reason,
    ...(opts.selection ? { selection: opts.selection } : {}),
    violated,
    totals,
    rules,
    requirements,
    ...(behaviours ? { behaviours } : {}),
    catalogue: opts.catalogue ?? { version: opts.programVersion, files: [] },
    summary: roleSummaries(opts.program, roles, allScenarios, requirements, opts.sut, behaviours),
    features,
    evidence,
    outputs: [
      { path: 'report.html', description: 'This report as one self-contained page (works offline)' },
      { path: 'junit.xml', description: 'JUnit XML, one testcase per scenario' },
      ...testReportIds(features).map((id, i) => ({ path: `fhir/${id}.json`, description: `FHIR R4 TestReport of ${features[i]?.uri ?? id}` })),
    ],
    redaction,
    integrity: integrityInfo(
      key,
      DERIVED_DIRS.map((d) => ({ ...d })),
    ),
  };

  let personFilter: OutputFilter | undefined;
  if (opts.redact) {
    const p = new Pseudonymizer();
    await collectRunPersons(p, evidenceExchanges, opts.journalFiles);
    redactModel(model, shownExchanges, p);
    personFilter = redactionFilter(p);
    for (const e of evidence) e.description += '; persons pseudonymized (--redact)';
    const stats = p.stats();
    model.redaction = {
      applied: true,
      kinds: stats.kinds,
      method:
        'Identifiers and names: HMAC-SHA256 of the value under a per-run random salt that is not stored (same value, same pseudonym in every file of this run); birth dates kept to the year, postal codes to their first two digits. Applied to every file of the run directory (evidence, cucumber messages, allure-results included) before it was hashed and signed',
      values: stats.values,
      rawFiles: [],
    };
  }

  await writeAtomic(path.join(outDir, 'report.html'), renderHtml(model, shownExchanges, { locale: opts.locale }));
  await writeAtomic(path.join(outDir, 'junit.xml'), renderJunit(model));
  await mkdir(path.join(outDir, 'fhir'), { recursive: true });
  for (const r of renderTestReports(model)) await writeAtomic(path.join(outDir, r.file), `${JSON.stringify(r.report, null, 2)}\n`);

  // Everything else is on disk: filter it, hash it, then write and sign report.json.
  const outputFilter = composeFilters(opts.outputFilter, opts.redact ? personFilter : undefined);
  await filterDirectory(outDir, outputFilter);
  model.integrity.files = await hashRunFiles(outDir);
  const text = outputFilter(`${JSON.stringify(model, null, 2)}\n`, REPORT_FILE);
  await writeAtomic(path.join(outDir, REPORT_FILE), text);
  await writeAtomic(path.join(outDir, SIGNATURE_FILE), `${await signDetached(signedPayload(text), key)}\n`);
  return model;
}
