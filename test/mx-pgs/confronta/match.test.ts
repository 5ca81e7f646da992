import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPadronLine, headerLine, PADRON_LAYOUT, type PadronLinea, parseResumen, toLatin1 } from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { ConfrontaSession, matchLine } from '../../../programs/mx-pgs/lib/confronta/match.ts';
import type { EstatusAfiliacion, Institucion, TipoAfiliacion } from '../../../programs/mx-pgs/lib/types.ts';
import { CentralIndex } from '../../../programs/mx-pgs/reference/central-index.ts';
import { GENERIC_CURP, generatePerson, SeededRandom, type SyntheticPerson } from '../../../src/identifiers/mx/index.ts';

const person = (label: string): SyntheticPerson => generatePerson(new SeededRandom('confronta-match').fork(label));

function register(
  index: CentralIndex,
  p: SyntheticPerson,
  institucion: Institucion,
  tipo: TipoAfiliacion = 'TITULAR',
  estatus: EstatusAfiliacion = 'VIGENTE',
  overrides: Partial<SyntheticPerson> = {},
): void {
  const who = { ...p, ...overrides };
  index.apply({
    evento: 'ALTA',
    institucion,
    curp: who.curp,
    tipo,
    estatus,
    vigenciaInicio: '2020-01-01',
    nombre: who.nombre,
    primerApellido: who.primerApellido,
    segundoApellido: who.segundoApellido,
    fechaNacimiento: who.fechaNacimiento,
    sexo: who.sexo,
    ocurridoEn: new Date().toISOString(),
  });
}

function line(p: SyntheticPerson, institucion: Institucion, overrides: Partial<PadronLinea> = {}): PadronLinea {
  return {
    curp: p.curp,
    nombre: p.nombre,
    primerApellido: p.primerApellido,
    segundoApellido: p.segundoApellido,
    fechaNacimiento: p.fechaNacimiento,
    sexo: p.sexo,
    institucion,
    numerosAfiliacion: ['N1'],
    tipo: 'TITULAR',
    estatus: 'VIGENTE',
    vigenciaInicio: '2021-01-01',
    ...overrides,
  };
}

/** Runs a whole file through a session; returns the result rows (header and trailer apart). */
function confronta(index: CentralIndex, institucion: Institucion, lines: (PadronLinea | string)[]) {
  const session = new ConfrontaSession(institucion, index);
  const text = [headerLine(PADRON_LAYOUT), ...lines.map((l) => (typeof l === 'string' ? l : formatPadronLine(l)))].join('\r\n');
  const out = [...session.push(toLatin1(text)), ...session.end()];
  const parsed = out.map((l) => {
    const [curp, resultados, detalles] = l.split('|');
    return { curp: curp ?? '', resultados: (resultados ?? '').split('&'), detalles: (detalles ?? '').split('&') };
  });
  const trailer = parsed.at(-1);
  assert.deepEqual(trailer?.resultados, ['RESUMEN'], 'the file always ends with RESUMEN');
  return { rows: parsed.slice(0, -1), resumen: parseResumen(trailer?.detalles ?? []), session };
}

test('DOBLE_AFILIACION: TITULAR VIGENTE at IMSS in the index and in the uploaded ISSSTE line', () => {
  const index = new CentralIndex();
  const ana = person('ana');
  register(index, ana, 'IMSS');
  const { rows, resumen } = confronta(index, 'ISSSTE', [line(ana, 'ISSSTE')]);
  assert.deepEqual(
    rows.map((r) => [r.curp, r.resultados]),
    [[ana.curp, ['DOBLE_AFILIACION']]],
  );
  assert.equal(rows[0]?.detalles[0], 'linea 2: TITULAR VIGENTE en IMSS y ISSSTE');
  assert.equal(resumen.DOBLE_AFILIACION, 1);
});

test('no DOBLE_AFILIACION when either side is a beneficiary, or the other coverage is not VIGENTE', () => {
  const index = new CentralIndex();
  const [a, b] = [person('a'), person('b')];
  register(index, a, 'IMSS');
  register(index, b, 'IMSS', 'TITULAR', 'BAJA');
  const { rows, resumen } = confronta(index, 'ISSSTE', [line(a, 'ISSSTE', { tipo: 'BENEFICIARIO' }), line(b, 'ISSSTE')]);
  assert.deepEqual(rows, []);
  assert.deepEqual([resumen.LINEAS, resumen.SIN_HALLAZGOS, resumen.CON_HALLAZGOS], [2, 2, 0]);
});

test('DUPLICIDAD_SSA: the SSA uploads someone IMSS covers; IMSS uploading someone the SSA covers gets it too', () => {
  const index = new CentralIndex();
  const [beto, eva] = [person('beto'), person('eva')];
  register(index, beto, 'IMSS', 'BENEFICIARIO');
  register(index, eva, 'SSA');
  const fromSsa = confronta(index, 'SSA', [line(beto, 'SSA')]);
  assert.deepEqual(
    fromSsa.rows.map((r) => r.resultados),
    [['DUPLICIDAD_SSA']],
  );
  assert.equal(fromSsa.rows[0]?.detalles[0], 'linea 2: cobertura VIGENTE de la SSA junto con IMSS (BENEFICIARIO)');
  const fromImss = confronta(index, 'IMSS', [line(eva, 'IMSS')]);
  assert.deepEqual(
    fromImss.rows.map((r) => r.resultados),
    [['DUPLICIDAD_SSA']],
  );
});

test('the uploaded line replaces what the index holds for the uploader: a BAJA in the file clears the double coverage', () => {
  const index = new CentralIndex();
  const carlos = person('carlos');
  register(index, carlos, 'IMSS');
  register(index, carlos, 'ISSSTE');
  assert.deepEqual(index.consult(carlos.curp)?.alertas, ['DOBLE_AFILIACION']);
  assert.deepEqual(confronta(index, 'ISSSTE', [line(carlos, 'ISSSTE', { estatus: 'BAJA', vigenciaFin: '2024-01-01' })]).rows, []);
  // The confronta reads the index, it never writes it.
  assert.deepEqual(index.consult(carlos.curp)?.alertas, ['DOBLE_AFILIACION']);
});

test('CURP_INVALIDA: check digit, impossible date, format; an invalid CURP is not matched against the index', () => {
  const index = new CentralIndex();
  const dora = person('dora');
  register(index, dora, 'IMSS');
  const wrongDigit = dora.curp.slice(0, 17) + String((Number(dora.curp[17]) + 1) % 10);
  const { rows, resumen } = confronta(index, 'ISSSTE', [
    line(dora, 'ISSSTE', { curp: wrongDigit }),
    line(dora, 'ISSSTE', { curp: 'GAHG551341MNERND02' }),
    line(dora, 'ISSSTE', { curp: 'gahg551011mnernd02' }),
  ]);
  assert.deepEqual(
    rows.map((r) => r.resultados),
    [['CURP_INVALIDA'], ['CURP_INVALIDA'], ['CURP_INVALIDA']],
  );
  assert.match(rows[0]?.detalles[0] ?? '', /^linea 2: El dígito verificador .*\(ID-CURP-CHECKDIGIT\)$/);
  assert.match(rows[1]?.detalles[0] ?? '', /ID-CURP-DATE/);
  assert.match(rows[2]?.detalles[0] ?? '', /ID-CURP-FORMAT/);
  assert.equal(resumen.CURP_INVALIDA, 3);
  assert.equal(resumen.DOBLE_AFILIACION, 0);
});

test('generic CURP: accepted up to 15 % of the lines; above it, one file-level CURP_INVALIDA row before RESUMEN', () => {
  const index = new CentralIndex();
  const people = Array.from({ length: 20 }, (_, i) => person(`g${i}`));
  const generic = (p: SyntheticPerson) => line(p, 'ISSSTE', { curp: GENERIC_CURP });
  const atLimit = confronta(
    index,
    'ISSSTE',
    people.map((p, i) => (i < 3 ? generic(p) : line(p, 'ISSSTE'))),
  );
  assert.deepEqual(atLimit.rows, [], '3 of 20 is exactly 15 %');
  assert.equal(atLimit.resumen.CURP_GENERICA, 3);
  assert.equal(atLimit.resumen.SIN_HALLAZGOS, 20);

  const over = confronta(
    index,
    'ISSSTE',
    people.map((p, i) => (i < 4 ? generic(p) : line(p, 'ISSSTE'))),
  );
  assert.deepEqual(
    over.rows.map((r) => [r.curp, r.resultados]),
    [[GENERIC_CURP, ['CURP_INVALIDA']]],
  );
  assert.match(over.rows[0]?.detalles[0] ?? '', /^archivo: 4 de 20 lineas \(20,0 %\) usan la CURP genérica; el máximo en lote es 15 %$/);
  // The file-level row is not a line's answer: the line counters still add up.
  assert.deepEqual([over.resumen.LINEAS, over.resumen.SIN_HALLAZGOS, over.resumen.CON_HALLAZGOS, over.resumen.CURP_INVALIDA], [20, 20, 0, 0]);
});

test('MISMA_CURP_DATOS_DISTINTOS: another name or birth date than an institution reported for the CURP', () => {
  const index = new CentralIndex();
  const [eli, fer] = [person('eli'), person('fer')];
  register(index, eli, 'IMSS', 'BENEFICIARIO');
  register(index, fer, 'SSA', 'TITULAR', 'BAJA');
  const { rows } = confronta(index, 'ISSSTE', [line(eli, 'ISSSTE', { nombre: `${eli.nombre} X` }), line(fer, 'ISSSTE', { fechaNacimiento: '1999-12-31', primerApellido: 'ZZZ' })]);
  assert.deepEqual(
    rows.map((r) => r.resultados),
    [['MISMA_CURP_DATOS_DISTINTOS'], ['MISMA_CURP_DATOS_DISTINTOS']],
  );
  assert.equal(rows[0]?.detalles[0], `linea 2: IMSS registra NOMBRE=${eli.nombre}`);
  const [y, m, d] = fer.fechaNacimiento.split('-');
  assert.equal(rows[1]?.detalles[0], `linea 3: SSA registra PRIMER_APELLIDO=${fer.primerApellido}, FECHA_NACIMIENTO=${d}/${m}/${y} (la CURP indica ${d}/${m}/${y})`);
});

test('names: case and spacing are not differences, accents are; an empty second surname equals XX', () => {
  const index = new CentralIndex();
  const gil = person('gil');
  register(index, gil, 'IMSS', 'BENEFICIARIO', 'VIGENTE', { primerApellido: 'PEÑA', segundoApellido: 'XX' });
  const same = line(gil, 'ISSSTE', { primerApellido: ' peña ', segundoApellido: 'XX', nombre: gil.nombre.toLowerCase().replace(' ', '  ') });
  assert.deepEqual(matchLine(same, 2, 'ISSSTE', index), []);
  assert.deepEqual(matchLine({ ...same, segundoApellido: '' }, 2, 'ISSSTE', index), []);
  assert.deepEqual(matchLine({ ...same, primerApellido: 'PENA' }, 2, 'ISSSTE', index), [{ resultado: 'MISMA_CURP_DATOS_DISTINTOS', detalle: 'linea 2: IMSS registra PRIMER_APELLIDO=PEÑA' }]);
});

test('several results for one line: one row, RESULTADO and DETALLE &-joined in the documented order', () => {
  const index = new CentralIndex();
  const hugo = person('hugo');
  register(index, hugo, 'IMSS');
  register(index, hugo, 'SSA', 'TITULAR', 'VIGENTE', { nombre: 'OTRO' });
  const { rows, resumen } = confronta(index, 'ISSSTE', [line(hugo, 'ISSSTE')]);
  assert.deepEqual(
    rows.map((r) => r.resultados),
    [['DOBLE_AFILIACION', 'DUPLICIDAD_SSA', 'MISMA_CURP_DATOS_DISTINTOS']],
  );
  assert.equal(rows[0]?.detalles.length, 3);
  assert.ok(rows[0]?.detalles.every((d) => d.startsWith('linea 2')));
  assert.equal(rows[0]?.detalles[2], 'linea 2: SSA registra NOMBRE=OTRO');
  assert.deepEqual([resumen.CON_HALLAZGOS, resumen.DOBLE_AFILIACION, resumen.DUPLICIDAD_SSA, resumen.MISMA_CURP_DATOS_DISTINTOS], [1, 1, 1, 1]);
});

test('unreadable lines and lines of another institution are FORMATO_INVALIDO rows, and every line is counted once', () => {
  const index = new CentralIndex();
  const [ivan, juan] = [person('ivan'), person('juan')];
  const { rows, resumen } = confronta(index, 'ISSSTE', [
    line(ivan, 'IMSS'),
    `${juan.curp}|solo|tres`,
    formatPadronLine(line(juan, 'ISSSTE')).replace(/\|\d\d\/\d\d\/\d{4}\|/, '|31/31/1990|'),
    'X&Y|',
    line(juan, 'ISSSTE'),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.curp, r.resultados[0]]),
    [
      [ivan.curp, 'FORMATO_INVALIDO'],
      [juan.curp, 'FORMATO_INVALIDO'],
      [juan.curp, 'FORMATO_INVALIDO'],
      ['X?Y', 'FORMATO_INVALIDO'],
    ],
  );
  assert.equal(rows[0]?.detalles[0], 'linea 2, campo INSTITUCION: ISSSTE solo confronta su propio padrón; la línea es de IMSS');
  assert.equal(rows[1]?.detalles[0], 'linea 3: la línea tiene 3 campos; se esperaban 12');
  assert.match(rows[2]?.detalles[0] ?? '', /^linea 4, campo FECHA_NACIMIENTO: "31\/31\/1990" no es una fecha/);
  assert.deepEqual([resumen.LINEAS, resumen.SIN_HALLAZGOS, resumen.CON_HALLAZGOS, resumen.FORMATO_INVALIDO], [5, 1, 4, 4]);
});

test('a bad header: the session says so and answers nothing else', () => {
  const session = new ConfrontaSession('ISSSTE', new CentralIndex());
  const header = () => session.header;
  assert.equal(header(), undefined);
  assert.deepEqual(session.push(toLatin1('CURP|NOMBRE\r\nX|Y\r\n')), []);
  assert.equal(header()?.findings[0]?.ruleId, 'CONFRONTA-FORMAT');
  assert.deepEqual(session.end(), []);
});
