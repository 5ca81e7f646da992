import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Envelope } from '@cucumber/messages';
import { buildReport } from '../../src/report/build-report.ts';
import type { ReportModel } from '../../src/report/model.ts';
import type { AssembledRun } from '../../src/report/read-messages.ts';
import { readMessages } from '../../src/report/read-messages.ts';
import { tempDir } from '../support/temp-dir.ts';
import type { FixtureRun } from './helpers.ts';
import { CATALOGUE, cleanup, readEnvelopes, runCucumberFixture, startedIdOf, writeEnvelopes } from './helpers.ts';

/** What must not depend on scheduling: everything but timings and the temp paths in stack traces. */
function comparable(run: AssembledRun, dir: string): unknown {
  return run.features.map((f) => ({
    uri: f.uri,
    name: f.name,
    scenarios: f.scenarios.map((s) => ({
      id: s.id,
      name: s.name,
      tags: s.tags,
      status: s.status,
      attempts: s.attempts,
      lastAttempt: s.lastAttempt,
      findings: s.findings,
      exchanges: s.exchanges.map((x) => [x.attempt, x.entry.url]),
      steps: s.steps.map((st) => [st.keyword, st.text, st.status, st.error?.split(dir).join('<dir>').split('\n')[0]]),
    })),
  }));
}

const stripTimes = (m: ReportModel): unknown => ({
  ...m,
  finishedAt: undefined,
  evidence: undefined,
  // Hashes, key and exchange ids (the fixture's include the worker's pid) differ from run to run.
  integrity: undefined,
  requirements: m.requirements.map((r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, exchangeId: undefined })) })),
  features: m.features.map((f) => ({
    ...f,
    scenarios: f.scenarios.map((s) => ({
      ...s,
      exchangeIds: undefined,
      findings: s.findings.map((x) => ({ ...x, exchangeId: undefined })),
      durationMs: undefined,
      steps: s.steps.map((st) => ({ ...st, durationMs: undefined, error: st.error?.split('\n')[0] })),
    })),
  })),
});

/**
 * Re-orders a serial run as if every test case ran on its own worker at once: attempts of one test
 * case stay in sequence (a retry follows its failed attempt), different test cases alternate line by line.
 */
function interleave(envelopes: readonly Envelope[]): Envelope[] {
  const firstStart = envelopes.findIndex((e) => e.testCaseStarted);
  const head = envelopes.slice(0, firstStart);
  const tail: Envelope[] = [];
  const testCaseOf = new Map<string, string>();
  const lanes = new Map<string, Envelope[]>();
  for (const e of envelopes.slice(firstStart)) {
    if (e.testCaseStarted) testCaseOf.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
    const started = startedIdOf(e);
    const lane = started === undefined ? undefined : testCaseOf.get(started);
    if (lane === undefined) {
      tail.push(e);
      continue;
    }
    let list = lanes.get(lane);
    if (!list) lanes.set(lane, (list = []));
    list.push(e);
  }
  const out = [...head];
  const queues = [...lanes.values()].reverse();
  for (let i = 0; queues.some((q) => i < q.length); i++) for (const q of queues) if (i < q.length) out.push(q[i] as Envelope);
  return [...out, ...tail];
}

describe('readMessages', () => {
  let serial: FixtureRun;
  let parallel: FixtureRun;

  before(async () => {
    // The barrier makes the two workers overlap however late one of them starts (see parallel-barrier.mjs).
    const barrier = fileURLToPath(new URL('./parallel-barrier.mjs', import.meta.url));
    [serial, parallel] = await Promise.all([runCucumberFixture(), runCucumberFixture(['--parallel', '2', '--import', barrier])]);
  });
  after(async () => {
    await cleanup(serial.dir);
    await cleanup(parallel.dir);
  });

  test('a parallel run really interleaves test cases of two workers', async () => {
    const envelopes = await readEnvelopes(parallel.messagesFile);
    const workers = new Set(envelopes.flatMap((e) => (e.testCaseStarted?.workerId ? [e.testCaseStarted.workerId] : [])));
    assert.equal(workers.size, 2);
    const open = new Set<string>();
    let maxOpen = 0;
    for (const e of envelopes) {
      if (e.testCaseStarted) open.add(e.testCaseStarted.id);
      if (e.testCaseFinished) open.delete(e.testCaseFinished.testCaseStartedId);
      maxOpen = Math.max(maxOpen, open.size);
    }
    assert.equal(maxOpen, 2, 'two test cases were running at the same time');
  });

  test('parallel and serial runs assemble the same scenarios', async () => {
    const [a, b] = await Promise.all([readMessages(serial.messagesFile), readMessages(parallel.messagesFile)]);
    assert.deepEqual(a.problems, []);
    assert.deepEqual(b.problems, []);
    assert.deepEqual(comparable(b, parallel.dir), comparable(a, serial.dir));
  });

  test('parallel and serial runs produce the same report, timings aside', async () => {
    const opts = {
      runId: 'r',
      program: 'mx-pgs',
      programVersion: '1',
      rules: CATALOGUE,
      seed: '1',
      seloVersion: '0.1.0',
      startedAt: '2025-01-01T00:00:00.000Z',
      sut: { role: 'pgs-node', baseUrl: 'http://localhost:1', kind: 'reference' as const },
    };
    const a = await buildReport({ ...opts, messagesFile: serial.messagesFile, outDir: path.join(serial.dir, 'out') });
    const b = await buildReport({ ...opts, messagesFile: parallel.messagesFile, outDir: path.join(parallel.dir, 'out') });
    assert.deepEqual(stripTimes(b), stripTimes(a));
  });

  test('a maximally interleaved version of the real serial output assembles identically', async () => {
    const envelopes = await readEnvelopes(serial.messagesFile);
    const mixed = interleave(envelopes);
    assert.equal(mixed.length, envelopes.length);
    assert.notDeepEqual(mixed, envelopes);
    const file = path.join(serial.dir, 'interleaved.ndjson');
    await writeFile(file, writeEnvelopes(mixed));
    const [a, b] = await Promise.all([readMessages(serial.messagesFile), readMessages(file)]);
    assert.deepEqual(b.problems, []);
    assert.deepEqual(comparable(b, serial.dir), comparable(a, serial.dir));
  });

  test('steps map back to their written keyword, background included', async () => {
    const run = await readMessages(serial.messagesFile);
    const undef = run.features[0]?.scenarios.find((s) => s.name === 'Baja sin motivo');
    assert.deepEqual(
      undef?.steps.map((s) => s.keyword),
      ['Given', 'When', 'And'],
    );
    assert.ok(run.startedAt && run.finishedAt && run.success === false);
  });

  test('CRLF line endings and blank lines are tolerated', async () => {
    const envelopes = await readEnvelopes(serial.messagesFile);
    const file = path.join(serial.dir, 'crlf.ndjson');
    await writeFile(file, envelopes.map((e) => JSON.stringify(e)).join('\r\n\r\n'));
    const [a, b] = await Promise.all([readMessages(serial.messagesFile), readMessages(file)]);
    assert.deepEqual(b.problems, []);
    assert.deepEqual(comparable(b, serial.dir), comparable(a, serial.dir));
  });
});

/** A synthetic run of n one-step scenarios on two interleaved workers, every 10th with a finding. */
function syntheticRun(n: number): string {
  const lines: string[] = [];
  const children = [];
  for (let i = 0; i < n; i++) {
    children.push({
      scenario: {
        id: `sc${i}`,
        location: { line: i + 3 },
        keyword: 'Scenario',
        name: `s${i}`,
        description: '',
        tags: [],
        examples: [],
        steps: [{ id: `st${i}`, keyword: 'Given ', text: 'x', location: { line: i + 3 } }],
      },
    });
  }
  lines.push(JSON.stringify({ gherkinDocument: { uri: 'f.feature', comments: [], feature: { name: 'F', children } } }));
  for (let i = 0; i < n; i++) {
    lines.push(
      JSON.stringify({
        pickle: {
          id: `p${i}`,
          uri: 'f.feature',
          location: { line: i + 3 },
          name: `s${i}`,
          language: 'en',
          tags: [{ name: '@RN-01', astNodeId: 't' }],
          astNodeIds: [`sc${i}`],
          steps: [{ id: `ps${i}`, text: 'x', astNodeIds: [`st${i}`] }],
        },
      }),
    );
  }
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ testCase: { id: `tc${i}`, pickleId: `p${i}`, testSteps: [{ id: `ts${i}`, pickleStepId: `ps${i}` }] } }));
  const ts = { seconds: 1_700_000_000, nanos: 0 };
  const finding = JSON.stringify({ ruleId: 'RN-01', severity: 'warning', code: 'value', location: '/', locationKind: 'json-pointer', message: { en: 'w' } });
  const lane = (i: number): string[] => {
    const out = [
      JSON.stringify({ testCaseStarted: { id: `cs${i}`, testCaseId: `tc${i}`, attempt: 0, timestamp: ts, workerId: String(i % 2) } }),
      JSON.stringify({ testStepStarted: { testCaseStartedId: `cs${i}`, testStepId: `ts${i}`, timestamp: ts } }),
    ];
    if (i % 10 === 0)
      out.push(JSON.stringify({ attachment: { testCaseStartedId: `cs${i}`, testStepId: `ts${i}`, mediaType: 'application/vnd.sello.finding+json', contentEncoding: 'IDENTITY', body: finding } }));
    out.push(
      JSON.stringify({ testStepFinished: { testCaseStartedId: `cs${i}`, testStepId: `ts${i}`, timestamp: ts, testStepResult: { status: 'PASSED', duration: { seconds: 0, nanos: 1000 } } } }),
      JSON.stringify({ testCaseFinished: { testCaseStartedId: `cs${i}`, timestamp: ts, willBeRetried: false } }),
    );
    return out;
  };
  for (let i = 0; i < n; i += 2) {
    const a = lane(i);
    const b = i + 1 < n ? lane(i + 1) : [];
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      if (k < a.length) lines.push(a[k] as string);
      if (k < b.length) lines.push(b[k] as string);
    }
  }
  lines.push(JSON.stringify({ testRunFinished: { success: true, timestamp: ts } }));
  return lines.join('\n') + '\n';
}

test('building a report scales linearly with the number of scenarios', async () => {
  const dir = await tempDir('sello-report-scale-');
  const time = async (n: number): Promise<number> => {
    const file = path.join(dir, `synthetic-${n}.ndjson`);
    await writeFile(file, syntheticRun(n));
    const t0 = performance.now();
    const m = await buildReport({
      messagesFile: file,
      outDir: path.join(dir, `out-${n}`),
      runId: 'r',
      program: 'p',
      programVersion: '1',
      rules: CATALOGUE,
      seed: '1',
      seloVersion: '0',
      startedAt: '2025-01-01T00:00:00.000Z',
      sut: { role: 'r', baseUrl: 'http://x', kind: 'reference' },
    });
    const elapsed = performance.now() - t0;
    assert.equal(m.totals.scenarios, n);
    assert.equal(m.totals.findings, n / 10);
    return elapsed;
  };
  try {
    await time(1000); // warm-up: JIT and file-system caches
    const small = await time(2000);
    const large = await time(16_000);
    // 8x the input: linear code takes ~8x, quadratic ~64x. The margin absorbs machine noise.
    assert.ok(large / small < 24, `2000 scenarios: ${small.toFixed(0)} ms, 16000: ${large.toFixed(0)} ms`);
  } finally {
    await cleanup(dir);
  }
});
