/**
 * The peer of bench/load-clients.ts: the least a server can do on the same socket — node:http answering a fixed JSON
 * body, or a net server answering every MLLP frame with a fixed ACK. Run as its own process so its RSS is its own,
 * with the same IPC protocol as bench/load-mock.ts ({ ready } once listening; 'gc' → { gc: memoryUsage }).
 * Usage: node --expose-gc --import tsx bench/load-peer.ts http|mllp PORT
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { frameMllp, MllpDeframer } from '../src/hl7v2/mllp-frame.ts';

const [mode, portText] = process.argv.slice(2);
const port = Number(portText);
const BODY = JSON.stringify({ resourceType: 'Patient', id: 'peer', active: true });
const ACK = frameMllp('MSH|^~\\&|PEER|PEER|BENCH|BENCH|20250314143000||ACK^A04^ACK|1|P|2.5\rMSA|AA|1\r');

const server =
  mode === 'mllp'
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
server.listen(port, '127.0.0.1', () => process.send?.({ ready: { url: `http://127.0.0.1:${port}`, mllp: { host: '127.0.0.1', port } } }));
