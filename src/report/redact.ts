import { createHmac, randomBytes } from 'node:crypto';

/*
 * `--redact`: identifiers of persons in the rendered report (report.json, report.html, junit.xml, fhir/) are
 * replaced by pseudonyms, HMAC-SHA256 of the value under a salt drawn for the run and never written anywhere:
 * the same value gets the same pseudonym throughout one report (so a reader can still follow a person from the
 * alta to the index), and nobody can reverse or link it across runs. Raw evidence files are not touched, so
 * their hashes in report.json stay valid and a regulator holding them can still see the real messages.
 *
 * Two passes: values of person fields (curp, nombre, primerApellido, numeroAfiliacion, dni…) are collected from
 * every message body and replaced wherever they appear, and identifier shapes (CURP, RFC, NSS) are replaced in
 * any text, such as URLs and finding messages.
 *
 * Secrets are not pseudonymized but removed, always, by the one secrets policy (src/util/redaction.ts) that the
 * journal and the report share.
 */

export type IdentifierKind = 'CURP' | 'RFC' | 'NSS' | 'DNI' | 'NAME' | 'ID';

const FIELD_KINDS: Record<string, IdentifierKind> = {
  curp: 'CURP',
  curpanterior: 'CURP',
  titularcurp: 'CURP',
  rfc: 'RFC',
  nss: 'NSS',
  numeroafiliacion: 'NSS',
  numeroseguridadsocial: 'NSS',
  dni: 'DNI',
  numerodocumento: 'DNI',
  documento: 'DNI',
  nombre: 'NAME',
  nombres: 'NAME',
  primerapellido: 'NAME',
  segundoapellido: 'NAME',
  apellido: 'NAME',
  apellido1: 'NAME',
  apellido2: 'NAME',
  apellidopaterno: 'NAME',
  apellidomaterno: 'NAME',
  given: 'NAME',
  family: 'NAME',
};

const PATTERNS: { kind: IdentifierKind; re: RegExp }[] = [
  // CURP shape, valid or not (a CURP with a wrong check digit is still somebody's identifier).
  { kind: 'CURP', re: /(?<![A-Z0-9])[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d(?![A-Z0-9])/g },
  // RFC of a person: 4 letters, birth date, 3-character homoclave.
  { kind: 'RFC', re: /(?<![A-Z0-9Ñ&])[A-ZÑ&]{4}\d{6}[A-Z0-9]{3}(?![A-Z0-9])/g },
  // NSS: 11 digits not inside a longer number (timestamps, ids).
  { kind: 'NSS', re: /(?<![0-9.:-])\d{11}(?![0-9])/g },
];

const MIN_NAME_LENGTH = 3;

export interface RedactionStats {
  kinds: IdentifierKind[];
  values: number;
}

export class Pseudonymizer {
  readonly #salt: Buffer;
  readonly #known = new Map<string, IdentifierKind>();
  readonly #used = new Map<string, string>();
  #knownRe: RegExp | undefined;

  constructor(salt: Buffer = randomBytes(32)) {
    this.#salt = salt;
  }

  pseudonym(kind: IdentifierKind, value: string): string {
    const key = `${kind}\u0000${value}`;
    let p = this.#used.get(key);
    if (!p) {
      p = `${kind}_${createHmac('sha256', this.#salt).update(key).digest('hex').slice(0, 10)}`;
      this.#used.set(key, p);
    }
    return p;
  }

  /** Pass 1: remember the values of person fields found anywhere in `value`. */
  collect(value: unknown, depth = 0): void {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) this.collect(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const kind = FIELD_KINDS[k.toLowerCase()];
      if (kind) this.#remember(kind, v);
      else this.collect(v, depth + 1);
    }
  }

  #remember(kind: IdentifierKind, v: unknown): void {
    if (Array.isArray(v)) {
      for (const x of v) this.#remember(kind, x);
      return;
    }
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v).trim();
    if (s.length < (kind === 'NAME' ? MIN_NAME_LENGTH : 4)) return;
    if (!this.#known.has(s)) {
      this.#known.set(s, kind);
      this.#knownRe = undefined;
    }
  }

  /** Identifier shapes and known person values in free text. */
  text(s: string): string {
    let out = s;
    if (this.#known.size > 0) {
      if (!this.#knownRe) {
        // Longest first, so "NUÑEZ MARTINEZ" wins over "NUÑEZ"; whole words only (Unicode-aware).
        const alts = [...this.#known.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        this.#knownRe = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
      }
      out = out.replace(this.#knownRe, (m) => this.pseudonym(this.#known.get(m) ?? 'ID', m));
    }
    for (const { kind, re } of PATTERNS) out = out.replace(re, (m) => this.pseudonym(kind, m));
    return out;
  }

  /** Pass 2: a redacted deep copy. Object keys are kept, so JSON pointers still point where they did. */
  redact<T>(value: T): T {
    return this.#redact(value, undefined, 0) as T;
  }

  #redact(value: unknown, kind: IdentifierKind | undefined, depth: number): unknown {
    if (typeof value === 'string') return kind ? this.pseudonym(kind, value) : this.text(value);
    if (typeof value === 'number' && kind) return this.pseudonym(kind, String(value));
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.#redact(v, kind, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = this.#redact(v, kind ?? FIELD_KINDS[k.toLowerCase()], depth + 1);
    }
    return out;
  }

  stats(): RedactionStats {
    const kinds = new Set<IdentifierKind>();
    for (const k of this.#used.keys()) kinds.add(k.split('\u0000')[0] as IdentifierKind);
    return { kinds: [...kinds].sort(), values: this.#used.size };
  }
}
