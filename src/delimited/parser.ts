/**
 * Streaming reader of a delimited file against one layout: the header row first, then one item per data line,
 * a typed record or the line's findings (line and column positions, as the format names them).
 */
import type { Finding, LocalizedText } from '../findings/finding.ts';
import { type DelimitedFormat, formatFinding, headerRow, type Layout } from './layout.ts';
import { LineSplitter, type RawLine } from './lines.ts';

export type ParsedItem<T> =
  /** Always the first item: an empty findings list means the header row is the layout's. */
  | { type: 'header'; line: number; findings: Finding[] }
  | { type: 'row'; line: number; record: T }
  /** A data line that cannot be read; `key` is its first field, as written, so an answer can name the line. */
  | { type: 'invalid'; line: number; key: string; findings: Finding[] };

/**
 * Streaming parser of one layout: push bytes, get items. Synchronous per chunk so a route can interleave
 * reading and answering without an await per line. After a wrong header nothing else is read.
 */
export class DelimitedParser<T> {
  readonly #splitter: LineSplitter;
  #header: 'pending' | 'ok' | 'bad' = 'pending';

  constructor(
    readonly layout: Layout<T>,
    readonly format: DelimitedFormat,
  ) {
    this.#splitter = new LineSplitter(format.maxLineBytes);
  }

  push(chunk: Uint8Array): ParsedItem<T>[] {
    return this.#items(this.#splitter.push(chunk));
  }

  /**
   * One line a caller cut itself (a reader that scans the bytes to judge most lines without a string); the header
   * item for the first line, undefined after a wrong header. Not to be mixed with push() on one parser.
   */
  line(raw: RawLine): ParsedItem<T> | undefined {
    return this.#items([raw])[0];
  }

  end(): ParsedItem<T>[] {
    const items = this.#items(this.#splitter.end());
    if (this.#header === 'pending') {
      this.#header = 'bad';
      items.push({
        type: 'header',
        line: 1,
        findings: [
          this.#finding(1, undefined, {
            es: `archivo vacío: falta la fila de encabezado ${headerRow(this.layout, this.format)}`,
            en: `empty file: the header row ${headerRow(this.layout, this.format)} is missing`,
          }),
        ],
      });
    }
    return items;
  }

  #items(lines: RawLine[]): ParsedItem<T>[] {
    const items: ParsedItem<T>[] = [];
    for (const raw of lines) {
      if (this.#header === 'bad') break;
      if (this.#header === 'pending') {
        const findings = this.#checkHeader(raw);
        this.#header = findings.length === 0 ? 'ok' : 'bad';
        items.push({ type: 'header', line: raw.line, findings });
        continue;
      }
      items.push(this.#dataLine(raw));
    }
    return items;
  }

  #finding(line: number, column: string | undefined, message: LocalizedText): Finding {
    return formatFinding(this.format, line, column, message);
  }

  #checkHeader(raw: RawLine): Finding[] {
    const expected = headerRow(this.layout, this.format);
    if (!('text' in raw))
      return [this.#finding(raw.line, undefined, { es: `la fila de encabezado excede ${this.format.maxLineBytes} bytes`, en: `the header row exceeds ${this.format.maxLineBytes} bytes` })];
    if (raw.text.startsWith('ï»¿')) {
      return [
        this.#finding(raw.line, undefined, {
          es: 'el archivo empieza con la marca BOM de UTF-8; debe venir en ISO-8859-1 sin BOM',
          en: 'the file starts with a UTF-8 byte order mark; it must be ISO-8859-1 without BOM',
        }),
      ];
    }
    if (raw.text === expected) return [];
    const names = raw.text.split(this.format.fieldSeparator);
    const findings: Finding[] = [];
    if (names.length !== this.layout.columns.length) {
      findings.push(
        this.#finding(raw.line, undefined, {
          es: `el encabezado tiene ${names.length} columnas; se esperaban ${this.layout.columns.length}: ${expected}`,
          en: `the header has ${names.length} columns; expected ${this.layout.columns.length}: ${expected}`,
        }),
      );
    }
    this.layout.columns.forEach((column, i) => {
      const got = names[i];
      if (got !== undefined && got !== column.name) {
        // Cut and cleaned: a binary or compressed upload would otherwise put its bytes in the acuse.
        const shown = got.slice(0, 40).replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
        findings.push(
          this.#finding(raw.line, column.name, {
            es: `la columna ${i + 1} del encabezado es "${shown}"; se esperaba ${column.name}`,
            en: `header column ${i + 1} is "${shown}"; expected ${column.name}`,
          }),
        );
      }
    });
    return findings;
  }

  #dataLine(raw: RawLine): ParsedItem<T> {
    if (!('text' in raw)) {
      return {
        type: 'invalid',
        line: raw.line,
        key: '',
        findings: [
          this.#finding(raw.line, undefined, {
            es: `la línea excede ${this.format.maxLineBytes} bytes (${raw.tooLongBytes})`,
            en: `the line exceeds ${this.format.maxLineBytes} bytes (${raw.tooLongBytes})`,
          }),
        ],
      };
    }
    const { line, text } = raw;
    const valid = this.layout.readValid?.(text);
    if (valid !== undefined) return { type: 'row', line, record: valid };
    const parts = text.split(this.format.fieldSeparator);
    const key = (parts[0] ?? '').trim();
    const columns = this.layout.columns;
    if (text.trim() === '') {
      return { type: 'invalid', line, key: '', findings: [this.#finding(line, undefined, { es: 'línea vacía', en: 'empty line' })] };
    }
    if (parts.length !== columns.length) {
      return {
        type: 'invalid',
        line,
        key,
        findings: [
          this.#finding(line, undefined, { es: `la línea tiene ${parts.length} campos; se esperaban ${columns.length}`, en: `the line has ${parts.length} fields; expected ${columns.length}` }),
        ],
      };
    }
    const findings: Finding[] = [];
    const fields: string[][] = [];
    const rs = this.format.repeatSeparator;
    // Plain loops: this runs once per field of every line of a 10 M-line file.
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = (parts[i] ?? '').trim();
      const repeats = value === '' ? [] : value.includes(rs) ? value.split(rs).map((r) => r.trim()) : [value];
      fields.push(repeats);
      if (repeats.length === 0) {
        if (column.required) findings.push(this.#finding(line, column.name, { es: 'campo obligatorio vacío', en: 'required field is empty' }));
        continue;
      }
      if (repeats.length > 1 && !column.repeatable) {
        findings.push(this.#finding(line, column.name, { es: `el campo no admite repeticiones (${rs})`, en: `the field does not allow repeats (${rs})` }));
        continue;
      }
      for (let r = 0; r < repeats.length; r++) {
        const repeat = repeats[r]!;
        const where = repeats.length > 1 ? `${column.name}[${r + 1}]` : column.name;
        if (repeat === '') {
          findings.push(this.#finding(line, where, { es: `repetición vacía (${rs}${rs} o ${rs} al borde)`, en: `empty repeat (${rs}${rs} or ${rs} at an edge)` }));
          continue;
        }
        const problem = column.check?.(repeat);
        if (problem) findings.push(this.#finding(line, where, problem));
      }
    }
    if (findings.length > 0) return { type: 'invalid', line, key, findings };
    return { type: 'row', line, record: this.layout.toRecord(fields) };
  }
}

/** Async iteration over a byte stream (a Readable of Buffers): the header item first, then one item per data line. */
export async function* parseDelimited<T>(source: AsyncIterable<Uint8Array | string>, layout: Layout<T>, format: DelimitedFormat): AsyncGenerator<ParsedItem<T>> {
  const parser = new DelimitedParser(layout, format);
  for await (const chunk of source) {
    yield* parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  }
  yield* parser.end();
}
