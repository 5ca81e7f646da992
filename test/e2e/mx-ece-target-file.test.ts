import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePorts, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Each mx-ece role as a SUT outside Sello's process: a second copy of the reference role, started with
// `sello mocks --program mx-ece --target … --role …`, stands in for a vendor's system and is driven only through what
// the target file gives (its FHIR base or base URL and its control API). A few behaviours per role keep this short;
// the whole suite per role certifies the same way (README, mx-ece).

type Role = 'imss-ece' | 'issste' | 'imss-bienestar' | 'ssa-pgs';
const PEERS: Record<Role, Role[]> = {
  'imss-ece': ['issste', 'imss-bienestar', 'ssa-pgs'],
  issste: ['imss-ece', 'imss-bienestar', 'ssa-pgs'],
  'imss-bienestar': ['imss-ece', 'issste', 'ssa-pgs'],
  'ssa-pgs': ['imss-ece', 'issste', 'imss-bienestar'],
};

const endpoints = (role: Role, port: number): string =>
  `${role === 'imss-ece' ? `  fhirBaseUrl: http://127.0.0.1:${port}/fhir\n` : role === 'ssa-pgs' ? `  baseUrl: http://127.0.0.1:${port}\n` : ''}  controlUrl: http://127.0.0.1:${port}/control\n`;

async function certify(role: Role, tags: string, fault?: string): Promise<void> {
  const dir = await tempDir('sello-ece-target-');
  const [port, ...peerPorts] = await freePorts(4);
  const target = join(dir, `${role}.yaml`);
  const ports = PEERS[role].map((peer, i) => `${peer}: ${peerPorts[i]}`).join(', ');
  await writeFile(target, `program: mx-ece\nsut:\n  role: ${role}\n${endpoints(role, port!)}mocks:\n  ports: { ${ports} }\n`);
  const sut = await startSelloMocks(['--program', 'mx-ece', '--target', target, '--role', role, '--port', String(port), ...(fault ? ['--plant-fault', `${role}:${fault}`] : [])]);
  try {
    const out = join(dir, 'reports');
    const result = await runSello(['run', '--quiet', '--target', target, '--out', out, '--tags', tags], {}, 180_000);
    const report = await latestReport(out);
    assert.deepEqual([report.sut.role, report.sut.kind], [role, 'external']);
    if (fault) {
      assert.equal(result.code, 3, result.stdout + result.stderr);
      assert.equal(report.verdict, 'FAILED');
    } else {
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(report.verdict, 'PASSED');
    }
  } finally {
    await sut.stop();
    await removeTempDir(dir);
  }
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
