import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  cleanValue,
  DelimitedParser,
  formatPadronLine,
  formatResultadoLine,
  headerLine,
  LineSplitter,
  MAX_LINE_BYTES,
  PADRON_LAYOUT,
  type PadronLinea,
  type ParsedItem,
  parseFecha,
  parsePadron,
  parseResultado,
  parseResumen,
  toLatin1,
} from '../../../programs/mx-pgs/lib/confronta/format.ts';
import { generatePadronFile } from '../../../programs/mx-pgs/lib/confronta/padron-file.ts';
import { GENERIC_CURP, generatePerson, SeededRandom, validateCurp } from '../../../src/identifiers/mx/index.ts';

const HEADER = 'CURP|NOMBRE|PRIMER_APELLIDO|SEGUNDO_APELLIDO|FECHA_NACIMIENTO|SEXO|INSTITUCION|NUMERO_AFILIACION|TIPO|ESTATUS|VIGENCIA_INICIO|VIGENCIA_FIN';
const LINE = 'GAHG551011MNERND02|GUADALUPE|GARCIA|HERNANDEZ|11/10/1955|M|ISSSTE|IS00000001|TITULAR|VIGENTE|01/01/2020|';

async function parse(bytes: Buffer | string, chunkSize?: number): Promise<ParsedItem<PadronLinea>[]> {
  const buffer = typeof bytes === 'string' ? toLatin1(bytes) : bytes;
  const chunks: Buffer[] = [];
  const size = chunkSize ?? buffer.length;
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  const items: ParsedItem<PadronLinea>[] = [];
  for await (const item of parsePadron(Readable.from(chunks))) items.push(item);
  return items;
}

const rows = (items: ParsedItem<PadronLinea>[]) => items.flatMap((i) => (i.type === 'row' ? [i.record] : []));
const invalid = (items: ParsedItem<PadronLinea>[]) => items.flatMap((i) => (i.type === 'invalid' ? [i] : []));

test('the padrón header row is the documented column list', () => {
  assert.equal(headerLine(PADRON_LAYOUT), HEADER);
});

test('Latin-1 bytes: Ñ and accents are one byte each and read back as themselves', async () => {
  const line = 'MUXJ800101HDFXXN01|JOSÉ|MUÑOZ|NÚÑEZ|01/01/1980|H|ISSSTE|IS1|TITULAR|VIGENTE|01/01/2020|';
  const bytes = toLatin1(`${HEADER}\n${line}\n`);
  assert.ok(bytes.includes(0xd1), 'Ñ is the single byte 0xD1');
  assert.equal(bytes.length, HEADER.length + line.length + 2);
  const [record] = rows(await parse(bytes));
  assert.equal(record?.nombre, 'JOSÉ');
  assert.equal(record?.primerApellido, 'MUÑOZ');
  assert.equal(record?.segundoApellido, 'NÚÑEZ');
});

test('UTF-8 text sent as if it were Latin-1 is a format finding that says so', async () => {
  const utf8Line = Buffer.from('GAHG551011MNERND02|GUADALUPE|MUÑOZ|HERNANDEZ|11/10/1955|M|ISSSTE|IS1|TITULAR|VIGENTE|01/01/2020|', 'utf8');
  const [bad] = invalid(await parse(Buffer.concat([toLatin1(`${HEADER}\n`), utf8Line])));
  assert.equal(bad?.findings[0]?.location, 'linea 2, campo PRIMER_APELLIDO');
  assert.match(bad?.findings[0]?.message.es ?? '', /UTF-8/);
});

test('CRLF, LF and a last line without a line break all read the same, whatever the chunking', async () => {
  const text = `${HEADER}\r\n${LINE}\n${LINE}\r\n${LINE}`;
  for (const chunkSize of [undefined, 1, 7, 64]) {
    const items = await parse(text, chunkSize);
    assert.deepEqual(items[0], { type: 'header', line: 1, findings: [] }, `chunk ${chunkSize}`);
    assert.deepEqual(
      items.slice(1).map((i) => [i.type, i.line]),
      [
        ['row', 2],
        ['row', 3],
        ['row', 4],
      ],
      `chunk ${chunkSize}`,
    );
    assert.ok(
      rows(items).every((r) => r.vigenciaInicio === '2020-01-01' && !('vigenciaFin' in r)),
      'no CR left in the last field',
    );
  }
});

test('a row becomes a typed record: ISO dates, repeats as arrays, empty SEGUNDO_APELLIDO read as XX', async () => {
  const line = 'GAHG551011MNERND02| guadalupe |GARCIA||11/10/1955|M|ISSSTE|IS00000002&IS00000001|BENEFICIARIO|BAJA|01/01/2020|31/12/2024';
  const [record] = rows(await parse(`${HEADER}\n${line}\n`));
  assert.deepEqual(record, {
    curp: 'GAHG551011MNERND02',
    nombre: 'guadalupe',
    primerApellido: 'GARCIA',
    segundoApellido: 'XX',
    fechaNacimiento: '1955-10-11',
    sexo: 'M',
    institucion: 'ISSSTE',
    numerosAfiliacion: ['IS00000002', 'IS00000001'],
    tipo: 'BENEFICIARIO',
    estatus: 'BAJA',
    vigenciaInicio: '2020-01-01',
    vigenciaFin: '2024-12-31',
  });
});

test('& repeats: allowed only where the layout says, and never empty', async () => {
  const items = await parse([HEADER, LINE.replace('|GARCIA|', '|GARCIA&LOPEZ|'), LINE.replace('|IS00000001|', '|IS00000001&&IS2|')].join('\n'));
  const [notRepeatable, emptyRepeat] = invalid(items);
  assert.equal(notRepeatable?.findings[0]?.ruleId, 'CONFRONTA-FORMAT');
  assert.equal(notRepeatable?.findings[0]?.location, 'linea 2, campo PRIMER_APELLIDO');
  assert.match(notRepeatable?.findings[0]?.message.es ?? '', /no admite repeticiones/);
  assert.equal(emptyRepeat?.findings[0]?.location, 'linea 3, campo NUMERO_AFILIACION[2]');
});

test('bad dates: not dd/mm/aaaa, or not a real day, each located by line and column', async () => {
  const items = await parse(
    [
      HEADER,
      LINE.replace('11/10/1955', '1955-10-11'),
      LINE.replace('01/01/2020', '31/02/2020'),
      LINE.replace('11/10/1955', '29/02/1900').replace('|VIGENTE|01/01/2020|', '|VIGENTE|01/01/2020|1/1/2025'),
    ].join('\r\n'),
  );
  assert.deepEqual(
    invalid(items).map((i) => i.findings.map((f) => f.location)),
    [['linea 2, campo FECHA_NACIMIENTO'], ['linea 3, campo VIGENCIA_INICIO'], ['linea 4, campo FECHA_NACIMIENTO', 'linea 4, campo VIGENCIA_FIN']],
  );
  assert.equal(parseFecha('29/02/2000'), '2000-02-29');
  assert.equal(parseFecha('29/02/1900'), undefined);
  assert.equal(parseFecha('00/01/2000'), undefined);
});

test('wrong column count: one CONFRONTA-FORMAT finding at the line, its first field kept as the CURP', async () => {
  const [few, many] = invalid(await parse(`${HEADER}\n${LINE.slice(0, LINE.lastIndexOf('|'))}\n${LINE}|EXTRA\n`));
  assert.deepEqual([few?.line, few?.curp, few?.findings.length, few?.findings[0]?.location], [2, 'GAHG551011MNERND02', 1, 'linea 2']);
  assert.match(few?.findings[0]?.message.es ?? '', /11 campos; se esperaban 12/);
  assert.equal(few?.findings[0]?.severity, 'error');
  assert.ok(few?.findings[0]?.message.en);
  assert.match(many?.findings[0]?.message.en ?? '', /13 fields; expected 12/);
});

test('codes, required fields and empty lines are format findings; the lines after them are still read', async () => {
  const items = await parse([HEADER, LINE.replace('|M|', '|F|').replace('|TITULAR|', '|TITULAR2|'), '', LINE.replace('|GUADALUPE|', '||'), LINE].join('\n'));
  assert.deepEqual(
    invalid(items).map((i) => i.findings.map((f) => f.location)),
    [['linea 2, campo SEXO', 'linea 2, campo TIPO'], ['linea 3'], ['linea 4, campo NOMBRE']],
  );
  assert.equal(rows(items).length, 1);
  assert.equal(items.at(-1)?.line, 5);
});

test('a line longer than the cap is reported and skipped without holding it, and the next line is read', async () => {
  const huge = 'X'.repeat(MAX_LINE_BYTES * 3);
  const items = await parse(`${HEADER}\n${huge}\n${LINE}\n`, 1000);
  assert.equal(items[1]?.type, 'invalid');
  assert.match((items[1] as { findings: { message: { en: string } }[] }).findings[0]?.message.en ?? '', /exceeds/);
  assert.equal(items[2]?.type, 'row');
  assert.equal(items[2]?.line, 3);
  const splitter = new LineSplitter(10);
  assert.deepEqual(splitter.push(toLatin1('0123456789ABCDEF')), []);
  assert.deepEqual(splitter.push(toLatin1('GH\nok\n')), [
    { line: 1, tooLongBytes: 18 },
    { line: 2, text: 'ok' },
  ]);
});

test('header errors: wrong name, missing column, empty file, UTF-8 BOM; nothing after a bad header is read', async () => {
  const renamed = await parse(`${HEADER.replace('PRIMER_APELLIDO', 'APELLIDO1')}\n${LINE}\n`);
  assert.equal(renamed.length, 1);
  assert.equal(renamed[0]?.type, 'header');
  assert.deepEqual(
    (renamed[0] as { findings: { location: string; ruleId: string }[] }).findings.map((f) => [f.ruleId, f.location]),
    [['CONFRONTA-FORMAT', 'linea 1, campo PRIMER_APELLIDO']],
  );

  const short = await parse(`${HEADER.replace('|VIGENCIA_FIN', '')}\n`);
  assert.match((short[0] as { findings: { message: { es: string } }[] }).findings[0]?.message.es ?? '', /11 columnas; se esperaban 12/);

  const empty = await parse('');
  assert.deepEqual(
    empty.map((i) => i.type),
    ['header'],
  );
  assert.match((empty[0] as { findings: { message: { es: string } }[] }).findings[0]?.message.es ?? '', /archivo vacío/);

  const bom = await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), toLatin1(`${HEADER}\n`)]));
  assert.match((bom[0] as { findings: { message: { en: string } }[] }).findings[0]?.message.en ?? '', /byte order mark/);
});

test('the synchronous parser gives the same items as the async iterator', async () => {
  const text = `${HEADER}\n${LINE}\nbad\n`;
  const parser = new DelimitedParser(PADRON_LAYOUT);
  const sync = [...parser.push(toLatin1(text)), ...parser.end()];
  assert.deepEqual(sync, await parse(text));
});

test('writer: fields cannot break the layout, non-Latin-1 becomes ?, and a written line parses back to the record', async () => {
  assert.equal(cleanValue('A|B&C\r\nD€'), 'A?B?C??D?');
  assert.equal(formatResultadoLine({ curp: 'X|Y', resultados: ['CURP_INVALIDA', 'DOBLE_AFILIACION'], detalles: ['a&b', 'c'] }), 'X?Y|CURP_INVALIDA&DOBLE_AFILIACION|a?b&c');
  const p = generatePerson(new SeededRandom('writer'));
  const record: PadronLinea = {
    curp: p.curp,
    nombre: p.nombre,
    primerApellido: 'PEÑA',
    segundoApellido: p.segundoApellido,
    fechaNacimiento: p.fechaNacimiento,
    sexo: p.sexo,
    institucion: 'IMSS',
    numerosAfiliacion: ['84966311213', '12345678903'],
    tipo: 'TITULAR',
    estatus: 'VIGENTE',
    vigenciaInicio: '2001-02-03',
    vigenciaFin: '2030-12-31',
  };
  const [back] = rows(await parse(`${HEADER}\r\n${formatPadronLine(record)}\r\n`));
  assert.deepEqual(back, record);
});

test('result files parse with the same reader; the RESUMEN trailer reads as counters', async () => {
  const text = 'CURP|RESULTADO|DETALLE\r\nAAAA|CURP_INVALIDA&DOBLE_AFILIACION|linea 2: x&linea 2: y\r\n|RESUMEN|LINEAS=3&SIN_HALLAZGOS=2\r\n';
  const items = [];
  for await (const item of parseResultado(Readable.from([toLatin1(text)]))) items.push(item);
  assert.deepEqual(
    items.map((i) => i.type),
    ['header', 'row', 'row'],
  );
  const trailer = items[2] as { record: { resultados: string[]; detalles: string[] } };
  assert.deepEqual(trailer.record.resultados, ['RESUMEN']);
  assert.deepEqual(parseResumen(trailer.record.detalles), { LINEAS: 3, SIN_HALLAZGOS: 2 });
});

test('generatePadronFile: seeded, well formed, with the planted shares and counts it reports', async () => {
  const known = Array.from({ length: 5 }, (_, i) => generatePerson(new SeededRandom('known').fork(String(i))));
  const make = () =>
    generatePadronFile(new SeededRandom('gen'), 5000, {
      institucion: 'ISSSTE',
      today: '2025-06-15',
      invalidCurpShare: 0.05,
      genericCurpShare: 0.05,
      mismatchShare: 0.05,
      doubleShare: 0.1,
      known,
      lineEnding: '\n',
    });
  const first = make();
  const items: ParsedItem<PadronLinea>[] = [];
  const bytes: Buffer[] = [];
  for await (const chunk of first.stream) bytes.push(chunk as Buffer);
  for await (const item of parsePadron(Readable.from(bytes))) items.push(item);
  const second = make();
  const again: Buffer[] = [];
  for await (const chunk of second.stream) again.push(chunk as Buffer);
  assert.ok(Buffer.concat(bytes).equals(Buffer.concat(again)), 'same seed, same file');

  const { planted } = first;
  assert.equal(planted.lineas, 5000);
  assert.equal(planted.curpInvalida + planted.curpGenerica + planted.datosDistintos + planted.conocidas + planted.nuevas, 5000);
  for (const [count, share] of [
    [planted.curpInvalida, 0.05],
    [planted.curpGenerica, 0.05],
    [planted.datosDistintos, 0.05],
    [planted.conocidas, 0.1],
  ] as const) {
    assert.ok(Math.abs(count / 5000 - share) < 0.02, `${count} is about ${share * 5000}`);
  }
  const records = rows(items);
  assert.equal(items[0]?.type, 'header');
  assert.equal(records.length, 5000, 'every generated line is well formed');
  const invalidCurps = records.filter((r) => r.curp !== GENERIC_CURP && validateCurp(r.curp).length > 0);
  assert.equal(invalidCurps.length, planted.curpInvalida);
  assert.equal(records.filter((r) => r.curp === GENERIC_CURP).length, planted.curpGenerica);
  const knownCurps = new Set(known.map((k) => k.curp));
  const ofKnown = records.filter((r) => knownCurps.has(r.curp));
  assert.equal(ofKnown.length, planted.conocidas + planted.datosDistintos);
  assert.equal(ofKnown.filter((r) => r.nombre !== known.find((k) => k.curp === r.curp)?.nombre).length, planted.datosDistintos);
  assert.ok(ofKnown.every((r) => r.tipo === 'TITULAR' && r.estatus === 'VIGENTE'));
  assert.ok(records.every((r) => r.institucion === 'ISSSTE' && (!r.vigenciaFin || r.vigenciaFin >= r.vigenciaInicio)));
  assert.ok(
    records.some((r) => r.numerosAfiliacion.length > 1),
    'some lines carry & repeats',
  );
});
