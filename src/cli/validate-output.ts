import { once } from 'node:events';
import { type Finding, isBlocking, toOperationOutcome } from '../findings/finding.ts';

export interface DocumentResult {
  file: string;
  entry?: number;
  findings: Finding[];
}

/** Above this many characters gathered, the output is written at once instead of at the end of the current turn. */
const BATCH_CHARS = 64 * 1024;

/**
 * Output gathered and written once per turn of the event loop (or per 64 K characters): a write per judged line was
 * a fifth of `sello validate`'s time on a large NDJSON. Results still appear as soon as the line being read waits
 * for input, so a slow source shows its results as they come. When the reader is slower than the validator (a pipe),
 * the next write waits for it to drain: a cohort's worth of queued output is what made memory grow with file size.
 */
export function batchedWriter(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean; errored?: Error | null; destroyed?: boolean }) {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  // A closed pipe never drains: its writes are accepted and dropped (main.ts quietOnClosedPipe).
  const waitForReader = async (): Promise<void> => {
    if (stream.writableNeedDrain && !stream.errored && !stream.destroyed) await once(stream, 'drain');
  };
  /** A promise only when the reader must be waited for: no promise per document otherwise. */
  const write = (text: string): Promise<void> | undefined => {
    if (stream.writableNeedDrain && !stream.errored && !stream.destroyed) return waitForReader().then(() => write(text));
    pending += text;
    if (pending.length >= BATCH_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return undefined;
  };
  return {
    write,
    async end(): Promise<void> {
      flush();
      await waitForReader();
    },
  };
}

/** The JSON output of a document without findings: only the file and line change, so the rest is built once per file. */
function cleanItemTemplate(file: string): [string, string] {
  const text = pretty({ file, line: -1, outcome: toOperationOutcome([]) });
  const at = text.lastIndexOf('-1');
  return [text.slice(0, at), text.slice(at + 2)];
}

const pretty = (value: unknown): string => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');

const findingLine = (f: Finding): string =>
  `  ${f.severity.toUpperCase()} [${f.ruleId}] ${f.location || '/'}${f.position ? ` (line ${f.position.line}, col ${f.position.column})` : ''}: ${f.message.es ?? f.message.ru ?? ''}${f.message.es || f.message.ru ? ' / ' : ''}${f.message.en}\n`;

/** Results are printed as they come and not kept: memory does not grow with the number of documents. */
export function resultPrinter(format: string | undefined, out = batchedWriter(process.stdout)) {
  let documents = 0;
  let withErrors = 0;
  let template: { file: string; parts: [string, string] } | undefined;
  const jsonItem = (r: DocumentResult): string => {
    if (r.findings.length > 0 || !r.entry) return pretty({ file: r.file, ...(r.entry ? { line: r.entry } : {}), outcome: toOperationOutcome(r.findings) });
    if (template?.file !== r.file) template = { file: r.file, parts: cleanItemTemplate(r.file) };
    return `${template.parts[0]}${r.entry}${template.parts[1]}`;
  };
  return {
    print(r: DocumentResult): Promise<void> | undefined {
      let errors = 0;
      for (const f of r.findings) if (isBlocking(f)) errors++;
      if (errors > 0) withErrors++;
      let text: string;
      if (format === 'json') text = `${documents === 0 ? '[\n  ' : ',\n  '}${jsonItem(r)}`;
      else {
        const name = r.entry ? `${r.file}:${r.entry}` : r.file;
        text = `${name}: ${errors === 0 ? 'valid' : `${errors} error(s)`}${r.findings.length > errors ? `, ${r.findings.length - errors} other finding(s)` : ''}\n`;
        for (const f of r.findings) text += findingLine(f);
      }
      documents++;
      return out.write(text);
    },
    async finish(): Promise<{ documents: number; withErrors: number }> {
      if (format === 'json') await out.write(documents === 0 ? '[]\n' : '\n]\n');
      else if (documents > 0) await out.write(`${documents} document(s), ${withErrors} with errors\n`);
      await out.end();
      return { documents, withErrors };
    },
  };
}
