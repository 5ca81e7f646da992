import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalizedText } from '../findings/finding.ts';
import type { RuleMeta } from '../rules/rule.ts';
import { isObject } from '../util/is-object.ts';
import { parseXml } from '../xml/dom.ts';
import { localReferences } from '../xml/references.ts';
import type { IntegrityFile } from './model.ts';
import { type Behaviour, type MessageSelector, type Requirement, stripAt } from './requirement-model.ts';

export { type Behaviour, type MessageSelector, type Requirement, stripAt } from './requirement-model.ts';

/*
 * The requirement catalogue of a program (profiles/<program>/requirements.json): every rule of rules.json, plus
 * one profile constraint per message schema. A scenario declares what it covers by tag (@RN-05, @PGS-API-01);
 * a profile constraint is covered by a scenario carrying one of its `coveredBy` tags in which a message the
 * constraint governs was actually exchanged, and judged by the findings of its `judgedBy` rules on such messages.
 */

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

export class CatalogueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogueError';
  }
}

const isText = (x: unknown): x is LocalizedText => isObject(x) && typeof x.en === 'string' && (x.es === undefined || typeof x.es === 'string') && (x.ru === undefined || typeof x.ru === 'string');
const stringList = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/**
 * A profile a constraint names, hashed for the report's integrity list: a JSON Schema must parse as JSON, an XML
 * profile (XSD, Schematron, any `.xml`) must be well-formed XML, so a broken profile is refused when the catalogue
 * loads rather than when the first message is judged. An XML profile brings the local files it includes or imports
 * (xs:include/import/redefine/override, sch:include): a run is judged against all of them, so all are hashed.
 */
function readProfileFiles(file: string, label: string): IntegrityFile[] {
  if (!XML_PROFILE.test(file)) return [readJson(file, label).hash];
  const out: IntegrityFile[] = [];
  const seen = new Set<string>();
  const queue: Array<[string, string]> = [[path.resolve(file), label]];
  while (queue.length > 0 && seen.size < MAX_PROFILE_FILES) {
    const [next, shown] = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const bytes = readBytes(next, shown);
    const parsed = parseXml(bytes);
    if (!parsed.document) throw new CatalogueError(`${shown} is not well-formed XML: ${parsed.findings[0]?.message.en ?? 'unreadable'}`);
    out.push(integrityOf(bytes, shown));
    for (const r of localReferences(parsed.document)) queue.push([path.resolve(path.dirname(next), r.file), path.posix.join(path.posix.dirname(shown), r.file)]);
  }
  return out;
}

const MAX_PROFILE_FILES = 500;

const XML_PROFILE = /\.(xsd|sch|xml|xsl|xslt)$/i;

const integrityOf = (bytes: Buffer, label: string): IntegrityFile => ({ path: label, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });

function readBytes(file: string, label: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CatalogueError(`cannot read ${label}: ${(error as Error).message}`);
  }
}

function readJson(file: string, label: string): { data: unknown; hash: IntegrityFile } {
  const bytes = readBytes(file, label);
  try {
    const data: unknown = JSON.parse(bytes.toString('utf8'));
    return { data, hash: integrityOf(bytes, label) };
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
      case 'method':
      case 'path':
      case 'pointer':
      case 'status':
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
      case 'has':
      case 'keys':
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

function ruleRequirement(r: RuleMeta): Requirement {
  const req: Requirement = {
    id: r.id,
    kind: 'rule',
    title: r.title,
    text: r.description,
    source: r.source,
    severity: r.strength,
    coveredBy: [r.id],
    judgedBy: [r.id],
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
    if (r.schema) for (const f of readProfileFiles(path.join(dir, r.schema), rel(r.schema))) if (!files.some((g) => g.path === f.path)) files.push(f);
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

// Where the catalogue is applied to a run; re-exported so that the catalogue stays the one import of its users.
export { type CoverageInput, type CoverageResult, computeCoverage, requirementsOfFinding } from './coverage.ts';
export { selectorMatches } from './message-selector.ts';
