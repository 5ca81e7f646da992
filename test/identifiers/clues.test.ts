import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Finding } from '../../src/findings/finding.ts';
import { CLUES_INSTITUTION_CODES, CLUES_STATES, type CluesInstitucion, generateClues, loadCluesCatalogue, validateClues } from '../../src/identifiers/mx/clues.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);
const INSTITUCIONES = Object.keys(CLUES_INSTITUTION_CODES) as CluesInstitucion[];

test('spec example DFIMS000580 is valid, also for IMSS and against the catalogue', () => {
  assert.deepEqual(validateClues('DFIMS000580'), []);
  assert.deepEqual(validateClues('DFIMS000580', { institucion: 'IMSS', catalogue: loadCluesCatalogue() }), []);
});

test('states are the CURP states without NE', () => {
  assert.equal(CLUES_STATES.length, 32);
  assert.ok(!CLUES_STATES.includes('NE'));
  assert.deepEqual(ruleIds(validateClues('NEIMS000580')), ['ID-CLUES-STATE']);
  assert.deepEqual(ruleIds(validateClues('XXIMS000580')), ['ID-CLUES-STATE']);
});

test('the four institution codes are known, others are not', () => {
  for (const code of ['IMS', 'IST', 'SSA', 'IMB']) assert.deepEqual(validateClues(`JC${code}000001`), [], code);
  const fs = validateClues('JCPMX000001', { location: '/unidadAdscripcion' });
  assert.deepEqual(ruleIds(fs), ['ID-CLUES-INSTITUTION']);
  assert.equal(fs[0]?.severity, 'error');
  assert.equal(fs[0]?.location, '/unidadAdscripcion');
});

test('institution must match opts.institucion', () => {
  assert.deepEqual(validateClues('DFIST000123', { institucion: 'ISSSTE' }), []);
  assert.deepEqual(validateClues('DFIMB000123', { institucion: 'IMSS-BIENESTAR' }), []);
  const fs = validateClues('DFIST000123', { institucion: 'IMSS' });
  assert.deepEqual(ruleIds(fs), ['ID-CLUES-INSTITUTION']);
  assert.match(fs[0]?.message.en ?? '', /IMSS/);
  // IMB is IMSS-Bienestar, not IMSS.
  assert.deepEqual(ruleIds(validateClues('DFIMB000123', { institucion: 'IMSS' })), ['ID-CLUES-INSTITUTION']);
});

test('catalogue membership', () => {
  const catalogue = new Set(['DFIMS000580']);
  assert.deepEqual(validateClues('DFIMS000580', { catalogue }), []);
  const fs = validateClues('DFIMS000581', { catalogue });
  assert.deepEqual(ruleIds(fs), ['ID-CLUES-CATALOGUE']);
  assert.equal(fs[0]?.severity, 'error');
  // Without a catalogue the same code is only format-checked.
  assert.deepEqual(validateClues('DFIMS000581'), []);
});

test('several defects are all reported', () => {
  assert.deepEqual(ruleIds(validateClues('ZZPMX000001', { catalogue: new Set() })), ['ID-CLUES-STATE', 'ID-CLUES-INSTITUTION', 'ID-CLUES-CATALOGUE']);
});

test('format errors', () => {
  for (const bad of ['DFIMS00058', 'DFIMS0005800', 'dfims000580', 'DFIMS00058A', 'DF-IMS-000580', 'D1IMS000580', '']) {
    const fs = validateClues(bad, { catalogue: new Set() });
    assert.deepEqual(ruleIds(fs), ['ID-CLUES-FORMAT'], bad);
    assert.equal(fs[0]?.code, 'invalid');
    assert.equal(fs[0]?.location, '');
  }
  for (const v of [undefined, null, 580, {}]) assert.deepEqual(ruleIds(validateClues(v)), ['ID-CLUES-FORMAT']);
});

test('findings carry Spanish and English text', () => {
  const all = [...validateClues(1), ...validateClues('ZZPMX000001', { catalogue: new Set() }), ...validateClues('DFIST000123', { institucion: 'SSA' })];
  assert.equal(all.length, 5);
  for (const f of all) {
    assert.ok((f.message.es ?? '').length > 10 && f.message.en.length > 10, f.ruleId);
  }
});

test('generateClues honours entidad and institucion', () => {
  const rng = new SeededRandom('clues-opts');
  assert.match(generateClues(rng, { entidad: 'OC', institucion: 'ISSSTE' }), /^OCIST\d{6}$/);
  assert.match(generateClues(rng, { institucion: 'IMSS-BIENESTAR' }), /^[A-Z]{2}IMB\d{6}$/);
  assert.match(generateClues(rng, { entidad: 'YN' }), /^YN(IMS|IST|SSA|IMB)\d{6}$/);
  assert.throws(() => generateClues(rng, { entidad: 'NE' }), RangeError);
});

test('generateClues is deterministic per seed', () => {
  const run = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return Array.from({ length: 5 }, () => generateClues(rng));
  };
  assert.deepEqual(run('c1'), run('c1'));
  assert.notDeepEqual(run('c1'), run('c2'));
});

test('property: 500 generated CLUES are valid with zero findings', () => {
  const rng = new SeededRandom('property-clues');
  const institutions = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const institucion = rng.pick(INSTITUCIONES);
    const clues = generateClues(rng, { institucion });
    assert.deepEqual(validateClues(clues, { institucion }), [], clues);
    assert.deepEqual(validateClues(generateClues(rng)), []);
    institutions.add(clues.slice(2, 5));
  }
  assert.equal(institutions.size, 4);
});

test('shipped catalogue: loads, is synthetic, holds the spec example and only valid codes', () => {
  const catalogue = loadCluesCatalogue();
  assert.equal(loadCluesCatalogue(), catalogue, 'read once and cached');
  assert.ok(catalogue.size >= 60, `size ${catalogue.size}`);
  assert.ok(catalogue.has('DFIMS000580'));
  const institutions = new Set<string>();
  const states = new Set<string>();
  for (const code of catalogue) {
    assert.deepEqual(validateClues(code), [], code);
    institutions.add(code.slice(2, 5));
    states.add(code.slice(0, 2));
  }
  assert.deepEqual([...institutions].sort(), ['IMB', 'IMS', 'IST', 'SSA']);
  assert.ok(states.size >= 5, `only ${states.size} states`);
  const raw = JSON.parse(readFileSync(new URL('../../programs/mx-pgs/profiles/catalogs/clues.json', import.meta.url), 'utf8')) as {
    source: string;
  };
  assert.match(raw.source, /not the DGIS catalogue/);
});

test('shipped catalogue is reproducible from its documented seed', () => {
  // Same procedure as the one that wrote the file: if generateClues or SeededRandom drift, the
  // catalogue must be regenerated deliberately rather than silently disagree with the code.
  const seed = 'sello-mx-pgs-clues-catalogue-v1';
  const rng = new SeededRandom(seed);
  const codes = new Set<string>();
  for (let i = 0; codes.size < 60; i++) codes.add(generateClues(rng, { institucion: INSTITUCIONES[i % 4] }));
  codes.add('DFIMS000580');
  const raw = JSON.parse(readFileSync(new URL('../../programs/mx-pgs/profiles/catalogs/clues.json', import.meta.url), 'utf8')) as {
    source: string;
    codes: string[];
  };
  assert.ok(raw.source.includes(seed));
  assert.deepEqual(raw.codes, [...codes].sort());
});
