/**
 * A delimited-file format declared as data: the separators, the line cap, the rule id and how a finding names its
 * place, and one layout per file kind (its header row's column names, which are required or repeatable, a check
 * per value, and how a read line becomes a typed record). The reader and writer here know no program.
 */
import { type Finding, finding, type LocalizedText } from '../findings/finding.ts';

export interface DelimitedFormat {
  /** Between fields (`|`). */
  fieldSeparator: string;
  /** Between repeats of one field (`&`). */
  repeatSeparator: string;
  /** Past it a line is reported by its size and skipped, so memory stays bounded. */
  maxLineBytes: number;
  /** Rule id of every format finding. */
  ruleId: string;
  /** How a finding names its place: a line, or a line and a column (`[2]` appended for a repeat). */
  location(line: number, column?: string): string;
}

export interface ColumnSpec {
  name: string;
  required: boolean;
  repeatable: boolean;
  /** Judges one non-empty value; returns why it is wrong. */
  check?: (value: string) => LocalizedText | undefined;
}

export interface Layout<T> {
  name: string;
  columns: readonly ColumnSpec[];
  /** Builds the typed record from fields that passed their checks (one array of repeats per column). */
  toRecord(fields: readonly (readonly string[])[]): T;
  /**
   * Optional shortcut for big files: the record of a data line every column check would accept, read in one pass,
   * or undefined to have the line split and checked column by column (which names what is wrong). It may turn
   * down lines the checks accept, never accept one they refuse, and must return what toRecord would.
   */
  readValid?(line: string): T | undefined;
}

export const headerRow = (layout: Layout<unknown>, format: DelimitedFormat): string => layout.columns.map((c) => c.name).join(format.fieldSeparator);

export function formatFinding(format: DelimitedFormat, line: number, column: string | undefined, message: LocalizedText): Finding {
  return finding(format.ruleId, 'error', 'structure', format.location(line, column), message, 'text-line');
}

/** A column check that accepts a closed set of values. */
export function oneOf(values: readonly string[]): (value: string) => LocalizedText | undefined {
  return (value) => (values.includes(value) ? undefined : { es: `debe ser ${values.join(', ')}; llegó "${value}"`, en: `must be ${values.join(', ')}; got "${value}"` });
}
