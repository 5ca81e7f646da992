import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { isBlocking } from '../findings/finding.ts';
import { assess, describeBlocks, judgedBlocking, NOT_PASSED, selloBlocking, stopped, unexplainedFailure } from './assessment.ts';
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
  Verdict,
  VerdictReason,
} from './model.ts';
import { readMessages } from './read-messages.ts';
import { Pseudonymizer } from './redact.ts';
import { computeCoverage, type Requirement } from './requirements.ts';
import { behaviourGaps, computeBehaviours } from './behaviours.ts';
import type { BehaviourReport } from './model.ts';
import { redactRecordedHeaders, redactUrl, sanitizeBaseUrl } from '../util/redaction.ts';

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
  /** The program's locale (BCP 47, e.g. es-PE): report.html is in English and this language. Default es. */
  locale?: string;
}


const stripTag = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);

/**
 * Evidence is handed to vendors and regulators: live credentials of the SUT or of Sello must not
 * travel with it. Bodies are kept verbatim since they are what the rules judged.
 */
export function redactExchange(e: ExchangeEntry): ExchangeEntry {
  const out: ExchangeEntry = { ...e };
  if (typeof e.url === 'string') out.url = redactUrl(e.url);
  if (e.request && typeof e.request === 'object') out.request = { ...e.request, headers: redactRecordedHeaders(e.request.headers) as Record<string, string> };
  if (e.response && typeof e.response === 'object') out.response = { ...e.response, headers: redactRecordedHeaders(e.response.headers) as Record<string, string> };
  return out;
}

function toScenarioReport(
  s: AssembledScenario,
  ruleIds: ReadonlySet<string>,
  roleTags: ReadonlySet<string> | undefined,
  shown: readonly ExchangeEntry[],
  sut: SutInfo,
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
  const againstSut = s.findings.some((f) => judgedBlocking(f, sut));
  // The weather decides only when nothing the SUT sent had already failed: a finding before the outage stands.
  const status: ScenarioStatus = s.infrastructure && s.status !== 'passed' && !againstSut
    ? 'inconclusive'
    : s.status === 'passed' && againstSut ? 'failed' : s.status;
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

function computeTotals(scenarios: readonly ScenarioReport[]): Totals {
  const t: Totals = { scenarios: 0, passed: 0, failed: 0, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: 0 };
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
      if (judgedBlocking(f, sut)) c.blocking++;
      findingsByRule.set(f.ruleId, c);
    }
  }
  return catalogue.map((rule): RuleReport => {
    const tagged = byRule.get(rule.id) ?? [];
    const counts = findingsByRule.get(rule.id) ?? { total: 0, blocking: 0 };
    const a = assess(tagged, counts.blocking, (f) => f.ruleId === rule.id, sut);
    const verdict: RuleVerdict = a.verdict !== 'none' ? a.verdict : appliesTo(rule, sut) ? 'not-covered' : 'not-applicable';
    return {
      id: rule.id,
      title: { ...rule.title },
      strength: rule.strength,
      verdict,
      scenarios: tagged.map((s) => s.id),
      findings: counts.total,
      reason: ruleReason(verdict, tagged.length, counts.blocking, a.unexplained, a.blocks.length > 0 ? describeBlocks(a.blocks) : undefined),
      ...(verdict === 'not-assessed' ? { blockedBy: a.blocks } : {}),
    };
  });
}

function ruleReason(verdict: RuleVerdict, tagged: number, blocking: number, unexplained: readonly string[], blocked: VerdictReason | undefined): VerdictReason {
  switch (verdict) {
    case 'failed': {
      const en: string[] = [];
      const es: string[] = [];
      if (blocking > 0) {
        en.push(`${blocking} blocking finding(s) name this rule.`);
        es.push(`${blocking} hallazgo(s) bloqueante(s) nombran esta regla.`);
      }
      if (unexplained.length > 0) {
        en.push(`Scenario(s) failed with no finding naming any rule (a failed assertion): ${list(unexplained, 5)}.`);
        es.push(`Escenario(s) fallidos sin ningún hallazgo que nombre una regla (una aserción fallida): ${list(unexplained, 5)}.`);
      }
      return { en: en.join(' '), es: es.join(' ') };
    }
    case 'not-assessed':
      return blocked ?? { en: 'Not assessed.', es: 'No evaluado.' };
    case 'passed':
      return { en: `Every one of the ${tagged} tagged scenario(s) that judged it passed.`, es: `Los ${tagged} escenario(s) etiquetados que la juzgaron fueron aprobados.` };
    case 'not-applicable':
      return { en: 'Binds another role than the system under test.', es: 'Obliga a otro rol que el del sistema bajo prueba.' };
    default:
      return { en: 'No scenario tagged for it ran.', es: 'No se ejecutó ningún escenario etiquetado para ella.' };
  }
}

/**
 * Requirements (rules and profile constraints) read the same way as rules: a requirement fails only on blocking
 * findings against the SUT that count against it, or on a failure nothing explains; a covering scenario stopped by
 * something else leaves it not assessed. The matrix is recomputed cell by cell from its own scenario lists.
 */
function reassessRequirements(requirements: RequirementReport[], scenarios: readonly ScenarioReport[], sut: SutInfo): void {
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  for (const r of requirements) {
    const counted = new Set(r.findings.map((ref) => byId.get(ref.scenarioId)?.findings[ref.index]).filter((f) => f !== undefined));
    const judges = (f: ScenarioReport['findings'][number]): boolean => counted.has(f);
    const judge = (ids: readonly string[]): ReturnType<typeof assess> => {
      const cov = ids.map((id) => byId.get(id)).filter((s): s is ScenarioReport => s !== undefined);
      const blocking = cov.reduce((n, s) => n + s.findings.filter((f) => judgedBlocking(f, sut) && judges(f)).length, 0);
      return assess(cov, blocking, judges, sut);
    };
    const whole = judge(r.scenarios);
    // Findings counted from scenarios outside the covering list (e.g. a message judged in another scenario) still fail it.
    const outside = r.findings.some((ref) => {
      const f = byId.get(ref.scenarioId)?.findings[ref.index];
      return f !== undefined && judgedBlocking(f, sut) && !r.scenarios.includes(ref.scenarioId);
    });
    const verdict: RuleVerdict = outside ? 'failed' : whole.verdict === 'none' ? (r.verdict === 'failed' ? 'not-covered' : r.verdict) : whole.verdict;
    if (verdict !== r.verdict) {
      r.verdict = verdict;
      if (verdict === 'not-assessed') r.reason = describeBlocks(whole.blocks);
      else if (verdict === 'failed' && whole.unexplained.length > 0 && !r.findings.length) {
        r.reason = ruleReason('failed', r.scenarios.length, 0, whole.unexplained, undefined);
      }
    }
    for (const cell of r.byRole) {
      if (cell.scenarios.length === 0) continue;
      const c = judge(cell.scenarios);
      if (c.verdict !== 'none') cell.verdict = c.verdict;
    }
  }
}

function list(items: readonly string[], max = 20): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} … (+${items.length - max})`;
}

/** Rule and requirement ids named by blocking findings against the SUT, catalogue order first. */
function violatedIds(scenarios: readonly ScenarioReport[], rules: readonly RuleReport[], requirements: readonly RequirementReport[], sut: SutInfo): string[] {
  const named = new Set(scenarios.flatMap((s) => s.findings.filter((f) => judgedBlocking(f, sut)).map((f) => f.ruleId)));
  const failed = [...rules, ...requirements].filter((r) => r.verdict === 'failed' && named.has(r.id)).map((r) => r.id);
  const ordered = [...new Set([...failed, ...rules.map((r) => r.id).filter((id) => named.has(id)), ...requirements.map((r) => r.id).filter((id) => named.has(id))])];
  for (const id of [...named].sort()) if (!ordered.includes(id)) ordered.push(id);
  return ordered;
}

/**
 * NOT CERTIFIABLE when a rule or requirement failed (on findings, or on a failure nothing explains); else
 * INCONCLUSIVE when the weather or Sello's own mock stopped a scenario; else CERTIFIABLE only when everything ran,
 * passed and covered every SHALL requirement. The reason names what was actually violated first.
 */
function computeVerdict(
  rules: readonly RuleReport[],
  requirements: readonly RequirementReport[],
  scenarios: readonly ScenarioReport[],
  totals: Totals,
  problems: readonly string[],
  cucumberSuccess: boolean | undefined,
  violated: readonly string[],
  sut: SutInfo,
  behaviours: readonly BehaviourReport[] = [],
): { verdict: Verdict; reason: VerdictReason } {
  const en: string[] = [];
  const es: string[] = [];

  if (violated.length > 0) {
    const ids = list(violated, Infinity);
    en.push(`Violated: ${ids}.`);
    es.push(`Incumplidas: ${ids}.`);
  }
  const failedRules = rules.filter((r) => r.verdict === 'failed');
  const unnamed = failedRules.filter((r) => !violated.includes(r.id));
  if (unnamed.length > 0) {
    const ids = list(unnamed.map((r) => `${r.id} (${r.strength})`), Infinity);
    en.push(`Rules failed by a scenario that no finding explains (a failed assertion): ${ids}.`);
    es.push(`Reglas fallidas por un escenario que ningún hallazgo explica (una aserción fallida): ${ids}.`);
  }
  const failedConstraints = requirements.filter((r) => r.kind === 'profile' && r.verdict === 'failed');
  if (failedConstraints.length > 0) {
    const ids = list(failedConstraints.map((r) => `${r.id} (${r.severity})`), Infinity);
    en.push(`Profile constraints failed: ${ids}.`);
    es.push(`Restricciones de perfil fallidas: ${ids}.`);
  }
  const notCertifiable = violated.length > 0 || failedRules.length > 0 || failedConstraints.length > 0 || scenarios.some(unexplainedFailure);

  const inconclusive = scenarios.filter((s) => s.status === 'inconclusive');
  const selloStopped = scenarios.filter((s) => NOT_PASSED.has(s.status) && !s.findings.some((f) => judgedBlocking(f, sut)) && s.findings.some((f) => selloBlocking(f, sut)));
  if (inconclusive.length > 0) {
    const causes = [...new Set(inconclusive.map((s) => s.infrastructure?.cause ?? 'unknown'))].join(', ');
    en.push(`Inconclusive: ${inconclusive.length} scenario(s) stopped by infrastructure errors (${causes}), not by the system under test: ${list(inconclusive.map((s) => s.id), 5)}.`);
    es.push(`No concluyente: ${inconclusive.length} escenario(s) detenidos por errores de infraestructura (${causes}), no por el sistema bajo prueba: ${list(inconclusive.map((s) => s.id), 5)}.`);
  }
  if (selloStopped.length > 0) {
    en.push(`Sello's own mock failed in ${selloStopped.length} scenario(s) (findings against a role Sello plays: a Sello bug, not counted against the system under test): ${list(selloStopped.map((s) => s.id), 5)}.`);
    es.push(`El simulador de Sello falló en ${selloStopped.length} escenario(s) (hallazgos contra un rol que Sello simula: un error de Sello, no cuenta contra el sistema bajo prueba): ${list(selloStopped.map((s) => s.id), 5)}.`);
  }
  const notAssessed = [...rules, ...requirements.filter((r) => r.kind === 'profile')].filter((r) => r.verdict === 'not-assessed');
  if (notAssessed.length > 0) {
    const ids = list([...new Set(notAssessed.map((r) => r.id))], 20);
    en.push(`Not assessed (blocked, see each reason): ${ids}.`);
    es.push(`No evaluadas (bloqueadas, ver cada motivo): ${ids}.`);
  }
  const inconclusiveRun = !notCertifiable && (inconclusive.length > 0 || selloStopped.length > 0);

  const uncovered = rules.filter((r) => r.strength === 'SHALL' && r.verdict === 'not-covered');
  if (uncovered.length > 0) {
    const ids = list(uncovered.map((r) => r.id), Infinity);
    en.push(`SHALL rules not covered by any passed scenario: ${ids}.`);
    es.push(`Reglas SHALL sin ningún escenario aprobado que las cubra: ${ids}.`);
  }
  const uncoveredConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL' && r.verdict === 'not-covered');
  if (uncoveredConstraints.length > 0) {
    const ids = list(uncoveredConstraints.map((r) => r.id), Infinity);
    en.push(`SHALL profile constraints not covered by any passed scenario that exchanged such a message: ${ids}.`);
    es.push(`Restricciones de perfil SHALL sin ningún escenario aprobado que intercambiara ese mensaje: ${ids}.`);
  }
  // Each role is judged on every SHALL behaviour binding it (roles Sello played are not-applicable, not counted).
  const uncoveredCells = behaviours.filter((b) => b.severity === 'SHALL')
    .flatMap((b) => b.cells.filter((c) => c.verdict === 'not-covered').map((c) => `${b.id} ${c.role}`));
  if (uncoveredCells.length > 0) {
    const ids = list(uncoveredCells);
    en.push(`SHALL behaviours not exercised against a role they bind: ${ids}.`);
    es.push(`Comportamientos SHALL no ejercidos contra un rol al que obligan: ${ids}.`);
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
  if (en.length > 0) {
    return { verdict: inconclusiveRun ? 'INCONCLUSIVE' : 'NOT CERTIFIABLE', reason: { en: en.join(' '), es: es.join(' ') } };
  }

  const shall = rules.filter((r) => r.strength === 'SHALL').length;
  const shallConstraints = requirements.filter((r) => r.kind === 'profile' && r.severity === 'SHALL').length;
  const extraEn = shallConstraints > 0 ? `, and all ${shallConstraints} SHALL profile constraints` : '';
  const extraEs = shallConstraints > 0 ? `, igual que las ${shallConstraints} restricciones de perfil SHALL` : '';
  return {
    verdict: 'CERTIFIABLE',
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

function roleSummaries(
  program: string, roles: readonly string[], scenarios: readonly ScenarioReport[], requirements: readonly RequirementReport[], sut: SutInfo,
  behaviours?: readonly BehaviourReport[],
): RoleSummary[] {
  return roles.map((role): RoleSummary => {
    const mine = scenarios.filter((s) => s.roles.includes(role));
    const notPassed = mine.filter((s) => NOT_PASSED.has(s.status)).length;
    const cells = requirements.map((r) => ({ r, cell: r.byRole.find((c) => c.role === role) }));
    // A role is certifiable only when every behaviour binding it was exercised against it and passed: a behaviour's
    // gap names its requirement here, and the behaviour ids below.
    const gaps = behaviours ? behaviourGaps(behaviours, role) : { uncovered: [], failed: [] };
    const reqOf = (id: string): string => behaviours?.find((b) => b.id === id)?.requirement ?? id;
    const failedRequirements = [...new Set([...cells.filter(({ cell }) => cell?.verdict === 'failed').map(({ r }) => r.id), ...gaps.failed.map(reqOf)])];
    const uncoveredShall = [...new Set([
      ...cells.filter(({ r, cell }) => r.severity === 'SHALL' && cell?.verdict === 'not-covered').map(({ r }) => r.id),
      ...gaps.uncovered.map(reqOf),
    ])].filter((id) => !failedRequirements.includes(id));
    const ok = notPassed === 0 && failedRequirements.length === 0 && uncoveredShall.length === 0 && mine.some((s) => s.status === 'passed');
    return {
      program,
      role,
      verdict: roleVerdict(
        role, sut, ok,
        failedRequirements.length > 0 || mine.some((s) => unexplainedFailure(s) || s.findings.some((f) => judgedBlocking(f, sut))),
        mine.some(stopped),
      ),
      scenarios: mine.length,
      passed: mine.filter((s) => s.status === 'passed').length,
      notPassed,
      findings: mine.reduce((n, s) => n + s.findings.length, 0),
      failedRequirements,
      uncoveredShall,
      ...(behaviours ? { uncoveredBehaviours: gaps.uncovered, failedBehaviours: gaps.failed } : {}),
    };
  });
}

/**
 * A single-role run judges only the SUT's role: the others are played by Sello's mocks. A role with a failure is
 * NOT CERTIFIABLE; one whose only trouble is a stopped scenario (weather, Sello's mock) is INCONCLUSIVE.
 */
function roleVerdict(role: string, sut: SutInfo, ok: boolean, failed: boolean, stoppedAny: boolean): RoleSummary['verdict'] {
  if (sut.kind === 'external' && role.toLowerCase() !== sut.role.toLowerCase()) return 'PLAYED BY SELLO';
  if (failed) return 'NOT CERTIFIABLE';
  if (stoppedAny) return 'INCONCLUSIVE';
  return ok ? 'CERTIFIABLE' : 'NOT CERTIFIABLE';
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
  const { verdict, reason } = computeVerdict(rules, requirements, allScenarios, totals, run.problems, run.success, violated, opts.sut, behaviours);

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

  await writeAtomic(path.join(outDir, 'report.html'), renderHtml(model, shownExchanges, { locale: opts.locale }));
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
