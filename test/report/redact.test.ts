import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { type BuildReportOptions, buildReport } from '../../src/report/build-report.ts';
import { verifyRunDirectory } from '../../src/report/integrity.ts';
import { Pseudonymizer } from '../../src/report/redact.ts';
import type { FixtureRun } from './helpers.ts';
import { CATALOGUE, cleanup, readEnvelopes, runCucumberFixture, writeEnvelopes } from './helpers.ts';

const CURP = 'GOMC800101HDFRRR09';
const CURP_SHAPE = /[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d/;

test('pseudonyms: stable within a run, keyed by field and by shape, keys kept', () => {
  const p = new Pseudonymizer();
  const body = {
    curp: CURP,
    nombre: 'JUAN',
    primerApellido: 'NUÑEZ',
    segundoApellido: 'MARTINEZ',
    sexo: 'H',
    afiliacion: { numeroAfiliacion: '48864490825', institucion: 'IMSS' },
    dni: '12345678',
    rfc: 'GOMC800101AB1',
  };
  p.collect(body);
  const red = p.redact(body);
  assert.deepEqual(Object.keys(red), Object.keys(body), 'JSON pointers still point where they did');
  assert.match(red.curp, /^CURP_[0-9a-f]{10}$/);
  assert.match(red.nombre, /^NAME_[0-9a-f]{10}$/);
  assert.match(red.afiliacion.numeroAfiliacion, /^NSS_/);
  assert.match(red.dni, /^DNI_/);
  assert.match(red.rfc, /^RFC_/);
  assert.equal(red.sexo, 'H');
  assert.equal(red.afiliacion.institucion, 'IMSS');
  // Free text: the same values get the same pseudonyms; shapes are caught even when never seen in a field.
  const text = p.text(`La CURP ${CURP} de JUAN NUÑEZ ya está vigente; otra: PEMA900215MDFRRN05, NSS 48864490825, RFC PEMA900215XY2 en /beneficiarios/${CURP}`);
  assert.ok(text.includes(red.curp) && text.includes(red.nombre) && text.includes(red.primerApellido) && text.includes(red.afiliacion.numeroAfiliacion));
  assert.doesNotMatch(text, CURP_SHAPE);
  assert.doesNotMatch(text, /JUAN|NUÑEZ|48864490825|PEMA900215XY2/);
  assert.ok(text.includes('/beneficiarios/CURP_'), 'URLs keep their structure');
  // Not a person's identifier: timestamps, UUIDs, short words.
  assert.equal(p.text('2026-11-28T00:28:15.217Z 3717528f-d9d9-465d-beda-e0b64d1053f0 ANA'), '2026-11-28T00:28:15.217Z 3717528f-d9d9-465d-beda-e0b64d1053f0 ANA');
  assert.notEqual(new Pseudonymizer().pseudonym('CURP', CURP), p.pseudonym('CURP', CURP), 'another run, another salt: not linkable');
});

describe('sello run --redact', () => {
  let fixture: FixtureRun;
  let outDir: string;
  let opts: BuildReportOptions;
  before(async () => {
    fixture = await runCucumberFixture(['--tags', 'not @RN-05 and not @RN-07']);
    // A finding that quotes the CURP, as real rule messages do.
    const envelopes = await readEnvelopes(fixture.messagesFile);
    const i = envelopes.findIndex((e) => e.attachment?.mediaType === 'application/vnd.sello.exchange+json');
    const host = envelopes[i]?.attachment;
    assert.ok(host);
    const finding: Envelope = {
      attachment: {
        ...host,
        mediaType: 'application/vnd.sello.finding+json',
        body: JSON.stringify({
          ruleId: 'RN-01',
          severity: 'warning',
          code: 'value',
          location: '/curp',
          locationKind: 'json-pointer',
          message: { en: `CURP ${CURP} looks odd`, es: `La CURP ${CURP} es rara` },
        }),
      },
    };
    const file = path.join(fixture.dir, 'with-finding.ndjson');
    await writeFile(file, writeEnvelopes([...envelopes.slice(0, i + 1), finding, ...envelopes.slice(i + 1)]));
    outDir = path.join(fixture.dir, 'redacted');
    opts = {
      messagesFile: file,
      outDir,
      runId: 'run-red',
      program: 'mx-pgs',
      programVersion: '1',
      rules: CATALOGUE,
      sut: { role: 'all', baseUrl: 'reference', kind: 'reference' },
      seed: '1',
      startedAt: '2025-01-01T00:00:00.000Z',
      seloVersion: '0.1.0',
      redact: true,
    };
    await buildReport(opts);
  });
  after(() => cleanup(fixture.dir));

  test('no CURP is left in report.json, report.html, junit.xml, fhir/ or the evidence, and the report says what it did', async () => {
    for (const f of ['report.json', 'report.html', 'junit.xml', 'fhir/features-alta.json', 'evidence/exchanges.ndjson', 'evidence/cucumber-messages.ndjson']) {
      const text = await readFile(path.join(outDir, f), 'utf8');
      assert.doesNotMatch(text, CURP_SHAPE, `${f} still holds a CURP`);
    }
    const report = JSON.parse(await readFile(path.join(outDir, 'report.json'), 'utf8')) as { redaction: { applied: boolean; kinds: string[]; rawFiles: string[] } };
    assert.equal(report.redaction.applied, true);
    assert.ok(report.redaction.kinds.includes('CURP'));
    assert.deepEqual(report.redaction.rawFiles, [], 'no file of the run is left raw');
  });

  test('one CURP, one pseudonym, wherever it appears in the report', async () => {
    const json = await readFile(path.join(outDir, 'report.json'), 'utf8');
    const html = await readFile(path.join(outDir, 'report.html'), 'utf8');
    const inJson = new Set(json.match(/CURP_[0-9a-f]{10}/g));
    const inHtml = new Set(html.match(/CURP_[0-9a-f]{10}/g));
    assert.equal(inJson.size, 1, [...inJson].join());
    assert.deepEqual(inHtml, inJson, 'the finding text and every message body agree');
    assert.ok((html.match(/CURP_[0-9a-f]{10}/g) ?? []).length >= 5);
  });

  test('the evidence is redacted before it is hashed: every hash still verifies', async () => {
    const r = await verifyRunDirectory(outDir);
    assert.equal(r.ok, true, JSON.stringify(r.files.filter((f) => f.status !== 'ok')));
  });

  test('without --redact the evidence stays raw for the regulator', async () => {
    const rawDir = path.join(fixture.dir, 'raw');
    await buildReport({ ...opts, outDir: rawDir, redact: false });
    assert.match(await readFile(path.join(rawDir, 'evidence/exchanges.ndjson'), 'utf8'), new RegExp(CURP));
    assert.match(await readFile(path.join(rawDir, 'report.html'), 'utf8'), new RegExp(CURP));
  });
});
