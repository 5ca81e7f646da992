import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSideBySide } from '../../src/cli/side-by-side.ts';
import { ConfigurationError } from '../../src/config/errors.ts';
import { InfrastructureError } from '../../src/transport/infrastructure-error.ts';

const CHILD = new URL('../fixtures/side-by-side/child.ts', import.meta.url);
type Ends = 'outcome' | 'configuration' | 'infrastructure' | 'crash' | 'hang';
const job = (name: string, ms: number, expectedSeconds: number, ends: Ends = 'outcome') => ({ program: name, job: { name, ms, ends }, expectedSeconds });

/** What the processes printed while `run` ran, in the order side-by-side.ts wrote it. */
async function captured<T>(run: (streams: { stdout: (text: string) => void; stderr: (text: string) => void }) => Promise<T>): Promise<{ result?: T; error?: unknown; text: string }> {
  let text = '';
  const streams = { stdout: (chunk: string) => void (text += chunk), stderr: () => undefined };
  try {
    return { result: await run(streams), text };
  } catch (error) {
    return { error, text };
  }
}

test('programs run at once in processes of their own, longest first; outcomes and output come back in the programs’ order', async () => {
  type Outcome = { name: string; pid: number; began: number; ended: number };
  const { result, text } = await captured((streams) => runSideBySide<unknown, Outcome>([job('a', 300, 1), job('b', 3000, 9), job('c', 100, 2)], 2, CHILD, streams));
  assert.deepEqual(
    result?.map((o) => o.name),
    ['a', 'b', 'c'],
  );
  const [a, b, c] = result!;
  assert.equal(new Set([a!.pid, b!.pid, c!.pid]).size, 3, 'one process per program');
  assert.equal(text, 'a begins\na ends\nb begins\nb ends\nc begins\nc ends\n');
  // Two slots: b (expected longest) and c (next) start together; a waits for c, the quicker, and runs beside b (3 s:
  // ample for a process start on a loaded machine).
  assert.ok(c!.began < b!.ended && a!.began < b!.ended, 'the programs overlapped');
  assert.ok(a!.began >= c!.ended, 'no more than two at once');
});

test('a program whose process fails fails the run with its own error, its output still shown', async () => {
  const configuration = await captured((streams) => runSideBySide([job('a', 10, 1), job('b', 500, 1, 'configuration')], 2, CHILD, streams));
  assert.ok(configuration.error instanceof ConfigurationError, String(configuration.error));
  assert.match((configuration.error as Error).message, /b is misconfigured/);
  assert.match(configuration.text, /a begins\na ends\nb begins\nb ends\n/);

  const infrastructure = await captured((streams) => runSideBySide([job('a', 50, 1, 'infrastructure')], 2, CHILD, streams));
  assert.ok(infrastructure.error instanceof InfrastructureError, String(infrastructure.error));
  assert.equal((infrastructure.error as InfrastructureError).endpoint, 'http://127.0.0.1:9');

  const crash = await captured((streams) => runSideBySide([job('a', 50, 1, 'crash')], 1, CHILD, streams));
  assert.match(String(crash.error), /a: its process ended \(exit code 7\) without an outcome/);
});

test('the first failure ends the programs still running instead of waiting for them', async () => {
  const started = performance.now();
  const { error } = await captured((streams) => runSideBySide([job('slow', 60_000, 9, 'hang'), job('bad', 100, 1, 'configuration')], 2, CHILD, streams));
  assert.ok(error instanceof ConfigurationError, String(error));
  assert.ok(performance.now() - started < 20_000, 'the hanging program was ended');
});
