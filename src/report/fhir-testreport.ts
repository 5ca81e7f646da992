import { isBlocking } from '../findings/finding.ts';
import type { FeatureReport, ReportModel, ScenarioReport, ScenarioStatus } from './model.ts';

/*
 * One FHIR R4 TestReport per feature (fhir/<feature>.json): the interoperable form of the run that FHIR test
 * tooling (e.g. Touchstone-style dashboards) reads. A scenario is a TestReport.test; each step is an
 * operation and each finding an assert, with its rule, location and the exchange it was judged on.
 */

type ActionResult = 'pass' | 'skip' | 'fail' | 'warning' | 'error';

interface ActionDetail {
  result: ActionResult;
  message?: string;
  detail?: string;
}

export interface TestReport {
  resourceType: 'TestReport';
  id: string;
  identifier: { system: string; value: string };
  name: string;
  status: 'completed';
  testScript: { identifier: { system: string; value: string }; display: string };
  result: 'pass' | 'fail' | 'pending';
  score: number;
  tester: string;
  issued: string;
  participant: { type: 'test-engine' | 'client' | 'server'; uri: string; display?: string }[];
  test: { name: string; description: string; action: ({ operation: ActionDetail } | { assert: ActionDetail })[] }[];
}

const STEP_RESULT: Record<ScenarioStatus, ActionResult> = {
  passed: 'pass',
  failed: 'fail',
  skipped: 'skip',
  pending: 'skip',
  undefined: 'error',
  ambiguous: 'error',
  inconclusive: 'error',
};

/** FHIR strings and markdown admit no control characters but TAB, LF and CR: others are spelled out. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const fhirText = (s: string): string => s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** FHIR ids: [A-Za-z0-9\-.]{1,64}. */
export function fhirId(s: string): string {
  const id = s
    .replace(/\.feature$/, '')
    .replace(/[^A-Za-z0-9\-.]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (id.length > 64 ? id.slice(id.length - 64) : id) || 'feature';
}

function scenarioTest(s: ScenarioReport, model: ReportModel): TestReport['test'][number] {
  const action: TestReport['test'][number]['action'] = s.steps.map((st) => {
    const op: ActionDetail = { result: STEP_RESULT[st.status] ?? 'error', message: fhirText(`${st.keyword} ${st.text}`.trim()) };
    if (st.error) op.message = fhirText(`${op.message}\n\n${st.error.split('\n').slice(0, 6).join('\n')}`);
    return { operation: op };
  });
  for (const f of s.findings) {
    const a: ActionDetail = {
      result: isBlocking(f) ? 'fail' : f.severity === 'warning' ? 'warning' : 'pass',
      message: fhirText(`[${f.ruleId}] ${f.location || '(message)'} (${f.locationKind}): ${f.message.es ?? f.message.en}${f.message.es ? ` / ${f.message.en}` : ''}`),
    };
    if (f.exchangeId) a.detail = `urn:sello:run:${encodeURIComponent(model.runId)}:exchange:${encodeURIComponent(f.exchangeId)}`;
    action.push({ assert: a });
  }
  // TestReport.test.action is 1..*: a scenario that never ran still says so.
  if (action.length === 0) action.push({ operation: { result: 'skip', message: `not executed (${s.status})` } });
  const reqs = s.requirements.length > 0 ? ` · requirements: ${s.requirements.join(', ')}` : '';
  return { name: fhirText(s.name || s.id), description: fhirText(`${s.id} · ${s.status}${reqs} · tags: ${s.tags.join(' ') || '—'}`), action };
}

function sutUri(model: ReportModel): string {
  try {
    return new URL(model.sut.baseUrl).toString();
  } catch {
    return `urn:sello:sut:${encodeURIComponent(model.sut.role)}`;
  }
}

export function renderTestReport(feature: FeatureReport, model: ReportModel): TestReport {
  const n = feature.scenarios.length;
  const passed = feature.scenarios.filter((s) => s.status === 'passed').length;
  const notPassed = feature.scenarios.filter((s) => s.status !== 'passed' && s.status !== 'skipped').length;
  return {
    resourceType: 'TestReport',
    id: fhirId(feature.uri),
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:sello:run:${encodeURIComponent(model.runId)}:${encodeURIComponent(feature.uri)}` },
    name: fhirText(feature.name || feature.uri),
    status: 'completed',
    testScript: { identifier: { system: 'https://sello.dev/features', value: feature.uri }, display: fhirText(feature.name || feature.uri) },
    result: notPassed > 0 ? 'fail' : passed > 0 ? 'pass' : 'pending',
    score: n === 0 ? 0 : Math.round((passed / n) * 10000) / 100,
    tester: `Sello ${model.sello.version}`,
    issued: model.finishedAt,
    participant: [
      { type: 'test-engine', uri: 'https://sello.dev', display: `Sello ${model.sello.version} · ${model.program} ${model.programVersion}` },
      { type: 'server', uri: sutUri(model), display: `${model.sut.role} (${model.sut.kind})` },
    ],
    test: feature.scenarios.map((s) => scenarioTest(s, model)),
  };
}

/** The TestReport id of every feature, made unique. */
export function testReportIds(features: readonly FeatureReport[]): string[] {
  const used = new Set<string>();
  return features.map((f) => {
    const base = fhirId(f.uri);
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base.slice(0, 60)}-${i}`;
    used.add(id);
    return id;
  });
}

/** fhir/<id>.json for every feature. */
export function renderTestReports(model: ReportModel): { file: string; report: TestReport }[] {
  const ids = testReportIds(model.features);
  return model.features.map((f, i) => {
    const report = renderTestReport(f, model);
    report.id = ids[i] ?? report.id;
    return { file: `fhir/${report.id}.json`, report };
  });
}
