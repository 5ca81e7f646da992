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
    const [a, b] = await Promise.all(args.map(readReports));
    // Runs over every program hold one report per program: they are compared program by program.
    const pairs = a!.flatMap((ra) => b!.filter((rb) => rb.program === ra.program).map((rb) => [ra, rb] as const));
    if (pairs.length === 0) throw new DiffError(`the runs have no program in common (${a!.map((r) => r.program).join(', ')} vs ${b!.map((r) => r.program).join(', ')})`);
    const diffs = pairs.map(([ra, rb]) => diffReports(toComparable(ra.report, ra.label), toComparable(rb.report, rb.label)));
    console.log(format === 'json' ? JSON.stringify(diffs.length === 1 ? diffs[0] : diffs, null, 2) : diffs.map(formatDiff).join('\n\n'));
    return diffs.some((d) => d.regressions.length > 0) ? EXIT.conformanceFailure : EXIT.passed;
  } catch (error) {
    if (error instanceof DiffError) throw new ConfigurationError(error.message);
    throw error;
  }
}

async function readReports(arg: string): Promise<{ program: string; report: unknown; label: string }[]> {
  const p = path.resolve(arg);
  const text = await readFile(path.join(p, 'certification.json'), 'utf8').catch(() => undefined);
  if (text === undefined) {
    const report = await readReport(arg);
    const program = typeof report === 'object' && report !== null ? String((report as { program?: unknown }).program) : '';
    return [{ program, report, label: arg }];
  }
  const cert = JSON.parse(text) as { programs?: { program: string; directory: string; verdict?: string }[] };
  const out = [];
  for (const prog of (cert.programs ?? []).filter((x) => x.verdict !== 'SKIPPED')) {
    const label = path.join(arg, prog.directory);
    out.push({ program: prog.program, report: await readReport(label), label });
  }
  return out;
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
