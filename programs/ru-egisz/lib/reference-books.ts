/**
 * ru-egisz reference books (НСИ) as replaceable data files: `profiles/reference-books/<OID>.json`, one book each, with
 * its versions and entries. A regulator swaps in the current versions; nothing here hard-codes a code or a window.
 * Answers the two questions REMD asks of a SEMD: is kind K valid on date D (RR-07), and is a coded value right for
 * its book and version (RR-11).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalizedText } from '../../../src/findings/finding.ts';
import { isObject } from '../../../src/util/is-object.ts';

export const REFERENCE_BOOKS_DIR = fileURLToPath(new URL('../profiles/reference-books/', import.meta.url));
export const KINDS_BOOK = '1.2.643.5.1.13.13.11.1520';

export interface BookEntry {
  code: string;
  displayName: string;
}
/** An entry of the kinds book: which template a kind's SEMD carries and the inclusive dates it may be registered on. */
export interface KindEntry extends BookEntry {
  redaction: number;
  templateId: string;
  /** The code of ClinicalDocument/code (document types book) its SEMD carries. */
  documentType: string;
  validFrom: string;
  validTo?: string;
}
export interface BookVersion<E extends BookEntry = BookEntry> {
  version: string;
  /** YYYY-MM-DD: a document dated before it cannot cite this version. */
  published: string;
  entries: E[];
}
export interface ReferenceBook {
  oid: string;
  name: LocalizedText;
  label: string;
  source: string;
  /** In publication order; the last is the current one. */
  versions: BookVersion[];
}

/** A coded value as a SEMD writes it (CD/CE attributes). */
export interface CodedValue {
  code: string;
  codeSystem: string;
  codeSystemVersion?: string;
  displayName?: string;
}
/** The attributes a writer puts on a coded element, from the book. */
export interface CodedAttributes {
  code: string;
  codeSystem: string;
  codeSystemVersion: string;
  codeSystemName: string;
  displayName: string;
}

/** The classifier's answer to a wrong coded value (error-codes.json ties both to RR-11). */
export type CodeCheck = { ok: true; entry: BookEntry } | { ok: false; error: 'INVALID_DICTIONARY_VERSION' | 'INVALID_ELEMENT_VALUE_CODE'; message: LocalizedText };

export type KindOnDate = { valid: true; entry: KindEntry } | { valid: false; reason: 'unknown-kind' | 'before' | 'after'; entry?: KindEntry; message: LocalizedText };

export class ReferenceBookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceBookError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const isDate = (x: unknown): x is string => typeof x === 'string' && DATE.test(x) && !Number.isNaN(Date.parse(`${x}T00:00:00Z`));

/** Checks a book as read from its file; the messages say what a regulator replacing the file must fix. */
function parseBook(data: unknown, file: string): ReferenceBook {
  if (!isObject(data)) throw new ReferenceBookError(`${file}: a reference book must be a JSON object`);
  const { oid, name, label, source, versions } = data;
  if (typeof oid !== 'string' || !OID.test(oid)) throw new ReferenceBookError(`${file}: oid must be an OID`);
  if (!isObject(name) || typeof name.en !== 'string' || typeof name.ru !== 'string') throw new ReferenceBookError(`${file}: name needs ru and en`);
  if (typeof label !== 'string' || typeof source !== 'string') throw new ReferenceBookError(`${file}: label and source are required (say whose book it is)`);
  if (!Array.isArray(versions) || versions.length === 0) throw new ReferenceBookError(`${file}: versions must be a non-empty list`);
  const seen = new Set<string>();
  for (const [i, v] of versions.entries()) {
    const where = `${file} versions[${i}]`;
    if (!isObject(v) || typeof v.version !== 'string' || v.version === '' || !isDate(v.published) || !Array.isArray(v.entries)) {
      throw new ReferenceBookError(`${where}: needs version, published (YYYY-MM-DD) and entries`);
    }
    if (seen.has(v.version)) throw new ReferenceBookError(`${where}: version ${v.version} appears twice`);
    seen.add(v.version);
    const codes = new Set<string>();
    for (const [j, e] of v.entries.entries()) {
      if (!isObject(e) || typeof e.code !== 'string' || e.code === '' || typeof e.displayName !== 'string' || e.displayName === '') {
        throw new ReferenceBookError(`${where}.entries[${j}]: needs code and displayName`);
      }
      if (codes.has(e.code)) throw new ReferenceBookError(`${where}.entries[${j}]: code ${e.code} appears twice`);
      codes.add(e.code);
      if (oid === KINDS_BOOK) {
        if (typeof e.templateId !== 'string' || !OID.test(e.templateId) || typeof e.documentType !== 'string' || typeof e.redaction !== 'number' || !isDate(e.validFrom)) {
          throw new ReferenceBookError(`${where}.entries[${j}] (kind ${e.code}): needs redaction, templateId, documentType and validFrom (YYYY-MM-DD)`);
        }
        if (e.validTo !== undefined && (!isDate(e.validTo) || e.validTo < e.validFrom))
          throw new ReferenceBookError(`${where}.entries[${j}] (kind ${e.code}): validTo must be a date not before validFrom`);
      }
    }
  }
  return data as unknown as ReferenceBook;
}

export class ReferenceBooks {
  readonly #books: ReadonlyMap<string, ReferenceBook>;

  constructor(books: readonly ReferenceBook[]) {
    const byOid = new Map<string, ReferenceBook>();
    for (const b of books) {
      if (byOid.has(b.oid)) throw new ReferenceBookError(`reference book ${b.oid} is given twice`);
      byOid.set(b.oid, b);
    }
    this.#books = byOid;
  }

  /** Every `*.json` of a folder (default: the program's own books). */
  static load(dir: string = REFERENCE_BOOKS_DIR): ReferenceBooks {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    return new ReferenceBooks(
      files.map((f) => {
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
        } catch (error) {
          throw new ReferenceBookError(`${f}: ${(error as Error).message}`);
        }
        return parseBook(data, f);
      }),
    );
  }

  get oids(): string[] {
    return [...this.#books.keys()];
  }

  book(oid: string): ReferenceBook | undefined {
    return this.#books.get(oid);
  }

  /** The current version of a book; throws for a book Sello was not given (a programming error, not a document's). */
  current(oid: string): BookVersion {
    const book = this.#books.get(oid);
    if (!book) throw new ReferenceBookError(`no reference book ${oid} is loaded`);
    return book.versions[book.versions.length - 1] as BookVersion;
  }

  /** The attributes to write for `code` from the current version of `oid`. */
  coded(oid: string, code: string): CodedAttributes {
    const version = this.current(oid);
    const entry = version.entries.find((e) => e.code === code);
    if (!entry) throw new ReferenceBookError(`reference book ${oid} version ${version.version} has no code ${code}`);
    return { code, codeSystem: oid, codeSystemVersion: version.version, codeSystemName: (this.#books.get(oid) as ReferenceBook).name.ru ?? '', displayName: entry.displayName };
  }

  kind(code: string): KindEntry | undefined {
    return (this.current(KINDS_BOOK).entries as KindEntry[]).find((e) => e.code === code);
  }

  kindByTemplate(templateId: string): KindEntry | undefined {
    return (this.current(KINDS_BOOK).entries as KindEntry[]).find((e) => e.templateId === templateId);
  }

  /** Is kind `code` registrable on `date` (YYYY-MM-DD, the document's own calendar date)? Both ends inclusive. */
  kindValidOn(code: string, date: string): KindOnDate {
    if (!DATE.test(date)) throw new RangeError(`kindValidOn needs a YYYY-MM-DD date, got ${date}`);
    const entry = this.kind(code);
    if (!entry) {
      return { valid: false, reason: 'unknown-kind', message: { ru: `Вида документа ${code} нет в справочнике ${KINDS_BOOK}.`, en: `Document kind ${code} is not in reference book ${KINDS_BOOK}.` } };
    }
    const window = `${entry.validFrom} … ${entry.validTo ?? '∞'}`;
    if (date < entry.validFrom || (entry.validTo !== undefined && date > entry.validTo)) {
      return {
        valid: false,
        reason: date < entry.validFrom ? 'before' : 'after',
        entry,
        message: { ru: `Вид документа ${code} не действует на ${date} (действует ${window}).`, en: `Document kind ${code} is not valid on ${date} (valid ${window}).` },
      };
    }
    return { valid: true, entry };
  }

  /**
   * Is a coded value right: a version the book has, published no later than the document's date when one is given,
   * a code of that version, and that code's displayName (when the value carries one, exactly).
   */
  checkCode(value: CodedValue, onDate?: string): CodeCheck {
    const book = this.#books.get(value.codeSystem);
    const versionError = (ru: string, en: string): CodeCheck => ({ ok: false, error: 'INVALID_DICTIONARY_VERSION', message: { ru, en } });
    if (!book) return versionError(`Справочник ${value.codeSystem} неизвестен.`, `Reference book ${value.codeSystem} is unknown.`);
    if (value.codeSystemVersion === undefined || value.codeSystemVersion === '') {
      return versionError(`Не указана версия справочника ${book.oid}.`, `No version of reference book ${book.oid} is given.`);
    }
    const version = book.versions.find((v) => v.version === value.codeSystemVersion);
    if (!version) return versionError(`Справочник ${book.oid} не имеет версии ${value.codeSystemVersion}.`, `Reference book ${book.oid} has no version ${value.codeSystemVersion}.`);
    if (onDate !== undefined && version.published > onDate) {
      return versionError(
        `Версия ${version.version} справочника ${book.oid} опубликована ${version.published}, позже документа (${onDate}).`,
        `Version ${version.version} of reference book ${book.oid} was published on ${version.published}, after the document (${onDate}).`,
      );
    }
    const entry = version.entries.find((e) => e.code === value.code);
    if (!entry) {
      return {
        ok: false,
        error: 'INVALID_ELEMENT_VALUE_CODE',
        message: { ru: `Кода ${value.code} нет в справочнике ${book.oid} версии ${version.version}.`, en: `Code ${value.code} is not in reference book ${book.oid} version ${version.version}.` },
      };
    }
    if (value.displayName !== undefined && value.displayName !== entry.displayName) {
      return {
        ok: false,
        error: 'INVALID_ELEMENT_VALUE_CODE',
        message: {
          ru: `Наименование «${value.displayName}» не соответствует коду ${value.code} справочника ${book.oid} версии ${version.version} («${entry.displayName}»).`,
          en: `Display name "${value.displayName}" does not match code ${value.code} of reference book ${book.oid} version ${version.version} ("${entry.displayName}").`,
        },
      };
    }
    return { ok: true, entry };
  }
}
