import { test } from 'node:test';
import { certifyExternal } from './sello-process.ts';

// Each mx-ece role as a SUT outside Sello's process, driven only through what the target file gives (its FHIR base or
// base URL and its control API). A few behaviours per role keep this short; the whole suite per role certifies the
// same way (README, mx-ece).

type Role = 'imss-ece' | 'issste' | 'imss-bienestar' | 'ssa-pgs';
const ROLES: Role[] = ['imss-ece', 'issste', 'imss-bienestar', 'ssa-pgs'];

const endpoints = (role: Role, port: number): string =>
  `${role === 'imss-ece' ? `  fhirBaseUrl: http://127.0.0.1:${port}/fhir\n` : role === 'ssa-pgs' ? `  baseUrl: http://127.0.0.1:${port}\n` : ''}  controlUrl: http://127.0.0.1:${port}/control\n`;

function certify(role: Role, tags: string, fault?: string): Promise<void> {
  const peers = ROLES.filter((r) => r !== role);
  return certifyExternal({
    program: 'mx-ece',
    role,
    peers: peers.length,
    target: (port, ports) => `program: mx-ece\nsut:\n  role: ${role}\n${endpoints(role, port)}mocks:\n  ports: { ${peers.map((peer, i) => `${peer}: ${ports[i]}`).join(', ')} }\n`,
    tags,
    ...(fault ? { fault } : {}),
  });
}

test('imss-ece as the SUT: loaded through its control API, asked for records and exports; a dotted CIE-10 fails RE-04', async () => {
  await certify('imss-ece', '@RE-01.1 or @RE-04.1 or @RE-09.1 or @RE-13.1');
  await certify('imss-ece', '@RE-04.1', 'ece-dotted-cie10');
});

test('a receiver as the SUT: told to transfer and export from Sello as IMSS; one that ignores Retry-After fails RE-09', async () => {
  await certify('issste', '@RE-01.5 or @RE-02.3 or @RE-09.2');
  await certify('imss-bienestar', '@RE-09.2', 'rx-ignores-retry-after');
});

test('ssa-pgs as the SUT: its consents and padrón read back; a search that returns an expired consent fails RE-01', async () => {
  await certify('ssa-pgs', '@RE-01.6 or @RE-03.5');
  await certify('ssa-pgs', '@RE-01.7', 'pgs-search-includes-expired');
});
