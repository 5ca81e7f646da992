import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { BuildReportOptions } from '../../src/report/build-report.ts';
import { buildReport } from '../../src/report/build-report.ts';
import type { ReportModel, ScenarioExchange, ScenarioReport } from '../../src/report/model.ts';
import { REPORT_SCHEMA_VERSION } from '../../src/report/model.ts';
import { ISSUE_CODES, LOCATION_KINDS, SEVERITIES } from '../../src/report/read-messages.ts';
import type { FixtureRun } from './helpers.ts';
import { assertWellFormedXml, CATALOGUE, cleanup, readEnvelopes, repoRoot, rule, runCucumberFixture, writeEnvelopes } from './helpers.ts';

// ajv-formats is CJS: under NodeNext the default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

const schema = JSON.parse(await readFile(path.join(repoRoot, 'src/report/report.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validateReport = ajv.compile(schema);

function assertValid(model: unknown): void {
  const ok = validateReport(model);
  assert.ok(ok, `report.json does not match report.schema.json: ${ajv.errorsText(validateReport.errors)}`);
}

function options(fixture: FixtureRun, outDir: string, overrides: Partial<BuildReportOptions> = {}): BuildReportOptions {
  return {
    messagesFile: fixture.messagesFile,
    outDir,
    runId: 'run-test-001',
    program: 'mx-pgs',
    programVersion: '1.2.0',
    rules: CATALOGUE,
    sut: { role: 'pgs-node', baseUrl: 'https://vendor:hunter2@sut.example.test:8443/pgs?token=abc#x', kind: 'external' },
    seed: '42',
    startedAt: '2025-01-01T00:00:00.000Z',
    seloVersion: '0.1.0',
    roleTags: ['imss', '@issste'],
    ...overrides,
  };
}

const byName = (model: ReportModel, name: string): ScenarioReport => {
  const s = model.features.flatMap((f) => f.scenarios).find((x) => x.name === name);
  assert.ok(s, `scenario ${name} not in report`);
  return s;
};

describe('buildReport on real cucumber output', () => {
  let fixture: FixtureRun;
  let outDir: string;
  let model: ReportModel;

  before(async () => {
    fixture = await runCucumberFixture();
    assert.equal(fixture.exitCode, 1, `cucumber should fail (failed + undefined scenarios): ${fixture.stderr}`);
    outDir = path.join(fixture.dir, 'report-out');
    model = await buildReport(options(fixture, outDir));
  });
  after(() => cleanup(fixture.dir));

  test('totals count the last attempt of every scenario', () => {
    assert.deepEqual(model.totals, {
      scenarios: 6,
      passed: 4,
      failed: 1,
      skipped: 0,
      undefined: 1,
      pending: 0,
      ambiguous: 0,
      inconclusive: 0,
      findings: 1,
    });
    assert.equal(model.schemaVersion, REPORT_SCHEMA_VERSION);
  });

  test('verdict is NOT CERTIFIABLE and the reason names the failed and uncovered SHALL rules, in es and en', () => {
    assert.equal(model.verdict, 'NOT CERTIFIABLE');
    for (const text of [model.verdictReason.en, model.verdictReason.es]) {
      assert.match(text, /RN-05/);
      assert.match(text, /RN-09/);
      assert.match(text, /RN-07/);
      assert.doesNotMatch(text, /RN-01/);
    }
  });

  test('rule verdicts come from tags matching catalogue ids', () => {
    const verdicts = Object.fromEntries(model.rules.map((r) => [r.id, [r.verdict, r.scenarios.length, r.findings]]));
    assert.deepEqual(verdicts, {
      'RN-01': ['passed', 4, 0],
      'RN-05': ['failed', 1, 1],
      'RN-07': ['failed', 1, 0],
      'RN-09': ['not-covered', 0, 0],
    });
    const rn05 = model.rules.find((r) => r.id === 'RN-05');
    assert.deepEqual(rn05?.title, { en: 'Duplicate CURP is rejected', es: 'Una CURP duplicada es rechazada' });
    assert.equal(rn05?.strength, 'SHALL');
  });

  test('scenarios carry stable ids, tags, roles, rules and steps with their gherkin keywords', () => {
    assert.deepEqual(
      model.features.map((f) => [f.uri, f.name, f.scenarios.length]),
      [
        ['features/alta.feature', 'Alta de beneficiario & <validación>', 3],
        ['features/consulta.feature', 'Consulta de beneficiario', 3],
      ],
    );
    const ok = byName(model, 'Alta válida es aceptada');
    assert.equal(ok.id, 'features/alta.feature:8');
    assert.deepEqual(ok.tags, ['@imss', '@RN-01']);
    assert.deepEqual(ok.roles, ['imss']);
    assert.deepEqual(ok.rules, ['RN-01']);
    assert.equal(ok.status, 'passed');
    assert.deepEqual(
      ok.steps.map((s) => [s.keyword, s.text, s.status]),
      [
        ['Given', 'el nodo IMSS está disponible', 'passed'],
        ['When', 'el cliente envía un alta válida', 'passed'],
        ['Then', 'el acuse es ACEPTADO', 'passed'],
      ],
    );
    assert.equal(ok.exchanges, 1);
    assert.equal(ok.attempts, 1);
    assert.ok(ok.durationMs >= 0);

    const undef = byName(model, 'Baja sin motivo');
    assert.equal(undef.status, 'undefined');
    assert.deepEqual(undef.steps.at(-1), { keyword: 'And', text: 'el cliente envía una baja sin motivo', status: 'undefined', durationMs: 0 });

    // Outline rows: the id points at the Examples row, the name is the expanded one.
    const curp = byName(model, 'Consulta por curp');
    assert.equal(curp.id, 'features/consulta.feature:16');
    assert.equal(byName(model, 'Consulta por nss').id, 'features/consulta.feature:17');
    assert.deepEqual(curp.roles, ['issste']);
  });

  test('the failing scenario keeps its finding with location and both languages, and the step error', () => {
    const s = byName(model, 'CURP duplicada <img src=x onerror=alert(1)>');
    assert.equal(s.status, 'failed');
    assert.deepEqual(s.findings, [
      {
        ruleId: 'RN-05',
        severity: 'error',
        code: 'business-rule',
        location: '/curp',
        locationKind: 'json-pointer',
        message: { es: 'CURP duplicada <script>alert("es")</script>', en: 'Duplicate CURP <script>alert("en")</script>' },
        // Linked to the alta whose request body holds /curp.
        exchangeId: s.exchangeIds[0],
        side: 'request',
      },
    ]);
    const failed = s.steps.find((st) => st.status === 'failed');
    assert.equal(failed?.keyword, 'Then');
    assert.match(failed?.error ?? '', /Se esperaba RECHAZADO \u0007 <b>x<\/b> \]\]>/);
  });

  test('a retried scenario reports the last attempt only', () => {
    const s = byName(model, 'Consulta tras reintento');
    assert.equal(s.attempts, 2);
    assert.equal(s.status, 'passed');
    assert.deepEqual(s.findings, [], 'the first attempt finding must not count');
    assert.equal(s.exchanges, 1);
  });

  test('report.json is written and valid against report.schema.json', async () => {
    const written = JSON.parse(await readFile(path.join(outDir, 'report.json'), 'utf8')) as unknown;
    assert.deepEqual(written, model);
    assertValid(written);
  });

  test('the schema enums match the Finding types', () => {
    const defs = schema.$defs as Record<string, { properties: Record<string, { enum: string[] }> }>;
    const f = defs.finding?.properties;
    assert.deepEqual(f?.severity?.enum, Object.keys(SEVERITIES));
    assert.deepEqual(f?.code?.enum, Object.keys(ISSUE_CODES));
    assert.deepEqual(f?.locationKind?.enum, Object.keys(LOCATION_KINDS));
  });

  test('the SUT carries no credentials', async () => {
    assert.deepEqual(model.sut, { role: 'pgs-node', baseUrl: 'https://sut.example.test:8443/pgs', kind: 'external' });
    const withSecret = await buildReport(
      options(fixture, path.join(fixture.dir, 'report-secret'), {
        sut: { role: 'pgs-node', baseUrl: 'http://sut', kind: 'reference', password: 'hunter2' } as BuildReportOptions['sut'],
      }),
    );
    assert.deepEqual(Object.keys(withSecret.sut), ['role', 'baseUrl', 'kind']);
    assert.doesNotMatch(await readFile(path.join(fixture.dir, 'report-secret', 'report.json'), 'utf8'), /hunter2/);
  });

  test('exchanges go to evidence/exchanges.ndjson with their scenario id, credentials redacted', async () => {
    const lines = (await readFile(path.join(outDir, 'evidence/exchanges.ndjson'), 'utf8')).trim().split('\n');
    const xs = lines.map((l) => JSON.parse(l) as ScenarioExchange);
    // 3 alta scenarios + 2 attempts of the retried one + 2 outline rows.
    assert.equal(xs.length, 7);
    const ids = new Set(model.features.flatMap((f) => f.scenarios.map((s) => s.id)));
    for (const x of xs) {
      assert.ok(ids.has(x.scenarioId), x.scenarioId);
      assert.equal(x.request.headers.authorization, 'Bearer [redacted]', "the journal's policy: the scheme stays, the credential goes");
      assert.equal(x.protocol, 'http');
    }
    assert.deepEqual(
      xs.filter((x) => x.scenarioId === 'features/consulta.feature:5').map((x) => x.attempt),
      [0, 1],
    );
    assert.doesNotMatch(lines.join('\n'), /secret-token-123/);

    const paths = model.evidence.map((e) => e.path);
    assert.ok(paths.includes('evidence/exchanges.ndjson'));
    // The messages file sits outside outDir, so it is copied in to keep the directory self-contained.
    assert.ok(paths.includes('evidence/cucumber-messages.ndjson'));
    for (const p of paths) await access(path.join(outDir, p));
  });

  test('journal files are copied into evidence with the same redaction', async () => {
    const journal = path.join(fixture.dir, 'mock-journal.ndjson');
    await writeFile(journal, `${JSON.stringify({ id: 'j1', protocol: 'mllp', request: { headers: { Authorization: 'Basic abc' }, body: 'MSH|' } })}\nnot json\n`);
    const out = path.join(fixture.dir, 'report-journal');
    const m = await buildReport(options(fixture, out, { journalFiles: [journal] }));
    const item = m.evidence.find((e) => e.path === 'evidence/journal/mock-journal.ndjson');
    assert.ok(item);
    const copied = (await readFile(path.join(out, item.path), 'utf8')).split('\n');
    assert.deepEqual(JSON.parse(copied[0] ?? ''), { id: 'j1', protocol: 'mllp', request: { headers: { Authorization: 'Basic [redacted]' }, body: 'MSH|' } });
    assert.equal(copied[1], 'not json');
  });

  test('junit.xml has one testcase per scenario, a failure for the failed one, skipped for undefined', async () => {
    const xml = await readFile(path.join(outDir, 'junit.xml'), 'utf8');
    assertWellFormedXml(xml);
    assert.equal(xml.match(/<testcase /g)?.length, 6);
    assert.equal(xml.match(/<failure /g)?.length, 1);
    assert.equal(xml.match(/<skipped /g)?.length, 1);
    assert.match(xml, /<testsuites [^>]*tests="6" failures="1" errors="0" skipped="1"/);
    assert.match(xml, /classname="Alta de beneficiario &amp; &lt;validación&gt;" name="CURP duplicada &lt;img src=x onerror=alert\(1\)&gt;"/);
    const failure = /<failure message="([^"]*)" type="[^"]*">([^<]*)<\/failure>/.exec(xml);
    assert.ok(failure);
    // BEL is illegal in XML 1.0, even as &#7;: it is spelled out instead.
    assert.match(failure[1] ?? '', /Se esperaba RECHAZADO \\u0007 &lt;b&gt;x&lt;\/b&gt; \]\]&gt;/);
    assert.match(failure[2] ?? '', /RN-05 at \/curp \(json-pointer\): Duplicate CURP &lt;script&gt;/);
  });

  test('report.html shows the verdict, escapes hostile content and embeds each scenario as inert JSON', async () => {
    const html = await readFile(path.join(outDir, 'report.html'), 'utf8');
    assert.match(html, /<section class="verdict ko" id="verdict"><div class="big">NOT CERTIFIABLE<\/div>/);
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /<b>x<\/b>/);
    assert.match(html, /CURP duplicada &lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(html, /secret-token-123/);
    // Our own script (by hash) plus inert JSON: one block per scenario and the labels.
    const scenarios = model.features.flatMap((f) => f.scenarios);
    assert.equal(html.match(/<script>/g)?.length, 1);
    assert.equal(html.match(/<script type="application\/json"/g)?.length, scenarios.length + 1);
    assert.doesNotMatch(html, /<[a-z][a-z0-9]*(?:\s+[a-z-]+(?:="[^"]*")?)*\s+(src|href|action)=/i, 'self-contained: no element loads or links anything');
    assert.doesNotMatch(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '', /url\(|@import/i, 'the stylesheet loads nothing');

    const dup = scenarios.findIndex((s) => s.name.startsWith('CURP duplicada'));
    const block = new RegExp(`<script type="application/json" id="d-${dup}">([^<]*)</script>`).exec(html);
    assert.ok(block, 'scenario data block');
    const data = JSON.parse(block[1] ?? '') as {
      findings: { ruleId: string; exchangeId?: string; side?: string; message: { en: string } }[];
      exchanges: { id: string; response: { body: { nota: string } } }[];
    };
    assert.equal(data.findings[0]?.message.en, 'Duplicate CURP <script>alert("en")</script>', 'the page gets the text, and sets it with textContent');
    assert.equal(data.exchanges[0]?.response.body.nota, '</script><script>alert("body")</script>');
    // The finding is linked to the exchange whose body holds its location (/curp in the request).
    assert.equal(data.findings[0]?.exchangeId, data.exchanges[0]?.id);
    assert.equal(data.findings[0]?.side, 'request');

    // The CSP only admits our own inline script and style, by hash.
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    const js = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (s: string): string => createHash('sha256').update(s).digest('base64');
    assert.ok(csp.includes(`script-src &#39;sha256-${hash(js)}&#39;`), csp);
    assert.ok(csp.includes(`style-src &#39;sha256-${hash(css)}&#39;`), csp);
  });

  test('every scenario declares its requirements by tag and the matrix lists them per role', () => {
    const ok = byName(model, 'Alta válida es aceptada');
    assert.deepEqual(ok.requirements, ['RN-01']);
    assert.ok(ok.exchangeIds.length === 1);
    const rn01 = model.requirements.find((r) => r.id === 'RN-01');
    assert.equal(rn01?.verdict, 'passed');
    assert.deepEqual(
      rn01?.byRole.map((c) => [c.role, c.verdict]),
      [
        ['imss', 'passed'],
        ['issste', 'passed'],
      ],
    );
    const rn09 = model.requirements.find((r) => r.id === 'RN-09');
    assert.equal(rn09?.verdict, 'not-covered');
    assert.deepEqual(
      model.summary.map((s) => s.role),
      ['imss', 'issste'],
    );
    assert.ok(model.summary.every((s) => s.uncoveredShall.includes('RN-09')));
  });
});

describe('buildReport verdicts', () => {
  let fixture: FixtureRun;
  before(async () => {
    fixture = await runCucumberFixture(['--tags', 'not @RN-05 and not @RN-07']);
    assert.equal(fixture.exitCode, 0, fixture.stderr);
  });
  after(() => cleanup(fixture.dir));

  const base = (outDir: string, overrides: Partial<BuildReportOptions> = {}): BuildReportOptions => options(fixture, outDir, overrides);

  test('CERTIFIABLE when every scenario passed and every SHALL rule is covered and passed', async () => {
    const catalogue = [rule('RN-01', 'SHALL', 'a', 'a'), rule('RN-07', 'SHOULD', 'b', 'b')];
    const m = await buildReport(base(path.join(fixture.dir, 'ok'), { rules: catalogue }));
    assert.equal(m.totals.scenarios, 4, 'tag-filtered pickles are not part of the run');
    assert.equal(m.verdict, 'CERTIFIABLE', m.verdictReason.en);
    assert.deepEqual(
      m.rules.map((r) => r.verdict),
      ['passed', 'not-covered'],
      'an uncovered SHOULD rule does not block',
    );
    assertValid(m);
    const html = await readFile(path.join(fixture.dir, 'ok', 'report.html'), 'utf8');
    assert.match(html, /<section class="verdict ok" id="verdict"><div class="big">CERTIFIABLE<\/div>/);
  });

  test('an uncovered SHALL rule alone makes the run NOT CERTIFIABLE', async () => {
    const m = await buildReport(base(path.join(fixture.dir, 'uncovered')));
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.match(m.verdictReason.en, /not covered[^.]*RN-05, RN-09/);
    assert.doesNotMatch(m.verdictReason.en, /RN-07/, 'SHOULD rules need no coverage');
  });

  test('a blocking finding in a scenario cucumber passed fails the scenario and its rule', async () => {
    const envelopes = await readEnvelopes(fixture.messagesFile);
    const i = envelopes.findIndex((e) => e.attachment?.mediaType === 'application/vnd.sello.exchange+json');
    const host = envelopes[i]?.attachment;
    assert.ok(host);
    const injected: Envelope = {
      attachment: {
        ...host,
        mediaType: 'application/vnd.sello.finding+json',
        body: JSON.stringify({ ruleId: 'RN-01', severity: 'fatal', code: 'structure', location: '/', locationKind: 'json-pointer', message: { en: 'x' } }),
      },
    };
    const file = path.join(fixture.dir, 'injected.ndjson');
    await writeFile(file, writeEnvelopes([...envelopes.slice(0, i + 1), injected, ...envelopes.slice(i + 1)]));
    const m = await buildReport(base(path.join(fixture.dir, 'injected'), { messagesFile: file, rules: [rule('RN-01', 'SHALL', 'a', 'a')] }));
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.equal(m.totals.failed, 1);
    assert.equal(m.rules[0]?.verdict, 'failed');
    assert.match(m.verdictReason.en, /RN-01/);
  });

  test('a malformed finding attachment counts as a blocking evidence finding', async () => {
    const envelopes = await readEnvelopes(fixture.messagesFile);
    const i = envelopes.findIndex((e) => e.attachment?.mediaType === 'application/vnd.sello.exchange+json');
    const host = envelopes[i]?.attachment;
    assert.ok(host);
    const bad: Envelope = { attachment: { ...host, mediaType: 'application/vnd.sello.finding+json', body: '{"ruleId":' } };
    const file = path.join(fixture.dir, 'bad-finding.ndjson');
    await writeFile(file, writeEnvelopes([...envelopes.slice(0, i + 1), bad, ...envelopes.slice(i + 1)]));
    const m = await buildReport(base(path.join(fixture.dir, 'bad-finding'), { messagesFile: file, rules: [rule('RN-01', 'SHALL', 'a', 'a')] }));
    const f = m.features.flatMap((x) => x.scenarios).flatMap((s) => s.findings);
    assert.deepEqual(
      f.map((x) => [x.ruleId, x.severity]),
      [['SELLO-EVIDENCE', 'error']],
    );
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assertValid(m);
  });

  test('a truncated messages file (crashed run) is NOT CERTIFIABLE even if what was read passed', async () => {
    const text = await readFile(fixture.messagesFile, 'utf8');
    const lines = text.trim().split('\n');
    const lastStart = lines.findLastIndex((l) => l.includes('"testCaseStarted"'));
    const file = path.join(fixture.dir, 'truncated.ndjson');
    // Cut inside the last test case, mid-line, as a killed process would.
    await writeFile(file, `${lines.slice(0, lastStart + 2).join('\n')}\n{"testStepFin`);
    const m = await buildReport(base(path.join(fixture.dir, 'truncated'), { rules: [rule('RN-01', 'SHALL', 'a', 'a')], messagesFile: file }));
    assert.equal(m.verdict, 'NOT CERTIFIABLE');
    assert.match(m.verdictReason.en, /not valid JSON/);
    assert.match(m.verdictReason.en, /did not complete/);
    assert.match(m.verdictReason.en, /never finished/);
    assertValid(m);
  });

  test('messages file inside outDir is referenced in place, not copied', async () => {
    const outDir = path.dirname(fixture.messagesFile);
    const m = await buildReport(base(outDir));
    assert.equal(m.evidence[0]?.path, 'cucumber-messages.ndjson');
  });
});
