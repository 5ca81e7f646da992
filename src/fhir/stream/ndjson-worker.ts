/** One thread of judgeNdjsonThreaded: judges the batches of lines it is sent with the judge its module creates. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FileLine } from '../../util/read-lines.ts';
import { judgeLine, type NdjsonJudgeOptions, type NdjsonLineResult, type ResourceJudge } from './ndjson.ts';

const data = workerData as { judgeModule: string; judgeData: unknown; options: NdjsonJudgeOptions };
const judge = (import(data.judgeModule) as Promise<{ createJudge(d: unknown): ResourceJudge | Promise<ResourceJudge> }>).then((m) => m.createJudge(data.judgeData));
judge.catch(() => {});

parentPort?.on('message', async ({ id, lines }: { id: number; lines: FileLine[] }) => {
  try {
    const j = await judge;
    const results: NdjsonLineResult[] = [];
    for (const line of lines) {
      const judged = judgeLine(line, j, data.options);
      const result = judged instanceof Promise ? await judged : judged;
      if (result) results.push(result);
    }
    parentPort?.postMessage({ id, results });
  } catch (error) {
    parentPort?.postMessage({ id, error: { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) } });
  }
});
