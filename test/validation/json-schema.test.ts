import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { programProfilesDir } from '../../src/programs/layout.ts';
import { escapePointerToken } from '../../src/util/json-pointer.ts';
import { firstSyntaxError, loadSchemaDir, parseJson, SchemaRegistry } from '../../src/validation/json-schema.ts';
import { tempDirSync } from '../support/temp-dir.ts';

const MX_PGS_DIR = fileURLToPath(new URL('../../programs/mx-pgs/profiles/schemas/', import.meta.url));

/** A throw-away schema directory, so the generic engine is tested without any program's contract. */
function registryOf(schemas: Record<string, object>): SchemaRegistry {
  const dir = tempDirSync('sello-schema-');
  for (const [name, schema] of Object.entries(schemas)) writeFileSync(join(dir, `${name}.schema.json`), JSON.stringify(schema));
  return new SchemaRegistry(dir);
}

const PERSON = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://example.test/person.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'sexo'],
  properties: {
    name: { type: 'string', minLength: 1 },
    sexo: { type: 'string', enum: ['H', 'M', 'X'] },
    born: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    address: {
      type: 'object',
      additionalProperties: false,
      required: ['cp'],
      properties: { cp: { type: 'string', pattern: '^\\d{5}$' } },
    },
  },
};

test('every mx-pgs schema compiles in strict mode and is registered by its $id', () => {
  const files = readdirSync(MX_PGS_DIR).filter((f) => f.endsWith('.schema.json'));
  const registry = new SchemaRegistry(MX_PGS_DIR);
  assert.ok(files.length >= 8);
  assert.equal(registry.schemaIds.length, files.length);
  for (const f of files) {
    const name = f.replace('.schema.json', '');
    assert.ok(registry.has(name), name);
    assert.ok(registry.has(`https://sello.dev/profiles/mx-pgs/${name}.schema.json`), name);
  }
});

test('strict mode is on: an unknown keyword makes the registry refuse the schema', () => {
  assert.throws(() => registryOf({ bad: { $id: 'https://example.test/bad.schema.json', type: 'object', properties: {}, frobnicate: true } }), /strict mode|unknown keyword/);
});

test('a valid instance gives no finding; schemas are reachable by $id and by file name', () => {
  const registry = registryOf({ person: PERSON });
  const ok = { name: 'ANA', sexo: 'M', born: '2000-02-29', at: '2025-01-01T10:00:00-06:00', address: { cp: '06700' } };
  assert.deepEqual(registry.validate('person', ok, 'T-1'), []);
  assert.deepEqual(registry.validate(PERSON.$id, ok, 'T-1'), []);
});

test('an unknown schema id is a programming error, not a finding', () => {
  assert.throws(() => registryOf({ person: PERSON }).validate('nobody', {}, 'T-1'), /unknown schema nobody/);
});

test('required: location is the missing property, code required, es and en name it', () => {
  const [f, ...rest] = registryOf({ person: PERSON }).validate('person', { sexo: 'H', address: {} }, 'T-1');
  const all = [f, ...rest];
  const name = all.find((x) => x?.location === '/name');
  const cp = all.find((x) => x?.location === '/address/cp');
  assert.ok(name && cp, JSON.stringify(all));
  assert.equal(name.code, 'required');
  assert.equal(name.ruleId, 'T-1');
  assert.equal(name.severity, 'error');
  assert.equal(name.locationKind, 'json-pointer');
  assert.equal(name.message.es, 'Falta el campo obligatorio /name');
  assert.equal(name.message.en, 'Required field /name is missing');
  assert.equal(cp.code, 'required');
});

test('additionalProperties: location is the extra property (escaped as RFC 6901), code structure', () => {
  const findings = registryOf({ person: PERSON }).validate('person', { name: 'A', sexo: 'H', 'a/b~c': 1, address: { cp: '06700', x: 1 } }, 'T-1');
  assert.deepEqual(
    findings.map((f) => [f.location, f.code]),
    [
      ['/a~1b~0c', 'structure'],
      ['/address/x', 'structure'],
    ],
  );
  assert.match(findings[1]?.message.es ?? '', /El campo \/address\/x no está permitido/);
  assert.match(findings[1]?.message.en ?? '', /Field \/address\/x is not allowed/);
});

test('enum: the message lists the allowed values in es and en', () => {
  const [f] = registryOf({ person: PERSON }).validate('person', { name: 'A', sexo: 'Z' }, 'T-1');
  assert.deepEqual(f, {
    ruleId: 'T-1',
    severity: 'error',
    code: 'value',
    location: '/sexo',
    locationKind: 'json-pointer',
    message: { es: 'El campo /sexo debe ser uno de: H, M, X', en: 'Field /sexo must be one of: H, M, X' },
  });
});

test('type: code structure and the message names expected and received types', () => {
  const [f] = registryOf({ person: PERSON }).validate('person', { name: 7, sexo: 'H' }, 'T-1');
  assert.equal(f?.location, '/name');
  assert.equal(f?.code, 'structure');
  assert.equal(f?.message.en, 'Field /name must be of type string (got integer)');
  assert.equal(f?.message.es, 'El campo /name debe ser de tipo cadena de texto (se recibió entero)');
  const [root] = registryOf({ person: PERSON }).validate('person', [], 'T-1');
  assert.equal(root?.location, '');
  assert.match(root?.message.es ?? '', /^El mensaje debe ser de tipo objeto/);
});

test('format and pattern: impossible dates, zone-less date-times and bad patterns are value findings', () => {
  const findings = registryOf({ person: PERSON }).validate('person', { name: 'A', sexo: 'H', born: '2023-02-29', at: '2025-01-01T10:00:00', address: { cp: '6700' }, tags: ['a', 'a'] }, 'T-1');
  assert.deepEqual(findings.map((f) => [f.location, f.code]).sort(), [
    ['/address/cp', 'value'],
    ['/at', 'value'],
    ['/born', 'value'],
    ['/tags', 'value'],
  ]);
  assert.match(findings.find((f) => f.location === '/born')?.message.en ?? '', /valid date YYYY-MM-DD/);
});

test('escapePointerToken escapes ~ before /', () => {
  assert.equal(escapePointerToken('~1/'), '~01~1');
});

test('parseJson: valid JSON from a string or a Buffer', () => {
  assert.deepEqual(parseJson('{"a":[1,true,null]}', 'T-1'), { ok: true, value: { a: [1, true, null] } });
  assert.deepEqual(parseJson(Buffer.from('{"ñ":"é"}'), 'T-1'), { ok: true, value: { ñ: 'é' } });
  assert.deepEqual(parseJson(Buffer.from('\ufeff{"a":1}'), 'T-1'), { ok: true, value: { a: 1 } });
});

test('parseJson: malformed JSON gives one finding at location "" with the position', () => {
  const result = parseJson('{\n  "a": 1,\n  "b": }', 'T-1');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.finding.ruleId, 'T-1');
  assert.equal(result.finding.location, '');
  assert.equal(result.finding.code, 'structure');
  assert.equal(result.finding.severity, 'error');
  assert.match(result.finding.message.es ?? '', /posición 19 \(línea 3, columna 8\)/);
  assert.match(result.finding.message.en, /position 19 \(line 3, column 8\)/);
});

test('parseJson: empty bodies and invalid UTF-8 are reported, not parsed', () => {
  const empty = parseJson('', 'T-1');
  assert.ok(!empty.ok && /empty/.test(empty.finding.message.en));
  const latin1 = parseJson(Buffer.from([0x7b, 0x22, 0xf1, 0x22, 0x3a, 0x31, 0x7d]), 'T-1');
  assert.ok(!latin1.ok && /UTF-8/.test(latin1.finding.message.en));
});

test('firstSyntaxError points at the first offending character', () => {
  const cases: [string, number][] = [
    ['{"a":}', 5],
    ['{"a":1', 6],
    ['[1,2,]', 5],
    ['{"a":1}x', 7],
    ['{a:1}', 1],
    ['{"a":01}', 6],
    ['"tab\there"', 4],
    ['{"a":tru}', 8],
    ['[1 2]', 3],
  ];
  for (const [text, offset] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.equal(firstSyntaxError(text), offset, text);
  }
});

test('loadSchemaDir compiles a schemas folder once per process', () => {
  const dir = programProfilesDir('mx-pgs') + '/schemas';
  const a = loadSchemaDir(dir);
  assert.equal(a, loadSchemaDir(`${dir}/`));
  assert.ok(a.has('beneficiario'));
  assert.throws(() => loadSchemaDir('/nonexistent/schemas'));
});
