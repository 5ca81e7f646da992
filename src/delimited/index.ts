/** Delimited text files (one record a line, separated fields, repeats inside a field), read and written as streams. */
export { formatFinding, headerRow, oneOf, type ColumnSpec, type DelimitedFormat, type Layout } from './layout.ts';
export { LineSplitter, type RawLine } from './lines.ts';
export { DelimitedParser, parseDelimited, type ParsedItem } from './parser.ts';
export { latin1Chunks, latin1ChunksSync, lineWriter, toLatin1, type LineWriter } from './writer.ts';
