/**
 * The spec's "a padrón of 10 M lines in bounded memory", checked at 1 M lines (10 M takes minutes, and memory that
 * stays flat over 1 M lines does not depend on the line count). The file is generated while it is sent and the
 * answer is counted while it arrives: neither ever exists whole, in the test or in the route.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sendConfronta } from '../../../programs/mx-pgs/lib/confronta/client.ts';
import { parseResultado, parseResumen } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { altaTitularImss, generatePadronFile, mixedIsssteOptions } from '../../../programs/mx-pgs/lib/confronta/padron-file.ts';
import { PgsClient } from '../../../programs/mx-pgs/lib/pgs-client.ts';
import { startPgsDeployment } from '../../../programs/mx-pgs/reference/deployment.ts';
import { generatePerson, SeededRandom } from '../../../src/identifiers/mx/index.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';

const LINES = 1_000_000;
const KNOWN = 2_000;
/**
 * The bounds, over the idle baseline taken after a warm-up:
 * - live memory, i.e. heap plus Buffer memory measured right after a forced GC (so garbage V8 has not collected
 *   yet does not count): at most 16 MiB more. The file is about 100 MiB of Latin-1 bytes, and far more as JS
 *   strings and objects, so keeping it cannot fit, and neither can anything kept per line (a Set of the 1 M CURPs
 *   seen is ~58 MiB of heap on its own). Streaming needs a few 64 KiB chunks and the answer's batching.
 *   Measured: about +1 MiB.
 * - resident set: at most 100 MiB more, a backstop for memory outside the JS heap. It is looser because RSS also
 *   holds garbage V8 has not collected yet, which varies with CPU contention. Measured: +8 to +40 MiB.
 * The test also asserts that the file really was bigger than the bounds.
 */
const MAX_LIVE_GROWTH = 16 * 1024 * 1024;
const MAX_RSS_GROWTH = 100 * 1024 * 1024;
/** How often live memory is measured; each forced GC costs a few tens of ms. */
const GC_EVERY_MS = 1000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test(`${LINES.toLocaleString('en')} padrón lines stream through the SSA route in bounded memory, every line answered`, { timeout: 120_000 }, async () => {
  const journal = new ExchangeJournal();
  const deployment = await startPgsDeployment({ journal, only: ['SSA'] });
  try {
    const index = deployment.local.SSA!.index!;
    const known = Array.from({ length: KNOWN }, (_, i) => generatePerson(new SeededRandom('bounded-known').fork(String(i))));
    for (const p of known) index.apply(altaTitularImss(p));
    const token = await new PgsClient(journal, deployment.endpoints, deployment.credentials).token('SSA', 'ISSSTE');
    const send = (n: number, seed: string) => {
      const file = generatePadronFile(new SeededRandom(seed), n, mixedIsssteOptions(known));
      return { file, reply: sendConfronta({ baseUrl: deployment.endpoints.SSA.baseUrl, token, institucion: 'ISSSTE', body: file.stream }) };
    };

    // Warm-up: JIT, hapi, sockets and the index are allocated before the baseline, so they do not count as growth.
    const warm = send(20_000, 'warm-up');
    for await (const chunk of (await warm.reply).body) void chunk;
    gc();
    const base = process.memoryUsage();
    const liveOf = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.arrayBuffers;
    let peakHeap = base.heapUsed;
    let peakLive = liveOf(base);
    let peakRss = base.rss;
    const sample = (): void => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    };
    const live = (): void => {
      sample();
      gc();
      peakLive = Math.max(peakLive, liveOf(process.memoryUsage()));
    };
    const sampler = setInterval(sample, 25);
    const liveSampler = setInterval(live, GC_EVERY_MS);

    const started = Date.now();
    const { file, reply: pending } = send(LINES, 'bounded-memory');
    const reply = await pending;
    assert.equal(reply.status, 200);
    let rows = 0;
    let generic = 0;
    let resumen: Record<string, number> = {};
    const perResultado: Record<string, number> = {};
    for await (const item of parseResultado(reply.body)) {
      if (item.type === 'header') continue;
      assert.equal(item.type, 'row', `result line ${item.line} is well formed`);
      if (item.type !== 'row') continue;
      const { curp, resultados, detalles } = item.record;
      if (resultados[0] === 'RESUMEN') resumen = parseResumen(detalles);
      else if (!detalles[0]?.startsWith('linea ')) generic++;
      else {
        rows++;
        for (const r of resultados) perResultado[r] = (perResultado[r] ?? 0) + 1;
        assert.ok(curp !== '', 'every row names its CURP');
      }
      if (item.line % 1000 === 0) sample();
    }
    clearInterval(sampler);
    clearInterval(liveSampler);
    live();
    const seconds = (Date.now() - started) / 1000;
    const liveGrowth = peakLive - liveOf(base);
    const rssGrowth = peakRss - base.rss;
    const sent = reply.uploadedBytes();
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(
      `confronta: ${LINES} lines, ${mb(sent)} MiB up, ${seconds.toFixed(1)} s, ${rows} result rows; ` +
        `live heap+buffers ${mb(liveOf(base))} → ${mb(peakLive)} MiB (+${mb(liveGrowth)}); heap with garbage peak ${mb(peakHeap)} MiB; ` +
        `rss ${mb(base.rss)} → ${mb(peakRss)} MiB (+${mb(rssGrowth)})`,
    );

    const { planted } = file;
    assert.equal(planted.lineas, LINES);
    assert.equal(resumen.LINEAS, LINES, 'the route read every line');
    assert.equal(rows + resumen.SIN_HALLAZGOS!, LINES, 'every line has a row or is counted as clean');
    assert.equal(rows, resumen.CON_HALLAZGOS);
    assert.equal(generic, 0, 'the generic CURP stayed under 15 %');
    assert.deepEqual(perResultado, {
      CURP_INVALIDA: planted.curpInvalida,
      DOBLE_AFILIACION: planted.conocidas + planted.datosDistintos,
      MISMA_CURP_DATOS_DISTINTOS: planted.datosDistintos,
    });
    assert.equal(resumen.CURP_GENERICA, planted.curpGenerica);

    assert.ok(sent > MAX_RSS_GROWTH && sent > 6 * MAX_LIVE_GROWTH, `the file (${mb(sent)} MiB) is bigger than the bounds, so holding it would fail`);
    assert.ok(liveGrowth < MAX_LIVE_GROWTH, `live heap+buffers grew ${mb(liveGrowth)} MiB (bound ${mb(MAX_LIVE_GROWTH)})`);
    assert.ok(rssGrowth < MAX_RSS_GROWTH, `rss grew ${mb(rssGrowth)} MiB (bound ${mb(MAX_RSS_GROWTH)})`);
  } finally {
    await deployment.stop();
  }
});
