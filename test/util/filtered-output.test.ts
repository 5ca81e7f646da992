import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFilteredOutput } from '../../src/util/filtered-output.ts';
import { secretScrubber } from '../../src/util/secret-scrubber.ts';

const SECRET = 'console-Secret-9f3';
const filter = secretScrubber([SECRET])!;

async function captured(fn: () => Promise<unknown>): Promise<{ out: string; err: string; error?: unknown }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = sink((s) => (out += s));
  process.stderr.write = sink((s) => (err += s));
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  } finally {
    [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
  }
  return { out, err, error };
}

test('console.log, console.error and raw writes (string, Buffer) are filtered while the command runs, and only then', async () => {
  let inside: typeof process.stdout.write | undefined;
  const { out, err } = await captured(async () => {
    await withFilteredOutput(filter, async () => {
      inside = process.stdout.write;
      console.log(`SUT at http://h/?k=${SECRET}`);
      console.error(`token ${encodeURIComponent(SECRET)}`);
      process.stdout.write(Buffer.from(`raw ${SECRET}\n`));
      process.stdout.write(`enc ${SECRET}\n`, 'utf8');
    });
    process.stdout.write(`after ${SECRET}\n`);
  });
  assert.notEqual(inside, undefined);
  assert.equal(out, `SUT at http://h/?k=[redacted]\nraw [redacted]\nenc [redacted]\nafter ${SECRET}\n`);
  assert.equal(err, 'token [redacted]\n');
});

test('an error leaving the command has its message and its causes filtered; the streams are restored', async () => {
  const before = process.stdout.write;
  const { error } = await captured(() =>
    withFilteredOutput(filter, async () => {
      throw new Error(`Cannot reach http://h/${SECRET}`, { cause: new Error(`inner ${SECRET}`) });
    }),
  );
  assert.ok(error instanceof Error);
  assert.equal(error.message, 'Cannot reach http://h/[redacted]');
  assert.equal((error.cause as Error).message, 'inner [redacted]');
  assert.ok(!String(error.stack).includes(SECRET));
  assert.equal(process.stdout.write, before);
});

test('no filter: the command runs with the streams untouched', async () => {
  const before = process.stdout.write;
  let inside: unknown;
  await withFilteredOutput(undefined, async () => {
    inside = process.stdout.write;
  });
  assert.equal(inside, before);
});
