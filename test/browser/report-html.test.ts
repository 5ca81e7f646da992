import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../src/report/html.ts';
import { runSello } from '../e2e/sello-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { chromiumMissing, launch, screenshotPath } from './chromium.ts';
import { syntheticReport } from './synthetic.ts';

// report.html as a person uses it, in Debian's chromium driven by playwright-core: the real report of a run with a
// planted fault, then a synthetic 1,000-scenario one. Screenshots go to reports/screenshots/.

const missing = chromiumMissing();

async function open(browser: Browser, file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Offline by construction: any request the page makes is a bug.
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(`file://${file}`);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
  return { page, errors };
}

describe('report.html in a browser', { skip: missing }, () => {
  let browser: Browser;
  let runDir: string;
  before(async () => {
    const out = await tempDir('sello-browser-');
    const result = await runSello(['run', '--program', 'mx-pgs', '--quiet', '--out', out, '--tags', '@RN-01 and @imss', '--plant-fault', 'IMSS:skip-RN-01']);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    runDir = path.join(out, (await readdir(out)).find((n) => n !== 'latest') ?? '');
    browser = await launch();
  });
  after(async () => browser?.close());

  test('a failure of the real report: verdict, matrix, filter, the finding with its message highlighted, the sequence', async () => {
    const { page, errors } = await open(browser, path.join(runDir, 'report.html'));
    await page.screenshot({ path: await screenshotPath('1-overview.png') });
    assert.equal(await page.locator('#verdict .big').textContent(), 'FAILED', 'a run limited by --tags is a partial run');
    // The matrix: RN-01 failed for IMSS, and the uncovered SHALL requirements are flagged.
    const rn01 = page.locator('#matrix-table tr[data-req="RN-01"]');
    assert.match((await rn01.textContent()) ?? '', /falla \/ failed/);
    assert.match((await page.locator('#gaps').textContent()) ?? '', /SHALL requirements no scenario covers: .*RN-02/);
    assert.ok((await page.locator('#matrix-table tr.gap').count()) > 5);

    // Open the requirement's evidence, then filter the scenarios from its IMSS cell.
    await rn01.locator('button.tog').click();
    assert.ok(await page.locator('#rq-d-0').isVisible());
    assert.match((await page.locator('#rq-d-0').textContent()) ?? '', /Evidencia: hallazgos/);
    await rn01.locator('td.cell button').first().click();
    assert.equal(await page.locator('#f-req').inputValue(), 'RN-01');
    assert.equal(await page.locator('#f-role').inputValue(), 'imss');

    // Filter on verdict: failures only.
    await page.selectOption('#f-st', 'failed');
    const shown = page.locator('article.sc:not([hidden])');
    const n = await shown.count();
    assert.ok(n >= 1);
    assert.equal(await page.locator('#f-count').textContent(), `${n} / ${await page.locator('article.sc').count()}`);
    for (let i = 0; i < n; i++) assert.equal(await shown.nth(i).getAttribute('data-st'), 'failed');

    // Open the first failure: the finding, its rule, the offending message with /curp highlighted.
    const first = shown.first();
    await first.locator('.sc-h').click();
    const finding = first.locator('.finding').first();
    await finding.waitFor();
    assert.match((await finding.textContent()) ?? '', /RN-01/);
    assert.match((await finding.textContent()) ?? '', /Petición \/ Request — \d+\. POST \/pgs\/v1\/beneficiarios → 201 ACEPTADO PGS-000/);
    const mark = finding.locator('mark.cur');
    assert.equal(await mark.count(), 1);
    assert.match((await mark.textContent()) ?? '', /^"curp": "[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d"$/);
    assert.ok(await mark.isVisible(), 'the highlighted member is scrolled into view inside the message');
    await finding.screenshot({ path: await screenshotPath('2-finding.png') });

    // The exchange as a sequence diagram: the offending call is red; clicking it opens that exchange.
    const svg = first.locator('svg.seq');
    assert.ok(await svg.isVisible());
    assert.deepEqual(await svg.locator('g.pbox, rect.pbox').count(), 2, 'sello:IMSS and IMSS');
    const bad = svg.locator('g.msg.bad');
    assert.equal(await bad.count(), 1);
    assert.match((await bad.textContent()) ?? '', /POST \/pgs\/v1\/beneficiarios/);
    await bad.click();
    const opened = first.locator('details.x[open]');
    await opened.waitFor();
    assert.match((await opened.locator('summary').textContent()) ?? '', /POST \/pgs\/v1\/beneficiarios → 201/);
    await svg.screenshot({ path: await screenshotPath('3-sequence.png') });
    await page.screenshot({ path: await screenshotPath('4-exchange.png') });

    // Clear: everything back.
    await page.click('#f-clear');
    assert.equal(await page.locator('article.sc:not([hidden])').count(), await page.locator('article.sc').count());
    assert.deepEqual(errors, []);
  });

  test('1,000 scenarios: self-contained, interactive (filter applied, a failure opened)', async (t) => {
    const { model, exchanges } = syntheticReport(1000);
    const dir = await tempDir('sello-1000-');
    const file = path.join(dir, 'report.html');
    await writeFile(file, renderHtml(model, exchanges));
    const bytes = (await stat(file)).size;

    const started = Date.now();
    const { page, errors } = await open(browser, file);
    const ready = Date.now() - started;
    await page.selectOption('#f-role', 'issste');
    await page.selectOption('#f-st', 'failed');
    assert.equal(await page.locator('html').getAttribute('data-shown'), String(await page.locator('article.sc:not([hidden])').count()));
    const failedIssste = model.features.flatMap((f) => f.scenarios).filter((s) => s.status === 'failed' && s.roles.includes('issste')).length;
    assert.equal(await page.locator('#f-count').textContent(), `${failedIssste} / 1000`);
    await page.locator('article.sc:not([hidden]) .sc-h').first().click();
    // Usable at that size means the opened failure shows its marked evidence; the wait's own timeout bounds it, and
    // how long it took is a diagnostic, not a verdict (speed is bench/'s).
    await page.locator('article.sc:not([hidden]) mark.cur').first().waitFor({ timeout: 30_000 });
    const interactive = Date.now() - started;
    await page.screenshot({ path: await screenshotPath('5-thousand-filtered.png') });
    t.diagnostic(`report.html for 1,000 scenarios: ${(bytes / 1e6).toFixed(2)} MB; ready ${ready} ms; filter applied and a failure opened ${interactive} ms after navigation`);
    assert.deepEqual(errors, []);
  });
});
