/**
 * Judging FHIR as it streams in, in memory that does not grow with the stream: NDJSON line by line (a Bulk export
 * file or HTTP body) and a Bundle entry by entry (a 50,000-note `$everything`).
 */
export { atEntry, type BundleHandlers, type BundlePart, type BundleStreamOptions, bundleParts, readBundleStream } from './bundle.ts';
export { notJsonFinding, parseJsonDocument } from './json-document.ts';
export { judgeLine, judgeNdjson, NDJSON_TYPE_RULE, type NdjsonJudgeOptions, type NdjsonLineResult, type ResourceJudge } from './ndjson.ts';
export { judgeNdjsonThreaded, type ThreadedJudgeOptions } from './ndjson-threads.ts';
