import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../src/findings/finding.ts';
import { CURP_ALPHABET, CURP_STATES, curpCheckDigit, GENERIC_CURP, generateCurp, generatePerson, parseCurp, validateCurp } from '../../src/identifiers/mx/curp.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';

const ruleIds = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);
/** Completes 17 characters with their correct check digit, so a test isolates one defect. */
const withCheck = (first17: string): string => first17 + curpCheckDigit(first17);

test('constants', () => {
  assert.equal(CURP_STATES.length, 33);
  assert.ok(CURP_STATES.includes('NE'));
  assert.ok(CURP_STATES.includes('DF'));
  assert.equal(new Set(CURP_STATES).size, 33);
  assert.equal(GENERIC_CURP, 'XXXX999999XXXXXX99');
  assert.equal(CURP_ALPHABET.length, 37);
  assert.equal(CURP_ALPHABET.indexOf('Ñ'), 24);
  assert.equal(CURP_ALPHABET.indexOf('O'), 25);
});

test('check digit: spec vector and python-stdnum vector', () => {
  assert.equal(curpCheckDigit('GAHG551011MNERND0'), '2');
  assert.equal(curpCheckDigit('BOXW310820HNERXN0'), '9');
  assert.throws(() => curpCheckDigit('GAHG551011MNERND'), RangeError);
});

test('spec vector GAHG551011MNERND02 is valid', () => {
  assert.deepEqual(validateCurp('GAHG551011MNERND02'), []);
});

test('spec vector GAHG551011MNERND03 fails only the check digit', () => {
  const fs = validateCurp('GAHG551011MNERND03', { location: '/curp' });
  assert.deepEqual(ruleIds(fs), ['ID-CURP-CHECKDIGIT']);
  const [f] = fs;
  assert.equal(f?.severity, 'error');
  assert.equal(f?.code, 'value');
  assert.equal(f?.location, '/curp');
  assert.equal(f?.locationKind, 'json-pointer');
  assert.match(f?.message.en ?? '', /should be 2/);
  assert.match(f?.message.es ?? '', /debería ser 2/);
});

test('location defaults to the empty pointer', () => {
  assert.equal(validateCurp('GAHG551011MNERND03')[0]?.location, '');
});

test('non-existent dates are ID-CURP-DATE', () => {
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG550230MNERND0'))), ['ID-CURP-DATE']); // 30 Feb
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG551311MNERND0'))), ['ID-CURP-DATE']); // month 13
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG551100MNERND0'))), ['ID-CURP-DATE']); // day 0
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG550431MNERND0'))), ['ID-CURP-DATE']); // 31 Apr
});

test('29 February depends on the century read from position 17', () => {
  // 2000 is a leap year (letter differentiator), 1900 is not (digit differentiator).
  assert.deepEqual(validateCurp(withCheck('GAHG000229MNERNDA')), []);
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG000229MNERND0'))), ['ID-CURP-DATE']);
  assert.deepEqual(ruleIds(validateCurp(withCheck('GAHG010229MNERNDA'))), ['ID-CURP-DATE']);
  assert.deepEqual(validateCurp(withCheck('GAHG960229MNERND0')), []);
});

test('unknown state is ID-CURP-STATE', () => {
  const fs = validateCurp(withCheck('GAHG551011MXXRND0'));
  assert.deepEqual(ruleIds(fs), ['ID-CURP-STATE']);
  assert.match(fs[0]?.message.en ?? '', /XX/);
});

test('several defects are all reported', () => {
  // 30 Feb, state ZZ and a wrong check digit.
  const bad17 = 'GAHG550230MZZRND0';
  const wrong = curpCheckDigit(bad17) === '0' ? '1' : '0';
  assert.deepEqual(ruleIds(validateCurp(bad17 + wrong)), ['ID-CURP-DATE', 'ID-CURP-STATE', 'ID-CURP-CHECKDIGIT']);
});

test('format errors stop further checks', () => {
  for (const bad of [
    'gahg551011mnernd02', // lower case
    'GAHG551011MNERND0', // 17 characters
    'GAHG551011MNERND021', // 19 characters
    'GBHG551011MNERND02', // position 2 not a vowel or X
    'GAHG551011FNERND02', // sex F
    'GAHG551011MNERAD02', // vowel where a consonant goes
    'GAHG551011MNERND0A', // letter check digit
    'GAHG 551011 MNERND02',
    '',
  ]) {
    const fs = validateCurp(bad);
    assert.deepEqual(ruleIds(fs), ['ID-CURP-FORMAT'], bad);
    assert.equal(fs[0]?.code, 'invalid', bad);
    assert.equal(fs[0]?.severity, 'error', bad);
  }
});

test('an inconvenient word RENAPO would have replaced is a format error', () => {
  assert.deepEqual(ruleIds(validateCurp(withCheck('BUEY551011MNERND0'))), ['ID-CURP-FORMAT']);
  assert.deepEqual(validateCurp(withCheck('BXEY551011MNERND0')), []);
});

test('non-string input is ID-CURP-FORMAT, never a throw', () => {
  for (const v of [undefined, null, 123, {}, ['GAHG551011MNERND02'], true]) {
    const fs = validateCurp(v, { location: '/x' });
    assert.deepEqual(ruleIds(fs), ['ID-CURP-FORMAT']);
    assert.equal(fs[0]?.location, '/x');
  }
  assert.match(validateCurp(null)[0]?.message.en ?? '', /null/);
});

test('generic CURP: refused by default, accepted when allowed', () => {
  const refused = validateCurp(GENERIC_CURP, { location: '/paciente/curp' });
  assert.deepEqual(ruleIds(refused), ['ID-CURP-GENERIC']);
  assert.equal(refused[0]?.severity, 'error');
  assert.equal(refused[0]?.location, '/paciente/curp');
  assert.deepEqual(ruleIds(validateCurp(GENERIC_CURP, { allowGeneric: false })), ['ID-CURP-GENERIC']);
  assert.deepEqual(validateCurp(GENERIC_CURP, { allowGeneric: true }), []);
});

test('every finding carries Spanish and English text', () => {
  const all = [...validateCurp(42), ...validateCurp(GENERIC_CURP), ...validateCurp('GAHG551011MNERND03'), ...validateCurp(withCheck('GAHG550230MZZRND0'))];
  assert.ok(all.length >= 5);
  for (const f of all) {
    assert.ok((f.message.es ?? '').length > 10, f.ruleId);
    assert.ok(f.message.en.length > 10, f.ruleId);
    assert.notEqual(f.message.es, f.message.en);
  }
});

test('parseCurp reads date, sex and state', () => {
  assert.deepEqual(parseCurp('GAHG551011MNERND02'), { fechaNacimiento: '1955-10-11', sexo: 'M', entidad: 'NE' });
  assert.deepEqual(parseCurp(withCheck('GAHG050704HDFRNDA')), { fechaNacimiento: '2005-07-04', sexo: 'H', entidad: 'DF' });
  assert.equal(parseCurp('GAHG551011MNERND0'), undefined);
  assert.equal(parseCurp('not a curp'), undefined);
  assert.equal(parseCurp(withCheck('GAHG550230MNERND0')), undefined);
});

test('generateCurp derives the letters the RENAPO way', () => {
  const rng = new SeededRandom('derive');
  const juan = generateCurp(rng, {
    nombre: 'Juan',
    primerApellido: 'Pérez',
    segundoApellido: 'López',
    fechaNacimiento: '1990-05-15',
    sexo: 'H',
    entidad: 'DF',
  });
  assert.match(juan, /^PELJ900515HDFRPN\d\d$/);

  // Particles skipped, MARIA skipped in a compound name, Ñ written as X, 2000s → letter differentiator.
  const lupe = generateCurp(rng, {
    nombre: 'María Guadalupe',
    primerApellido: 'de la Cruz',
    segundoApellido: 'Núñez',
    fechaNacimiento: '2003-02-01',
    sexo: 'M',
    entidad: 'JC',
  });
  assert.match(lupe, /^CUNG030201MJCRXD[A-Z]\d$/);

  // No second surname (XX) and a surname without an internal vowel.
  const uc = generateCurp(rng, {
    nombre: 'Pedro',
    primerApellido: 'Uc',
    segundoApellido: 'XX',
    fechaNacimiento: '1971-12-31',
    sexo: 'H',
    entidad: 'YN',
  });
  assert.match(uc, /^UXXP711231HYNCXD\d\d$/);

  // BUEY is an inconvenient word: the second letter becomes X.
  const buey = generateCurp(rng, {
    nombre: 'Yolanda',
    primerApellido: 'Buendía',
    segundoApellido: 'Espinoza',
    fechaNacimiento: '1980-01-01',
    sexo: 'M',
    entidad: 'PL',
  });
  assert.match(buey, /^BXEY800101MPLNSL\d\d$/);

  for (const c of [juan, lupe, uc, buey]) assert.deepEqual(validateCurp(c), [], c);
});

test('generateCurp accepts sexo X and refuses data that cannot make a valid CURP', () => {
  const rng = new SeededRandom('x');
  const x = generateCurp(rng, { sexo: 'X', fechaNacimiento: '2010-06-01' });
  assert.equal(parseCurp(x)?.sexo, 'X');
  assert.deepEqual(validateCurp(x), []);
  assert.throws(() => generateCurp(rng, { entidad: 'ZZ' }), RangeError);
  assert.throws(() => generateCurp(rng, { fechaNacimiento: '1990-02-30' }), RangeError);
  assert.throws(() => generateCurp(rng, { fechaNacimiento: '1899-12-31' }), RangeError);
  assert.throws(() => generateCurp(rng, { fechaNacimiento: '15/05/1990' }), RangeError);
});

test('generators are deterministic per seed', () => {
  const run = (seed: string): string[] => {
    const rng = new SeededRandom(seed);
    return [generateCurp(rng), generateCurp(rng), generatePerson(rng).curp, generatePerson(rng).curp];
  };
  assert.deepEqual(run('s1'), run('s1'));
  assert.notDeepEqual(run('s1'), run('s2'));
  assert.deepEqual(generatePerson(new SeededRandom(9)), generatePerson(new SeededRandom(9)));
});

test('property: 500 generated people have valid CURPs that agree with their data', () => {
  const rng = new SeededRandom('property-curp');
  const sexes = new Set<string>();
  let born2000s = 0;
  for (let i = 0; i < 500; i++) {
    const p = generatePerson(rng);
    assert.deepEqual(validateCurp(p.curp), [], `${p.curp} ${JSON.stringify(p)}`);
    assert.deepEqual(parseCurp(p.curp), { fechaNacimiento: p.fechaNacimiento, sexo: p.sexo, entidad: p.entidadNacimiento });
    assert.ok(p.sexo === 'H' || p.sexo === 'M');
    assert.ok(p.nombre.length > 0 && p.primerApellido.length > 0 && p.segundoApellido.length > 0);
    assert.match(p.fechaNacimiento, /^\d{4}-\d{2}-\d{2}$/);
    sexes.add(p.sexo);
    if (p.fechaNacimiento >= '2000') {
      born2000s++;
      assert.match(p.curp.charAt(16), /[A-Z]/);
    } else {
      assert.match(p.curp.charAt(16), /\d/);
    }
  }
  assert.deepEqual([...sexes].sort(), ['H', 'M']);
  assert.ok(born2000s > 0 && born2000s < 500);
});

test('property: 500 CURPs from partial data are valid and keep the given fields', () => {
  const rng = new SeededRandom('property-partial');
  for (let i = 0; i < 500; i++) {
    const sexo = rng.pick(['H', 'M', 'X'] as const);
    const fechaNacimiento = `${rng.int(1900, 2099)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const entidad = rng.pick(CURP_STATES);
    const curp = generateCurp(rng, { sexo, fechaNacimiento, entidad });
    assert.deepEqual(validateCurp(curp), [], curp);
    assert.deepEqual(parseCurp(curp), { fechaNacimiento, sexo, entidad });
  }
});
