import type { Envelope } from '@cucumber/messages';
import { EXCHANGE_MEDIA_TYPE, FINDING_MEDIA_TYPE, INFRASTRUCTURE_MEDIA_TYPE } from '../../src/report/model.ts';

/** One scenario of a hand-made cucumber message stream: enough for readMessages, nothing cucumber would not send. */
export interface SyntheticScenario {
  name: string;
  tags: string[];
  /** Cucumber's status of each step, in order (PASSED, FAILED, SKIPPED…). */
  steps: { text: string; status: 'PASSED' | 'FAILED' | 'SKIPPED' | 'UNDEFINED'; error?: string; errorType?: string; hook?: 'BEFORE_TEST_CASE' | 'AFTER_TEST_CASE' }[];
  /** Attached during the first step, in order: findings, exchanges, infrastructure records. */
  attachments?: { kind: 'finding' | 'exchange' | 'infrastructure'; body: unknown }[];
}

const ts = (ms: number): { seconds: number; nanos: number } => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

const MEDIA = { finding: FINDING_MEDIA_TYPE, exchange: EXCHANGE_MEDIA_TYPE, infrastructure: INFRASTRUCTURE_MEDIA_TYPE } as const;

export function syntheticStream(scenarios: readonly SyntheticScenario[], uri = 'features/synthetic.feature'): Envelope[] {
  const out: Envelope[] = [];
  let clock = 1_700_000_000_000;
  out.push({ testRunStarted: { timestamp: ts(clock) } });
  let failed = false;
  out.push({ hook: { id: 'h-before', type: 'BEFORE_TEST_CASE', sourceReference: {} } } as Envelope);
  out.push({ hook: { id: 'h-after', type: 'AFTER_TEST_CASE', sourceReference: {} } } as Envelope);
  scenarios.forEach((s, i) => {
    const pickleId = `p${i}`;
    const caseId = `tc${i}`;
    const startedId = `st${i}`;
    out.push({
      pickle: {
        id: pickleId,
        uri,
        name: s.name,
        language: 'es',
        astNodeIds: [`a${i}`],
        location: { line: 10 * (i + 1), column: 3 },
        tags: s.tags.map((name) => ({ name, astNodeId: `t${i}` })),
        steps: s.steps.filter((st) => !st.hook).map((st, j) => ({ id: `ps${i}-${j}`, text: st.text, astNodeIds: [`as${i}-${j}`] })),
      },
    } as Envelope);
    out.push({
      testCase: {
        id: caseId,
        pickleId,
        testRunStartedId: 'run',
        testSteps: s.steps.map((st, j) =>
          st.hook
            ? { id: `ts${i}-${j}`, hookId: st.hook === 'BEFORE_TEST_CASE' ? 'h-before' : 'h-after' }
            : { id: `ts${i}-${j}`, pickleStepId: `ps${i}-${j}`, stepDefinitionIds: [], stepMatchArgumentsLists: [] },
        ),
      },
    } as Envelope);
    out.push({ testCaseStarted: { id: startedId, testCaseId: caseId, attempt: 0, timestamp: ts(clock) } });
    s.steps.forEach((st, j) => {
      if (j === 0) {
        for (const a of s.attachments ?? []) {
          out.push({
            attachment: { testCaseStartedId: startedId, testStepId: `ts${i}-${j}`, mediaType: MEDIA[a.kind], body: JSON.stringify(a.body), contentEncoding: 'IDENTITY', timestamp: ts(clock) },
          } as Envelope);
        }
      }
      clock += 10;
      if (st.status !== 'PASSED' && st.status !== 'SKIPPED') failed = true;
      out.push({
        testStepFinished: {
          testCaseStartedId: startedId,
          testStepId: `ts${i}-${j}`,
          timestamp: ts(clock),
          testStepResult: {
            status: st.status,
            duration: ts(10),
            ...(st.error ? { message: st.error, exception: { type: st.errorType ?? 'Error', message: st.error } } : {}),
          },
        },
      } as Envelope);
    });
    out.push({ testCaseFinished: { testCaseStartedId: startedId, timestamp: ts(clock), willBeRetried: false } });
  });
  out.push({ testRunFinished: { timestamp: ts(clock + 1), success: !failed } });
  return out;
}

export const findingOf = (ruleId: string, extra: Record<string, unknown> = {}): unknown => ({
  ruleId,
  severity: 'error',
  code: 'business-rule',
  location: '/acuse/estatus',
  locationKind: 'json-pointer',
  message: { en: `${ruleId} broken`, es: `${ruleId} incumplida` },
  ...extra,
});

export const exchangeOf = (id: string, to = 'IMSS'): unknown => ({
  id,
  protocol: 'http',
  from: 'sello',
  to,
  method: 'GET',
  url: 'http://127.0.0.1:1/x',
  status: 200,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:00.010Z',
  request: { headers: {}, body: null },
  response: { headers: {}, body: { ok: true } },
});
