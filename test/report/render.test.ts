import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import vm from 'node:vm';
import { embedJson, esc, renderHtml } from '../../src/report/html.ts';
import { renderJunit, xmlAttr, xmlText } from '../../src/report/junit.ts';
import type { ExchangeEntry, ReportModel, ScenarioReport } from '../../src/report/model.ts';
import { assertWellFormedXml } from './helpers.ts';

const HOSTILE = 'a&b <script>alert(1)</script> "q" \'s\' ]]> \u0000\u0007\u001b[31m \uD800 lone \uDC00 ok 😀 \uFFFE';

function scenario(overrides: Partial<ScenarioReport>): ScenarioReport {
  return {
    id: 'f.feature:3',
    name: HOSTILE,
    tags: ['@x"y', '@RN-01'],
    roles: ['imss'],
    rules: ['RN-01'],
    status: 'passed',
    durationMs: 12.5,
    steps: [{ keyword: 'Given', text: HOSTILE, status: 'passed', durationMs: 1 }],
    findings: [],
    requirements: ['RN-01'],
    exchanges: 0,
    exchangeIds: [],
    attempts: 1,
    ...overrides,
  };
}

const finding = {
  ruleId: 'RN-01',
  severity: 'warning',
  code: 'value',
  location: `/a/${HOSTILE}`,
  locationKind: 'json-pointer',
  message: { en: HOSTILE, es: HOSTILE },
} as const;

const model: ReportModel = {
  schemaVersion: '1.2.0',
  runId: `run ${HOSTILE}`,
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
  program: 'mx-pgs',
  programVersion: '1',
  sello: { version: '0.1.0' },
  sut: { role: HOSTILE, baseUrl: 'https://sut.test/', kind: 'external' },
  seed: '7',
  verdict: 'NOT CERTIFIABLE',
  verdictReason: { en: HOSTILE, es: HOSTILE },
  violated: ['RN-01'],
  totals: { scenarios: 5, passed: 1, failed: 1, skipped: 1, undefined: 0, pending: 1, ambiguous: 1, inconclusive: 0, findings: 2 },
  rules: [{ id: 'RN-01', title: { en: HOSTILE, es: HOSTILE }, strength: 'SHALL', verdict: 'failed', scenarios: ['f.feature:3'], findings: 2 }],
  requirements: [
    {
      id: 'RN-01',
      kind: 'rule',
      title: { en: HOSTILE, es: HOSTILE },
      text: { en: HOSTILE, es: HOSTILE },
      source: HOSTILE,
      severity: 'SHALL',
      coveredBy: ['RN-01'],
      verdict: 'failed',
      scenarios: ['f.feature:3', 'f.feature:9'],
      declaredOnly: [],
      byRole: [{ role: HOSTILE, verdict: 'failed', scenarios: ['f.feature:9'] }],
      findings: [{ scenarioId: 'f.feature:9', index: 0 }],
      reason: { en: HOSTILE, es: HOSTILE },
    },
    {
      id: 'PGS-SCH-X',
      kind: 'profile',
      title: { en: 'x' },
      text: { en: 'x' },
      source: 's',
      severity: 'SHALL',
      coveredBy: ['PGS-SCH-X'],
      schema: 'schemas/x.json',
      verdict: 'not-covered',
      scenarios: [],
      declaredOnly: [],
      byRole: [{ role: HOSTILE, verdict: 'not-covered', scenarios: [] }],
      findings: [],
      reason: { en: 'none', es: 'nada' },
    },
  ],
  catalogue: { version: '1.0.0', files: [] },
  summary: [{ program: 'mx-pgs', role: HOSTILE, verdict: 'NOT CERTIFIABLE', scenarios: 5, passed: 1, notPassed: 3, findings: 2, failedRequirements: ['RN-01'], uncoveredShall: ['PGS-SCH-X'] }],
  outputs: [{ path: 'junit.xml', description: HOSTILE }],
  redaction: { applied: false },
  integrity: {
    algorithm: 'SHA-256',
    files: [],
    notCovered: [],
    signature: {
      file: 'report.json.jws',
      format: 'JWS compact serialization, detached payload (RFC 7515 Appendix F)',
      alg: 'EdDSA',
      payload: 'RFC 8785 canonical JSON of report.json',
      key: 'ephemeral',
      keyThumbprint: 'abc',
    },
  },
  features: [
    {
      uri: `f.feature`,
      name: HOSTILE,
      scenarios: [
        scenario({ findings: [finding] }),
        scenario({
          id: 'f.feature:9',
          status: 'failed',
          findings: [{ ...finding, severity: 'error' }],
          steps: [{ keyword: 'Then', text: 't', status: 'failed', durationMs: 2, error: `Error: ${HOSTILE}\n    at x` }],
        }),
        scenario({ id: 'f.feature:12', status: 'skipped', steps: [] }),
        scenario({ id: 'f.feature:15', status: 'pending', steps: [{ keyword: 'When', text: 'p', status: 'pending', durationMs: 0 }] }),
        scenario({ id: 'f.feature:18', status: 'ambiguous', steps: [{ keyword: 'When', text: 'a', status: 'ambiguous', durationMs: 0, error: 'Multiple step definitions match' }] }),
      ],
    },
  ],
  evidence: [{ path: 'evidence/exchanges.ndjson', description: HOSTILE }],
};

describe('junit.xml', () => {
  test('text and attribute escaping', () => {
    assert.equal(xmlText('a & b < c > d'), 'a &amp; b &lt; c &gt; d');
    assert.equal(xmlAttr('"x"\n\'y\'\t'), '&quot;x&quot;&#10;&apos;y&apos;&#9;');
    // Forbidden in XML 1.0 even as references: spelled out; astral characters and CR/LF/TAB survive.
    assert.equal(xmlText('\u0000\u0007\u001f\uFFFF'), '\\u0000\\u0007\\u001f\\uffff');
    assert.equal(xmlText('\uD800x\uDC00'), '\\ud800x\\udc00');
    assert.equal(xmlText('😀\t\r\n'), '😀\t\r\n');
  });

  test('hostile content yields well-formed XML with the right element per status', () => {
    const xml = renderJunit(model);
    assertWellFormedXml(xml);
    assert.equal(xml.match(/<testcase /g)?.length, 5);
    assert.equal(xml.match(/<failure /g)?.length, 2, 'failed and ambiguous');
    assert.equal(xml.match(/<skipped /g)?.length, 2, 'skipped and pending');
    assert.match(xml, /tests="5" failures="2" errors="0" skipped="2"/);
    assert.match(xml, /<system-out>\[warning\] RN-01/, 'findings of passed scenarios stay visible');
    assert.match(xml, /<failure message="Multiple step definitions match" type="step ambiguous">/);
    assert.doesNotMatch(xml, /<script/);
  });
});

describe('report.html', () => {
  test('esc escapes markup, quotes and control characters', () => {
    assert.equal(esc('<a href="x">\'&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(esc('\u0000\u001b'), '\\u0000\\u001b');
    assert.equal(esc(undefined), '');
    assert.equal(esc(42), '42');
  });

  test('embedded JSON cannot close its script element and round-trips', () => {
    const data = { s: '</script><script>alert(1)</script><!-- \u2028\u2029 & >' };
    const embedded = embedJson(data);
    assert.doesNotMatch(embedded, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(embedded), data);
  });

  test('hostile model and exchanges render with our own elements only', () => {
    const hostileExchange = {
      id: HOSTILE,
      protocol: 'mllp',
      from: HOSTILE,
      to: 'b',
      url: HOSTILE,
      method: '<b>',
      status: '<i>' as unknown as number,
      messageId: HOSTILE,
      startedAt: 'x',
      finishedAt: 'y',
      error: HOSTILE,
      request: { headers: { [HOSTILE]: [HOSTILE, 1], n: { o: HOSTILE } }, body: `MSH|^~\\&|${HOSTILE}\rPID|1` },
      response: { headers: {}, body: { nested: HOSTILE } },
    } as unknown as ExchangeEntry;
    const huge = { ...hostileExchange, response: { headers: {}, body: 'x'.repeat(200_000) } } as ExchangeEntry;
    const html = renderHtml(
      model,
      new Map([
        ['f.feature:3', [hostileExchange, huge]],
        ['f.feature:9', [{ id: 'only-id' } as unknown as ExchangeEntry]],
      ]),
    );

    // One JSON block per scenario, parsed by the page when the scenario is opened, plus the labels.
    const blocks = [...html.matchAll(/<script type="application\/json" id="([^"]+)">([^<]*)<\/script>/g)];
    assert.deepEqual(
      blocks.map((m) => m[1]),
      ['d-0', 'd-1', 'd-2', 'd-3', 'd-4', 'sello-labels'],
    );
    const first = JSON.parse(blocks[0]?.[2] ?? '') as { exchanges: { method: string; request: { body: string }; response: { body: unknown } }[] };
    assert.equal(first.exchanges[0]?.method, '<b>', "data round-trips exactly, escaping is the page's job");
    assert.match(first.exchanges[0]?.request.body ?? '', /^MSH\|/);
    assert.match(String(first.exchanges[1]?.response.body), /\[truncated at 100000 characters; full body in evidence\/exchanges.ndjson\]$/);

    // Outside our own script elements, every tag must be one the renderer itself writes.
    const markup = html.replace(/<script[^>]*>[^<]*<\/script>/g, '').replace(/<script>[\s\S]*?<\/script>/, '');
    const allowed = new Set([
      'html',
      'head',
      'meta',
      'title',
      'style',
      'body',
      'header',
      'h1',
      'h2',
      'h3',
      'h4',
      'dl',
      'dt',
      'dd',
      'section',
      'div',
      'p',
      'span',
      'b',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'code',
      'input',
      'select',
      'option',
      'article',
      'button',
      'br',
      'ul',
      'li',
    ]);
    const tags = new Set([...markup.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => (m[1] ?? '').toLowerCase()));
    for (const t of tags) assert.ok(allowed.has(t), `unexpected element <${t}>`);
    assert.doesNotMatch(markup, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    assert.doesNotMatch(html, /<script>alert|<img/);

    assert.ok(html.length < 400_000, 'large bodies are truncated in the page');
    for (const status of ['passed', 'failed', 'skipped', 'pending', 'ambiguous']) {
      assert.match(html, new RegExp(`data-st="${status}"`));
    }
    // The matrix flags the uncovered SHALL constraint, and the summary names it.
    assert.match(html, /<tr class="rq-not-covered gap" data-req="PGS-SCH-X">/);
    assert.match(html, /SHALL requirements no scenario covers: PGS-SCH-X/);
  });

  test('the filter script is valid JavaScript', () => {
    const js = /<script>([\s\S]*?)<\/script>/.exec(renderHtml(model))?.[1];
    assert.ok(js);
    assert.doesNotThrow(() => new vm.Script(js));
  });

  test('CERTIFIABLE renders the green banner', () => {
    const html = renderHtml({ ...model, verdict: 'CERTIFIABLE', verdictReason: { en: 'ok', es: 'ok' } });
    assert.match(html, /<section class="verdict ok" id="verdict"><div class="big">CERTIFIABLE<\/div>/);
  });

  test('the CSP allows exactly the inlined stylesheet and script, by hash', () => {
    const html = renderHtml(model);
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll('&#39;', "'");
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    const js = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(csp && css && js);
    assert.match(css, /\.verdict\.ok\{/, 'the stylesheet asset is inlined');
    assert.ok(csp.includes(`style-src ${hash(css)};`), csp);
    assert.ok(csp.includes(`script-src ${hash(js)};`), csp);
    assert.match(csp, /^default-src 'none';/);
  });

  test('labels follow the program locale: Spanish by default, Russian for ru-RU, English alone for a language with no table', () => {
    const [first] = model.requirements;
    assert.ok(first);
    const ruModel: ReportModel = { ...model, requirements: [{ ...first, title: { en: 'Triage bundle', ru: 'Пакет сортировки' } }] };
    const es = renderHtml(model);
    assert.match(es, /<html lang="es">/);
    assert.match(es, /aprobado \/ passed/);
    const ru = renderHtml(ruModel, new Map(), { locale: 'ru-RU' });
    assert.match(ru, /<html lang="ru">/);
    assert.match(ru, /пройден \/ passed/);
    assert.match(ru, /Матрица покрытия \/ Coverage matrix/);
    assert.match(ru, /<br><span lang="ru">Пакет сортировки<\/span><br><span lang="en" class="small">Triage bundle<\/span>/, 'the data in the program language is shown next to English');
    assert.doesNotMatch(ru, /aprobado/);
    const labels = JSON.parse(/<script type="application\/json" id="sello-labels">([^<]*)<\/script>/.exec(ru)?.[1] ?? 'null') as { request: string };
    assert.equal(labels.request, 'Запрос / Request');
    const pt = renderHtml(model, new Map(), { locale: 'pt-BR' });
    assert.match(pt, /<html lang="en">/);
    assert.match(pt, /<h2>Coverage matrix<\/h2>/);
    assert.doesNotMatch(pt, /aprobado|Matriz de cobertura/);
  });
});
