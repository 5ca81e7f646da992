import type { Finding } from '../findings/finding.ts';
import type { ReportModel, ScenarioReport } from './model.ts';

/*
 * Characters XML 1.0 cannot carry even as character references: C0 controls other than
 * TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF. They are shown as \uXXXX text instead of being dropped,
 * so an error message from the SUT stays recognisable.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const hex4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function xmlText(s: string): string {
  return s.replace(XML_FORBIDDEN, hex4).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also need quotes escaped, and TAB/LF/CR as references or parsers normalise them to spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function findingLine(f: Finding): string {
  const text = f.message.es !== undefined && f.message.es !== f.message.en ? `${f.message.en} / ${f.message.es}` : f.message.en;
  return `[${f.severity}] ${f.ruleId} at ${f.location} (${f.locationKind}): ${text}`;
}

function failureBody(s: ScenarioReport): { message: string; type: string; body: string } {
  const parts: string[] = [];
  const failing = s.steps.filter((st) => st.status === 'failed' || st.status === 'ambiguous');
  for (const st of failing) {
    parts.push(`${st.keyword} ${st.text}`.trim() + ` [${st.status}]`);
    if (st.error) parts.push(st.error);
  }
  if (s.findings.length > 0) {
    parts.push('Findings:');
    for (const f of s.findings) parts.push(`  ${findingLine(f)}`);
  }
  const firstStep = failing[0];
  const firstBlocking = s.findings.find((f) => f.severity === 'error' || f.severity === 'fatal');
  const message = firstStep?.error?.split('\n')[0] ?? (firstBlocking ? `${firstBlocking.ruleId}: ${firstBlocking.message.en}` : `scenario ${s.status}`);
  const type = failing.length > 0 ? `step ${failing[0]?.status}` : 'finding';
  return { message, type, body: parts.join('\n') };
}

function testcase(classname: string, s: ScenarioReport): string {
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(s.name)}" time="${seconds(s.durationMs)}"`;
  const props =
    `      <properties>\n` +
    `        <property name="id" value="${xmlAttr(s.id)}"/>\n` +
    (s.rules.length > 0 ? `        <property name="rules" value="${xmlAttr(s.rules.join(' '))}"/>\n` : '') +
    (s.requirements?.length > 0 ? `        <property name="requirements" value="${xmlAttr(s.requirements.join(' '))}"/>\n` : '') +
    `        <property name="attempts" value="${s.attempts}"/>\n` +
    `      </properties>\n`;
  switch (s.status) {
    case 'passed': {
      const out = s.findings.length > 0 ? `      <system-out>${xmlText(s.findings.map(findingLine).join('\n'))}</system-out>\n` : '';
      return `${open}>\n${props}${out}    </testcase>\n`;
    }
    case 'failed':
    case 'ambiguous': {
      const f = failureBody(s);
      return `${open}>\n${props}      <failure message="${xmlAttr(f.message)}" type="${xmlAttr(f.type)}">${xmlText(f.body)}</failure>\n    </testcase>\n`;
    }
    default: {
      const missing = s.steps.find((st) => st.status === s.status);
      // No verdict on conformance: CI shows it as skipped, with the infrastructure error that stopped it.
      const why = s.infrastructure ? `inconclusive: ${s.infrastructure.cause} — ${s.infrastructure.message}` : missing ? `${s.status}: ${missing.keyword} ${missing.text}` : s.status;
      return `${open}>\n${props}      <skipped message="${xmlAttr(why)}"/>\n    </testcase>\n`;
    }
  }
}

/** One <testsuite> per feature so CI tools group scenarios the way the feature files do. */
export function renderJunit(model: ReportModel): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let time = 0;
  for (const feature of model.features) {
    const n = feature.scenarios.length;
    const f = feature.scenarios.filter((s) => s.status === 'failed' || s.status === 'ambiguous').length;
    const sk = n - f - feature.scenarios.filter((s) => s.status === 'passed').length;
    const t = feature.scenarios.reduce((acc, s) => acc + s.durationMs, 0);
    tests += n;
    failures += f;
    skipped += sk;
    time += t;
    suites.push(
      `  <testsuite name="${xmlAttr(feature.name)}" file="${xmlAttr(feature.uri)}" tests="${n}" failures="${f}" errors="0" skipped="${sk}" time="${seconds(t)}" timestamp="${xmlAttr(model.startedAt)}">\n` +
        feature.scenarios.map((s) => testcase(feature.name, s)).join('') +
        '  </testsuite>\n',
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${xmlAttr(`Sello ${model.program} ${model.runId}: ${model.verdict}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}">\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}
