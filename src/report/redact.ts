import { createHash, createHmac, randomBytes } from 'node:crypto';
import { esc } from './html-escape.ts';
import { base64Text, collectPersons, FIELD_KINDS, type IdentifierKind } from './redact-collect.ts';

/*
 * `--redact`: identifiers and names of persons are replaced by pseudonyms, HMAC-SHA256 of the value under a salt
 * drawn for the run and never written anywhere: the same value gets the same pseudonym in every file of the run (so
 * a reader can still follow a person from the alta to the index), and nobody can reverse or link it across runs.
 * Birth dates are dropped to their year and postal codes to their first two digits.
 *
 * Two passes: values of person fields are collected from every message body (redact-collect.ts), then replaced
 * wherever they appear, whole word for word, in plain, URL-encoded and JSON-escaped text; identifier shapes (CURP,
 * RFC, NSS, a DNI in a FHIR `identifier=` search) are replaced in any text even when no body carried them.
 *
 * Names are replaced word by word (a surname travels as "CERDÁN CASTREJÓN" in PID-5 and as two members in a JSON
 * body), in the spellings messages use (as written, UPPER, Title), never lower-case: a lower-case word is far more
 * often a Spanish word or a JSON member ("campos") than a surname.
 *
 * Secrets are not pseudonymized but removed, always, by the one secrets policy (src/util/redaction.ts) that the
 * journal and the report share.
 */

export type { IdentifierKind } from './redact-collect.ts';

// Lookbehinds: no letter or digit before, unless it ends a JSON escape ("\nGOMC…" is a CURP at a line start). Both
// cases: a digit run inside a hash or a UUID ("…-a74186230673") is not an NSS.
const PATTERNS: { kind: IdentifierKind; re: RegExp }[] = [
  // CURP shape, valid or not (a CURP with a wrong check digit is still somebody's identifier).
  { kind: 'CURP', re: /(?<!(?<!\\)[A-Za-z0-9])[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d(?![A-Za-z0-9])/g },
  // RFC of a person: 4 letters, birth date, 3-character homoclave.
  { kind: 'RFC', re: /(?<!(?<!\\)[A-Za-z0-9Ñ&])[A-ZÑ&]{4}\d{6}[A-Z0-9]{3}(?![A-Za-z0-9])/g },
  // SNILS as written for people (123-456-789 01); its 11 bare digits are caught as an NSS would be.
  { kind: 'SNILS', re: /(?<![\d-])\d{3}-\d{3}-\d{3}[ -]\d{2}(?!\d)/g },
  // NSS: 11 digits not inside a longer number (timestamps, ids) or a hash.
  { kind: 'NSS', re: /(?<!(?<!\\)[A-Za-z0-9.:-])\d{11}(?![A-Za-z0-9])/g },
  // DNI searched for in FHIR: `identifier=12345678` or `identifier=<system>|12345678` (the bar possibly URL-encoded).
  { kind: 'DNI', re: /(?<=[?&]identifier(?::[a-z]+)?=(?:[^&\s"|]*?(?:\||%7[Cc]))?)\d{8}(?![0-9])/g },
];

/**
 * One pass over text: JSON/JS escapes (`\n`, `\\r`, `\u000d`, kept as they are so "\nJUAN" is not read as "nJUAN"),
 * ISO dates and UUIDs (looked up whole), then words (letters, digits and %XX sequences of URL encoding).
 */
const SCAN =
  /(\\+(?:u[0-9A-Fa-f]{4}|[nrtbf]))|(?<![\p{L}\p{N}-])(\d{4}-\d{2}-\d{2}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![\p{L}\p{N}])|((?:[\p{L}\p{N}]|%[0-9A-Fa-f]{2})+)/gu;
const WORD = /[\p{L}\p{N}]+/gu;
/** Particles of Spanish surnames: not identifying alone, and common words in any text. */
const PARTICLES = new Set(['DA', 'DAS', 'DE', 'DEL', 'DER', 'DI', 'DIE', 'DO', 'DOS', 'EL', 'LA', 'LAS', 'LE', 'LES', 'LOS', 'MAC', 'SAN', 'SANTA', 'VAN', 'VON', 'Y']);
const MIN_NAME_LENGTH = 3;
/**
 * A name shorter than that ("UC", a Maya surname) is replaced where a member or query parameter says it is a name:
 * `"primerApellido":"UC"` plain, JSON-escaped at any depth, or HTML-escaped, and `?apellido1=UC`.
 */
const NAME_MEMBERS = Object.entries(FIELD_KINDS)
  .filter(([, k]) => k === 'NAME')
  .map(([m]) => m)
  .join('|');
const QUOTE = '(?:"|\\\\+"|&quot;)';
const SHORT_NAME_IN_MEMBER = new RegExp(`(${QUOTE}(?:${NAME_MEMBERS})${QUOTE}\\s*:\\s*${QUOTE})(\\p{L}{1,2})(?=${QUOTE})`, 'giu');
const SHORT_NAME_IN_QUERY = new RegExp(`([?&](?:${NAME_MEMBERS})=)(\\p{L}{1,2})(?![\\p{L}\\p{N}%])`, 'giu');
/**
 * Words of an identifier shorter than this are not looked for in free text: "41db" of one UUID is a word of many
 * others, and of hashes. Person identifiers (CURP, NSS, DNI, phone numbers) are longer.
 */
const MIN_ID_LENGTH = 6;
const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^(\d{4})-?(\d{2})-?(\d{2})/;
const MIN_ADDRESS_LENGTH = 6;
/**
 * Base64 as JSON strings and XML text carry it (a CDA in Attachment.data, a certificate in ds:X509Certificate): at
 * least 24 characters (an 18-letter CURP is not one), between quotes or tags. A run cut short for display (report.html
 * truncates long bodies) ends mid-quad; it cannot be decoded whole, so it is judged as binary.
 */
const BASE64_RUN = /(?<=["'>;])(?:[A-Za-z0-9+/]{4}(?:\r?\n|(?:\\r)?\\n)?){6,}(?:[A-Za-z0-9+/]{1,3}={0,2})?(?=["'<\\&])/g;
/** Line breaks inside a base64 run (XMLDSig wraps certificates at 64 or 76 characters), as they are or JSON-escaped. */
const BASE64_BREAKS = /\r|\n|\\r|\\n/g;
const MAX_NESTING = 4;

const upper = (s: string): string => s.normalize('NFC').toLocaleUpperCase('es');
const title = (s: string): string => {
  const u = upper(s);
  return u.slice(0, 1) + u.slice(1).toLocaleLowerCase('es');
};

interface Replacement {
  kind: IdentifierKind;
  key: string;
  to: string;
}

export interface RedactionStats {
  kinds: IdentifierKind[];
  values: number;
}

export class Pseudonymizer {
  readonly #salt: Buffer;
  /** Exact word → what replaces it. */
  readonly #words = new Map<string, Replacement>();
  /** Values of several words that only identify together (street lines), in every encoding a file may use. */
  readonly #phrases = new Map<string, Replacement>();
  #phraseRe: { re: RegExp; forms: Map<string, Replacement> } | undefined;
  readonly #used = new Map<string, string>();
  /** kind + value of everything actually replaced, for the report's figure. */
  readonly #replaced = new Set<string>();

  constructor(salt: Buffer = randomBytes(32)) {
    this.#salt = salt;
  }

  pseudonym(kind: IdentifierKind, value: string): string {
    this.#replaced.add(`${kind}\u0000${value}`);
    return this.#hmac(kind, value);
  }

  #hmac(kind: IdentifierKind, value: string): string {
    const key = `${kind}\u0000${value}`;
    let p = this.#used.get(key);
    if (!p) {
      p = `${kind}_${createHmac('sha256', this.#salt).update(key).digest('hex').slice(0, 10)}`;
      this.#used.set(key, p);
    }
    return p;
  }

  /** Pass 1: remember the person values found anywhere in `value` (message bodies, resources, ER7). */
  collect(value: unknown): void {
    collectPersons(value, (kind, v) => this.remember(kind, v));
  }

  /** Remembers one value of a person field, in every form a file may carry it. */
  remember(kind: IdentifierKind, v: unknown): void {
    if (Array.isArray(v)) {
      for (const x of v) this.remember(kind, x);
      return;
    }
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v).normalize('NFC').trim();
    if (kind === 'DATE') {
      const m = ISO_DATE.exec(s);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) < 1 || Number(m[3]) > 31) return;
      const [, y, mo, d] = m as unknown as [string, string, string, string];
      for (const form of [`${y}-${mo}-${d}`, `${y}${mo}${d}`]) this.#learn(form, { kind, key: `${y}-${mo}-${d}`, to: y });
      return;
    }
    if (kind === 'ADDRESS') {
      // A street line is a phrase ("JR. SINTÉTICO 385"): its words alone ("385") are everybody's.
      if (s.length < MIN_ADDRESS_LENGTH) return;
      const to = this.#hmac(kind, upper(s));
      for (const form of new Set([s, upper(s)])) if (!this.#phrases.has(form)) this.#phrases.set(form, { kind, key: upper(s), to });
      this.#phraseRe = undefined;
      return;
    }
    if (kind === 'POSTAL') {
      if (/^\d{4,6}$/.test(s)) this.#learn(s, { kind, key: s, to: s.slice(0, 2) });
      return;
    }
    // A person's UUID is looked up whole: its words ("41db") are words of other UUIDs.
    if (kind !== 'NAME' && UUID.test(s)) {
      const key = s.replace(/^urn:uuid:/i, '').toLowerCase();
      this.#learn(key, { kind, key, to: this.#hmac(kind, key) });
      return;
    }
    for (const w of s.match(WORD) ?? []) {
      const key = upper(w);
      if (kind === 'NAME') {
        if (w.length < MIN_NAME_LENGTH || PARTICLES.has(key) || /^\d+$/.test(w)) continue;
        const to = this.#hmac('NAME', key);
        for (const form of new Set([w, key, title(w)])) this.#learn(form, { kind, key, to });
      } else {
        if (w.length < MIN_ID_LENGTH) continue;
        const to = this.#hmac(kind, key);
        for (const form of new Set([w, key])) this.#learn(form, { kind, key, to });
      }
    }
  }

  /** The first kind a word was seen as decides its pseudonym, so that it is the same in every file. */
  #learn(form: string, r: Replacement): void {
    if (!this.#words.has(form)) this.#words.set(form, r);
  }

  #word(w: string): string {
    const r = this.#words.get(w);
    if (!r) return w;
    this.#replaced.add(`${r.kind}\u0000${r.key}`);
    return r.to;
  }

  #scan(s: string): string {
    return s.replace(SCAN, (m, jsonEscape: string | undefined, whole: string | undefined) => {
      if (jsonEscape) return m;
      if (whole) return this.#word(whole.toLowerCase());
      if (!m.includes('%')) return this.#word(m);
      let decoded: string;
      try {
        decoded = decodeURIComponent(m);
      } catch {
        return this.#word(m);
      }
      if (decoded === m) return this.#word(m);
      const red = this.#scan(decoded);
      return red === decoded ? m : encodeURIComponent(red);
    });
  }

  #phrasePass(s: string): string {
    if (this.#phrases.size === 0) return s;
    if (!this.#phraseRe) {
      const forms = new Map<string, Replacement>();
      for (const [p, r] of this.#phrases) {
        for (const f of [p, encodeURIComponent(p), encodeURIComponent(p).replace(/%20/g, '+'), esc(p)]) if (!forms.has(f)) forms.set(f, r);
      }
      const alts = [...forms.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.#phraseRe = { re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'gu'), forms };
    }
    const { re, forms } = this.#phraseRe;
    return s.replace(re, (m) => {
      const r = forms.get(m);
      if (!r) return m;
      this.#replaced.add(`${r.kind}\u0000${r.key}`);
      return r.to;
    });
  }

  /** Known person values (in plain, URL-encoded and JSON-escaped text) and identifier shapes in free text. */
  text(s: string): string {
    return this.#text(s, 0);
  }

  #text(s: string, nesting: number): string {
    let out = nesting < MAX_NESTING && s.length >= 24 ? this.#base64Pass(s, nesting) : s;
    out = this.#phrasePass(out);
    const shortName = (m: string, before: string, name: string): string => (PARTICLES.has(upper(name)) ? m : `${before}${this.pseudonym('NAME', upper(name))}`);
    out = out.replace(SHORT_NAME_IN_MEMBER, shortName).replace(SHORT_NAME_IN_QUERY, shortName);
    out = this.#words.size > 0 ? this.#scan(out) : out;
    for (const { kind, re } of PATTERNS) out = out.replace(re, (m) => this.pseudonym(kind, m));
    return out;
  }

  /**
   * Base64 text (a CDA document) is decoded, redacted and encoded again. Binary content (a certificate, whose subject
   * carries its holder's SNILS) cannot be redacted in place: when it holds a person value or shape, it is replaced whole.
   */
  #base64Pass(s: string, nesting: number): string {
    if (!/[A-Za-z0-9+/]{24}/.test(s)) return s;
    return s.replace(BASE64_RUN, (found) => {
      const run = found.replace(BASE64_BREAKS, '');
      const text = base64Text(run);
      if (text !== undefined) {
        const redacted = this.#text(text, nesting + 1);
        return redacted === text ? found : Buffer.from(redacted, 'utf8').toString('base64');
      }
      const bytes = Buffer.from(run, 'base64');
      const mentions = this.#mentions(bytes.toString('latin1')) || this.#mentions(bytes.toString('utf8'));
      return mentions ? this.pseudonym('ID', `binary:${createHash('sha256').update(run).digest('hex')}`) : found;
    });
  }

  /**
   * Whether binary content, read as text, holds a person value learnt from the messages or an identifier's shape:
   * anywhere, not word by word (in DER a SNILS runs straight into the next field's tag byte). Nothing is counted.
   */
  #mentions(text: string): boolean {
    for (const [form, r] of this.#words) if (form.length >= MIN_ID_LENGTH && r.kind !== 'DATE' && r.kind !== 'POSTAL' && text.includes(form)) return true;
    for (const p of this.#phrases.keys()) if (text.includes(p)) return true;
    return PATTERNS.some(({ re }) => text.search(re) >= 0);
  }

  /**
   * One value of a person field: as in files (names word by word, dates to the year, postal codes to two digits),
   * and, the member saying what it is, also a word too short to be looked for in free text ("UC").
   */
  #field(kind: IdentifierKind, value: string): string {
    this.remember(kind, value);
    if (kind === 'DATE' || kind === 'POSTAL') return this.#scan(value);
    if (kind === 'ADDRESS') return this.#phrasePass(value);
    return value.replace(WORD, (w) => (this.#words.has(w) ? this.#word(w) : kind === 'NAME' && PARTICLES.has(upper(w)) ? w : this.pseudonym(kind, upper(w))));
  }

  /** Pass 2: a redacted deep copy. Object keys are kept, so JSON pointers still point where they did. */
  redact<T>(value: T): T {
    return this.#redact(value, undefined, 0) as T;
  }

  #redact(value: unknown, kind: IdentifierKind | undefined, depth: number): unknown {
    if (typeof value === 'string') return kind ? this.#field(kind, value) : this.text(value);
    if (typeof value === 'number' && kind) return this.#field(kind, String(value));
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.#redact(v, kind, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = this.#redact(v, kind ?? FIELD_KINDS[k.toLowerCase()], depth + 1);
    }
    return out;
  }

  /** Distinct person values learnt from the messages or replaced where found (the files are filtered after this is read). */
  stats(): RedactionStats {
    const values = new Set(this.#replaced);
    for (const r of [...this.#words.values(), ...this.#phrases.values()]) values.add(`${r.kind}\u0000${r.key}`);
    const kinds = new Set<IdentifierKind>();
    for (const k of values) kinds.add(k.split('\u0000')[0] as IdentifierKind);
    return { kinds: [...kinds].sort(), values: values.size };
  }
}
