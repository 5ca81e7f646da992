import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { pgsSchemas } from '../../programs/mx-pgs/lib/schemas.ts';
import { createFhirValidator } from '../../src/fhir/index.ts';
import { isBlocking } from '../../src/findings/finding.ts';
import { parseJson } from '../../src/validation/json-schema.ts';
import { makeBeneficiario, makeDependiente, rng } from '../mx-pgs/fixtures.ts';
import { triage } from '../pe-ris/fixtures.ts';
import { fuzzRuns, mutatedJson, mutatedJsonText } from './fuzz.ts';

const FHIR_FIXTURES = fileURLToPath(new URL('../fixtures/fhir/', import.meta.url));
const PROGRAMS = fileURLToPath(new URL('../../programs/', import.meta.url));
const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Every valid FHIR fixture of every program, and a triage Bundle as Qhali builds it. */
const RESOURCES = [
  ...readdirSync(FHIR_FIXTURES)
    .filter((program) => existsSync(join(FHIR_FIXTURES, program, 'valid')))
    .flatMap((program) => readdirSync(join(FHIR_FIXTURES, program, 'valid')).map((f) => json(join(FHIR_FIXTURES, program, 'valid', f)))),
  triage('fuzz-fhir').bundle,
];
// As `sello validate` builds it: base R4 and every program's profiles.
const fhir = createFhirValidator({
  profileDirs: readdirSync(PROGRAMS)
    .map((p) => join(PROGRAMS, p, 'profiles', 'fhir'))
    .filter((dir) => existsSync(dir)),
});

const SEVERITIES = new Set(['fatal', 'error', 'warning', 'information']);

const fhirRuns = fuzzRuns(300);
test(`the FHIR validator never throws on mutated resources, and every finding is well-formed ${fhirRuns.label}`, () => {
  for (const r of RESOURCES) assert.deepEqual(fhir.validate(r).filter(isBlocking), [], JSON.stringify(r).slice(0, 200));
  fc.assert(
    fc.property(fc.oneof({ weight: 5, arbitrary: mutatedJson(RESOURCES, 6) }, fc.jsonValue({ maxDepth: 4 })), (resource) => {
      const findings = fhir.validate(resource);
      for (const f of findings) assert.ok(f.ruleId && SEVERITIES.has(f.severity) && typeof f.location === 'string' && f.message.en, JSON.stringify(f));
      assert.equal(fhir.validateToOperationOutcome(resource).resourceType, 'OperationOutcome');
    }),
    fhirRuns.params,
  );
});

const random = rng('fuzz-schemas');
const titular = makeBeneficiario(random);
/** One valid message of each schema a node receives. */
const MESSAGES: [string, unknown][] = [
  ['beneficiario', titular],
  ['beneficiario', makeDependiente(random, titular)],
  ['baja', { motivo: 'DEFUNCION', fechaBaja: '2025-06-01' }],
  [
    'evento-indice',
    {
      evento: 'ALTA',
      institucion: 'IMSS',
      curp: titular.curp,
      tipo: 'TITULAR',
      estatus: 'VIGENTE',
      vigenciaInicio: '2020-01-01',
      nombre: titular.nombre,
      primerApellido: titular.primerApellido,
      segundoApellido: titular.segundoApellido,
      fechaNacimiento: titular.fechaNacimiento,
      sexo: titular.sexo,
      ocurridoEn: '2025-06-15T10:00:00Z',
    },
  ],
];

const schemaRuns = fuzzRuns(1000);
test(`the JSON Schema validator never throws on mutated messages, and locates every finding by a JSON pointer ${schemaRuns.label}`, () => {
  const schemas = pgsSchemas();
  for (const [schema, message] of MESSAGES) assert.deepEqual(schemas.validate(schema, message, 'RN-10'), [], schema);
  const bySchema = fc.constantFrom(...MESSAGES).chain(([schema, message]) => fc.tuple(fc.constant(schema), fc.oneof({ weight: 4, arbitrary: mutatedJson([message]) }, fc.jsonValue({ maxDepth: 3 }))));
  fc.assert(
    fc.property(bySchema, ([schema, value]) => {
      for (const f of schemas.validate(schema, value, 'RN-10')) {
        assert.ok(f.ruleId === 'RN-10' || f.ruleId === 'SELLO-LIMIT', f.ruleId);
        assert.ok(f.location === '' || f.location.startsWith('/'), f.location);
        assert.ok(f.message.en && f.message.es, JSON.stringify(f));
      }
    }),
    schemaRuns.params,
  );
});

/** Whether JSON.parse reads the text as parseJson must (a leading byte order mark is allowed). */
const parses = (text: string): boolean => {
  try {
    JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return true;
  } catch {
    return false;
  }
};

const parseRuns = fuzzRuns(1000);
test(`parseJson never throws on random, mutated or deeply nested text: a value exactly when JSON.parse reads it, else one finding with a position ${parseRuns.label}`, () => {
  const deep = fc.tuple(fc.constantFrom('[', '{"a":', '[1,'), fc.integer({ min: 1, max: 50_000 }), fc.string({ maxLength: 3 })).map(([open, n, tail]) => open.repeat(n) + tail);
  const text = fc.oneof({ weight: 4, arbitrary: mutatedJsonText(MESSAGES.map(([, m]) => m)) }, fc.string({ maxLength: 100 }), deep);
  fc.assert(
    fc.property(text, fc.boolean(), (t, asBytes) => {
      const result = parseJson(asBytes ? Buffer.from(t, 'utf8') : t, 'RN-10');
      assert.equal(result.ok, parses(t), t.slice(0, 200));
      if (!result.ok) {
        assert.equal(result.finding.ruleId, 'RN-10');
        assert.match(result.finding.message.en, /^(Malformed JSON at position \d+ \(line \d+, column \d+\)|The message is empty|The message is not valid UTF-8)/);
      }
    }),
    // A counterexample found before, replayed first whatever the seed: firstSyntaxError recursed into a RangeError.
    { ...parseRuns.params, examples: [['['.repeat(50_000), false]] },
  );
});
