import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import { syntheticBeneficiario } from '../../src/programs/mx-pgs/synthetic.ts';
import { runSello, tempDir } from './sello-process.ts';

test('sello validate: a valid beneficiary exits 0, a broken one exits 3 naming rule and JSON pointer', async () => {
  const dir = await tempDir('sello-validate-');
  const valid = syntheticBeneficiario(new SeededRandom('validate'), { institucion: 'IMSS', today: '2026-01-15' });
  const invalid = { ...structuredClone(valid), sexo: 'Z', apodo: 'x' };
  await writeFile(join(dir, 'valid.json'), JSON.stringify(valid));
  await writeFile(join(dir, 'invalid.json'), JSON.stringify(invalid));
  await writeFile(join(dir, 'garbage.json'), '{"curp": ');

  const ok = await runSello(['validate', join(dir, 'valid.json'), '--profile', 'mx-pgs/beneficiario']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /valid\.json: valid/);

  const bad = await runSello(['validate', join(dir, 'invalid.json'), join(dir, 'garbage.json'), '--profile', 'mx-pgs/beneficiario']);
  assert.equal(bad.code, 3, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /\/sexo/);
  assert.match(bad.stdout, /\/apodo/);
  assert.match(bad.stdout, /garbage\.json: 1 finding/);

  const json = await runSello(['validate', join(dir, 'invalid.json'), '--profile', 'mx-pgs/beneficiario', '--format', 'json']);
  const outcomes = JSON.parse(json.stdout) as { outcome: { resourceType: string; issue: { severity: string; location: string[] }[] } }[];
  assert.equal(outcomes[0]?.outcome.resourceType, 'OperationOutcome');
  assert.ok(outcomes[0]?.outcome.issue.some((i) => i.location.includes('/sexo') && i.severity === 'error'));
});

test('sello validate: an unknown profile or a missing file is a configuration error (exit 4)', async () => {
  const unknown = await runSello(['validate', 'package.json', '--profile', 'mx-pgs/no-such-profile']);
  assert.equal(unknown.code, 4);
  assert.match(unknown.stderr, /beneficiario/, 'lists the profiles that exist');
  const missing = await runSello(['validate', '/nonexistent/file.json', '--profile', 'mx-pgs/beneficiario']);
  assert.equal(missing.code, 4);
});
