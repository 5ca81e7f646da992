import { test } from 'node:test';
import { certifyExternal } from './sello-process.ts';

// Each ru-egisz role as a SUT outside Sello's process: a second copy of the reference role, started with
// `sello mocks --program ru-egisz --target … --role …`, stands in for a vendor's system. A few behaviours per role keep
// this short; the whole suite per role certifies the same way (README, ru-egisz).

const GUID = { mis: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5', gateway: '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d' };
// Synthetic: an FRMO-like OID and SNILS with valid check numbers, from the seeded generator.
const ORGANIZATION =
  '{"oid":"1.2.643.5.1.13.13.12.2.32.8022","ogrn":"5195990637750","misNumber":892,"instance":1,"departments":["1.2.643.5.1.13.13.12.2.32.8022.0.250316"],"staff":[{"snils":"08596866447","position":"49"},{"snils":"79912241337","position":"49"}]}';

function certify(role: 'remd' | 'mis' | 'gateway', sutLines: (port: number) => string, peers: string, tags: string, fault?: string, inconclusive = false): Promise<void> {
  const [p1, p2] = peers.split(',');
  return certifyExternal({
    program: 'ru-egisz',
    role,
    peers: 2,
    target: (port, [a, b]) => `program: ru-egisz\nsut:\n  role: ${role}\n${sutLines(port)}mocks:\n  ports: { ${p1}: ${a}, ${p2}: ${b} }\ntimeouts: { callbackMs: 1000 }\n`,
    tags,
    ...(fault ? { fault } : {}),
    inconclusive,
  });
}

const remdUndeclared = (port: number) => `  serviceUrl: http://127.0.0.1:${port}/port/emdr\n`;
// What `sello mocks --role remd` enforces (the reference REMD's limit), declared as a vendor would.
const remd = (port: number) => `${remdUndeclared(port)}  limits: { requestsPerSecond: 10 }\n`;

test('REMD as the SUT: Sello registers, is called back and pulled from, is refused over the declared limit, and a REMD that never repeats a callback fails', async () => {
  await certify('remd', remd, 'mis,gateway', '@RR-10.1 or @RR-05.4 or @RR-06.4 or @RR-15.1 or @RR-16.1');
  await certify('remd', remd, 'mis,gateway', '@RR-15.1', 'no-retry');
});

test('REMD as the SUT without a declared limit: RR-16 cannot be tested, and the run is INCONCLUSIVE rather than held to a guessed limit', async () => {
  await certify('remd', remdUndeclared, 'mis,gateway', '@RR-16.1', undefined, true);
});

test('MIS as the SUT: registered through its control API, called back and pulled by Sello as REMD', async () => {
  await certify(
    'mis',
    (port) =>
      `  callbackUrl: http://127.0.0.1:${port}/mis/emdr/callback\n  documentFileUrl: http://127.0.0.1:${port}/mis/emdr/callback\n  controlUrl: http://127.0.0.1:${port}\n  clientEntityId: ${GUID.mis}\n  organization: ${ORGANIZATION}\n`,
    'remd,gateway',
    '@RR-10.3 or @RR-06.2 or @RR-03.1',
  );
});

test('gateway as the SUT: between Sello as the MIS and Sello as REMD, both ways', async () => {
  await certify(
    'gateway',
    (port) =>
      `  serviceUrl: http://127.0.0.1:${port}/port/emdr\n  callbackUrl: http://127.0.0.1:${port}/gateway/emdr/callback\n  documentFileUrl: http://127.0.0.1:${port}/gateway/emdr/callback\n  clientEntityId: ${GUID.gateway}\n`,
    'remd,mis',
    '@RR-14.1 or @RR-14.3 or @RR-15.5',
  );
});
