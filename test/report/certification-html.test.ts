import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { readAsset } from '../../src/report/assets.ts';
import type { Certification } from '../../src/report/certification.ts';
import { certificationHtml } from '../../src/report/certification-html.ts';

const totals = (passed: number, failed: number) => ({ scenarios: passed + failed, passed, failed, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: failed * 2 });

const cert: Certification = {
  kind: 'sello-certification',
  schemaVersion: '1.1.0',
  runId: 'run-<1>',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:05:00.000Z',
  seed: '7',
  verdict: 'NOT CERTIFIABLE',
  verdictReason: { es: 'No certificables: pe-ris.', en: 'Not certifiable: pe-ris.' },
  totals: totals(9, 1),
  programs: [
    { program: 'mx-pgs', verdict: 'CERTIFIABLE', verdictReason: { es: 'Todo cumple.', en: 'All passed.' }, totals: totals(5, 0), directory: 'mx-pgs', reportSha256: 'a'.repeat(64), seed: '7' },
    {
      program: 'pe-ris',
      verdict: 'NOT CERTIFIABLE',
      verdictReason: { es: 'Falla RP-01 <b>.', en: 'RP-01 fails <b>.' },
      totals: totals(4, 1),
      directory: 'pe-ris',
      reportSha256: 'b'.repeat(64),
      seed: '7',
    },
    { program: 'ru-egisz', verdict: 'SKIPPED', verdictReason: { es: 'No se ejecutó: sin destino', en: 'Not run: no target' }, directory: 'ru-egisz' },
  ],
};

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

test("the certification page wears the reports' stylesheet and header, links each program's report and is bilingual", () => {
  const html = certificationHtml(cert);
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  assert.equal(css, readAsset('report.css'), 'the same stylesheet as report.html');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll('&#39;', "'") ?? '';
  assert.ok(csp.includes(`style-src ${hash(css ?? '')};`), csp);
  assert.match(csp, /script-src 'none';/, 'no script runs on the page');
  assert.doesNotMatch(html, /<script/);

  assert.match(
    html,
    /<section class="verdict ko" id="verdict"><div class="big">NOT CERTIFIABLE<\/div><p lang="es">No certificables: pe-ris\.<\/p><p lang="en">Not certifiable: pe-ris\.<\/p><\/section>/,
  );
  assert.match(html, /<h1>Sello · Certificación \/ Certification<\/h1>/);
  assert.match(html, /<a href="mx-pgs\/report\.html">mx-pgs<\/a>/);
  assert.match(html, /<a href="pe-ris\/report\.html">pe-ris<\/a>/);
  assert.doesNotMatch(html, /ru-egisz\/report\.html/, 'a program that did not run has no report to link');
  assert.match(html, /<span class="badge b-CERTIFIABLE">CERTIFIABLE<\/span>/);
  assert.match(html, /<span class="badge b-NOT">NOT CERTIFIABLE<\/span>/);
  assert.match(html, /<span class="badge b-skipped">no ejecutado \/ not run<\/span>/);
  assert.match(html, /Falla RP-01 &lt;b&gt;\./, 'texts are escaped');
  assert.match(html, /run-&lt;1&gt;/);
});

test('the certification page follows a locale: Russian labels, English alone for a language with no table', () => {
  const ru = certificationHtml(cert, { locale: 'ru-RU' });
  assert.match(ru, /<html lang="ru">/);
  assert.match(ru, /Сертификация \/ Certification/);
  assert.match(ru, /<p lang="en">Not certifiable: pe-ris\.<\/p>/);
  assert.doesNotMatch(ru, /No certificables/, 'the Spanish half is not the program language here');
  const en = certificationHtml(cert, { locale: 'de-DE' });
  assert.match(en, /<h1>Sello · Certification<\/h1>/);
});
