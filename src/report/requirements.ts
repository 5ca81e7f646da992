import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { isBlocking } from '../findings/finding.ts';
import type { LocalizedText } from '../findings/finding.ts';
import type { RuleMeta } from '../rules/rule.ts';
import type {
  ExchangeEntry, FindingRef, IntegrityFile, RequirementDefinition, RequirementKind, RequirementReport, RoleCoverage, RuleVerdict, ScenarioReport,
  ScenarioStatus, SutInfo,
} from './model.ts';
import { isObject } from '../util/is-object.ts';

/*
 * The requirement catalogue of a program (profiles/<program>/requirements.json): every rule of rules.json, plus
 * one profile constraint per message schema. A scenario declares what it covers by tag (@RN-05, @PGS-API-01);
 * a profile constraint is covered by a scenario carrying one of its `coveredBy` tags in which a message the
 * constraint governs was actually exchanged, and judged by the findings of its `judgedBy` rules on such messages.
 */


/** Which messages a profile constraint governs. Every member is optional; regexes are JavaScript syntax. */
export interface MessageSelector {
  side?: 'request' | 'response';
  method?: string;
  /** Tested against the URL path, unanchored unless the pattern anchors it. */
  path?: string;
  /** `2xx`, `4xx`…: the response status class. */
  status?: string;
  /** Top-level members the side's JSON body must have. */
  has?: string[];
  /** Exactly these top-level members. */
  keys?: string[];
  /** For attributing a finding: its location (JSON pointer) must match. */
  pointer?: string;
}

export interface Requirement extends RequirementDefinition {
  /** Finding rule ids that count against it (always including its own id). */
  judgedBy: string[];
  /** Its behaviours, from the catalogue's `behaviours` (absent when it has none). */
  behaviours?: Behaviour[];
  /** Profile constraints: the messages it governs; absent for rules. */
  messages?: MessageSelector[];
}

export interface RequirementCatalogue {
  program: string;
  version: string;
  /** Version of rules.json (the program's profile version, as reports have always stated it). */
  rulesVersion: string;
  source: string;
  rules: RuleMeta[];
  requirements: Requirement[];
  /** The catalogue files with their hashes, so a report names exactly what it was judged against. */
  files: IntegrityFile[];
  /** Observable behaviours of the requirements (what is sent, what must come back), each bound to roles. */
  behaviours: Behaviour[];
  /**
   * SHALL requirements that bind a role without any behaviour for that role (`RN-05 imss`): a hole in the catalogue.
   * Empty when the catalogue declares no behaviours at all (then coverage is by requirement only, as before).
   */
  missingBehaviours: string[];
}

/**
 * One observable behaviour of a requirement: what is sent or done, and what must come back or happen. A scenario
 * exercising it against role R is tagged `@<id>` and `@<R>`; (behaviour, role) is a cell of the coverage matrix.
 */
export interface Behaviour {
  /** `<requirement id>.<n>`, stable once published. */
  id: string;
  /** Id of the rule or profile constraint it belongs to. */
  requirement: string;
  sent: LocalizedText;
  expected: LocalizedText;
  /** The roles whose behaviour it judges. */
  roles: string[];
  source: string;
}

export class CatalogueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogueError';
  }
}

const isText = (x: unknown): x is LocalizedText => isObject(x) && typeof x.en === 'string' && (x.es === undefined || typeof x.es === 'string') && (x.ru === undefined || typeof x.ru === 'string');
const stringList = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

function readJson(file: string, label: string): { data: unknown; hash: IntegrityFile } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CatalogueError(`cannot read ${label}: ${(error as Error).message}`);
  }
  try {
    const data: unknown = JSON.parse(bytes.toString('utf8'));
    return { data, hash: { path: label, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length } };
  } catch (error) {
    throw new CatalogueError(`${label} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseSelector(x: unknown, where: string): MessageSelector {
  if (!isObject(x)) throw new CatalogueError(`${where}: a message selector must be an object`);
  const out: MessageSelector = {};
  for (const [k, v] of Object.entries(x)) {
    switch (k) {
      case 'side':
        if (v !== 'request' && v !== 'response') throw new CatalogueError(`${where}: side must be request or response`);
        out.side = v;
        break;
      case 'method': case 'path': case 'pointer': case 'status':
        if (typeof v !== 'string') throw new CatalogueError(`${where}: ${k} must be a string`);
        if (k === 'status' && !/^[1-5]xx$/.test(v)) throw new CatalogueError(`${where}: status must look like 2xx`);
        if (k !== 'status') {
          try {
            new RegExp(v);
          } catch {
            throw new CatalogueError(`${where}: ${k} is not a valid regular expression: ${v}`);
          }
        }
        out[k] = v;
        break;
      case 'has': case 'keys':
        if (!stringList(v)) throw new CatalogueError(`${where}: ${k} must be a list of member names`);
        out[k] = v;
        break;
      default:
        throw new CatalogueError(`${where}: unknown selector member '${k}'`);
    }
  }
  return out;
}

function parseConstraint(x: unknown, i: number, file: string): Requirement {
  const where = `${file} constraints[${i}]`;
  if (!isObject(x)) throw new CatalogueError(`${where} must be an object`);
  const { id, title, text, source, severity, roles, schema, judgedBy, coveredBy, messages } = x;
  if (typeof id !== 'string' || id === '') throw new CatalogueError(`${where}: id is required`);
  if (!isText(title) || !isText(text)) throw new CatalogueError(`${where} (${id}): title and text need at least en`);
  if (typeof source !== 'string' || source === '') throw new CatalogueError(`${where} (${id}): source is required`);
  if (severity !== 'SHALL' && severity !== 'SHOULD') throw new CatalogueError(`${where} (${id}): severity must be SHALL or SHOULD`);
  if (roles !== undefined && !stringList(roles)) throw new CatalogueError(`${where} (${id}): roles must be a list`);
  if (schema !== undefined && typeof schema !== 'string') throw new CatalogueError(`${where} (${id}): schema must be a path`);
  if (!stringList(judgedBy) || !stringList(coveredBy) || coveredBy.length === 0) {
    throw new CatalogueError(`${where} (${id}): judgedBy and coveredBy (non-empty) must be lists of rule ids / tags`);
  }
  if (messages !== undefined && (!Array.isArray(messages) || messages.length === 0)) throw new CatalogueError(`${where} (${id}): messages must be a non-empty list`);
  const req: Requirement = {
    id,
    kind: 'profile',
    title,
    text,
    source,
    severity,
    coveredBy: [...new Set([id, ...coveredBy.map(stripAt)])],
    judgedBy: [...new Set([id, ...judgedBy])],
  };
  if (roles) req.roles = roles;
  if (schema) req.schema = schema;
  if (Array.isArray(messages)) req.messages = messages.map((m, j) => parseSelector(m, `${where}.messages[${j}]`));
  return req;
}

const stripAt = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);

function ruleRequirement(r: RuleMeta): Requirement {
  const req: Requirement = {
    id: r.id, kind: 'rule', title: r.title, text: r.description, source: r.source, severity: r.strength, coveredBy: [r.id], judgedBy: [r.id],
  };
  if (r.roles) req.roles = [...r.roles];
  return req;
}

/**
 * The one way to load a program's requirements: requirements.json, the rules.json it names, and checks that
 * ids are unique and every schema a constraint names exists. Throws CatalogueError with what to fix.
 */
export function loadRequirementCatalogue(program: string, dir: string, displayDir = 'profiles'): RequirementCatalogue {
  const rel = (p: string): string => `${displayDir}/${p}`;
  const { data, hash } = readJson(path.join(dir, 'requirements.json'), rel('requirements.json'));
  if (!isObject(data)) throw new CatalogueError(`${hash.path} must be an object`);
  if (data.program !== program) throw new CatalogueError(`${hash.path} is for program '${String(data.program)}', not '${program}'`);
  if (typeof data.version !== 'string') throw new CatalogueError(`${hash.path}: version is required`);
  const files: IntegrityFile[] = [hash];
  let rules: RuleMeta[] = [];
  let rulesVersion = data.version;
  if (data.rules !== undefined) {
    if (typeof data.rules !== 'string') throw new CatalogueError(`${hash.path}: rules must name the rules file (e.g. "rules.json")`);
    const r = readJson(path.join(dir, data.rules), rel(data.rules));
    files.push(r.hash);
    const body = r.data as { version?: unknown; rules?: unknown };
    if (!isObject(body) || !Array.isArray(body.rules)) throw new CatalogueError(`${r.hash.path}: rules must be a list`);
    rules = body.rules as RuleMeta[];
    for (const [i, rule] of rules.entries()) {
      if (!isObject(rule) || typeof rule.id !== 'string' || !isText(rule.title) || (rule.strength !== 'SHALL' && rule.strength !== 'SHOULD')) {
        throw new CatalogueError(`${r.hash.path} rules[${i}]: needs id, title and strength SHALL/SHOULD`);
      }
    }
    if (typeof body.version === 'string') rulesVersion = body.version;
  }
  const constraints = data.constraints === undefined ? [] : data.constraints;
  if (!Array.isArray(constraints)) throw new CatalogueError(`${hash.path}: constraints must be a list`);
  const requirements = [...rules.map(ruleRequirement), ...constraints.map((c, i) => parseConstraint(c, i, hash.path))];
  const seen = new Set<string>();
  for (const r of requirements) {
    if (seen.has(r.id)) throw new CatalogueError(`${hash.path}: requirement id ${r.id} appears twice`);
    seen.add(r.id);
    if (r.schema) files.push(readJson(path.join(dir, r.schema), rel(r.schema)).hash);
  }
  const behaviours = parseBehaviours(data.behaviours, requirements, hash.path);
  return {
    program,
    version: data.version,
    rulesVersion,
    source: typeof data.source === 'string' ? data.source : '',
    rules,
    requirements,
    files,
    behaviours,
    missingBehaviours: behaviours.length === 0 ? [] : missingBehaviours(requirements, behaviours),
  };
}

/** The program's roles as its catalogue knows them: every role a rule or constraint binds. */
function catalogueRoles(requirements: readonly Requirement[]): Set<string> {
  return new Set(requirements.flatMap((r) => r.roles ?? []));
}

/**
 * Reads `behaviours` and attaches each to its requirement. Ids are unique and named `<requirement>.<n>`, the
 * requirement exists, and the roles are roles the catalogue binds (a typo would silently leave a cell uncovered).
 */
function parseBehaviours(x: unknown, requirements: Requirement[], file: string): Behaviour[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw new CatalogueError(`${file}: behaviours must be a list`);
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const roles = catalogueRoles(requirements);
  const seen = new Set<string>();
  const out = x.map((b, i): Behaviour => {
    const where = `${file} behaviours[${i}]`;
    if (!isObject(b)) throw new CatalogueError(`${where} must be an object`);
    const { id, requirement, sent, expected, roles: bound, source } = b;
    if (typeof id !== 'string' || id === '') throw new CatalogueError(`${where}: id is required`);
    if (seen.has(id)) throw new CatalogueError(`${where}: behaviour id ${id} appears twice`);
    seen.add(id);
    if (typeof requirement !== 'string' || !byId.has(requirement)) {
      throw new CatalogueError(`${where} (${id}): requirement '${String(requirement)}' is not a rule or constraint of the catalogue`);
    }
    if (!id.startsWith(`${requirement}.`) || !/^\d+$/.test(id.slice(requirement.length + 1))) {
      throw new CatalogueError(`${where} (${id}): the id must be <requirement>.<n>, here ${requirement}.<n>`);
    }
    if (!isText(sent) || !isText(expected)) throw new CatalogueError(`${where} (${id}): sent and expected need at least en`);
    if (!stringList(bound) || bound.length === 0) throw new CatalogueError(`${where} (${id}): roles must be a non-empty list`);
    const unknown = bound.filter((r) => !roles.has(r));
    if (roles.size > 0 && unknown.length > 0) {
      throw new CatalogueError(`${where} (${id}): unknown role(s) ${unknown.join(', ')} (the catalogue binds ${[...roles].join(', ')})`);
    }
    const req = byId.get(requirement)!;
    const outside = req.roles ? bound.filter((r) => !req.roles!.includes(r)) : [];
    if (outside.length > 0) throw new CatalogueError(`${where} (${id}): ${requirement} does not bind ${outside.join(', ')}`);
    if (typeof source !== 'string' || source === '') throw new CatalogueError(`${where} (${id}): source is required`);
    return { id, requirement, sent, expected, roles: [...bound], source };
  });
  for (const b of out) (byId.get(b.requirement)!.behaviours ??= []).push(b);
  return out;
}

/** `<requirement> <role>` for every SHALL rule binding a role that no behaviour binds for that role. */
export function missingBehaviours(requirements: readonly Requirement[], behaviours: readonly Behaviour[]): string[] {
  const roles = [...catalogueRoles(requirements)];
  const has = new Set(behaviours.flatMap((b) => b.roles.map((r) => `${b.requirement} ${r}`)));
  return requirements
    .filter((r) => r.kind === 'rule' && r.severity === 'SHALL')
    .flatMap((r) => (r.roles ?? roles).map((role) => `${r.id} ${role}`))
    .filter((cell) => !has.has(cell));
}

// ——— matching messages ———

function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

const regexCache = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) regexCache.set(source, (r = new RegExp(source)));
  return r;
}

function bodyOf(x: ExchangeEntry, side: 'request' | 'response'): unknown {
  const m = side === 'request' ? x.request : x.response;
  return m && typeof m === 'object' ? m.body : undefined;
}

/**
 * Does message `side` of exchange `x` fall under the selector? With no side given by the caller, either side
 * that fits the selector will do. `pointer` is only tested when a finding location is given.
 */
export function selectorMatches(sel: MessageSelector, x: ExchangeEntry, side?: 'request' | 'response', pointer?: string): boolean {
  if (sel.side && side && sel.side !== side) return false;
  if (sel.method && !re(sel.method).test(String(x.method ?? ''))) return false;
  if (sel.path && !re(sel.path).test(urlPath(x.url))) return false;
  if (sel.status && !(typeof x.status === 'number' && Math.floor(x.status / 100) === Number(sel.status[0]))) return false;
  if (pointer !== undefined && sel.pointer && !re(sel.pointer).test(pointer)) return false;
  if (sel.has || sel.keys) {
    const sides: ('request' | 'response')[] = sel.side ? [sel.side] : side ? [side] : ['request', 'response'];
    const fits = sides.some((s) => {
      const body = bodyOf(x, s);
      if (!isObject(body)) return false;
      if (sel.has && !sel.has.every((k) => Object.hasOwn(body, k))) return false;
      if (sel.keys) {
        const keys = Object.keys(body);
        if (keys.length !== sel.keys.length || !sel.keys.every((k) => keys.includes(k))) return false;
      }
      return true;
    });
    if (!fits) return false;
  }
  return true;
}

// ——— coverage ———

const NOT_PASSED: ReadonlySet<ScenarioStatus> = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

export interface CoverageInput {
  requirements: readonly Requirement[];
  scenarios: readonly ScenarioReport[];
  /** Exchanges of the last attempt of each scenario, by scenario id. */
  exchanges: ReadonlyMap<string, readonly ExchangeEntry[]>;
  sut: SutInfo;
  /** Roles of the run, in display order (the matrix columns). */
  roles: readonly string[];
}

function appliesTo(req: Requirement, role: string): boolean {
  return !req.roles || req.roles.includes(role);
}

/** The requirements a finding counts against (by rule id and, for constraints, the offending message). */
export function requirementsOfFinding(
  reqs: readonly Requirement[],
  f: ScenarioReport['findings'][number],
  exchange: ExchangeEntry | undefined,
): Requirement[] {
  return reqs.filter((r) => {
    if (!r.judgedBy.includes(f.ruleId)) return false;
    if (r.kind === 'rule' || !r.messages || f.ruleId === r.id) return true;
    // The offending message is unknown: count it, rather than let a failure slip past the matrix.
    if (!exchange) return true;
    return r.messages.some((sel) => selectorMatches(sel, exchange, f.side, f.location));
  });
}

export interface CoverageResult {
  requirements: RequirementReport[];
  /** Requirement ids each scenario declares by tag, by scenario id. */
  declared: Map<string, string[]>;
}

export function computeCoverage(input: CoverageInput): CoverageResult {
  const { requirements, scenarios, exchanges, sut, roles } = input;
  const byTag = new Map<string, Requirement[]>();
  for (const r of requirements) {
    // A behaviour's tag declares its requirement too (the rule tag is meant to be kept beside it, but may be forgotten).
    for (const t of [...r.coveredBy, ...(r.behaviours ?? []).map((b) => b.id)]) {
      let l = byTag.get(t);
      if (!l) byTag.set(t, (l = []));
      l.push(r);
    }
  }
  const declared = new Map<string, string[]>();
  const covering = new Map<string, ScenarioReport[]>();
  const declaredOnly = new Map<string, string[]>();
  const findingRefs = new Map<string, (FindingRef & { blocking: boolean })[]>();
  /** Scenario id -> requirement ids its blocking findings are attributed to (explaining its failure). */
  const explained = new Map<string, Set<string>>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(v);
  };

  for (const s of scenarios) {
    const xs = exchanges.get(s.id) ?? [];
    const ids: string[] = [];
    for (const tag of s.tags) {
      for (const r of byTag.get(stripAt(tag)) ?? []) {
        if (ids.includes(r.id)) continue;
        ids.push(r.id);
        // A constraint is covered only where such a message was exchanged: a tag alone proves nothing.
        const exercised = !r.messages || xs.some((x) => r.messages!.some((sel) => selectorMatches(sel, x)));
        if (exercised) push(covering, r.id, s);
        else push(declaredOnly, r.id, s.id);
      }
    }
    declared.set(s.id, ids);
    const byId = new Map(xs.map((x) => [x.id, x]));
    s.findings.forEach((f, index) => {
      const x = f.exchangeId === undefined ? undefined : byId.get(f.exchangeId);
      for (const r of requirementsOfFinding(requirements, f, x)) {
        const ref: FindingRef & { blocking: boolean } = { scenarioId: s.id, index, blocking: isBlocking(f) };
        if (f.exchangeId !== undefined) ref.exchangeId = f.exchangeId;
        push(findingRefs, r.id, ref);
        if (ref.blocking) {
          let e = explained.get(s.id);
          if (!e) explained.set(s.id, (e = new Set()));
          e.add(r.id);
        }
      }
    });
  }

  const result = requirements.map((r): RequirementReport => {
    const cov = covering.get(r.id) ?? [];
    const refs = findingRefs.get(r.id) ?? [];
    const blocking = refs.filter((f) => f.blocking);
    // Rules fail with any scenario tagged for them that did not pass. A constraint shares its scenarios with
    // others, so it fails only on its own findings, or on a failure that no finding explains.
    const failedScenarios = cov.filter((s) => NOT_PASSED.has(s.status)
      && (r.kind === 'rule' || (explained.get(s.id)?.size ?? 0) === 0 || explained.get(s.id)?.has(r.id)));
    const passed = cov.filter((s) => s.status === 'passed');
    const applies = sut.kind !== 'external' || appliesTo(r, sut.role);
    const verdict: RuleVerdict = blocking.length > 0 || failedScenarios.length > 0
      ? 'failed'
      : passed.length > 0 ? 'passed' : applies ? 'not-covered' : 'not-applicable';

    const byRole = roles.map((role): RoleCoverage => {
      const mine = cov.filter((s) => s.roles.includes(role));
      const mineIds = new Set(mine.map((s) => s.id));
      const bad = blocking.some((f) => mineIds.has(f.scenarioId)) || failedScenarios.some((s) => mineIds.has(s.id));
      const v: RuleVerdict = bad ? 'failed' : mine.some((s) => s.status === 'passed') ? 'passed' : appliesTo(r, role) ? 'not-covered' : 'not-applicable';
      return { role, verdict: v, scenarios: mine.map((s) => s.id) };
    });

    const reason = explain(r, verdict, cov.length, passed.length, blocking.length, failedScenarios.map((s) => s.id), declaredOnly.get(r.id) ?? []);
    const report: RequirementReport = {
      id: r.id,
      kind: r.kind,
      title: { ...r.title },
      text: { ...r.text },
      source: r.source,
      severity: r.severity,
      coveredBy: [...r.coveredBy],
      verdict,
      scenarios: cov.map((s) => s.id),
      declaredOnly: declaredOnly.get(r.id) ?? [],
      byRole,
      findings: refs.map(({ blocking: _b, ...ref }) => ref),
      reason,
    };
    if (r.roles) report.roles = [...r.roles];
    if (r.schema) report.schema = r.schema;
    return report;
  });
  return { requirements: result, declared };
}

function explain(r: Requirement, verdict: RuleVerdict, covered: number, passed: number, blocking: number, failed: string[], declaredOnly: string[]): { es: string; en: string } {
  const tags = r.coveredBy.map((t) => `@${t}`).join(', ');
  switch (verdict) {
    case 'failed': {
      const en: string[] = [];
      const es: string[] = [];
      if (blocking > 0) {
        en.push(`${blocking} blocking finding(s) count against it.`);
        es.push(`${blocking} hallazgo(s) bloqueante(s) cuentan en su contra.`);
      }
      if (failed.length > 0) {
        en.push(`Covering scenario(s) not passed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ` (+${failed.length - 5})` : ''}.`);
        es.push(`Escenario(s) que lo cubren no aprobados: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ` (+${failed.length - 5})` : ''}.`);
      }
      return { en: en.join(' '), es: es.join(' ') };
    }
    case 'passed':
      return {
        en: `${passed} of ${covered} covering scenario(s) passed, with no blocking finding.`,
        es: `${passed} de ${covered} escenario(s) que lo cubren aprobados, sin hallazgos bloqueantes.`,
      };
    case 'not-applicable':
      return {
        en: `Binds only ${r.roles?.join(', ')}, not the system under test.`,
        es: `Solo obliga a ${r.roles?.join(', ')}, no al sistema bajo prueba.`,
      };
    default: {
      const extra = declaredOnly.length > 0
        ? { en: ` ${declaredOnly.length} scenario(s) are tagged for it but exchanged no such message.`, es: ` ${declaredOnly.length} escenario(s) llevan su etiqueta pero no intercambiaron ese mensaje.` }
        : { en: '', es: '' };
      return {
        en: `No scenario tagged ${tags} ${r.messages ? 'that exchanged such a message ' : ''}passed.${extra.en}`,
        es: `Ningún escenario etiquetado ${tags} ${r.messages ? 'que intercambiara ese mensaje ' : ''}fue aprobado.${extra.es}`,
      };
    }
  }
}
