import { type Finding, finding } from '../../findings/finding.ts';
import { limitFinding } from '../../findings/limits.ts';
import { type FileLine, readLineBatchesFrom, readLinesFrom } from '../../util/read-lines.ts';
import { parseJsonDocument } from './json-document.ts';

/** Judges one resource of a line; may be synchronous (the FHIR validator is) or not (a program's judge). */
export type ResourceJudge = (resource: unknown, line: number) => Finding[] | Promise<Finding[]>;
export type SyncResourceJudge = (resource: unknown, line: number) => Finding[];

export interface NdjsonLineResult {
  /** 1-based line number in the stream. */
  line: number;
  /** The line's resourceType when it parsed as an object that has one. */
  resourceType?: string;
  findings: Finding[];
}

export interface NdjsonJudgeOptions {
  /** The longest line judged; a longer one is a SELLO-LIMIT finding, its bytes are not kept. */
  maxLineBytes: number;
  /**
   * The resource type every line must have (a Bulk Data output file holds one type per file, its manifest entry's
   * `type`): a line of another type is an NDJSON-TYPE error and is not judged further.
   */
  expectedType?: string;
}

/** A Bulk Data file's lines are all of its declared type (FHIR Bulk Data Access, output file requirements). */
export const NDJSON_TYPE_RULE = 'NDJSON-TYPE';

const tooLong = (bytes: number, max: number): Finding =>
  limitFinding({
    en: `The line has ${bytes} bytes, more than Sello reads as one resource (${max}); it was not judged.`,
    es: `La línea tiene ${bytes} bytes, más de lo que Sello lee como un recurso (${max}); no se evaluó.`,
  });

const wrongType = (found: unknown, expected: string): Finding =>
  finding(NDJSON_TYPE_RULE, 'error', 'invalid', '/resourceType', {
    en: `The line is a ${typeof found === 'string' ? found : 'value without resourceType'}; every line of this file must be a ${expected}.`,
    es: `La línea es ${typeof found === 'string' ? `un ${found}` : 'un valor sin resourceType'}; cada línea de este archivo debe ser un ${expected}.`,
  });

/**
 * One line read judged: a line too long, not JSON or of the wrong type gets its finding, any other the judge's
 * findings. A blank line has no result. Shared by the serial reader below and the threads of ndjson-threads.ts.
 * A synchronous judge gets a synchronous result: no promise per line on the FHIR validator's path.
 */
export function judgeLine(line: FileLine, judge: SyncResourceJudge, options: NdjsonJudgeOptions): NdjsonLineResult | undefined;
export function judgeLine(line: FileLine, judge: ResourceJudge, options: NdjsonJudgeOptions): NdjsonLineResult | undefined | Promise<NdjsonLineResult>;
export function judgeLine(line: FileLine, judge: ResourceJudge, options: NdjsonJudgeOptions): NdjsonLineResult | undefined | Promise<NdjsonLineResult> {
  if ('tooLongBytes' in line) return { line: line.number, findings: [tooLong(line.tooLongBytes, options.maxLineBytes)] };
  // A resource's line starts with '{': only other lines pay for the blank test.
  if (line.text.charCodeAt(0) !== 0x7b && line.text.trim() === '') return undefined;
  const parsed = parseJsonDocument(line.text);
  if (!parsed.ok) return { line: line.number, findings: [parsed.finding] };
  const value = parsed.value as { resourceType?: unknown } | null;
  const resourceType = value !== null && typeof value === 'object' && typeof value.resourceType === 'string' ? value.resourceType : undefined;
  if (options.expectedType !== undefined && resourceType !== options.expectedType) {
    return { line: line.number, ...(resourceType ? { resourceType } : {}), findings: [wrongType(value?.resourceType, options.expectedType)] };
  }
  const findings = judge(parsed.value, line.number);
  if (findings instanceof Promise) return findings.then((f) => (resourceType ? { line: line.number, resourceType, findings: f } : { line: line.number, findings: f }));
  return resourceType ? { line: line.number, resourceType, findings } : { line: line.number, findings };
}

/**
 * Every line of an NDJSON stream (a file, an HTTP response body) judged as it arrives: one line is held at a time,
 * and the next chunk is read only when the consumer asks for the next result, so a slow consumer slows the source
 * (backpressure) and memory does not grow with the stream. Blank lines are skipped; nothing is kept after a line's
 * result is yielded.
 */
export async function* judgeNdjson(source: AsyncIterable<Uint8Array | string>, judge: ResourceJudge, options: NdjsonJudgeOptions): AsyncGenerator<NdjsonLineResult> {
  for await (const line of readLinesFrom(source, options.maxLineBytes)) {
    const judged = judgeLine(line, judge, options);
    const result = judged instanceof Promise ? await judged : judged;
    if (result) yield result;
  }
}

/**
 * The same with a synchronous judge, a read chunk at a time: each chunk's results are a synchronous iterable that
 * judges a line when it is asked for, so a consumer pays one promise per chunk (~4,000 lines of a cohort) rather than
 * per line, and still holds one line's result at a time.
 */
export async function* judgeNdjsonBatches(source: AsyncIterable<Uint8Array | string>, judge: SyncResourceJudge, options: NdjsonJudgeOptions): AsyncGenerator<Iterable<NdjsonLineResult>> {
  for await (const lines of readLineBatchesFrom(source, options.maxLineBytes)) yield judged(lines, judge, options);
}

function* judged(lines: Iterable<FileLine>, judge: SyncResourceJudge, options: NdjsonJudgeOptions): Generator<NdjsonLineResult> {
  for (const line of lines) {
    const result = judgeLine(line, judge, options);
    if (result) yield result;
  }
}
