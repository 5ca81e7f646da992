import { Worker } from 'node:worker_threads';
import { type FileLine, readLineBatchesFrom } from '../../util/read-lines.ts';
import type { NdjsonJudgeOptions, NdjsonLineResult } from './ndjson.ts';

export interface ThreadedJudgeOptions extends NdjsonJudgeOptions {
  /** Worker threads judging lines (each loads its own judge). */
  threads: number;
  /** URL of a module exporting `createJudge(data)`: the ResourceJudge (or a promise of it) each thread uses. */
  judgeModule: string;
  /** Passed to `createJudge` in every thread (structured-cloned). */
  judgeData?: unknown;
}

/** A batch is this many lines or characters, whichever comes first: few messages, little held per thread. */
const BATCH_LINES = 256;
const BATCH_CHARS = 512 * 1024;

type Reply = { id: number; results: NdjsonLineResult[] } | { id: number; error: { name: string; message: string } };

const WORKER = new URL('./ndjson-worker.ts', import.meta.url).href;
// A worker thread does not inherit the main thread's module hooks: it registers tsx itself before loading TypeScript.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); })`;

function thread(options: ThreadedJudgeOptions) {
  const worker = new Worker(BOOT, {
    eval: true,
    // A young generation larger than the default: each line's parsed JSON and findings die young, and fewer, larger
    // scavenges cost less per line.
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
    workerData: {
      judgeModule: options.judgeModule,
      judgeData: options.judgeData,
      options: { maxLineBytes: options.maxLineBytes, ...(options.expectedType ? { expectedType: options.expectedType } : {}) },
    },
  });
  const waiting = new Map<number, { resolve: (r: NdjsonLineResult[]) => void; reject: (e: Error) => void }>();
  let failed: Error | undefined;
  const failAll = (error: Error): void => {
    failed ??= error;
    for (const w of waiting.values()) w.reject(failed);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ('error' in reply) w?.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    else w?.resolve(reply.results);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`an NDJSON judging thread exited (${code})`)));
  let next = 0;
  return {
    judge(lines: FileLine[]): Promise<NdjsonLineResult[]> {
      if (failed) return Promise.reject(failed);
      const id = next++;
      const result = new Promise<NdjsonLineResult[]>((resolve, reject) => waiting.set(id, { resolve, reject }));
      worker.postMessage({ id, lines });
      return result;
    },
    stop: async (): Promise<void> => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

/**
 * judgeNdjson on several threads: the lines are read here and sent in batches to the threads in turn, and the
 * results come back in line order. At most two batches per thread are out at once, so memory stays bounded and a slow
 * consumer still holds the source back. The results are the serial reader's, line for line (same judgeLine).
 */
export async function* judgeNdjsonThreaded(source: AsyncIterable<Uint8Array | string>, options: ThreadedJudgeOptions): AsyncGenerator<NdjsonLineResult> {
  for await (const batch of judgeNdjsonThreadedBatches(source, options)) yield* batch;
}

/** The same, each batch a thread judged at once (see judgeNdjsonBatches). */
export async function* judgeNdjsonThreadedBatches(source: AsyncIterable<Uint8Array | string>, options: ThreadedJudgeOptions): AsyncGenerator<NdjsonLineResult[]> {
  const threads = Array.from({ length: Math.max(1, options.threads) }, () => thread(options));
  // A batch that fails before it is awaited must not become an unhandled rejection: its error is thrown when its turn comes.
  const quiet = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {});
    return p;
  };
  const out: Promise<NdjsonLineResult[]>[] = [];
  try {
    let batch: FileLine[] = [];
    let chars = 0;
    let turn = 0;
    const send = (): void => {
      out.push(quiet((threads[turn++ % threads.length] as ReturnType<typeof thread>).judge(batch)));
      batch = [];
      chars = 0;
    };
    for await (const lines of readLineBatchesFrom(source, options.maxLineBytes)) {
      for (const line of lines) {
        batch.push(line);
        chars += 'text' in line ? line.text.length : 0;
        if (batch.length < BATCH_LINES && chars < BATCH_CHARS) continue;
        send();
        while (out.length >= threads.length * 2) yield await (out.shift() as Promise<NdjsonLineResult[]>);
      }
    }
    if (batch.length > 0) send();
    while (out.length > 0) yield await (out.shift() as Promise<NdjsonLineResult[]>);
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
  }
}
