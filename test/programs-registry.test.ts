import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadProgram, PROGRAMS, ProgramFolderError, programById, resolveRole } from '../src/programs/registry.ts';
import { tempDir } from './support/temp-dir.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the registry runs mx-pgs, pe-ris, ru-egisz then mx-ece; each is one folder with features, steps, a catalogue and a target schema', () => {
  assert.deepEqual(
    PROGRAMS.map((p) => p.id),
    ['mx-pgs', 'pe-ris', 'ru-egisz', 'mx-ece'],
  );
  for (const p of PROGRAMS) {
    assert.equal(p.folder, join(root, 'programs', p.id));
    assert.ok(
      readdirSync(join(root, p.featuresDir)).some((f) => f.endsWith('.feature')),
      p.id,
    );
    assert.ok(existsSync(join(root, p.featuresDir.replace('features', 'steps'), 'sello.ts')), `${p.id} installs Sello's support`);
    assert.equal(p.loadCatalogue().program, p.id);
    assert.ok(existsSync(join(p.profilesDir, 'requirements.json')));
    assert.equal((p.targetSchema as { type?: string }).type, 'object');
  }
  assert.equal(programById('xx-nope'), undefined);
});

test('a role on the command line is qualified by its program when a bare one would be ambiguous', () => {
  const found = resolveRole('SIHCE');
  assert.ok(!('error' in found) && found.program.id === 'pe-ris' && found.role === 'sihce');
  const qualified = resolveRole('mx-pgs/IMSS');
  assert.ok(!('error' in qualified) && qualified.program.id === 'mx-pgs' && qualified.role === 'imss');
  assert.match((resolveRole('pe-ris/imss') as { error: string }).error, /unknown role 'pe-ris\/imss'/);
  // Two programs with the same role: a bare role is refused with both qualified forms offered.
  const twin = { ...programById('mx-pgs')!, id: 'mx-ece' };
  assert.match((resolveRole('imss', [programById('mx-pgs')!, twin]) as { error: string }).error, /mx-pgs\/imss or mx-ece\/imss/);
});

test('a folder whose program.ts names another id, or has none, is refused with the reason', async () => {
  // Removed when the process exits (test/support/temp-dir.ts).
  const empty = await tempDir('sello-no-program-');
  await assert.rejects(loadProgram(empty), (e: unknown) => e instanceof ProgramFolderError && /has no program\.ts/.test((e as Error).message));
});

test('a role two listed programs share (issste) is refused bare and resolves qualified', () => {
  assert.match((resolveRole('issste') as { error: string }).error, /mx-pgs\/issste or mx-ece\/issste/);
  const qualified = resolveRole('mx-ece/issste');
  assert.ok(!('error' in qualified) && qualified.program.id === 'mx-ece' && qualified.role === 'issste');
});

test('the example program of the README loads from its folder, outside programs.json, with every part found by its id', async () => {
  const example = await loadProgram(join(root, 'test', 'fixtures', 'programs', 'xx-echo'));
  assert.equal(example.id, 'xx-echo');
  assert.deepEqual(example.roles, ['server']);
  assert.ok(readdirSync(example.featuresDir).some((f) => f.endsWith('.feature')));
  const catalogue = example.loadCatalogue();
  assert.deepEqual(
    catalogue.rules.map((r) => r.id),
    ['ECHO-01'],
  );
  assert.deepEqual(
    catalogue.behaviours.map((b) => b.id),
    ['ECHO-01.1'],
  );
  assert.deepEqual(example.sutEndpoints({ program: 'xx-echo', sut: { role: 'server', baseUrl: 'http://127.0.0.1:1' } }), ['http://127.0.0.1:1']);
  assert.equal(programById('xx-echo'), undefined, 'loading a folder does not list it');
});
