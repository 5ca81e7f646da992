import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { headerLine, PADRON_LAYOUT } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import type { Acuse } from '../../../programs/mx-pgs/lib/types.ts';
import { CentralIndex } from '../../../programs/mx-pgs/reference/central-index.ts';
import { CONFRONTA_PATH, registerConfronta } from '../../../programs/mx-pgs/reference/confronta-route.ts';
import { PgsNode } from '../../../programs/mx-pgs/reference/pgs-node.ts';
import { ExchangeJournal } from '../../../src/journal/journal.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { type MockServer, startMockServer } from '../../../src/mock/mock-server.ts';
import { TokenAuthority } from '../../../src/mock/oauth.ts';

const LIMIT = 1024 * 1024;
const journal = new ExchangeJournal();
const tokens = new TokenAuthority([{ clientId: 'issste', clientSecret: 's3cret', party: 'ISSSTE' }], 'SSA');
let mock: MockServer;
let token: string;

before(async () => {
  const index = new CentralIndex();
  const node = new PgsNode({ institucion: 'SSA', tokens, faults: new FaultSet(), today: () => '2026-01-01', reportChange: (e) => index.apply(e) });
  mock = await startMockServer({ name: 'SSA', journal }, async (server) => registerConfronta(server, node, index, new FaultSet(), { maxInflatedBytes: LIMIT }));
  token = tokens.issue('issste', 's3cret')!.access_token;
});

after(() => mock.stop());

async function post(body: Buffer, withToken: boolean): Promise<{ status: number; text: string }> {
  const response = await fetch(`${mock.url}${CONFRONTA_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain; charset=ISO-8859-1',
      'content-encoding': 'gzip',
      'x-message-id': randomUUID(),
      'x-institucion': 'ISSSTE',
      ...(withToken ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new Uint8Array(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: Buffer.from(await response.arrayBuffer()).toString('latin1') };
}

const acuseOf = (text: string): Acuse => (JSON.parse(text) as { acuse: Acuse }).acuse;
/** 64 MiB of zeros in ~64 KiB: what an attacker sends. */
const bomb = gzipSync(Buffer.alloc(64 * LIMIT), { level: 9 });

test('a gzip body is not inflated before authentication: garbage or a bomb without a token is a plain 401', async () => {
  const garbage = await post(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(5000, 0xff)]), false);
  assert.equal(garbage.status, 401, garbage.text);
  assert.equal(acuseOf(garbage.text).codigo, 'PGS-401');
  const started = Date.now();
  const refused = await post(bomb, false);
  assert.equal(refused.status, 401, refused.text);
  assert.ok(Date.now() - started < 2000);
});

test(`an authenticated gzip body inflating past the bound (${LIMIT} bytes here) is 413 with an acuse, before any 200`, async () => {
  const reply = await post(bomb, true);
  assert.equal(reply.status, 413, reply.text);
  const acuse = acuseOf(reply.text);
  assert.equal(acuse.codigo, 'PGS-110');
  assert.match(acuse.errores[0]?.mensaje ?? '', /excede 1048576 bytes/);
});

test('an authenticated body that is not gzip though it says so is 400 PGS-110', async () => {
  const reply = await post(Buffer.from('not gzip at all'), true);
  assert.equal(reply.status, 400, reply.text);
  assert.equal(acuseOf(reply.text).codigo, 'PGS-110');
});

test('past the bound after the 200 is out, the result file ends without its RESUMEN row (cut short)', async () => {
  const line = `${'X'.repeat(80)}\r\n`;
  const file = `${headerLine(PADRON_LAYOUT)}\r\n${line.repeat(Math.ceil((2 * LIMIT) / line.length))}`;
  const reply = await post(gzipSync(Buffer.from(file, 'latin1')), true);
  assert.equal(reply.status, 200);
  assert.ok(reply.text.length > 0);
  assert.doesNotMatch(reply.text, /RESUMEN/);
  const small = await post(gzipSync(Buffer.from(`${headerLine(PADRON_LAYOUT)}\r\n${line}`, 'latin1')), true);
  assert.match(small.text, /RESUMEN/, 'under the bound the result is whole');
});
