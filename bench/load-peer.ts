/**
 * The peers of the load benches: the least a server can do on the same socket — node:http answering a fixed JSON
 * body, or a net server answering every MLLP frame with a fixed ACK (bench/load-clients.ts) — and bare hapi
 * (bench/mock-throughput.ts): the framework the mocks are built on, with the mock's route (same method and path
 * pattern) answering the mock's own answer, fixed, so the difference is what the mock does per request (for a SOAP
 * mock, also a SOAP peer that reads each envelope first: see PeerRoute.relatesTo). Run as its
 * own process so its RSS is its own, with the same IPC protocol as bench/load-mock.ts ({ ready } once listening;
 * 'gc' → { gc: memoryUsage }).
 * Usage: node --expose-gc --import tsx bench/load-peer.ts http|mllp|hapi PORT   (hapi: routes in SELLO_LOAD_PEER)
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import Hapi from '@hapi/hapi';
import { DOMParser } from '@xmldom/xmldom';
import { frameMllp, MllpDeframer } from '../src/hl7v2/mllp-frame.ts';

/** A route of the bare hapi peer: the mock's method and path pattern, and the answer the mock gave. */
export interface PeerRoute {
  method: string;
  path: string;
  status: number;
  contentType: string;
  /** JSON answers are given as the value, so hapi serialises them on each answer as it does a mock's. */
  body: unknown;
  /**
   * A SOAP peer: each request read with xmldom's DOMParser (the stack's DOM), and this text of the fixed answer (the
   * first request's MessageID, in its wsa:RelatesTo) replaced by the request's own wsa:MessageID — the least a SOAP
   * 1.2 endpoint with WS-Addressing does before it can answer anything.
   */
  relatesTo?: string;
}

const WSA_NS = 'http://www.w3.org/2005/08/addressing';

function soapAnswer(route: PeerRoute & { relatesTo: string }): (payload: Buffer) => string {
  const [before, after] = (route.body as string).split(route.relatesTo) as [string, string];
  return (payload) => {
    const document = new DOMParser().parseFromString(payload.toString('utf8'), 'text/xml');
    return before + (document.getElementsByTagNameNS(WSA_NS, 'MessageID').item(0)?.textContent ?? '') + after;
  };
}

const [mode, portText] = process.argv.slice(2);
const port = Number(portText);
const BODY = JSON.stringify({ resourceType: 'Patient', id: 'peer', active: true });
const ACK = frameMllp('MSH|^~\\&|PEER|PEER|BENCH|BENCH|20250314143000||ACK^A04^ACK|1|P|2.5\rMSA|AA|1\r');

async function bareHapi(): Promise<void> {
  const routes = JSON.parse(process.env.SELLO_LOAD_PEER ?? '[]') as PeerRoute[];
  const hapi = Hapi.server({ host: '127.0.0.1', port });
  for (const r of routes) {
    const answer = r.relatesTo ? soapAnswer({ ...r, relatesTo: r.relatesTo }) : () => r.body as object;
    hapi.route({
      method: r.method as Hapi.RouteDefMethods,
      path: r.path,
      // The body read whole, as the mocks read theirs; not parsed (a mock parses what it needs itself).
      ...(r.method === 'GET' ? {} : { options: { payload: { parse: false, output: 'data' } } }),
      handler: (request, h) =>
        h
          .response(answer(request.payload as Buffer))
          .code(r.status)
          .type(r.contentType),
    });
  }
  await hapi.start();
  process.send?.({ ready: { url: hapi.info.uri } });
}

const server =
  mode === 'hapi'
    ? undefined
    : mode === 'mllp'
      ? createNetServer((socket) => {
          const deframer = new MllpDeframer();
          socket.on('data', (chunk) => {
            for (const event of deframer.push(chunk)) if (event.kind === 'message') socket.write(ACK);
          });
          socket.on('error', () => socket.destroy());
        })
      : createHttpServer((req, res) => {
          req.resume();
          req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
        });
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m) => {
  if (m !== 'gc') return;
  gc?.();
  gc?.();
  process.send?.({ gc: process.memoryUsage(), collected: gc !== undefined });
});
process.once('SIGTERM', () => process.exit(0));
process.once('disconnect', () => process.exit(0));
if (server) server.listen(port, '127.0.0.1', () => process.send?.({ ready: { url: `http://127.0.0.1:${port}`, mllp: { host: '127.0.0.1', port } } }));
else await bareHapi();
