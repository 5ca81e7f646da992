import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCdaSummary, summaryXml } from '../../programs/mx-ece/lib/cda-check.ts';
import { cdaSummary } from '../../programs/mx-ece/lib/cda-summary.ts';
import { documentBundle } from '../../programs/mx-ece/lib/expediente.ts';
import type { FhirResource } from '../../programs/mx-ece/lib/record.ts';
import { generateRecord } from '../../programs/mx-ece/lib/synthetic-record.ts';
import { SeededRandom } from '../../src/identifiers/mx/index.ts';

const now = new Date('2026-06-01T12:00:00Z');
const record = generateRecord(new SeededRandom('cda-test'), { now });
const xml = cdaSummary(record, { now });
const brief = (fs: { ruleId: string; location: string; message: { en: string } }[]): string[] => fs.map((f) => `${f.ruleId} ${f.location} ${f.message.en.split(':')[0]}`);

describe('mx-ece GIIS-A001 summary (RE-07)', () => {
  it('passes the XSD and the Schematron for generated records, with their CURP', async () => {
    for (let i = 0; i < 5; i++) {
      const r = generateRecord(new SeededRandom(`cda${i}`), { now });
      assert.deepEqual(await checkCdaSummary(cdaSummary(r, { now }), r.curp), []);
    }
  });

  it('carries the header GIIS-A001 asks for and only the last 7 years', () => {
    assert.match(xml, /<realmCode code="MX"\/>/);
    assert.match(xml, /<templateId root="2\.16\.840\.1\.113883\.3\.215\.11\.1\.1"\/>/);
    assert.ok(xml.includes(`<id root="2.16.840.1.113883.4.629" extension="${record.curp}"/>`));
    assert.match(xml, /<id root="2\.16\.840\.1\.113883\.4\.631" extension="[A-Z]{2}IMS\d{6}"\/>/);
    assert.ok(!/effectiveTime value="201[0-8]/.test(xml.split('<structuredBody>')[1] ?? ''));
  });

  it('is the summary the ExpedienteBundle carries', async () => {
    const entries = (documentBundle(record, { now, bundleId: 'x' }).entry as { resource: FhirResource }[]).map((e) => e.resource);
    const text = summaryXml(entries.at(-1));
    assert.equal(text?.toString('utf8'), xml);
    assert.deepEqual(await checkCdaSummary(text as Buffer, record.curp), []);
  });

  it('fails the XSD at the element out of place', async () => {
    const found = await checkCdaSummary(xml.replace(/<birthTime value="\d+"\/>/, ''), record.curp);
    // The Schematron still runs, so a missing birth date is also GIIS-13's.
    assert.deepEqual(brief(found), [
      'RE-07 /hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:patient[1] XSD-element-missing',
      'RE-07 /hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1] GIIS-13',
    ]);
    const moved = await checkCdaSummary(xml.replace(/(<languageCode code="es-MX"\/>)/, '<setId root="1.2.3"/>$1'), record.curp);
    assert.deepEqual(brief(moved), ['RE-07 /hl7:ClinicalDocument/hl7:languageCode[1] XSD-element-unexpected']);
  });

  it('fails the Schematron with the assert id, located', async () => {
    const us = await checkCdaSummary(xml.replace('<realmCode code="MX"/>', '<realmCode code="US"/>'), record.curp);
    assert.deepEqual(brief(us), ['RE-07 /hl7:ClinicalDocument GIIS-01']);
    const dotted = await checkCdaSummary(xml.replace(/(<value xsi:type="CD" code=")([A-Z]\d\d)(\w*)"/, '$1$2.$3"'), record.curp);
    assert.deepEqual(brief(dotted), ['RE-07 /hl7:ClinicalDocument/hl7:component[1]/hl7:structuredBody[1]/hl7:component[1]/hl7:section[1]/hl7:entry[1]/hl7:observation[1] GIIS-32']);
    const sex = await checkCdaSummary(xml.replace(/administrativeGenderCode code="[MF]"/, 'administrativeGenderCode code="UN"'), record.curp);
    assert.deepEqual(brief(sex), ['RE-07 /hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1] GIIS-15']);
  });

  it('RE-07.2: names the CURP that is not the Bundle’s, at its attribute', async () => {
    const found = await checkCdaSummary(xml, 'GOMC800101HDFRRR09');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.location, '/hl7:ClinicalDocument/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:id[1]/@extension');
    assert.match(found[0]?.message.es ?? '', /no es la del paciente del Bundle/);
  });

  it('answers malformed XML with a finding, not a throw', async () => {
    const found = await checkCdaSummary('<ClinicalDocument xmlns="urn:hl7-org:v3"><realmCode', record.curp);
    assert.equal(found[0]?.ruleId, 'RE-07');
    assert.ok(found[0]?.message.es);
  });
});
