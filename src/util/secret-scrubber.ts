import type { OutputFilter } from '../report/output-filter.ts';
import { REDACTED } from './redaction.ts';

/*
 * Secrets by value. Redaction by member or header name (./redaction.ts) misses a secret that sits anywhere else: in a
 * URL, in a body a SUT echoes back, in a Basic header, in an attachment carried as base64. The values a target file
 * read from the environment are the secrets of the run, so every spelling of each is replaced wherever it appears,
 * in every file and every line Sello writes.
 */

/**
 * Shorter values are not looked for: a variable holding "1" or "on" would replace every such character or word of
 * every report (numbers, timestamps, JSON), and a secret that short is guessed in a few tries anyway.
 */
export const MIN_SECRET_LENGTH = 4;
/** A base64 fragment shorter than this matches random base64 and hex (hashes, signatures) too often to be looked for inside longer runs. */
const MIN_FRAGMENT_LENGTH = 6;
/** How many times a JSON string may be escaped inside another (an exchange inside a cucumber attachment inside …). */
const JSON_DEPTH = 4;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
/** A JSON string's content as JSON writers spell it: plain, ASCII-only (\u00e9), and embedded in HTML (\u003c, as report.html's script data). */
const jsonEscapes = (s: string): string[] => {
  const plain = JSON.stringify(s).slice(1, -1);
  const ascii = plain.replace(/[^\x20-\x7e]/g, unicodeEscape);
  const script = (t: string) => t.replace(/[<>&\u2028\u2029]/g, unicodeEscape);
  return [plain, ascii, script(plain), script(ascii)];
};
const htmlEscapes = (s: string): string[] => {
  const base = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  // report.html writes &#39;, junit.xml &apos;; other writers &#x27;.
  return ['&#39;', '&apos;', '&#x27;'].map((apos) => base.replace(/'/g, apos));
};
/** HL7 v2 escapes its delimiters (| ^ & ~ \\) inside a field. */
const HL7_ESCAPES: Record<string, string> = { '\\': '\\E\\', '|': '\\F\\', '^': '\\S\\', '&': '\\T\\', '~': '\\R\\' };
const hl7Escape = (s: string): string => s.replace(/[\\|^&~]/g, (c) => HL7_ESCAPES[c] ?? c);
const lowerHex = (s: string): string => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
const b64url = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The value as URL components, forms and query strings write it. */
function urlForms(value: string): string[] {
  const component = encodeURIComponent(value);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  // Encoded twice: a URL carried as a query parameter of another.
  return [component, lowerHex(component), component.replace(/%20/g, '+'), form, lowerHex(form), encodeURI(value), encodeURIComponent(component)];
}

/** The value as base64 and base64url, alone (padded or not). */
function base64Forms(value: string): string[] {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  return [b64, b64.replace(/=+$/, ''), b64url(b64)];
}

/**
 * The base64 characters that encode `bytes` whatever precedes them in a longer base64 text: for each of the three
 * alignments, the characters whose six bits all come from `bytes`. A value inside a base64 attachment or a Basic
 * credential `user:value` is found by one of them.
 */
export function base64Fragments(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const fragment = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    out.push(fragment, b64url(fragment));
  }
  return out;
}

/** The value as text writers spell it: plain, HL7-escaped, URL-encoded, JSON-escaped (nested), HTML/XML-escaped; all keep its letters and digits as they are. */
function textForms(value: string): string[] {
  const textual = new Set<string>([value, hl7Escape(value), ...urlForms(value)]);
  // JSON escaping nests (a body inside an exchange inside a cucumber attachment); HTML/XML escaping wraps any of them.
  let level = [...textual];
  for (let depth = 0; depth < JSON_DEPTH; depth++) {
    level = [...new Set(level.flatMap(jsonEscapes))];
    for (const s of level) textual.add(s);
  }
  for (const s of [...textual]) for (const h of htmlEscapes(s)) textual.add(h);
  return [...textual];
}

/** Every spelling of one secret this filter replaces as it is (base64 inside longer runs and Basic credentials are found by decoding). */
export function secretForms(value: string): string[] {
  return [...new Set([...textForms(value), ...base64Forms(value)])].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** The values looked for: long enough, and each line of a multi-line value (files are filtered line by line) on its own too. */
export function scrubbableValues(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (value.length >= MIN_SECRET_LENGTH) out.add(value);
    if (/[\r\n]/.test(value)) for (const line of value.split(/\r?\n|\r/)) if (line.trim().length >= MIN_SECRET_LENGTH) out.add(line.trim());
  }
  return [...out];
}

const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/_-]+={0,2})/gi;
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;
const alternation = (strings: Iterable<string>): RegExp =>
  new RegExp(
    [...new Set(strings)]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );

/** One secret's text forms, looked for only on lines holding its longest run of letters and digits (which every text form keeps). */
interface TextMatcher {
  core: string | undefined;
  pattern: RegExp;
}

/**
 * A filter replacing every occurrence of each secret by `[redacted]`: plain, JSON-escaped (nested, ASCII-only,
 * HTML-embedded), URL-encoded (component, form `+`, lower-case hex), HTML/XML-escaped, base64/base64url alone or
 * inside any base64 text (decoded, scrubbed and encoded again when it is text, else the fragment is cut out), and any
 * `Basic` credential whose decoded form contains a secret. Undefined when there is nothing to look for, so the run's
 * files are not rewritten.
 */
export function secretScrubber(values: Iterable<string>): OutputFilter | undefined {
  const secrets = scrubbableValues(values);
  if (secrets.length === 0) return undefined;
  const matchers: TextMatcher[] = secrets.map((secret) => {
    const core = (secret.match(/[A-Za-z0-9]+/g) ?? []).sort((a, b) => b.length - a.length)[0];
    return { core: core && core.length >= MIN_SECRET_LENGTH ? core : undefined, pattern: alternation(textForms(secret).filter((f) => f.length >= MIN_SECRET_LENGTH)) };
  });
  const base64 = alternation(secrets.flatMap(base64Forms).filter((f) => f.length >= MIN_SECRET_LENGTH));
  // A base64 text holds the bytes of what was encoded: the secret as it is, URL-encoded (a Basic credential) or JSON-escaped.
  const fragments = secrets
    .flatMap((secret) => [secret, ...urlForms(secret), ...jsonEscapes(secret)])
    .flatMap((form) => base64Fragments(Buffer.from(form, 'utf8')))
    .filter((f) => f.length >= MIN_FRAGMENT_LENGTH);
  const fragment = fragments.length ? alternation(fragments) : undefined;

  const scrubText = (text: string): string => {
    let out = text;
    for (const m of matchers) if (!m.core || out.includes(m.core)) out = out.replace(m.pattern, REDACTED);
    return out.replace(base64, REDACTED);
  };

  const decodeBasic = (token: string): string => Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');

  /** A base64 run holding a fragment: decoded, scrubbed and encoded again when it is text, else the fragments are cut out. */
  const scrubBase64Run = (run: string, depth: number): string => {
    if (!fragment) return run;
    fragment.lastIndex = 0;
    if (!fragment.test(run)) return run;
    const url = /[-_]/.test(run);
    const bytes = Buffer.from(url ? run.replace(/-/g, '+').replace(/_/g, '/') : run, 'base64');
    const reencoded = url ? b64url(bytes.toString('base64')) : bytes.toString('base64');
    const canonical = reencoded.replace(/=+$/, '') === run.replace(/=+$/, '');
    const text = bytes.toString('utf8');
    if (canonical && depth < 2 && Buffer.from(text, 'utf8').equals(bytes)) {
      const scrubbed = scrub(text, depth + 1);
      if (scrubbed !== text) {
        const encoded = Buffer.from(scrubbed, 'utf8').toString('base64');
        // Padded when the original was (or could have been: a multiple of four characters).
        return url ? b64url(encoded) : run.endsWith('=') || run.length % 4 === 0 ? encoded : encoded.replace(/=+$/, '');
      }
    }
    return run.replace(fragment, REDACTED);
  };

  function scrub(text: string, depth: number): string {
    let out = text.replace(BASIC, (whole, scheme: string, space: string, token: string) => (scrubText(decodeBasic(token)) !== decodeBasic(token) ? `${scheme}${space}${REDACTED}` : whole));
    if (fragment) out = out.replace(BASE64_RUN, (run) => scrubBase64Run(run, depth));
    return scrubText(out);
  }

  return (text) => scrub(text, 0);
}

/** A JSON value with every string (member names too) filtered: numbers, booleans and the structure stay as they are, so the result is still valid JSON. */
export function filterStrings<T>(value: T, filter: OutputFilter | undefined, file: string): T {
  if (!filter) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return filter(v, file);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [filter(k, file), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
