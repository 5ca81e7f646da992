import type { OutputFilter } from '../report/output-filter.ts';

/*
 * The console is output too: a CI log keeps what Sello prints as long as any report. While a command runs with
 * secrets, every write to stdout and stderr (console.*, cucumber's formatters, a step's or a mock's logging) passes
 * through the filter, and an error leaving the command has its messages filtered before the CLI prints them.
 *
 * A write is filtered as a whole: a secret split over two writes of one line (a writer that prints character by
 * character) would pass. Sello's writers print whole lines, and cucumber's progress formatter prints status marks.
 */

type Write = NodeJS.WriteStream['write'];

function filteredWrite(stream: NodeJS.WriteStream, filter: OutputFilter, label: string): Write {
  const write = stream.write;
  return function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    let text: string | undefined;
    if (typeof chunk === 'string') {
      text = typeof rest[0] === 'string' && rest[0] !== 'utf8' && rest[0] !== 'utf-8' ? Buffer.from(chunk, rest[0] as BufferEncoding).toString('utf8') : chunk;
      if (typeof rest[0] === 'string') rest = rest.slice(1);
    } else if (chunk instanceof Uint8Array) {
      text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      if (typeof rest[0] === 'string') rest = rest.slice(1);
    }
    if (text === undefined) return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
    return (write as (...a: unknown[]) => boolean).call(stream, filter(text, label), 'utf8', ...rest);
  } as Write;
}

/** The error and its causes with their messages filtered, so the CLI's report of a failure carries no secret. */
export function filterError(error: unknown, filter: OutputFilter): void {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++, current = current.cause) {
    current.message = filter(current.message, '<error>');
    if (current.stack) current.stack = filter(current.stack, '<error>');
  }
}

/** Runs `fn` with stdout and stderr filtered (no filter: as it is), restoring both after, even when it throws. */
export async function withFilteredOutput<T>(filter: OutputFilter | undefined, fn: () => Promise<T>): Promise<T> {
  if (!filter) return fn();
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write);
  process.stdout.write = filteredWrite(process.stdout, filter, '<stdout>');
  process.stderr.write = filteredWrite(process.stderr, filter, '<stderr>');
  try {
    return await fn();
  } catch (error) {
    filterError(error, filter);
    throw error;
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i]!;
    });
  }
}
