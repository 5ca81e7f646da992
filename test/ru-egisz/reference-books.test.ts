import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REFERENCE_BOOKS_DIR, ReferenceBookError, ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { tempDirSync } from '../support/temp-dir.ts';

const books = ReferenceBooks.load();

test('every book file is labelled as Sello contract data, not the official book, and named by its OID', () => {
  for (const file of readdirSync(REFERENCE_BOOKS_DIR)) {
    const data = JSON.parse(readFileSync(join(REFERENCE_BOOKS_DIR, file), 'utf8')) as { oid: string; label: string };
    assert.equal(file, `${data.oid}.json`);
    assert.equal(data.label, 'Sello reference contract v1.1, not the official book');
  }
  assert.ok(books.oids.includes('1.2.643.5.1.13.13.11.1520'));
});

test('kind 194 (redaction 2, template 1.2.643.5.1.13.13.15.47.2) is valid from 2023-07-31 to 2024-06-30, both days included', () => {
  const kind = books.kind('194');
  assert.equal(kind?.templateId, '1.2.643.5.1.13.13.15.47.2');
  assert.equal(kind?.redaction, 2);
  assert.equal(books.kindByTemplate('1.2.643.5.1.13.13.15.47.2')?.code, '194');
  assert.equal(books.kindValidOn('194', '2023-07-31').valid, true);
  assert.equal(books.kindValidOn('194', '2024-06-30').valid, true);
  const before = books.kindValidOn('194', '2023-07-30');
  assert.ok(!before.valid && before.reason === 'before');
  const after = books.kindValidOn('194', '2024-07-01');
  assert.ok(!after.valid && after.reason === 'after' && /2023-07-31 … 2024-06-30/.test(after.message.en) && after.message.ru);
  assert.throws(() => books.kindValidOn('194', '01.07.2024'), RangeError);
});

test('kind 103 (redaction 1) has no end from 2021-11-04; an unknown kind is said to be unknown', () => {
  assert.equal(books.kindValidOn('103', '2021-11-03').valid, false);
  assert.equal(books.kindValidOn('103', '2021-11-04').valid, true);
  assert.equal(books.kindValidOn('103', '2030-01-01').valid, true);
  const unknown = books.kindValidOn('999', '2024-01-01');
  assert.ok(!unknown.valid && unknown.reason === 'unknown-kind');
});

test('a coded value is right only with a version the book has, published by the document date, its code and its display name', () => {
  const gender = '1.2.643.5.1.13.13.11.1040';
  assert.deepEqual(books.checkCode({ codeSystem: gender, code: '2', codeSystemVersion: '2.1', displayName: 'Женский' }), { ok: true, entry: { code: '2', displayName: 'Женский' } });
  const verdict = (value: Parameters<ReferenceBooks['checkCode']>[0], on?: string) => {
    const r = books.checkCode(value, on);
    return r.ok ? 'ok' : r.error;
  };
  assert.equal(verdict({ codeSystem: gender, code: '2', codeSystemVersion: '9.9', displayName: 'Женский' }), 'INVALID_DICTIONARY_VERSION');
  assert.equal(verdict({ codeSystem: gender, code: '2', displayName: 'Женский' }), 'INVALID_DICTIONARY_VERSION');
  assert.equal(verdict({ codeSystem: gender, code: '2', codeSystemVersion: '2.1' }, '2019-03-26'), 'INVALID_DICTIONARY_VERSION');
  assert.equal(verdict({ codeSystem: gender, code: '2', codeSystemVersion: '2.1' }, '2019-03-27'), 'ok');
  assert.equal(verdict({ codeSystem: gender, code: '3', codeSystemVersion: '2.1' }), 'INVALID_ELEMENT_VALUE_CODE');
  assert.equal(verdict({ codeSystem: gender, code: '2', codeSystemVersion: '2.1', displayName: 'Мужской' }), 'INVALID_ELEMENT_VALUE_CODE');
  assert.equal(verdict({ codeSystem: '1.2.3.4', code: '2', codeSystemVersion: '1' }), 'INVALID_DICTIONARY_VERSION');
});

test("coded() writes the current version and the book's own names", () => {
  assert.deepEqual(books.coded('1.2.643.5.1.13.13.11.1040', '1'), {
    code: '1',
    codeSystem: '1.2.643.5.1.13.13.11.1040',
    codeSystemVersion: '2.1',
    codeSystemName: 'Пол пациента',
    displayName: 'Мужской',
  });
  assert.throws(() => books.coded('1.2.643.5.1.13.13.11.1040', '7'), ReferenceBookError);
});

test('a regulator replaces a book file: the new window and version are what the loader answers; a broken file is refused with the reason', () => {
  const dir = tempDirSync('sello-ru-books-');
  cpSync(REFERENCE_BOOKS_DIR, dir, { recursive: true });
  const file = join(dir, '1.2.643.5.1.13.13.11.1520.json');
  const kinds = JSON.parse(readFileSync(file, 'utf8'));
  kinds.versions.push({ version: '1.2-sello', published: '2024-06-01', entries: [{ ...kinds.versions[0].entries[1], validTo: '2025-12-31' }] });
  writeFileSync(file, JSON.stringify(kinds));
  const replaced = ReferenceBooks.load(dir);
  assert.equal(replaced.kindValidOn('194', '2024-07-01').valid, true);
  assert.equal(replaced.kind('103'), undefined, 'the current version is the last one');

  kinds.versions[1].entries[0].validTo = '2020-01-01';
  writeFileSync(file, JSON.stringify(kinds));
  assert.throws(
    () => ReferenceBooks.load(dir),
    (e: unknown) => e instanceof ReferenceBookError && /kind 194.*validTo/.test((e as Error).message),
  );
  writeFileSync(file, '{"oid": "1.2.643.5.1.13.13.11.1520"');
  assert.throws(
    () => ReferenceBooks.load(dir),
    (e: unknown) => e instanceof ReferenceBookError && /1520\.json/.test((e as Error).message),
  );
});
