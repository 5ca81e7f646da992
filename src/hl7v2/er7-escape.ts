/**
 * ER7 delimiters, the splitting of a raw field into repetitions, components and subcomponents, and escape
 * sequences (\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\ …): resolving, writing, counting length and reporting malformed ones.
 */
import { type Finding, finding, type LocalizedText, type Severity } from '../findings/finding.ts';
import { formatPath, type Hl7Location } from './path.ts';

export interface Delimiters {
  /** MSH-1, `|` by convention. */
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** The truncation character, a fifth MSH-2 character from v2.7 on (`#`). */
  truncation?: string;
}

export const DEFAULT_DELIMITERS: Readonly<Delimiters> = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

const RULE = 'V2-ER7';

export function er7Finding(severity: Severity, location: string, message: LocalizedText): Finding {
  return finding(RULE, severity, severity === 'warning' || severity === 'information' ? 'invalid' : 'structure', location, message, 'hl7v2');
}

export const show = (c: string): string => JSON.stringify(c);

/** Raw repetitions of a raw field. */
export function splitRepetitions(raw: string, d: Delimiters): string[] {
  return raw.split(d.repetition);
}
export function splitComponents(raw: string, d: Delimiters): string[] {
  return raw.split(d.component);
}
export function splitSubcomponents(raw: string, d: Delimiters): string[] {
  return raw.split(d.subcomponent);
}

export type EscapeProblemKind = 'unterminated' | 'unknown' | 'empty' | 'bad-hex' | 'truncation-undefined';

export interface EscapeProblem {
  kind: EscapeProblemKind;
  /** The sequence as written, with its escape characters. */
  sequence: string;
}

export interface Unescaped {
  value: string;
  problems: EscapeProblem[];
  /** True when a formatting sequence (\.br\, \H\, \N\ …) occurred: those belong in FT/TX/CF values only. */
  formatting: boolean;
}

const FORMATTING_RE = /^(?:H|N|\.br|\.fi|\.nf|\.ce|\.sp[+-]?\d*|\.in[+-]?\d*|\.ti[+-]?\d*|\.sk[+-]?\d*)$/;

function decodeHex(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/**
 * Resolves escape sequences in one raw leaf (a subcomponent, or a primitive value). \F\ \S\ \T\ \R\ \E\ (and \P\
 * when MSH-2 has a truncation character) become the delimiter; \Xhh…\ the bytes (UTF-8, or Latin-1 when not valid
 * UTF-8); \.br\ a line feed; the other formatting (\H\ \N\ \.sp\ \.in\ \.ti\ \.sk\ \.ce\ \.fi\ \.nf\) and character-set
 * (\Cxxyy\ \Mxxyyzz\) sequences nothing; \Zxx\ (locally defined) stays as written. Anything else is a problem and
 * stays as written.
 */
export function unescapeEr7(raw: string, d: Delimiters): Unescaped {
  const problems: EscapeProblem[] = [];
  let formatting = false;
  if (!raw.includes(d.escape)) return { value: raw, problems, formatting };
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw.charAt(i);
    if (c !== d.escape) {
      out += c;
      i++;
      continue;
    }
    const end = raw.indexOf(d.escape, i + 1);
    if (end === -1) {
      problems.push({ kind: 'unterminated', sequence: raw.slice(i) });
      out += raw.slice(i);
      break;
    }
    const body = raw.slice(i + 1, end);
    const sequence = raw.slice(i, end + 1);
    i = end + 1;
    if (body === '') {
      problems.push({ kind: 'empty', sequence });
      out += sequence;
    } else if (body === 'F') out += d.field;
    else if (body === 'S') out += d.component;
    else if (body === 'T') out += d.subcomponent;
    else if (body === 'R') out += d.repetition;
    else if (body === 'E') out += d.escape;
    else if (body === 'P') {
      if (d.truncation !== undefined) out += d.truncation;
      else {
        problems.push({ kind: 'truncation-undefined', sequence });
        out += sequence;
      }
    } else if (body.startsWith('X')) {
      const hex = body.slice(1);
      if (hex.length > 0 && hex.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(hex)) out += decodeHex(hex);
      else {
        problems.push({ kind: 'bad-hex', sequence });
        out += sequence;
      }
    } else if (FORMATTING_RE.test(body)) {
      formatting = true;
      if (body === '.br') out += '\n';
    } else if (/^C[0-9A-Fa-f]{4}$/.test(body) || /^M[0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{2})?$/.test(body)) {
      // Character-set switches change how bytes are read, not the text: nothing to add.
    } else if (body.startsWith('Z')) {
      out += sequence;
    } else {
      problems.push({ kind: 'unknown', sequence });
      out += sequence;
    }
  }
  return { value: out, problems, formatting };
}

/**
 * Escapes a value for one leaf: the escape character first (so the others' escapes are not escaped again), then
 * the delimiters, then CR and LF as \X0D\ \X0A\ (they would end the segment).
 */
export function escapeEr7(value: string, d: Delimiters = DEFAULT_DELIMITERS): string {
  let out = '';
  for (const c of value) {
    if (c === d.escape) out += `${d.escape}E${d.escape}`;
    else if (c === d.field) out += `${d.escape}F${d.escape}`;
    else if (c === d.component) out += `${d.escape}S${d.escape}`;
    else if (c === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (c === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (d.truncation !== undefined && c === d.truncation) out += `${d.escape}P${d.escape}`;
    else if (c === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (c === '\n') out += `${d.escape}X0A${d.escape}`;
    else out += c;
  }
  return out;
}

/** Length of a raw value as HL7 counts it: each escape sequence is the one character it stands for. */
export function er7Length(raw: string, d: Delimiters): number {
  if (!raw.includes(d.escape)) return raw.length;
  // Separators count as one character each, so unescape leaf by leaf and add them back.
  let n = 0;
  const comps = raw.split(d.component);
  comps.forEach((comp, ci) => {
    if (ci > 0) n += 1;
    comp.split(d.subcomponent).forEach((sub, si) => {
      if (si > 0) n += 1;
      n += unescapeEr7(sub, d).value.length;
    });
  });
  return n;
}

function escapeProblemText(p: EscapeProblem): LocalizedText {
  switch (p.kind) {
    case 'unterminated':
      return {
        en: `Escape sequence ${show(p.sequence)} is not terminated: a literal escape character must be written \\E\\.`,
        es: `La secuencia de escape ${show(p.sequence)} no está cerrada: un carácter de escape literal se escribe \\E\\.`,
      };
    case 'empty':
      return { en: 'Empty escape sequence (two escape characters in a row).', es: 'Secuencia de escape vacía (dos caracteres de escape seguidos).' };
    case 'bad-hex':
      return {
        en: `Escape sequence ${show(p.sequence)} is not valid hexadecimal data (\\Xhh…\\ needs an even number of hex digits).`,
        es: `La secuencia de escape ${show(p.sequence)} no es un dato hexadecimal válido (\\Xhh…\\ necesita un número par de dígitos hexadecimales).`,
      };
    case 'truncation-undefined':
      return {
        en: `Escape sequence ${show(p.sequence)} stands for the truncation character, but MSH-2 defines none (v2.7+ only).`,
        es: `La secuencia de escape ${show(p.sequence)} representa el carácter de truncamiento, pero MSH-2 no define ninguno (solo v2.7+).`,
      };
    default:
      return { en: `Unknown escape sequence ${show(p.sequence)}.`, es: `Secuencia de escape desconocida ${show(p.sequence)}.` };
  }
}

/** Escape problems of one raw field, with a finding per problem at its leaf's path. */
export function checkFieldEscapes(raw: string, d: Delimiters, at: Hl7Location, findings: Finding[], budget: { left: number }): void {
  if (!raw.includes(d.escape) || budget.left <= 0) return;
  splitRepetitions(raw, d).forEach((rep, ri) => {
    splitComponents(rep, d).forEach((comp, ci) => {
      const subs = splitSubcomponents(comp, d);
      subs.forEach((sub, si) => {
        for (const p of unescapeEr7(sub, d).problems) {
          if (budget.left-- <= 0) return;
          const location = formatPath({ ...at, repetition: ri + 1, component: ci + 1, ...(subs.length > 1 ? { subcomponent: si + 1 } : {}) });
          findings.push(er7Finding(p.kind === 'unknown' ? 'warning' : 'error', location, escapeProblemText(p)));
        }
      });
    });
  });
}

/**
 * Parses one ER7 message. Delimiters come from MSH-1/MSH-2. Segments end with CR; LF and CRLF are tolerated with a
 * warning. A leading byte-order mark and blank lines are skipped (warned); an empty segment in the middle is warned.
 */
