import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAMS, programById, programOfRole } from '../src/programs/registry.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the registry runs mx-pgs then pe-ris; each has features, a catalogue, roles unique across programs', () => {
  assert.deepEqual(PROGRAMS.map((p) => p.id), ['mx-pgs', 'pe-ris']);
  const roles = PROGRAMS.flatMap((p) => p.roles);
  assert.equal(new Set(roles).size, roles.length);
  for (const p of PROGRAMS) {
    assert.ok(readdirSync(join(root, p.featuresDir)).some((f) => f.endsWith('.feature')), p.id);
    assert.equal(p.loadCatalogue().program, p.id);
    assert.ok(existsSync(join(root, 'profiles', p.id, 'requirements.json')));
  }
  assert.equal(programOfRole('SIHCE')?.id, 'pe-ris');
  assert.equal(programOfRole('imss')?.id, 'mx-pgs');
  assert.equal(programById('ru-egisz'), undefined);
  assert.equal(programById('pe-ris')?.faultKey('SIHCE'), 'sihce');
  assert.equal(programById('mx-pgs')?.faultKey('imss'), 'IMSS');
});
