import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { type BuildReportOptions, buildReport } from '../../src/report/build-report.ts';
import { verifyRunDirectory } from '../../src/report/integrity.ts';
import { Pseudonymizer } from '../../src/report/redact.ts';
import { collectUrl } from '../../src/report/redact-collect.ts';
import { redactionFilter } from '../../src/report/redact-files.ts';
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

test('file-level forms: URL-encoded, JSON-escaped, HTML, ER7; birth dates to the year, postal codes to two digits', () => {
  const p = new Pseudonymizer();
  p.collect({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:dni', value: '42088901-K' }],
    name: [{ family: 'Cerdán Castrejón', given: ['Luz', 'Nelly'] }],
    birthDate: '1995-08-23',
    address: [{ postalCode: '15001', line: ['Jr. Sintético 385'] }],
  });
  p.collect('MSH|^~\\&|A|B|C|D|20261205093651||ADT^A04|X1|P|2.5\rPID|1||55889285^D^^RENIEC^NI||ÑONTOL VÁSQUEZ^ROSA^^^^^L||19810620|F|||JR. X 1^^^^13001^PER^H^^061201\rNK1|1|QUISPE^MARIO');
  const luz = p.pseudonym('NAME', 'LUZ');
  const cerdan = p.pseudonym('NAME', 'CERDÁN');
  const dni = p.pseudonym('DNI', '42088901');
  // The same person, whatever the spelling or encoding of the file: one pseudonym.
  assert.equal(p.text('{"given":["Luz"],"family":"Cerdán Castrejón"}'), `{"given":["${luz}"],"family":"${cerdan} ${p.pseudonym('NAME', 'CASTREJÓN')}"}`);
  assert.equal(p.text('PID|1||42088901^K^^RENIEC^NI||CERDÁN CASTREJÓN^LUZ^NELLY'), `PID|1||${dni}^K^^RENIEC^NI||${cerdan} ${p.pseudonym('NAME', 'CASTREJÓN')}^${luz}^${p.pseudonym('NAME', 'NELLY')}`);
  assert.equal(p.text('/fhir/Patient?identifier=urn%3Adni%7C42088901&name=Cerd%C3%A1n'), `/fhir/Patient?identifier=urn%3Adni%7C${dni}&name=${cerdan}`);
  assert.equal(
    p.text('"body":"MSH|…\\rPID|1||55889285^D\\rNK1|1|QUISPE^MARIO"'),
    `"body":"MSH|…\\rPID|1||${p.pseudonym('DNI', '55889285')}^D\\rNK1|1|${p.pseudonym('NAME', 'QUISPE')}^${p.pseudonym('NAME', 'MARIO')}"`,
  );
  assert.equal(p.text('<td>Ñontol &amp; Rosa</td>'), `<td>${p.pseudonym('NAME', 'ÑONTOL')} &amp; ${p.pseudonym('NAME', 'ROSA')}</td>`);
  assert.equal(p.text('"birthDate":"1995-08-23" PID-7 19950823 PID-7 19810620'), '"birthDate":"1995" PID-7 1995 PID-7 1981');
  assert.equal(p.text('"postalCode":"15001" ^13001^PER^H^^061201'), '"postalCode":"15" ^13^PER^H^^06');
  // A street line as a whole, as written and in v2's upper case; its number alone is nobody's.
  const street = p.pseudonym('ADDRESS', 'JR. SINTÉTICO 385');
  assert.equal(
    p.text('"line":["Jr. Sintético 385"] PID-11 JR. SINTÉTICO 385^^CAJAMARCA <td>Jr. Sintético 385</td> size 385'),
    `"line":["${street}"] PID-11 ${street}^^CAJAMARCA <td>${street}</td> size 385`,
  );
  // A name too short to be looked for as a word is replaced where a member or a query parameter names it.
  const uc = p.pseudonym('NAME', 'UC');
  assert.equal(
    p.text('{"primerApellido":"UC"} "{\\"segundoApellido\\": \\"Uc\\"}" &quot;apellido1&quot;:&quot;UC&quot; ?apellido1=UC&x=1 "sexo":"UC"'),
    `{"primerApellido":"${uc}"} "{\\"segundoApellido\\": \\"${uc}\\"}" &quot;apellido1&quot;:&quot;${uc}&quot; ?apellido1=${uc}&x=1 "sexo":"UC"`,
  );
  // A DNI in a FHIR search that no body carried is caught by its context.
  assert.equal(p.text('Patient?identifier=http%3A%2F%2Fx%7C87654321'), `Patient?identifier=http%3A%2F%2Fx%7C${p.pseudonym('DNI', '87654321')}`);
  // Not persons: timestamps, a date that is nobody's birth date, hashes, UUIDs, lower-case words, surname particles.
  const untouched = [
    '2026-12-05T09:36:51.436Z 1995-08-24 15002 content-length: 150010',
    'sha256 917f0e01e01d5c6b74186230673a 993f2998-65ca-4e6f-8115-a74186230673 start 1796463976861',
    'la luz del día; campos de la rosa',
  ];
  for (const t of untouched) assert.equal(p.text(t), t);
});

test('a UUID identifier of a person is replaced whole; other UUIDs sharing a word with it, or a Task searched by one, are not', () => {
  const p = new Pseudonymizer();
  p.collect({ resourceType: 'Patient', identifier: [{ value: 'A930EAC1-a179-41db-bb49-dde339706a2a' }] });
  assert.equal(p.text('urn:uuid:a930eac1-a179-41db-bb49-dde339706a2a'), `urn:uuid:${p.pseudonym('ID', 'a930eac1-a179-41db-bb49-dde339706a2a')}`);
  const other = 'allure-results/59e55624-cbb6-41db-bbba-d8b67ed6eb6f-attachment';
  assert.equal(p.text(other), other);
  const q = new Pseudonymizer();
  const task = 'Task?identifier=http%3A%2F%2Fx%7Cae882ec5-dd56-4833-9fba-e565dba78bb1';
  collectUrl(task, (kind, v) => q.remember(kind, v));
  collectUrl('Patient?identifier=http%3A%2F%2Fx%7C42088901', (kind, v) => q.remember(kind, v));
  assert.equal(q.text(task), task);
  assert.equal(q.text('PID|1||42088901^K'), `PID|1||${q.pseudonym('DNI', '42088901')}^K`);
});

test('a base64 attachment of the cucumber messages is decoded, redacted and encoded again; binary is left alone', () => {
  const p = new Pseudonymizer();
  p.collect({ curp: CURP, nombre: 'JUAN' });
  const filter = redactionFilter(p);
  const body = Buffer.from(`{"curp":"${CURP}","nombre":"JUAN"}`).toString('base64');
  const out = filter(JSON.stringify({ attachment: { body, contentEncoding: 'BASE64', mediaType: 'application/json' } }), 'cucumber-messages.ndjson');
  const decoded = Buffer.from((JSON.parse(out) as { attachment: { body: string } }).attachment.body, 'base64').toString('utf8');
  assert.equal(decoded, `{"curp":"${p.pseudonym('CURP', CURP)}","nombre":"${p.pseudonym('NAME', 'JUAN')}"}`);
  const binary = JSON.stringify({ attachment: { body: Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64'), contentEncoding: 'BASE64', mediaType: 'image/png' } });
  assert.equal(filter(binary, 'cucumber-messages.ndjson'), binary);
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

/** A CDA document of the shape mx-ece and ru-egisz carry: patient and author by element name, ids under their roles. */
const cda = (family: string, given: string, snils: string, birth: string, author = ['Петрова', 'Анна']): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole><id root="1.2.643.100.3" extension="${snils}"/><patient><name><family>${family}</family><given>${given}</given></name><birthTime value="${birth}"/></patient></patientRole></recordTarget><author><assignedAuthor><id root="1.2.643.100.3" extension="112-233-445 95"/><assignedPerson><name><family>${author[0]}</family><given>${author[1]}</given></name></assignedPerson></assignedAuthor></author><custodian><representedCustodianOrganization><id extension="1027700000000"/><name>ГБУЗ Поликлиника</name></representedCustodianOrganization></custodian></ClinicalDocument>`;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

test('XML bodies: SOAP metadata and CDA by element name, a CDA in base64 inside SOAP or FHIR decoded, redacted, encoded again', () => {
  const p = new Pseudonymizer();
  const document = cda('Смирнова', 'Ольга', '123-456-789 64', '19870412');
  const soap = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:svc="urn:svc"><env:Body><svc:registerDocument><svc:patient><svc:snils>12345678964</svc:snils><svc:family>Смирнова</svc:family><svc:given>Ольга</svc:given><svc:birthDate>1987-04-12</svc:birthDate></svc:patient></svc:registerDocument></env:Body></env:Envelope>`;
  const pull = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:cb="urn:cb"><env:Body><cb:getDocumentFileResponse><cb:file>${b64(document)}</cb:file></cb:getDocumentFileResponse></env:Body></env:Envelope>`;
  const ece = {
    resourceType: 'DocumentReference',
    content: [{ attachment: { contentType: 'application/hl7-cda+xml', data: b64(cda('MENDOZA', 'MONICA', 'MERM150828MTLNDNT1', '20150828', ['GONZALEZ', 'JUAN'])) } }],
  };
  // Only the pull and the FHIR attachment name the author and the second patient: read from the base64 alone.
  p.collect([pull, ece]);
  p.collect(soap);
  const line = JSON.stringify({ request: { body: soap }, response: { body: pull }, ece });
  const red = p.text(line);
  for (const value of ['Смирнова', 'Ольга', '12345678964', '1987-04-12', 'MENDOZA', 'MONICA']) assert.ok(!red.includes(value), `${value} left in ${red.slice(0, 300)}`);
  assert.match(red, /<svc:birthDate>1987<\/svc:birthDate>/, 'a birth date drops to its year');
  const parsed = JSON.parse(red) as { response: { body: string }; ece: typeof ece };
  const file = Buffer.from(/<cb:file>([^<]+)</.exec(parsed.response.body)![1]!, 'base64').toString('utf8');
  assert.match(file, /<family>NAME_[0-9a-f]{10}<\/family><given>NAME_[0-9a-f]{10}<\/given>/, 'the CDA decodes to redacted XML');
  assert.match(file, /extension="SNILS_[0-9a-f]{10}"/, 'the patient SNILS, in its dashed spelling');
  assert.match(file, /<birthTime value="1987"\/>/);
  assert.ok(!file.includes('Петрова') && !file.includes('112-233-445 95'), 'the author, named only in the document');
  assert.ok(file.includes('ГБУЗ Поликлиника') && file.includes('1027700000000'), "the organization's name and id are not a person's");
  const summary = Buffer.from(parsed.ece.content[0]!.attachment.data, 'base64').toString('utf8');
  assert.ok(!/MERM150828MTLNDNT1|MONICA|GONZALEZ/.test(summary), summary);
});

test('a message cut short still names its persons; NDJSON exports are read a line at a time', () => {
  const p = new Pseudonymizer();
  p.collect('<env:Envelope xmlns:env="urn:env"><env:Body><svc:patient><svc:family>Кузнецова</svc:family><svc:birthDate>1990-02-25</svc:birthDate></svc:patient>');
  p.collect(`${JSON.stringify({ resourceType: 'Patient', name: [{ family: 'IBARRA', given: ['XOCHITL'] }] })}\n${JSON.stringify({ resourceType: 'Encounter', id: 'e1' })}\n`);
  const red = p.text('Кузнецова 1990-02-25 IBARRA XOCHITL Encounter');
  assert.ok(!/Кузнецова|1990-02-25|IBARRA|XOCHITL/.test(red), red);
  assert.match(red, /1990 /);
  assert.match(red, /Encounter$/);
});

test("a certificate in base64 (wrapped, as XMLDSig writes it) is replaced whole when its subject carries a person's SNILS; one without is kept", () => {
  const p = new Pseudonymizer();
  p.collect('<svc:snils xmlns:svc="urn:svc">58223035169</svc:snils>');
  // A DER fragment: the SNILS runs straight into the next field's tag byte ('1' = 0x31, a SET).
  const der = (snils: string) =>
    Buffer.concat([
      Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x06, 0x08, 0x2a, 0x85, 0x03, 0x64, 0x03, 0x01, 0x12, 0x0b]),
      Buffer.from(snils, 'latin1'),
      Buffer.from('1\u0000\u00ff\u00fe\u0001', 'latin1'),
      Buffer.alloc(40, 0xab),
    ]);
  const wrapped = (bytes: Buffer) => bytes.toString('base64').replace(/(.{64})/g, '$1\n');
  const signature = (bytes: Buffer) =>
    `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${wrapped(bytes)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  const holder = p.text(signature(der('58223035169')));
  assert.match(holder, /<ds:X509Certificate>ID_[0-9a-f]{10}<\/ds:X509Certificate>/);
  const stranger = signature(der('00000000000'.replace(/0/g, 'x')));
  assert.equal(p.text(stranger), stranger, 'nothing of a person in it: left as it is');
  // Inside a signature itself in base64 (REMD's file pull carries it so), and JSON-escaped in a journal line.
  const nested = JSON.stringify({ body: `<cb:signature>${b64(signature(der('58223035169')))}</cb:signature>` });
  const decoded = Buffer.from(/<cb:signature>([^<]+)</.exec((JSON.parse(p.text(nested)) as { body: string }).body)![1]!, 'base64').toString('utf8');
  assert.match(decoded, /<ds:X509Certificate>ID_[0-9a-f]{10}<\/ds:X509Certificate>/);
});
