/**
 * Heap cost of hostile uploads to a mock: `count` POSTs of `mib` MiB each, refused 401 by an authentication check,
 * then `count` more accepted (200, so their bodies are evidence and go to the spill file). Prints heapUsed growth
 * after a full GC. Run with `node --expose-gc --import tsx bench/journal-memory.ts [count] [mib]`.
 */
import { ExchangeJournal } from '../src/journal/journal.ts';
import { markUnauthenticated, startMockServer } from '../src/mock/mock-server.ts';

const count = Number(process.argv[2] ?? 300);
const mib = Number(process.argv[3] ?? 1);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const journal = new ExchangeJournal();
const mock = await startMockServer({ name: 'MOCK', journal }, async (server) => {
  server.route({
    method: 'POST',
    path: '/upload',
    options: { payload: { parse: false, output: 'data' } },
    handler: (request, h) => {
      if (request.headers.authorization !== 'Bearer ok') {
        markUnauthenticated(request);
        return h.response({ error: 'unauthenticated' }).code(401);
      }
      return h.response({ ok: true }).code(200);
    },
  });
});

// Text, not JSON: the journal would otherwise hold a 1 MiB string as it arrived.
const body = Buffer.alloc(mib * 1024 * 1024 - 1, 'a');
async function send(authorized: boolean): Promise<number> {
  const r = await fetch(`${mock.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain', ...(authorized ? { authorization: 'Bearer ok' } : {}) }, body });
  await r.arrayBuffer();
  return r.status;
}
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

await send(false);
await send(true);
const before = heap();
for (let i = 0; i < count; i++) if ((await send(false)) !== 401) throw new Error('expected 401');
const afterUnauthenticated = heap();
for (let i = 0; i < count; i++) if ((await send(true)) !== 200) throw new Error('expected 200');
const afterAccepted = heap();
await mock.stop();
const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
console.log(
  JSON.stringify({
    requests: count,
    bodyMiB: mib,
    heapGrowthUnauthenticatedMiB: mb(afterUnauthenticated - before),
    heapGrowthAcceptedMiB: mb(afterAccepted - afterUnauthenticated),
    journal: journal.stats,
  }),
);
journal.close();
