import { createServer } from 'node:net';

/**
 * A port free right now on `host`. Roles that a scenario brings down and back up (Qhali, the engine) listen on a fixed
 * port, so that they come back where their peers expect them (a hapi server restarted on port 0 would move).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
