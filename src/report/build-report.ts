import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { isBlocking } from '../findings/finding.ts';
import type { RuleMeta } from '../rules/rule.ts';
import { renderTestReports, testReportIds } from './fhir-testreport.ts';
import { renderHtml } from './html.ts';
import { DERIVED_DIRS, REPORT_FILE, SIGNATURE_FILE, ephemeralKey, hashRunFiles, signDetached, signedPayload } from './integrity.ts';
import type { SigningKey } from './integrity.ts';
import { renderJunit } from './junit.ts';
import { linkFindings } from './link-findings.ts';
import { REPORT_SCHEMA_VERSION } from './model.ts';
import type {
  CatalogueInfo,
  EvidenceItem,
  RedactionInfo,
  RequirementReport,
  RoleSummary,
  ExchangeEntry,
  FeatureReport,
  ReportModel,
  RuleReport,
  RuleVerdict,
  ScenarioExchange,
  ScenarioReport,
  ScenarioStatus,
  SutInfo,
  Totals,
  VerdictReason,
} from './model.ts';
import { readMessages } from './read-messages.ts';
import { Pseudonymizer } from './redact.ts';
import { computeCoverage, type Requirement } from './requirements.ts';
import { sanitizeBaseUrl } from '../util/urls.ts';

export { sanitizeBaseUrl };
import type { AssembledScenario } from './read-messages.ts';

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
}

const NOT_PASSED: ReadonlySet<ScenarioStatus> = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token)$/i;
const SENSITIVE_PARAM = /token|secret|passw(or)?d|api[-_]?key/i;
const REDACTED = '[REDACTED]';

const stripTag = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);

function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.username || u.password) {
      u.username = REDACTED;
      u.password = '';
    }
    for (const key of [...u.searchParams.keys()]) if (SENSITIVE_PARAM.test(key)) u.searchParams.set(key, REDACTED);
    return u.toString();
  } catch {
    // Relative URLs (the usual case for HTTP request lines) cannot carry userinfo; keep them verbatim.
    return raw;
  }
}

function redactHeaders(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return headers;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SENSITIVE_HEADER.test(k) ? REDACTED : v;
  return out;
}

/**
 * Evidence is handed to vendors and regulators: live credentials of the SUT or of Sello must not
 * travel with it. Bodies are kept verbatim since they are what the rules judged.
 */
export function redactExchange(e: ExchangeEntry): ExchangeEntry {
  const out: ExchangeEntry = { ...e };
  if (typeof e.url === 'string') out.url = redactUrl(e.url);
  if (e.request && typeof e.request === 'object') out.request = { ...e.request, headers: redactHeaders(e.request.headers) as Record<string, string> };
  if (e.response && typeof e.response === 'object') out.response = { ...e.response, headers: redactHeaders(e.response.headers) as Record<string, string> };
  return out;
}

function toScenarioReport(
  s: AssembledScenario,
  ruleIds: ReadonlySet<string>,
  roleTags: ReadonlySet<string> | undefined,
  shown: readonly ExchangeEntry[],
): ScenarioReport {
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
  const status: ScenarioStatus = s.status === 'passed' && s.findings.some(isBlocking) ? 'failed' : s.status;
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
  };
}

function computeTotals(scenarios: readonly ScenarioReport[]): Totals {
  const t: Totals = { scenarios: 0, passed: 0, failed: 0, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, findings: 0 };
  for (const s of scenarios) {
    t.scenarios++;
    t[s.status]++;
    t.findings += s.findings.length;
  }
  return t;
}

/** A rule bound to other roles than the external SUT's cannot be judged on it, and does not count for its verdict. */
function appliesTo(rule: RuleMeta, sut: SutInfo): boolean {
  return sut.kind !== 'external' || !rule.roles || rule.roles.includes(sut.role);
}

function computeRules(catalogue: readonly RuleMeta[], scenarios: readonly ScenarioReport[], sut: SutInfo): RuleReport[] {
  const byRule = new Map<string, ScenarioReport[]>();
  const findingsByRule = new Map<string, { total: number; blocking: number }>();
  for (const s of scenarios) {
    for (const r of s.rules) {
      let list = byRule.get(r);
      if (!list) byRule.set(r, (list = []));
      list.push(s);
    }
    for (const f of s.findings) {
      const c = findingsByRule.get(f.ruleId) ?? { total: 0, blocking: 0 };
      c.total++;
      if (isBlocking(f)) c.blocking++;
      findingsByRule.set(f.ruleId, c);
    }
  }
  return catalogue.map((rule): RuleReport => {
    const tagged = byRule.get(rule.id) ?? [];
    const counts = findingsByRule.get(rule.id) ?? { total: 0, blocking: 0 };
    const verdict: RuleVerdict = tagged.some((s) => NOT_PASSED.has(s.status)) || counts.blocking > 0
      ? 'failed'
      : tagged.some((s) => s.status === 'passed') ? 'passed' : appliesTo(rule, sut) ? 'not-covered' : 'not-applicable';
    return {
      id: rule.id,
      title: { ...rule.title },
      strength: rule.strength,
      verdict,
      scenarios: tagged.map((s) => s.id),
      findings: counts.total,
    };
  });
}

function list(items: readonly string[], max = 20): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} … (+${items.length - max})`;
}

function computeVerdict(
  rules: readonly RuleReport[],
  requirements: readonly RequirementReport[],
  scenarios: readonly ScenarioReport[],
  totals: Totals,
  problems: readonly string[],
  cucumberSuccess: boolean | undefined,
): { certifiable: boolean; reason: VerdictReason } {
  const en: string[] = [];
  const es: string[] = [];

  const failedRules = rules.filter((r) => r.verdict === 'failed');
  if (failedRules.length > 0) {
    const ids = list(failedRules.map((r) => `${r.id} (${r.strength})`), Infinity);
    en.push(`Rules failed: ${ids}.`);
    es.push(`Reglas fallidas: ${ids}.`);
  }
  const uncovered = rules.filter((r) => r.strength === 'SHALL' && r.verdict === 'not-covered');
  if (uncovered.length > 0) {
    const ids = list(uncovered.map((r) => r.id), Infinity);
    en.push(`SHALL rules not covered by any passed scenario: ${ids}.`);
    es.push(`Reglas SHALL sin ningún escenario aprobado que las cubra: ${ids}.`);
  }
  // Rules are reported above; the catalogue's profile constraints are judged here.
  const failedConstraints = requirements.filter((r) => r.kind === 'profile' && r.verdict === 'failed');
  if (failedConstraints.length > 0) {
    const ids = list(failedConstraints.map((r) => `${r.id} (${r.severity})`), Infinity);
    en.push(`Profile constraints failed: ${ids}.`);
    es.push(`Restricciones de perfil fallidas: ${ids}.`);
  }
  const uncoveredConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL' && r.verdict === 'not-covered');
  if (uncoveredConstraints.length > 0) {
    const ids = list(uncoveredConstraints.map((r) => r.id), Infinity);
    en.push(`SHALL profile constraints not covered by any passed scenario that exchanged such a message: ${ids}.`);
    es.push(`Restricciones de perfil SHALL sin ningún escenario aprobado que intercambiara ese mensaje: ${ids}.`);
  }
  const notPassed = scenarios.filter((s) => NOT_PASSED.has(s.status));
  if (notPassed.length > 0) {
    const breakdown = (['failed', 'undefined', 'pending', 'ambiguous'] as const).filter((k) => totals[k] > 0);
    const esName = { failed: 'fallidos', undefined: 'indefinidos', pending: 'pendientes', ambiguous: 'ambiguos' } as const;
    en.push(`Scenarios not passed: ${notPassed.length} of ${totals.scenarios} (${breakdown.map((k) => `${k}: ${totals[k]}`).join(', ')}).`);
    es.push(`Escenarios no aprobados: ${notPassed.length} de ${totals.scenarios} (${breakdown.map((k) => `${esName[k]}: ${totals[k]}`).join(', ')}).`);
    const untagged = notPassed.filter((s) => s.rules.length === 0).map((s) => s.id);
    if (untagged.length > 0) {
      en.push(`Not passed without a rule tag: ${list(untagged)}.`);
      es.push(`No aprobados sin etiqueta de regla: ${list(untagged)}.`);
    }
  }
  if (totals.passed === 0) {
    en.push('No scenario passed.');
    es.push('Ningún escenario fue aprobado.');
  }
  if (problems.length > 0) {
    const p = list(problems, 5);
    en.push(`The run evidence is incomplete or unreliable: ${p}.`);
    es.push(`La evidencia de la ejecución está incompleta o no es confiable: ${p}.`);
  }
  if (en.length === 0 && cucumberSuccess === false) {
    en.push('Cucumber reported the run as unsuccessful.');
    es.push('Cucumber informó que la ejecución no fue exitosa.');
  }
  if (en.length > 0) return { certifiable: false, reason: { en: en.join(' '), es: es.join(' ') } };

  const shall = rules.filter((r) => r.strength === 'SHALL').length;
  const shallConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL').length;
  const extraEn = shallConstraints > 0 ? `, and all ${shallConstraints} SHALL profile constraints` : '';
  const extraEs = shallConstraints > 0 ? `, igual que las ${shallConstraints} restricciones de perfil SHALL` : '';
  return {
    certifiable: true,
    reason: {
      en: `All ${totals.passed} executed scenarios passed and all ${shall} SHALL rules${extraEn} are covered and passed.`,
      es: `Los ${totals.passed} escenarios ejecutados fueron aprobados y las ${shall} reglas SHALL${extraEs} están cubiertas y aprobadas.`,
    },
  };
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Write-then-rename so that CI never picks up a half-written report. */
async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, file);
}

/**
 * Files that live outside the report directory are copied in, so the directory alone is the
 * complete, portable evidence package.
 */
async function placeEvidence(outDir: string, file: string, targetName: string, used: Set<string>): Promise<string> {
  const abs = path.resolve(file);
  const rel = path.relative(outDir, abs);
  if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) return toPosix(rel);
  let name = targetName;
  for (let i = 2; used.has(name); i++) {
    const ext = path.extname(targetName);
    name = `${targetName.slice(0, targetName.length - ext.length)}-${i}${ext}`;
  }
  used.add(name);
  await mkdir(path.join(outDir, 'evidence', path.dirname(name)), { recursive: true });
  await copyFile(abs, path.join(outDir, 'evidence', name));
  return `evidence/${toPosix(name)}`;
}

/** Journals are copied line by line through the same redaction as attached exchanges. */
async function writeRedactedJournal(outDir: string, file: string, used: Set<string>): Promise<string> {
  const base = path.basename(file);
  let name = `journal/${base}`;
  for (let i = 2; used.has(name); i++) name = `journal/${i}-${base}`;
  used.add(name);
  const target = path.join(outDir, 'evidence', name);
  await mkdir(path.dirname(target), { recursive: true });
  // Via a temp file: the journal may already sit at the target path.
  const tmp = `${target}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  const closed = once(out, 'close');
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    let text = line;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        text = JSON.stringify(redactExchange(parsed as ExchangeEntry));
      }
    } catch {
      // Not JSON: nothing structured to redact, keep the line as recorded.
    }
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await closed;
  await rename(tmp, target);
  return `evidence/${name}`;
}

async function writeExchanges(file: string, exchanges: Iterable<ScenarioExchange>): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const closed = once(out, 'close');
  for (const x of exchanges) {
    if (!out.write(`${JSON.stringify(x)}\n`)) await once(out, 'drain');
  }
  out.end();
  await closed;
}

/** The run's roles in the order the caller lists them (the matrix columns), or in order of appearance. */
function runRoles(scenarios: readonly ScenarioReport[], roleTags: readonly string[] | undefined): string[] {
  const present = new Set(scenarios.flatMap((s) => s.roles));
  const ordered = roleTags ? roleTags.map(stripTag).filter((r) => present.has(r)) : [];
  for (const s of scenarios) for (const r of s.roles) if (!ordered.includes(r)) ordered.push(r);
  return ordered;
}

function roleSummaries(program: string, roles: readonly string[], scenarios: readonly ScenarioReport[], requirements: readonly RequirementReport[]): RoleSummary[] {
  return roles.map((role): RoleSummary => {
    const mine = scenarios.filter((s) => s.roles.includes(role));
    const notPassed = mine.filter((s) => NOT_PASSED.has(s.status)).length;
    const cells = requirements.map((r) => ({ r, cell: r.byRole.find((c) => c.role === role) }));
    const failedRequirements = cells.filter(({ cell }) => cell?.verdict === 'failed').map(({ r }) => r.id);
    const uncoveredShall = cells.filter(({ r, cell }) => r.severity === 'SHALL' && cell?.verdict === 'not-covered').map(({ r }) => r.id);
    const ok = notPassed === 0 && failedRequirements.length === 0 && uncoveredShall.length === 0 && mine.some((s) => s.status === 'passed');
    return {
      program,
      role,
      verdict: ok ? 'CERTIFIABLE' : 'NOT CERTIFIABLE',
      scenarios: mine.length,
      passed: mine.filter((s) => s.status === 'passed').length,
      notPassed,
      findings: mine.reduce((n, s) => n + s.findings.length, 0),
      failedRequirements,
      uncoveredShall,
    };
  });
}

function ruleRequirements(rules: readonly RuleMeta[]): Requirement[] {
  return rules.map((r): Requirement => ({
    id: r.id, kind: 'rule', title: r.title, text: r.description, source: r.source, severity: r.strength, coveredBy: [r.id], judgedBy: [r.id],
    ...(r.roles ? { roles: [...r.roles] } : {}),
  }));
}

/** Top-level members that hold no personal data and must stay verbatim (ids, hashes, times). */
const NEVER_REDACTED = new Set(['schemaVersion', 'runId', 'startedAt', 'finishedAt', 'program', 'programVersion', 'sello', 'seed', 'evidence', 'catalogue', 'integrity', 'redaction', 'outputs']);
/** Members anywhere that are references into the evidence, not data. */
const REFERENCE_KEYS = new Set(['id', 'exchangeId', 'exchangeIds', 'scenarioId', 'scenarios', 'declaredOnly', 'messageId', 'startedAt', 'finishedAt', 'uri']);

const isReference = (x: unknown): boolean => typeof x === 'string' || (Array.isArray(x) && x.every((i) => typeof i === 'string'));

function redactModel(model: ReportModel, exchanges: Map<string, ExchangeEntry[]>, p: Pseudonymizer): void {
  for (const xs of exchanges.values()) p.collect(xs.map((x) => [x.request?.body, x.response?.body]));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return typeof v === 'string' ? p.text(v) : v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = REFERENCE_KEYS.has(k) && isReference(x) ? x : walk(x);
    return out;
  };
  const m = model as unknown as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!NEVER_REDACTED.has(key)) m[key] = walk(m[key]);
  for (const [id, xs] of exchanges) {
    exchanges.set(id, xs.map((x) => {
      const { id: xid, messageId, startedAt, finishedAt, ...rest } = x;
      const red = p.redact(rest);
      return { ...red, id: xid, ...(messageId !== undefined ? { messageId } : {}), startedAt, finishedAt } as ExchangeEntry;
    }));
  }
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
      const report = toScenarioReport(s, ruleIds, roleTags, shown);
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
  const { certifiable, reason } = computeVerdict(rules, requirements, allScenarios, totals, run.problems, run.success);

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
    verdict: certifiable ? 'CERTIFIABLE' : 'NOT CERTIFIABLE',
    verdictReason: reason,
    totals,
    rules,
    requirements,
    catalogue: opts.catalogue ?? { version: opts.programVersion, files: [] },
    summary: roleSummaries(opts.program, roles, allScenarios, requirements),
    features,
    evidence,
    outputs: [
      { path: 'report.html', description: 'This report as one self-contained page (works offline)' },
      { path: 'junit.xml', description: 'JUnit XML, one testcase per scenario' },
      ...testReportIds(features).map((id, i) => ({ path: `fhir/${id}.json`, description: `FHIR R4 TestReport of ${features[i]?.uri ?? id}` })),
    ],
    redaction,
    integrity: {
      algorithm: 'SHA-256',
      files: [],
      signature: {
        file: SIGNATURE_FILE,
        format: 'JWS compact serialization, detached payload (RFC 7515 Appendix F)',
        alg: 'EdDSA',
        payload: 'RFC 8785 canonical JSON of report.json',
        key: key.kind,
        keyThumbprint: key.thumbprint,
      },
      notCovered: DERIVED_DIRS.map((d) => ({ ...d })),
    },
  };

  if (opts.redact) {
    const p = new Pseudonymizer();
    redactModel(model, shownExchanges, p);
    const stats = p.stats();
    model.redaction = {
      applied: true,
      kinds: stats.kinds,
      method: 'HMAC-SHA256 of the value under a per-run random salt that is not stored; same value, same pseudonym within this report',
      values: stats.values,
      rawFiles: [...evidence.map((e) => e.path), 'allure-results/'],
    };
  }

  await writeAtomic(path.join(outDir, 'report.html'), renderHtml(model, shownExchanges));
  await writeAtomic(path.join(outDir, 'junit.xml'), renderJunit(model));
  await mkdir(path.join(outDir, 'fhir'), { recursive: true });
  for (const r of renderTestReports(model)) await writeAtomic(path.join(outDir, r.file), `${JSON.stringify(r.report, null, 2)}\n`);

  // Everything else is on disk: hash it, then write and sign report.json.
  model.integrity.files = await hashRunFiles(outDir);
  const text = `${JSON.stringify(model, null, 2)}\n`;
  await writeAtomic(path.join(outDir, REPORT_FILE), text);
  await writeAtomic(path.join(outDir, SIGNATURE_FILE), `${signDetached(signedPayload(text), key)}\n`);
  return model;
}
