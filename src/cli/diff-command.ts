import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { DiffError, diffReports, formatDiff, toComparable } from '../report/diff.ts';

/**
 * `sello diff <runA> <runB> [--format json]`: requirements whose verdict changed from run A (baseline) to run B.
 * Exit 3 when a SHALL requirement went from passed to failed (the CI regression gate), 0 otherwise, 4 bad invocation.
 */
export async function diffCommand(args: string[], options: { format?: string }): Promise<number> {
  if (args.length !== 2) throw new ConfigurationError('sello diff takes two runs: sello diff <runA> <runB> (directories or report.json files)');
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new ConfigurationError('--format is text or json');
  try {
    const [a, b] = await Promise.all(args.map(readReport));
    const d = diffReports(toComparable(a, args[0] ?? ''), toComparable(b, args[1] ?? ''));
    console.log(format === 'json' ? JSON.stringify(d, null, 2) : formatDiff(d));
    return d.regressions.length > 0 ? EXIT.conformanceFailure : EXIT.passed;
  } catch (error) {
    if (error instanceof DiffError) throw new ConfigurationError(error.message);
    throw error;
  }
}

async function readReport(arg: string): Promise<unknown> {
  const p = path.resolve(arg);
  const s = await stat(p).catch(() => undefined);
  if (!s) throw new ConfigurationError(`${arg} does not exist`);
  const file = s.isDirectory() ? path.join(p, 'report.json') : p;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigurationError(`${arg} has no report.json`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigurationError(`${file} is not valid JSON`);
  }
}
