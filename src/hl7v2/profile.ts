/**
 * HL7 v2 message profiles in Sello's JSON format (a program's `profiles/v2/README.md` documents it): datatypes,
 * segments, tables, and one file per message profile with its structure in HL7 abstract-message notation.
 * Loading checks the profile set for internal consistency and throws on a broken one: a broken profile is a
 * programming error, not a finding about a message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Usage = 'R' | 'RE' | 'O' | 'X' | 'C' | 'B';
const USAGES: readonly Usage[] = ['R', 'RE', 'O', 'X', 'C', 'B'];

/** Condition of a `C` element: required when the predicate holds, optional otherwise. Paths are in the same segment. */
export type Predicate = { present: string } | { absent: string } | { equals: [string, string] };

export interface ComponentDef {
  name: string;
  dt: string;
  usage?: Usage;
  len?: number;
  table?: string;
}

export interface DatatypeDef {
  name: string;
  /** Primitive check: `text`, `code`, `NM`, `SI`, `DTM`, `DT`, `TM`, `formatted-text`, `varies`. */
  primitive?: string;
  components?: ComponentDef[];
}

export interface FieldDef {
  seq: number;
  name: string;
  dt: string;
  usage: Usage;
  /** Usage in the v2.5 base standard, when the contract tightened it. */
  baseUsage?: Usage;
  /** Maximum repetitions: a number or `*`. Default 1. */
  rpt?: number | '*';
  len?: number;
  table?: string;
  predicate?: Predicate;
}

export interface SegmentDef {
  name: string;
  /** Number of fields v2.5 defines; fields beyond it are errors. */
  fieldCount: number;
  fields: FieldDef[];
  /** True when only some of the v2.5 fields are listed; unlisted ones are accepted as optional text. */
  partial?: boolean;
}

export interface TableDef {
  name: string;
  /** HL7-defined or user-defined table in v2.5. */
  type: 'HL7' | 'User';
  /** `required`: a value outside the table is an error; `extensible`: a warning. */
  binding: 'required' | 'extensible';
  /** True when Sello carries only part of the table: an unknown value is then a warning whatever the binding. */
  subset?: boolean;
  codes: Record<string, string>;
}

export interface ElementOverride {
  usage?: Usage;
  len?: number;
  table?: string;
  rpt?: number | '*';
  predicate?: Predicate;
}

export type StructureItem =
  | string
  | { segment: string; min?: number; max?: number | '*'; usage?: Usage; base?: string }
  | { group: string; min?: number; max?: number | '*'; usage?: Usage; base?: string; items: StructureItem[] };

/** A program rule: `kind` names the check the program registers (`rules.ts`); the other keys are its parameters. */
export interface RuleDef {
  id: string;
  kind: string;
  path: string;
  [parameter: string]: unknown;
}

export interface MessageProfileFile {
  format: string;
  id: string;
  title: string;
  contract: string;
  messageType: { code: string; event?: string; structure: string };
  version: string;
  structure: StructureItem[];
  fields?: Record<string, ElementOverride>;
  rules?: RuleDef[];
  /** Severity of length violations; `warning` by default (see the README). */
  lengthSeverity?: 'warning' | 'error';
}

/** A compiled structure element. */
export type Element = SegmentElement | GroupElement;
interface ElementBase {
  min: number;
  max: number;
  usage: Usage;
  /** Every segment id inside. */
  ids: ReadonlySet<string>;
  /** Segment ids that can begin it. */
  first: ReadonlySet<string>;
}
export interface SegmentElement extends ElementBase {
  kind: 'segment';
  id: string;
}
export interface GroupElement extends ElementBase {
  kind: 'group';
  name: string;
  items: Element[];
}

export interface MessageProfile extends MessageProfileFile {
  root: GroupElement;
}

export interface ProfileSet {
  dir: string;
  datatypes: Record<string, DatatypeDef>;
  segments: Record<string, SegmentDef>;
  tables: Record<string, TableDef>;
  messages: Record<string, MessageProfile>;
}

const cache = new Map<string, ProfileSet>();

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const maxOf = (m: number | '*' | undefined, dflt: number): number => (m === '*' ? Infinity : (m ?? dflt));

/** `PID`, `[PD1]`, `{OBX}`, `[{NK1}]` → a segment element. */
function parseSegmentNotation(s: string, where: string): { id: string; min: number; max: number } {
  const m = /^(\[)?(\{)?([A-Z][A-Z0-9]{2})(\})?(\])?$/.exec(s.trim());
  if (!m || Boolean(m[1]) !== Boolean(m[5]) || Boolean(m[2]) !== Boolean(m[4])) throw new Error(`${where}: bad structure item ${JSON.stringify(s)}`);
  return { id: m[3] ?? '', min: m[1] ? 0 : 1, max: m[2] ? Infinity : 1 };
}

function compileItem(item: StructureItem, where: string): Element {
  if (typeof item === 'string') {
    const { id, min, max } = parseSegmentNotation(item, where);
    const ids = new Set([id]);
    return { kind: 'segment', id, min, max, usage: min > 0 ? 'R' : 'O', ids, first: ids };
  }
  if ('segment' in item) {
    const { id } = parseSegmentNotation(item.segment, where);
    const ids = new Set([id]);
    const min = item.min ?? 1;
    return { kind: 'segment', id, min, max: maxOf(item.max, 1), usage: item.usage ?? (min > 0 ? 'R' : 'O'), ids, first: ids };
  }
  return compileGroup(item.group, item.items, item.min ?? 1, maxOf(item.max, 1), item.usage, `${where}/${item.group}`);
}

function compileGroup(name: string, rawItems: StructureItem[], min: number, max: number, usage: Usage | undefined, where: string): GroupElement {
  if (!Array.isArray(rawItems) || rawItems.length === 0) throw new Error(`${where}: a group needs items`);
  const items = rawItems.map((i) => compileItem(i, where));
  const ids = new Set<string>();
  for (const i of items) for (const id of i.ids) ids.add(id);
  const first = new Set<string>();
  for (const i of items) {
    for (const id of i.first) first.add(id);
    if (i.min > 0) break;
  }
  return { kind: 'group', name, items, min, max, usage: usage ?? (min > 0 ? 'R' : 'O'), ids, first };
}

function checkUsage(u: unknown, where: string): void {
  if (u !== undefined && !USAGES.includes(u as Usage)) throw new Error(`${where}: unknown usage ${JSON.stringify(u)}`);
}

function validateSet(set: ProfileSet): void {
  const dtExists = (dt: string, where: string): void => {
    if (dt !== 'varies' && !set.datatypes[dt]) throw new Error(`${where}: unknown datatype ${dt}`);
  };
  // A table id in a datatype or segment without an entry in tables.json documents the v2.5 binding and is not
  // checked; a table a message profile binds must exist.
  const tableExists = (t: string | undefined, where: string): void => {
    if (t !== undefined && !/^\d{4}$/.test(t)) throw new Error(`${where}: bad table id ${t}`);
  };
  const boundTableExists = (t: string | undefined, where: string): void => {
    if (t !== undefined && !set.tables[t]) throw new Error(`${where}: unknown table ${t}`);
  };
  for (const [name, dt] of Object.entries(set.datatypes)) {
    if (!dt.primitive && !dt.components) throw new Error(`datatype ${name}: neither primitive nor components`);
    for (const [i, c] of (dt.components ?? []).entries()) {
      dtExists(c.dt, `datatype ${name}.${i + 1}`);
      checkUsage(c.usage, `datatype ${name}.${i + 1}`);
      tableExists(c.table, `datatype ${name}.${i + 1}`);
    }
  }
  for (const [name, seg] of Object.entries(set.segments)) {
    let last = 0;
    for (const f of seg.fields) {
      const where = `segment ${name}-${f.seq}`;
      if (f.seq <= last || f.seq > seg.fieldCount) throw new Error(`${where}: out of order or beyond fieldCount`);
      last = f.seq;
      dtExists(f.dt, where);
      checkUsage(f.usage, where);
      checkUsage(f.baseUsage, where);
      tableExists(f.table, where);
    }
  }
  for (const [name, t] of Object.entries(set.tables)) {
    if (t.type !== 'HL7' && t.type !== 'User') throw new Error(`table ${name}: type must be HL7 or User`);
    if (t.binding !== 'required' && t.binding !== 'extensible') throw new Error(`table ${name}: binding must be required or extensible`);
  }
  for (const [id, p] of Object.entries(set.messages)) {
    for (const [key, o] of Object.entries(p.fields ?? {})) {
      if (!/^[A-Z][A-Z0-9]{2}-\d+(\.\d+){0,2}$/.test(key)) throw new Error(`message ${id}: bad field key ${key}`);
      checkUsage(o.usage, `message ${id} ${key}`);
      boundTableExists(o.table, `message ${id} ${key}`);
    }
    for (const r of p.rules ?? []) {
      if (typeof r.id !== 'string' || typeof r.kind !== 'string' || typeof r.path !== 'string') throw new Error(`message ${id}: a rule needs id, kind and path`);
    }
  }
}

/** Loads (once per directory) and checks a profile directory. Throws when the profiles are inconsistent. */
export function loadProfileSet(dir: string): ProfileSet {
  const cached = cache.get(dir);
  if (cached) return cached;
  const datatypes = readJson<{ datatypes: Record<string, DatatypeDef> }>(join(dir, 'datatypes.json')).datatypes;
  const segments = readJson<{ segments: Record<string, SegmentDef> }>(join(dir, 'segments.json')).segments;
  const tables = readJson<{ tables: Record<string, TableDef> }>(join(dir, 'tables.json')).tables;
  const messages: Record<string, MessageProfile> = {};
  const messageDir = join(dir, 'messages');
  for (const file of readdirSync(messageDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const p = readJson<MessageProfileFile>(join(messageDir, file));
    if (!p.id || messages[p.id]) throw new Error(`${file}: missing or duplicate profile id`);
    const root = compileGroup(p.messageType.structure, p.structure, 1, 1, 'R', `${file}`);
    messages[p.id] = { ...p, root };
  }
  const set: ProfileSet = { dir, datatypes, segments, tables, messages };
  validateSet(set);
  cache.set(dir, set);
  return set;
}
