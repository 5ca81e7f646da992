/**
 * Object members named twice in a JSON text. JSON.parse keeps the last silently (RFC 8259 §4 leaves it to the reader),
 * so a reader that must report them (FHIR: src/fhir/validator/spec-rules/json-duplicates.ts) has to look at the text.
 * Nearly every text has none: the text's member names are counted (native indexOf) against the members the parsed
 * value has, and only a text whose counts differ is walked to say where.
 */
import { escapePointerToken, pointerTokens } from './json-pointer.ts';

export interface DuplicateKey {
  /** RFC 6901 pointer of the repeated member (its second occurrence). */
  pointer: string;
  key: string;
}

/**
 * On each parsed object whose text named a member twice: those members' names (non-enumerable, so the value reads and
 * serialises as before). Set by readers that had the text (src/fhir/stream/json-document.ts, the journal's text
 * bodies); the FHIR validator reports them wherever it walks that object, a Bundle's entry as much as a root.
 */
export const DUPLICATE_KEYS = Symbol('duplicateJsonKeys');

/** Every string token, and whether a ':' follows it (then it is a member name). Unrolled: no backtracking per character. */
const STRING_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"([ \t\n\r]*:)?/g;
const SPACE_BEFORE_COLON = /"[ \t\n\r]+:/;

/**
 * Member names end with `":` (FHIR's JSON, compact or pretty-printed, puts no space there); inside a string a `"`
 * is escaped, so a `":` whose quote follows an odd run of backslashes is text, not a name. Found with indexOf (native,
 * no allocation): a fifth of the cost of tokenizing every string; text with space before a colon is tokenized.
 */
function memberNamesInText(text: string): number {
  let names = 0;
  if (SPACE_BEFORE_COLON.test(text)) {
    STRING_TOKEN.lastIndex = 0;
    for (let m = STRING_TOKEN.exec(text); m; m = STRING_TOKEN.exec(text)) if (m[1] !== undefined) names++;
    return names;
  }
  for (let at = text.indexOf('":'); at !== -1; at = text.indexOf('":', at + 2)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) names++;
  }
  return names;
}

function membersInValue(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let members = 0;
  if (Array.isArray(value)) {
    for (const item of value) members += membersInValue(item);
    return members;
  }
  for (const key in value) {
    members++;
    members += membersInValue((value as Record<string, unknown>)[key]);
  }
  return members;
}

interface Container {
  object: boolean;
  names: Set<string>;
  /** The member name last read (object) or the element index (array): the next nested container's pointer step. */
  name: string;
  index: number;
  pointer: string;
}

/** The walk: `text` must be JSON that JSON.parse accepted. */
function locateDuplicates(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const open: Container[] = [];
  const token = new RegExp(STRING_TOKEN.source, 'y');
  let at = 0;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    const top = open[open.length - 1];
    if (c === 0x22) {
      token.lastIndex = at;
      const m = token.exec(text)!;
      if (top?.object && m[1] !== undefined) {
        const name = JSON.parse(m[0].slice(0, m[0].lastIndexOf('"') + 1)) as string;
        if (top.names.has(name)) out.push({ pointer: `${top.pointer}/${escapePointerToken(name)}`, key: name });
        else top.names.add(name);
        top.name = name;
      }
      at = token.lastIndex;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      const pointer = top ? `${top.pointer}/${top.object ? escapePointerToken(top.name) : top.index}` : '';
      open.push({ object: c === 0x7b, names: new Set(), name: '', index: 0, pointer });
    } else if (c === 0x7d || c === 0x5d) open.pop();
    else if (c === 0x2c && top && !top.object) top.index++;
    at++;
  }
  return out;
}

/** The members `text` names twice, given `value` = JSON.parse(text); empty, cheaply, when there are none. */
export function duplicateJsonKeys(text: string, value: unknown): DuplicateKey[] {
  if (typeof value !== 'object' || value === null) return [];
  return memberNamesInText(text) === membersInValue(value) ? [] : locateDuplicates(text);
}

/** Marks each object of `value` that the text gave a member twice (DUPLICATE_KEYS), from `duplicates`' pointers. */
export function noteDuplicateKeys(value: unknown, duplicates: readonly DuplicateKey[]): void {
  for (const { pointer, key } of duplicates) {
    let at: unknown = value;
    for (const step of (pointerTokens(pointer) ?? []).slice(0, -1)) at = (at as Record<string, unknown> | undefined)?.[step];
    if (typeof at !== 'object' || at === null) continue;
    const holder = at as { [DUPLICATE_KEYS]?: string[] };
    if (holder[DUPLICATE_KEYS]) holder[DUPLICATE_KEYS].push(key);
    else Object.defineProperty(holder, DUPLICATE_KEYS, { value: [key], enumerable: false, configurable: true });
  }
}

/** JSON.parse(text), its repeated members noted (noteDuplicateKeys); throws as JSON.parse does. */
export function parseNotingDuplicates(text: string): unknown {
  const value: unknown = JSON.parse(text);
  noteDuplicateKeys(value, duplicateJsonKeys(text, value));
  return value;
}

const NONE: readonly string[] = Object.freeze([]);

/** The members named twice in `object`'s text, as a reader noted them; empty when none were or nobody looked. */
export function duplicateKeysIn(object: object): readonly string[] {
  return (object as { [DUPLICATE_KEYS]?: string[] })[DUPLICATE_KEYS] ?? NONE;
}
