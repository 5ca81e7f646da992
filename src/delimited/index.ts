/** Delimited text files (one record a line, separated fields, repeats inside a field), read and written as streams. */
export { type ColumnSpec, type DelimitedFormat, formatFinding, headerRow, type Layout, oneOf } from './layout.ts';
export { LineSplitter, type RawLine } from './lines.ts';
export { DelimitedParser, type ParsedItem, parseDelimited } from './parser.ts';
export { type LineWriter, latin1Chunks, latin1ChunksSync, lineWriter, toLatin1 } from './writer.ts';
