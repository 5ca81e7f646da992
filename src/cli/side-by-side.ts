import { type ChildProcess, fork, type Serializable } from 'node:child_process';
import { ConfigurationError } from '../config/errors.ts';
import { OrderedOutput } from '../run/ordered-output.ts';
import { InfrastructureError } from '../transport/infrastructure-error.ts';

/*
 * Programs of one certification run at once, each in a process of its own (src/cli/program-child.ts): a program's
 * scenarios still run one after another against its own mocks, as in a run of that program alone, and nothing is
 * shared between programs but the run directory each writes its own folder of. What the processes print comes out in
 * the programs' order (OrderedOutput).
 */

/** What crosses to a program's process and back: plain JSON over the IPC channel. */
export type ChildMessage<Outcome> = { outcome: Outcome } | { error: SentError };

export interface SentError {
  name: string;
  message: string;
  stack?: string;
  endpoint?: string;
  cause_?: string;
  reason?: string;
  exchangeId?: string;
}

/** An error as the process that threw it sends it: main() maps configuration and infrastructure errors to their exit codes. */
export function sendableError(error: unknown): SentError {
  // Cucumber wraps what a hook threw in its own error: the cause chain is searched as main() does.
  for (let current = error, depth = 0; depth < 10 && current instanceof Error; depth++, current = current.cause) {
    if (current instanceof ConfigurationError) return { name: current.name, message: current.message };
    if (current instanceof InfrastructureError)
      return { name: current.name, message: current.message, endpoint: current.endpoint, cause_: current.cause_, reason: current.reason, exchangeId: current.exchangeId };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

function receivedError(program: string, sent: SentError): Error {
  if (sent.name === 'ConfigurationError') return new ConfigurationError(sent.message);
  if (sent.name === 'InfrastructureError' && sent.endpoint !== undefined && sent.cause_ !== undefined) {
    return new InfrastructureError(sent.endpoint, sent.cause_ as InfrastructureError['cause_'], sent.reason ?? sent.message, sent.exchangeId);
  }
  const error = new Error(`${program}: ${sent.message}`);
  if (sent.stack) error.stack = `${program}: ${sent.stack}`;
  return error;
}

export interface SideBySideJob<Job> {
  program: string;
  job: Job;
  /** What the program's suite is expected to take: the longest start first, so the last to finish finishes soonest. */
  expectedSeconds: number;
}

/**
 * Runs each job in a forked `childModule` (which answers one job with one ChildMessage), at most `slots` at once, and
 * resolves to the outcomes in the jobs' order. The first process that fails ends the others: the run fails as a serial
 * run would have, with that program's error.
 */
export async function runSideBySide<Job, Outcome>(
  jobs: readonly SideBySideJob<Job>[],
  slots: number,
  childModule: URL,
  streams: { stdout: (text: string) => void; stderr: (text: string) => void } = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
): Promise<Outcome[]> {
  const stdout = new OrderedOutput(jobs.length, streams.stdout);
  const stderr = new OrderedOutput(jobs.length, streams.stderr);
  const outcomes: Outcome[] = new Array(jobs.length);
  const running = new Set<ChildProcess>();
  const queue = jobs.map((_, index) => index).sort((a, b) => jobs[b]!.expectedSeconds - jobs[a]!.expectedSeconds);
  let failure: Error | undefined;

  const runOne = (index: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const { program, job } = jobs[index]!;
      // The child inherits tsx through NODE_OPTIONS (bin/sello.mjs) or this process's --import (tests).
      const child = fork(childModule, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
      running.add(child);
      let answer: ChildMessage<Outcome> | undefined;
      child.stdout!.setEncoding('utf8').on('data', (text: string) => stdout.write(index, text));
      child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr.write(index, text));
      child.on('message', (message: ChildMessage<Outcome>) => {
        answer = message;
      });
      child.once('error', (error) => {
        failure ??= new Error(`${program}: could not start its process: ${error.message}`);
      });
      child.once('close', (code, signal) => {
        running.delete(child);
        stdout.finish(index);
        stderr.finish(index);
        if (answer && 'outcome' in answer) outcomes[index] = answer.outcome;
        else if (answer) failure ??= receivedError(program, answer.error);
        else if (!failure) failure = new Error(`${program}: its process ended (${signal ?? `exit code ${code}`}) without an outcome; its output is above`);
        if (failure) for (const other of running) other.kill('SIGTERM');
        resolve();
      });
      child.send(job as Serializable);
    });

  const slot = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined && !failure; next = queue.shift()) await runOne(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, jobs.length)) }, slot));
  if (failure) {
    // What the programs after one that never started printed is held behind it: out it comes before the error.
    for (let index = 0; index < jobs.length; index++) {
      stdout.finish(index);
      stderr.finish(index);
    }
    throw failure;
  }
  return outcomes;
}
